// Where a DataFrame is written: `df.write` chains (`mode`, `format`, `option`, then `saveAsTable`,
// `insertInto`, `save`, `parquet(path)`, `jdbc`), streaming writers (`toTable`, `start`).
import type { Location, Relation } from '../../model';
import type { PyNode } from '../../python/pythonParser';
import type { PyScopes } from '../../python/pyValues';
import { callArguments, stringValue } from '../../python/pyValues';
import { normalizePath } from '../../io/paths';
import type { Frame } from './sparkFrames';

export type Options = Map<string, PyNode>;
/** A DataFrameWriter; `frame` is undefined when what it writes could not be followed (`df.rdd.map(…).toDF()`). */
export type WriterValue = { kind: 'writer'; frame?: Frame; format?: string; options: Options };

export type WriteTarget = { kind: 'relation'; relation: Relation } | { kind: 'path'; path: string };

export interface SparkWrite {
  target: WriteTarget;
  /** The frame written; absent for SQL statements that write, and when it could not be followed. */
  frame?: Frame;
  /** A DataFrame is written, but the reader could not follow it: its columns are unknown. */
  unfollowed?: boolean;
  location: Location;
}

export const FILE_FORMATS = new Set(['parquet', 'csv', 'json', 'orc', 'text', 'avro', 'delta', 'xml', 'textFile']);

interface WriteContext {
  scopes: PyScopes;
  writes: SparkWrite[];
  at(node: PyNode): Location;
  /** An argument that names the target but is known only when the job runs. */
  unknownArg(node: PyNode | undefined, what: string): void;
}

export function writerMethod(ctx: WriteContext, w: WriterValue, method: string, call: PyNode): WriterValue | undefined {
  const { positional, keywords } = callArguments(call);
  const opt = (name: string) => w.options.get(name) ?? keywords.get(name);
  const write = (target: WriteTarget | undefined) => {
    if (target) ctx.writes.push({ target, frame: w.frame, ...(!w.frame && { unfollowed: true }), location: ctx.at(call) });
    return undefined;
  };
  const table = (n: PyNode | undefined) => {
    const s = stringValue(n, ctx.scopes);
    if (!s) ctx.unknownArg(n, 'the table this write names');
    return s ? ({ kind: 'relation', relation: tableRelation(s.value) } as const) : undefined;
  };
  const path = (n: PyNode | undefined) => {
    const s = stringValue(n, ctx.scopes);
    if (!s) ctx.unknownArg(n, 'the path this write saves to');
    return s ? ({ kind: 'path', path: normalizePath(s.value) } as const) : undefined;
  };
  if (method === 'format') return { ...w, format: stringValue(positional[0], ctx.scopes)?.value.toLowerCase() };
  if (method === 'option' && positional.length >= 2) {
    const key = stringValue(positional[0], ctx.scopes)?.value;
    return key ? { ...w, options: new Map(w.options).set(key.toLowerCase(), positional[1]) } : w;
  }
  if (method === 'options') return { ...w, options: withKeywords(w.options, keywords) };
  if (method === 'saveAsTable' || method === 'insertInto' || method === 'toTable') return write(table(positional[0] ?? keywords.get('name') ?? keywords.get('tableName')));
  if (method === 'jdbc') return write(table(positional[1] ?? keywords.get('table')));
  if (method === 'save' || method === 'start' || FILE_FORMATS.has(method)) {
    if (w.format === 'jdbc' || opt('dbtable')) return write(table(opt('dbtable')));
    return write(path(positional[0] ?? opt('path')) ?? (opt('table') ? table(opt('table')) : undefined));
  }
  return w; // mode(), partitionBy(), trigger() and the like keep the writer
}

export function withKeywords(options: Options, keywords: Map<string, PyNode>): Options {
  const out = new Map(options);
  for (const [k, v] of keywords) out.set(k.toLowerCase(), v);
  return out;
}

/** `db.schema.table`, with Spark's backticks, as a relation. */
export function tableRelation(name: string): Relation {
  const parts = name.trim().split('.').map((p) => p.replace(/^`|`$/g, ''));
  const [database, schema] = [parts[parts.length - 3], parts[parts.length - 2]];
  return { ...(database !== undefined && { database }), ...(schema !== undefined && { schema }), name: parts[parts.length - 1] ?? '' };
}
