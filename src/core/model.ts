// The plain, serialisable data the core hands to every front end (CLI, language server, webviews).
// Readers produce "facts"; the graph layer joins facts into assets and edges.

export type AssetType =
  | 'table'
  | 'view'
  | 'dbt_model'
  | 'dbt_seed'
  | 'dbt_snapshot'
  | 'dbt_exposure'
  | 'dag'
  | 'airflow_task'
  | 'spark_job'
  | 'dvc_stage'
  | 'file'
  | 'mlflow_run'
  | 'mlflow_model'
  | (string & {}); // lineage.yml may declare other kinds (e.g. "dashboard")

/** 1-based line and column, as editors and compilers print them. */
export interface Location {
  path: string; // workspace-relative, forward slashes
  line: number;
  column: number;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  path: string;
  line: number;
  column?: number;
  severity: Severity;
  message: string;
  /** Stable machine-readable kind, e.g. "sql-parse", "jinja-render", "yaml-parse", "unknown-ref". */
  code: string;
}

export interface ColumnInfo {
  name: string;
  type?: string;
  description?: string;
  tests?: string[];
  location?: Location;
}

/** A physical relation as a tool names it; parts are compared case-insensitively. */
export interface Relation {
  database?: string;
  schema?: string;
  name: string;
}

/**
 * How a column is used by the statement that mentions it. The first three flow into an output
 * column (column lineage follows them); the rest are reads (impact counts them, lineage does not).
 */
export type ColumnUsage = 'identity' | 'transform' | 'aggregate' | 'filter' | 'join' | 'group' | 'order' | 'window';

export const FLOW_USAGES: ReadonlySet<ColumnUsage> = new Set(['identity', 'transform', 'aggregate']);

/**
 * explicit: the name is written in the consumer (a SQL column reference, a YAML column).
 * inferred: the dependency exists but is less certain (through `select *`, a Python variable,
 * string-built SQL, a declared reference) — impact reports it as a warning.
 */
export type Confidence = 'explicit' | 'inferred';

/** How a fact names an upstream asset before the graph layer resolves it. */
export type UpstreamRef =
  | { kind: 'ref'; name: string; package?: string; version?: string }
  | { kind: 'source'; source: string; table: string }
  | { kind: 'relation'; relation: Relation }
  | { kind: 'name'; name: string } // any asset name or id (lineage.yml, exposures)
  | { kind: 'path'; path: string };

/** SQL the column phase analyses: a whole file (plain SQL) or one dbt model. */
export interface QuerySource {
  /** The file the SQL came from, and its original text (positions map back to this). */
  path: string;
  originalText: string;
  dialect: string;
  /** A dbt model owns every statement of its file; plain SQL statements name their own targets. */
  ownerId?: string;
  /** The SQL as the database will see it; for dbt models it is rendered later, on demand. */
  sql?: string;
  /** Where the SQL sits in `originalText` when it is embedded (a string in a DAG or Spark job). */
  range?: { start: number; end: number };
  /** The SQL was found through a variable: its column references are less certain (warnings). */
  inferred?: boolean;
  /**
   * Names in the SQL that stand for something else, not for a table of that name: a Spark
   * temporary view is the dataset it was made from (or the job itself, when that is not one dataset).
   */
  relations?: { relation: Relation; upstream: UpstreamRef }[];
}

/** A reference to an upstream column declared by hand (lineage.yml) rather than found in SQL. */
export interface DeclaredColumnRef {
  upstream: UpstreamRef;
  column: string;
  usage: ColumnUsage;
  confidence: Confidence;
  /** The output column it flows into, when it does. */
  outputColumn?: string;
  /** Where the reference is written, when the reader knows (code readers do; lineage.yml does not). */
  locations?: Location[];
}

/** What a reader knows about one asset. Several facts may describe the same physical asset. */
export interface AssetFact {
  /** Stable id, e.g. "model.shop.stg_orders", "source.shop.raw.orders", "table:raw.orders". */
  id: string;
  asset_type: AssetType;
  name: string;
  source_ref: string;
  /** Other names the asset answers to on the command line (e.g. "raw.raw_orders" for a source). */
  aliases?: string[];
  relation?: Relation;
  location?: Location;
  columns?: ColumnInfo[];
  /** True when `columns` is the full list (DDL, seed header), not just the documented ones. */
  columnsComplete?: boolean;
  upstream: UpstreamRef[];
  /**
   * What this asset runs or builds, each downstream of it: the dbt models an Airflow task runs,
   * the Spark job it submits. Named the way upstream references are, resolved the same way.
   */
  runs?: UpstreamRef[];
  declaredColumnRefs?: DeclaredColumnRef[];
  /** Which reader made the fact; decides precedence when facts merge (see graph/assetMerge.ts). */
  origin: 'dbt' | 'manifest' | 'sql' | 'lineage_yml' | 'airflow' | 'spark' | 'dvc' | 'mlflow';
  meta?: Record<string, unknown>;
}

/** A proposed change, in the tutorial's shape. */
export type ProposedChange =
  | { type: 'column_rename'; from: string; to: string }
  | { type: 'column_drop'; column: string }
  | { type: 'column_type_change'; column: string; to: string }
  | { type: 'table_rename'; to: string }
  | { type: 'table_drop' };

/** A change found in a migration file: the target relation plus the change, with its position. */
export interface MigrationChange {
  relation: Relation;
  change: ProposedChange;
  location: Location;
}

/** Everything one file contributed. */
export interface FileFacts {
  path: string;
  assets: AssetFact[];
  changes: MigrationChange[];
  queries: QuerySource[];
  diagnostics: Diagnostic[];
}
