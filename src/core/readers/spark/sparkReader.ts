// PySpark jobs: a `spark_job` asset that reads tables and files, writes others, runs SQL, and
// names the columns it uses. The file is parsed with tree-sitter (see python/pythonParser.ts);
// DataFrames are followed through variables and method chains by sparkEval.ts.
import { loadConfigFiles, mayLoadConfig } from '../configFiles';
import * as posix from 'node:path/posix';
import type { AssetFact, ColumnInfo, DeclaredColumnRef, Diagnostic, FileFacts } from '../../model';
import { initPython, parsePython, pythonUnavailable, syntaxErrors } from '../../python/pythonParser';
import type { PyTree } from '../../python/pythonParser';
import { PyScopes, positionOf } from '../../python/pyValues';
import { fileAssetId } from '../../io/paths';
import { formatRelation, relationKey } from '../../sql/queryIr';
import { RefSink, upstreamKey } from './sparkFrames';
import type { OutColumn, Source } from './sparkFrames';
import { SparkEvaluator } from './sparkEval';
import type { SparkWrite } from './sparkEval';
import { findSqlFiles } from './sparkSqlFiles';
import { viewSql } from './sparkViewSql';
import { runtimeValue } from '../runtimeValues';

export interface SparkReadOptions {
  /** Reads another workspace file (a .sql file the job runs); undefined when it does not exist. */
  readFile: (path: string) => Promise<string | undefined>;
  /** The file's syntax tree when another reader parsed it already. */
  tree?: PyTree;
}

/**
 * Whether a file looks written as a Spark job: its syntax errors are reported even when nothing
 * is read from it. Which files are read at all is decided by pythonReadersFor.
 */
export function looksLikeSpark(text: string): boolean {
  return text.includes('pyspark') || text.includes('SparkSession') || /\bspark\s*\.\s*(read|table|sql)\b/.test(text);
}

export async function readSparkFile(path: string, text: string, opts: SparkReadOptions): Promise<FileFacts> {
  const out: FileFacts = { path, assets: [], changes: [], queries: [], diagnostics: [] };
  try {
    await initPython();
    const tree = opts.tree ?? parsePython(text);
    if (!tree) {
      out.diagnostics.push(info(path, 1, 1, `${pythonUnavailable() ?? 'the Python parser is unavailable'}; Spark job not read`));
      return out;
    }
    const errors = syntaxErrors(tree);
    const scopes = new PyScopes(tree.rootNode, path);
    const configNotes = mayLoadConfig(text) ? await loadConfigFiles(tree.rootNode, scopes, path, opts.readFile) : [];
    const sqlFiles = await findSqlFiles(tree.rootNode, scopes, path, opts.readFile);
    const sink = new RefSink();
    const ev = new SparkEvaluator(path, scopes, sink, sqlFiles);
    ev.walk(tree.rootNode);
    const isJob = ev.sessionBuilt || ev.reads.length > 0 || ev.writes.length > 0 || ev.sqls.length > 0;
    if (isJob || looksLikeSpark(text)) {
      for (const e of errors) out.diagnostics.push(info(path, e.line, e.column, `Python syntax error near "${e.text}"; the rest of the file was still read`));
    }
    if (isJob) {
      buildFacts(out, path, text, ev, sink);
      out.diagnostics.push(...configNotes);
      for (const u of ev.unknown) out.diagnostics.push(runtimeValue(path, u.at, u.what));
      for (const u of ev.unread) {
        const { line, column } = positionOf(u.at);
        out.diagnostics.push(info(path, line, column, `this read ${u.source} is not traced (only tables, files and JDBC queries are), so what it brings is not in the lineage`, 'spark-source'));
      }
    }
  } catch (e) {
    out.assets = [];
    out.queries = [];
    out.diagnostics.push(info(path, 1, 1, `the Spark job could not be read: ${(e as Error).message}`));
  }
  return out;
}

function info(path: string, line: number, column: number, message: string, code = 'python-parse'): Diagnostic {
  return { path, line, column, severity: 'info', message, code };
}

function buildFacts(out: FileFacts, path: string, text: string, ev: SparkEvaluator, sink: RefSink): void {
  const stem = posix.basename(path).replace(/\.py$/i, '');
  const name = ev.appName?.value || stem;
  const id = `spark_job:${name}`;
  const writes = mergeWrites(ev.writes);
  // The written columns flow from the job's references; the job's own columns are their union.
  const jobColumns = new Map<string, ColumnInfo>();
  for (const w of writes) {
    for (const c of w.columns) {
      sink.output(c);
      if (!jobColumns.has(c.name.toLowerCase())) jobColumns.set(c.name.toLowerCase(), { name: c.name });
    }
    for (const s of w.passThrough) if (!s.viaSql) sink.passThrough(s);
  }
  const job: AssetFact = {
    id,
    asset_type: 'spark_job',
    name,
    source_ref: path,
    ...(stem !== name && { aliases: [stem] }),
    location: ev.appName ? { path, ...positionOf(ev.appName.node) } : { path, line: 1, column: 1 },
    ...(jobColumns.size && { columns: [...jobColumns.values()] }),
    upstream: ev.reads,
    declaredColumnRefs: sink.list(),
    origin: 'spark',
    meta: { writes: writes.map((w) => w.id), ...(ev.sqls.some((s) => s.viaVariable) && { sqlViaVariable: true }) },
  };
  out.assets.push(job);
  for (const w of writes) out.assets.push(writtenFact(w, id));
  for (const q of ev.sqls) {
    // SQL built from variables (string-built SQL) yields warnings, not breaking references.
    const inferred = q.viaVariable ? { inferred: true } : {};
    // A temporary view is not a table: its name stands for its datasets, or for the job's own
    // frame (whose reads the job already has), never for an invented table of that name.
    // q.sql is the text run, a .sql file's too.
    const viewed = q.views.length ? viewSql(q.sql, q.views, { kind: 'name', name: id }) : undefined;
    const relations = viewed ? { relations: viewed.relations } : {};
    const source = q.file ? { path: q.file.path, originalText: q.file.text } : { path, originalText: text, ...(q.range && { range: q.range }) };
    out.queries.push({ ...source, sql: viewed?.sql ?? q.sql, dialect: 'spark', ownerId: id, ...inferred, ...relations });
  }
}

interface Written {
  id: string;
  write: SparkWrite;
  columns: OutColumn[];
  passThrough: Source[];
  /** A frame the reader could not follow is written too: more columns than those known. */
  unfollowed: boolean;
}

// One dataset written twice (overwrite, then append) is one asset with the columns of both.
function mergeWrites(writes: SparkWrite[]): Written[] {
  const byId = new Map<string, Written>();
  // A function's body is read where it is defined, its parameters unknown, and again at each
  // call with its arguments: a write statement followed there is no unfollowed write.
  const at = (w: SparkWrite) => `${w.location.line}:${w.location.column}`;
  const followed = new Set(writes.filter((w) => w.frame).map(at));
  for (const w of writes) {
    const id = w.target.kind === 'path' ? fileAssetId(w.target.path) : `table:${relationKey(w.target.relation)}`;
    let entry = byId.get(id);
    if (!entry) byId.set(id, (entry = { id, write: w, columns: [], passThrough: [], unfollowed: false }));
    if (w.unfollowed && !followed.has(at(w))) entry.unfollowed = true;
    for (const c of w.frame?.cols.values() ?? []) {
      const had = entry.columns.find((x) => x.name.toLowerCase() === c.name.toLowerCase());
      if (had) had.from = [...had.from, ...c.from];
      else entry.columns.push({ name: c.name, from: [...c.from] });
    }
    for (const s of w.frame?.sources ?? []) {
      if (!entry.passThrough.some((p) => upstreamKey(p.ref) === upstreamKey(s.ref))) entry.passThrough.push(s);
    }
  }
  return [...byId.values()];
}

function writtenFact(w: Written, jobId: string): AssetFact {
  const columns = w.columns.map((c) => c.name);
  const refs: DeclaredColumnRef[] = columns.map((c) => ({ upstream: { kind: 'name', name: jobId }, column: c, usage: 'identity', confidence: 'explicit', outputColumn: c }));
  // Columns of a source that passes through unselected, or of a frame the reader could not
  // follow, are written too, under unknown names.
  if (w.passThrough.length || w.unfollowed) refs.push({ upstream: { kind: 'name', name: jobId }, column: '*', usage: 'identity', confidence: 'inferred', outputColumn: '*' });
  const target = w.write.target;
  const label = target.kind === 'path' ? target.path : formatRelation(target.relation);
  return {
    id: w.id,
    asset_type: target.kind === 'path' ? 'file' : 'table',
    name: label,
    source_ref: label,
    ...(target.kind === 'relation' && { relation: target.relation }),
    ...(columns.length && { columns: columns.map((name) => ({ name })) }),
    upstream: [{ kind: 'name', name: jobId }],
    declaredColumnRefs: refs,
    origin: 'spark',
  };
}
