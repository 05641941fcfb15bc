// Every custom message between the extension (client) and the language server, declared once.
// Both sides import these objects, so a request's name and its parameter and result types cannot
// drift apart. Results reuse the core's plain data (the same JSON the CLI prints).
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { ProposedChange } from '../core/model';
import type { ImpactReport } from '../core/impact/impactAnalysis';
import type { LineageNode, Direction } from '../core/query/lineageTree';
import type { ColumnsAnswer } from '../core/query/columnLineage';

/** An asset as a pick list or a link shows it; `uri`/`line` open where it is defined. */
export interface AssetLink {
  id: string;
  name: string;
  asset_type: string;
  uri?: string;
  /** 0-based, as the editor counts. */
  line?: number;
  character?: number;
}

/** A failed lookup: unknown or ambiguous name. Never thrown across the wire as a crash. */
export interface LookupError {
  error: string;
  candidates?: string[];
}

/** `lineage/assets`: every asset, for quick picks (optionally filtered by a name fragment). */
export const AssetsRequest = new RequestType<{ query?: string }, AssetLink[], void>('lineage/assets');

/** `lineage/fileAssets`: the assets a file defines, in line order (the active editor's assets). */
export const FileAssetsRequest = new RequestType<{ uri: string }, AssetLink[], void>('lineage/fileAssets');

/** `lineage/neighbours`: the direct upstream and downstream assets of one asset (CodeLens target). */
export interface NeighboursResult {
  asset: AssetLink;
  upstream: AssetLink[];
  downstream: AssetLink[];
}
export const NeighboursRequest = new RequestType<{ asset: string }, NeighboursResult | LookupError, void>('lineage/neighbours');

/** `lineage/graph`: the lineage tree around an asset, the CLI's `lineage --json` shape. */
export const GraphRequest = new RequestType<{ asset: string; direction?: Direction; depth?: number }, { graph: LineageNode } | LookupError, void>('lineage/graph');

/** `lineage/columns`: an asset's columns with their upstream and downstream columns. */
export const ColumnsRequest = new RequestType<{ asset: string }, ColumnsAnswer | LookupError, void>('lineage/columns');

/** `lineage/impact`: what proposed changes to one asset break (the CLI's `impact --json`). */
export const ImpactRequest = new RequestType<{ asset: string; changes: ProposedChange[] }, ImpactResult | LookupError, void>('lineage/impact');

/**
 * `lineage/migrationImpact`: the impact of a migration file. `text` is the content to analyse
 * (the unsaved buffer, or the content about to be saved); without it the server's view is used.
 */
export const MigrationImpactRequest = new RequestType<{ uri: string; text?: string }, ImpactResult | MigrationLookupError, void>('lineage/migrationImpact');

/** No report for a migration; `unknownTargets` is set when tables it changes are unknown (the impact panel opens for those). */
export interface MigrationLookupError extends LookupError {
  unknownTargets?: string[];
}

export interface ImpactResult {
  report: ImpactReport & { migration?: string; changed_assets?: string[] };
  /** Tables the migration changes that the workspace does not know (not checked). */
  unknownTargets: string[];
  /** The report as Markdown with file links, ready to show or copy. */
  markdown: string;
}

/**
 * `lineage/graphData`: the neighbourhood of an asset for the graph view: `upstreamDepth` and
 * `downstreamDepth` hops (0 = none), at most `nodeBudget` nodes (nodes beyond it are left out and
 * counted on the node that leads to them), optionally with column-level edges.
 */
export interface GraphQuery {
  focus: string;
  upstreamDepth: number;
  downstreamDepth: number;
  /** Asset types to leave out (the focus is always kept). */
  excludeTypes?: string[];
  nodeBudget?: number;
  columns?: boolean;
}

export interface GraphNode extends AssetLink {
  /** Hops from the focus: negative upstream, positive downstream, 0 the focus. */
  depth: number;
  columns: { name: string; type?: string; line?: number; character?: number }[];
  /** Neighbours left out by the depth limit or the node budget (the "+N" on a node). */
  hiddenUpstream: number;
  hiddenDownstream: number;
  /** A DVC stage whose dependencies changed since dvc.lock, an MLflow run on stale data. */
  stale?: boolean;
  diagnostics?: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  confidence: 'explicit' | 'inferred';
}

export interface ColumnEdge {
  from: string;
  fromColumn: string;
  to: string;
  /** The output column the value flows into; absent for reads (filters, joins, …). */
  toColumn?: string;
  usage: string;
  confidence: 'explicit' | 'inferred';
}

export interface GraphData {
  focus: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  columnEdges?: ColumnEdge[];
  /** True when the node budget cut the neighbourhood. */
  truncated: boolean;
}
export const GraphDataRequest = new RequestType<GraphQuery, GraphData | LookupError, void>('lineage/graphData');

/** `lineage/reindex`: drop every cached view and index the workspace again. */
export const ReindexRequest = new RequestType0<IndexStatus, void>('lineage/reindex');

/** `lineage/status` (server → client): what the status bar shows. */
export interface IndexStatus {
  state: 'indexing' | 'ready' | 'error';
  assets: number;
  edges: number;
  columnEdges: number;
  diagnostics: number;
  /** Duration of the last index build. */
  durationMs?: number;
  message?: string;
}
export const StatusNotification = new NotificationType<IndexStatus>('lineage/status');

/** Settings the server reads (section `datalineage`); the client passes them at start and on change. */
export interface ServerSettings {
  include: string[];
  exclude: string[];
  sqlDialect: string;
  migrationGlobs: string[];
  maxFileSizeKB: number;
  codeLens: {
    models: boolean;
    tables: boolean;
    sources: boolean;
    dags: boolean;
    sparkJobs: boolean;
    dvcStages: boolean;
    migrations: boolean;
  };
}

/** What the client passes in `initializationOptions`. */
export interface InitOptions {
  settings: ServerSettings;
  /** The extension's storage folder for the parse cache (outside the workspace). */
  storagePath?: string;
}
