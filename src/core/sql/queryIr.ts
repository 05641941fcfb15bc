// The query IR: node-sql-parser's AST reduced to scopes, sqlglot-style. It is plain JSON so the
// expensive part (parsing) can run in worker threads and be cached by content hash, while the
// cheap part (resolving columns against upstream schemas) runs later, once upstream columns are known.
import type { ColumnInfo, ColumnUsage, Relation } from '../model';

/** A column mention inside a scope, before it is resolved to a from-item. */
export interface ColRef {
  qualifier?: string;
  column: string;
  usage: ColumnUsage;
}

/** A mention of a subquery's result (scalar subquery, IN (…), EXISTS (…)). */
export interface SubRef {
  scope: number;
  usage: ColumnUsage;
}

export type FromItem =
  | { alias: string; kind: 'table'; relation: Relation }
  | { alias: string; kind: 'scope'; scope: number };

export type Projection =
  | { kind: 'column'; name: string; refs: ColRef[]; subs: SubRef[] }
  /** `*` / `t.*`, minus BigQuery's `EXCEPT (…)` / Snowflake's `EXCLUDE (…)` columns. */
  | { kind: 'star'; qualifier?: string; except?: string[] };

export type Scope =
  | {
      kind: 'select';
      parent?: number;
      from: FromItem[];
      projections: Projection[];
      /** Columns only read: where, join, group, having, order, window partition. */
      reads: ColRef[];
      readSubs: SubRef[];
    }
  | { kind: 'setop'; parent?: number; members: number[] };

export interface QueryIR {
  scopes: Scope[];
  root: number;
}

export type StatementKind = 'select' | 'create_table' | 'create_view' | 'create_table_as' | 'insert' | 'update' | 'merge' | 'other';

export interface StatementIR {
  kind: StatementKind;
  /** The relation the statement creates or writes, when it writes one. */
  target?: Relation;
  /** INSERT's explicit column list, or MERGE's target columns. */
  targetColumns?: string[];
  /** CREATE TABLE's column definitions. */
  columnDefs?: ColumnInfo[];
  query?: QueryIR;
  /** Offset of the statement in the text that was parsed, so positions map back. */
  start: number;
  end: number;
}

// Relations are never mutated and the IR hands the same object to every column read from it,
// so the key is computed once per object (this was ~0.5 s of 10,000 models' column phase).
const keys = new WeakMap<Relation, string>();

export function relationKey(r: Relation): string {
  let key = keys.get(r);
  if (key === undefined) {
    key = relationKeyOf(r.database, r.schema, r.name);
    keys.set(r, key);
  }
  return key;
}

/**
 * relationKey of a relation given by its parts: for a key asked once, where a relation object made
 * only to be keyed would cost an entry in the WeakMap above (and the collector's work on it).
 */
export function relationKeyOf(database: string | undefined, schema: string | undefined, name: string): string {
  let key = database || '';
  if (schema) key = key ? `${key}.${schema}` : schema;
  if (name) key = key ? `${key}.${name}` : name;
  return key.toLowerCase();
}

/** `[db, schema, name]`, `[schema, name]` or `[name]` as a relation; more parts keep the last three. */
export function relationFromParts(parts: string[]): Relation {
  const [database, schema] = [parts[parts.length - 3], parts[parts.length - 2]];
  return { ...(database !== undefined && { database }), ...(schema !== undefined && { schema }), name: parts[parts.length - 1] ?? '' };
}

export function formatRelation(r: Relation): string {
  return [r.database, r.schema, r.name].filter((p) => p).join('.');
}
