// Where a DataFrame is read from: `spark.read` chains (`format`, `option`, `options`, then
// `load`, `parquet(path)`, `csv(path)`, `table`, `jdbc`), and streaming readers alike.
import type { UpstreamRef } from '../../model';
import type { PyNode } from '../../python/pythonParser';
import type { PyScopes } from '../../python/pyValues';
import { callArguments, stringValue } from '../../python/pyValues';
import { normalizePath } from '../../io/paths';
import type { Frame, Source } from './sparkFrames';
import { newFrame } from './sparkFrames';
import type { Options } from './sparkWrites';
import { FILE_FORMATS, tableRelation, withKeywords } from './sparkWrites';

export type ReaderValue = { kind: 'reader'; format?: string; options: Options };
type Read = ReaderValue | { kind: 'frame'; frame: Frame };

interface ReadContext {
  scopes: PyScopes;
  /** The job reads `ref`; a frame of it starts from the returned source. */
  source(ref: UpstreamRef, viaSql?: boolean): Source;
  /** `spark.table(name)`: a table, or a temporary view of the job. */
  readTable(node: PyNode | undefined): Read;
  /** The relations a query reads, temporary views standing for their frames. */
  sqlSources(sql: string): Source[];
  unknownArg(node: PyNode | undefined, what: string): void;
  /** A read from a source that is not a table, file or JDBC query (Kafka, say): not traced. */
  unreadSource(node: PyNode, source: string): void;
}

export function readerMethod(ctx: ReadContext, r: ReaderValue, method: string, call: PyNode): Read | undefined {
  const { positional, keywords } = callArguments(call);
  const opt = (name: string) => r.options.get(name) ?? keywords.get(name);
  if (method === 'format') return { ...r, format: stringValue(positional[0], ctx.scopes)?.value.toLowerCase() };
  if (method === 'option' && positional.length >= 2) {
    const key = stringValue(positional[0], ctx.scopes)?.value;
    return key ? { ...r, options: new Map(r.options).set(key.toLowerCase(), positional[1]) } : r;
  }
  if (method === 'options') return { ...r, options: withKeywords(r.options, keywords) };
  if (method === 'table') return ctx.readTable(positional[0] ?? keywords.get('tableName'));
  if (method === 'jdbc') return readSqlOption(ctx, positional[1] ?? keywords.get('table'), undefined);
  if (method === 'load' || FILE_FORMATS.has(method)) {
    if (method === 'load' && (r.format === 'jdbc' || opt('dbtable') || opt('query'))) return readSqlOption(ctx, opt('dbtable'), opt('query'));
    if (positional.length || keywords.has('path') || r.options.has('path')) return readPaths(ctx, positional.length ? positional : [opt('path')]);
    if (opt('table')) return ctx.readTable(opt('table'));
    // `format("kafka").option("subscribe", …).load()` and the like: said, and the frame is not
    // followed (what is written from it has unknown columns, not none).
    ctx.unreadSource(call, r.format ? `from ${r.format}` : 'with no path, table or query');
    return undefined;
  }
  return r; // schema(), load options and the like keep the reader
}

function readPaths(ctx: ReadContext, nodes: (PyNode | undefined)[]): Read {
  const paths = nodes.flatMap((n) => (n?.type === 'list' || n?.type === 'tuple' ? n.namedChildren : [n]));
  const sources = paths.flatMap((n) => {
    const s = n ? stringValue(n, ctx.scopes) : undefined;
    if (!s) ctx.unknownArg(n, 'the path this read loads');
    return s ? [ctx.source({ kind: 'path', path: normalizePath(s.value) })] : [];
  });
  return { kind: 'frame', frame: newFrame(sources) };
}

/** `dbtable` (a table, or a parenthesised subquery) and `query` name what a JDBC read reads. */
function readSqlOption(ctx: ReadContext, table: PyNode | undefined, query: PyNode | undefined): Read {
  const t = stringValue(table, ctx.scopes)?.value.trim();
  if (t && !t.startsWith('(')) return { kind: 'frame', frame: newFrame([ctx.source({ kind: 'relation', relation: tableRelation(t) })]) };
  const sql = t ?? stringValue(query, ctx.scopes)?.value;
  if (sql === undefined) ctx.unknownArg(table ?? query, 'the table or query this JDBC read names');
  return { kind: 'frame', frame: newFrame(sql ? ctx.sqlSources(sql.replace(/^\(|\)\s*(as\s+)?\w*\s*$/gi, ' ')) : []) };
}
