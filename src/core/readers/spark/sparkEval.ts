// Walks a PySpark file in source order and follows values through assignments and method
// chains: the session (`SparkSession.builder…getOrCreate()`, or the `spark` notebooks provide),
// readers (`spark.read.format(…).option(…)`), DataFrames, grouped data and writers. What the job
// reads, writes and runs as SQL is collected on the way; column reads go to the RefSink.
import type { Location, UpstreamRef } from '../../model';
import type { PyNode } from '../../python/pythonParser';
import type { PyScopes } from '../../python/pyValues';
import { callArguments, positionOf, stringValue } from '../../python/pyValues';
import { normalizePath } from '../../io/paths';
import { scanTableReferences } from '../../sql/tolerantScan';
import { relationKey } from '../../sql/queryIr';
import type { Frame, RefSink, Source } from './sparkFrames';
import { newFrame, upstreamKey } from './sparkFrames';
import { FRAME_ATTRIBUTES } from './sparkColumns';
import type { FrameValue, OpsContext } from './sparkOps';
import { aggregate, frameMethod } from './sparkOps';
import type { SqlFiles } from './sparkSqlFiles';
import { FILE_FORMATS, tableRelation, withKeywords, writerMethod } from './sparkWrites';
import type { Options, SparkWrite, WriterValue } from './sparkWrites';
import { loopScopes } from '../../python/pyLoops';
import { deltaMethod, deltaTable } from './sparkDelta';
import type { DeltaValue } from './sparkDelta';

export type { SparkWrite, WriteTarget } from './sparkWrites';

export type Value =
  | FrameValue
  | { kind: 'session' }
  | { kind: 'sessionClass' }
  | { kind: 'builder' }
  | { kind: 'reader'; format?: string; options: Options }
  | WriterValue
  | DeltaValue;

export interface SparkSql {
  sql: string;
  viaVariable: boolean;
  /** A .sql file the job runs, with its text. */
  file?: { path: string; text: string };
}

const BUILDER_METHODS = new Set(['appName', 'master', 'config', 'enableHiveSupport', 'remote']);
const SESSION_ATTRIBUTES = new Set(['spark', 'spark_session', 'sparkSession']);

/** A call's positional argument `i`, else its keyword argument `kw`. */
function argument(call: PyNode, i: number, kw: string): PyNode | undefined {
  const { positional, keywords } = callArguments(call);
  return positional[i] ?? keywords.get(kw);
}

export class SparkEvaluator implements OpsContext {
  readonly reads: UpstreamRef[] = [];
  readonly writes: SparkWrite[] = [];
  readonly sqls: SparkSql[] = [];
  /** Arguments that name what the job reads, runs or writes but are known only when it runs. */
  readonly unknown: { at: PyNode; what: string }[] = [];
  appName?: { value: string; node: PyNode };
  /** The file builds or looks up a session itself (not only the `spark` notebooks define). */
  sessionBuilt = false;
  private env = new Map<string, Value>();
  private readonly memo = new Map<number, Value | undefined>();
  private readonly returns = new Map<string, Value>();
  private readonly views = new Map<string, Frame>();

  constructor(readonly path: string, public scopes: PyScopes, readonly sink: RefSink, private readonly sqlFiles: SqlFiles) {}

  unknownArg(node: PyNode | undefined, what: string): void {
    if (node && !this.unknown.some((u) => u.at.id === node.id)) this.unknown.push({ at: node, what });
  }

  frameOf(node: PyNode): Frame | undefined {
    const v = this.value(node);
    return v?.kind === 'frame' ? v.frame : undefined;
  }

  evalFrame(node: PyNode): Frame | undefined {
    return this.frameOf(node);
  }

  tempView(name: string, frame: Frame): void {
    this.views.set(name.toLowerCase(), frame);
  }

  /**
   * Every statement in source order; function bodies where they are defined. It visits most of
   * the tree, so it reads `children` by index and skips the unnamed ones itself: `namedChildren`
   * through an iterator allocated a list and an iterator per node.
   */
  walk(node: PyNode, fn?: string): void {
    const kids = node.children;
    for (let i = 0; i < kids.length; i++) {
      const child = kids[i];
      if (!child.isNamed) continue;
      if (child.type === 'assignment') {
        const left = child.childForFieldName('left');
        const right = child.childForFieldName('right');
        const v = right ? this.value(right) : undefined;
        if (left?.type === 'identifier') {
          if (v) this.env.set(left.text, v);
          else this.env.delete(left.text);
        }
        if (right) this.walk(right, fn);
      } else if (child.type === 'call') {
        this.value(child);
        this.walk(child, fn);
      } else if (child.type === 'return_statement') {
        const v = child.namedChildren[0] ? this.value(child.namedChildren[0]) : undefined;
        if (v && fn) this.returns.set(fn, v);
        this.walk(child, fn);
      } else if (child.type === 'function_definition') {
        this.walkFunction(child);
      } else if (child.type === 'for_statement' && this.walkPasses(child, fn)) {
        // a loop over a constant list: its body was read once per item
      } else if (child.type !== 'class_definition' || child.childForFieldName('body')) {
        this.walk(child, fn);
      }
    }
  }

  /**
   * `for table in TABLES:` over a list written in the code: the body is read once per item, with
   * the loop variable bound to it (what each pass reads and writes is its own). Values computed
   * in the body are forgotten between passes. False when the loop cannot be unrolled.
   */
  private walkPasses(loop: PyNode, fn?: string): boolean {
    const passes = loopScopes(loop, this.scopes);
    const body = loop.childForFieldName('body');
    if (!passes || !body) return false;
    const outer = this.scopes;
    for (const pass of passes) {
      for (let id = body.id; id <= body.last; id++) this.memo.delete(id);
      this.scopes = pass;
      this.walk(body, fn);
    }
    this.scopes = outer;
    return true;
  }

  // Parameters hide the module's variables of the same name; `spark` is the session.
  private walkFunction(def: PyNode): void {
    const saved = this.env;
    this.env = new Map(saved);
    for (const p of def.childForFieldName('parameters')?.namedChildren ?? []) {
      const name = p?.type === 'identifier' ? p.text : p?.namedChildren.find((c) => c?.type === 'identifier')?.text;
      if (!name) continue;
      if (name === 'spark' || /SparkSession/.test(p?.text ?? '')) this.env.set(name, { kind: 'session' });
      else this.env.delete(name);
    }
    const body = def.childForFieldName('body');
    if (body) this.walk(body, def.childForFieldName('name')?.text);
    this.env = saved;
  }

  value(node: PyNode): Value | undefined {
    if (this.memo.has(node.id)) return this.memo.get(node.id);
    this.memo.set(node.id, undefined); // a cycle through a variable ends here
    const v = this.compute(node);
    this.memo.set(node.id, v);
    return v;
  }

  private compute(node: PyNode): Value | undefined {
    switch (node.type) {
      case 'parenthesized_expression':
        return node.namedChildren[0] ? this.value(node.namedChildren[0]) : undefined;
      case 'identifier':
        if (node.text === 'SparkSession') return { kind: 'sessionClass' };
        if (node.text === 'DeltaTable') return { kind: 'deltaClass' };
        return this.env.get(node.text) ?? (node.text === 'spark' ? { kind: 'session' } : undefined);
      case 'attribute':
        return this.attribute(node);
      case 'call':
        return this.call(node);
      default:
        return undefined;
    }
  }

  private attribute(node: PyNode): Value | undefined {
    const obj = node.childForFieldName('object');
    const attr = node.childForFieldName('attribute')?.text ?? '';
    const recv = obj ? this.value(obj) : undefined;
    if (recv?.kind === 'sessionClass' && attr === 'builder') return { kind: 'builder' };
    if (recv?.kind === 'session' && (attr === 'read' || attr === 'readStream')) return { kind: 'reader', options: new Map() };
    if (recv?.kind === 'frame' && (attr === 'write' || attr === 'writeStream')) return { kind: 'writer', frame: recv.frame, options: new Map() };
    // `df.rdd.map(f).toDF().write…`, a frame from a library call: `.write` chains are Spark's
    // own, so the write is recorded, with its columns unknown, rather than lost.
    if (!recv && (attr === 'write' || attr === 'writeStream')) return { kind: 'writer', options: new Map() };
    if (recv?.kind === 'frame' && (attr === 'na' || attr === 'stat')) return recv;
    if (attr === 'DeltaTable') return { kind: 'deltaClass' }; // delta.tables.DeltaTable
    if (SESSION_ATTRIBUTES.has(attr) && !FRAME_ATTRIBUTES.has(attr)) return { kind: 'session' };
    return undefined;
  }

  private call(call: PyNode): Value | undefined {
    const fn = call.childForFieldName('function');
    if (fn?.type === 'identifier') return this.returns.get(fn.text);
    if (fn?.type !== 'attribute') return undefined;
    const recvNode = fn.childForFieldName('object');
    const method = fn.childForFieldName('attribute')?.text ?? '';
    const recv = recvNode ? this.value(recvNode) : undefined;
    // Arguments are read only where this method needs them: most calls have no Spark receiver,
    // and readers, writers and frame methods read them themselves.
    switch (recv?.kind) {
      case 'sessionClass':
        if (method === 'getActiveSession' || method === 'active') return this.built();
        return undefined;
      case 'builder': {
        const name = method === 'appName' ? argument(call, 0, 'name') : undefined;
        if (name) {
          const s = stringValue(name, this.scopes);
          if (s) this.appName = { value: s.value, node: call };
        }
        if (method === 'getOrCreate' || method === 'create') return this.built();
        return BUILDER_METHODS.has(method) ? recv : undefined;
      }
      case 'session':
        if (method === 'table') return this.readTable(argument(call, 0, 'tableName'));
        if (method === 'sql') return this.sql(argument(call, 0, 'sqlQuery'));
        if (method === 'createDataFrame' || method === 'range') return { kind: 'frame', frame: newFrame() };
        if (method === 'newSession') return recv;
        return undefined;
      case 'deltaClass':
        return deltaTable(this, method, call);
      case 'delta':
        return deltaMethod(this, recv, method, call);
      case 'reader':
        return this.reader(recv, method, call);
      case 'writer':
        return writerMethod(this, recv, method, call);
      case 'frame':
        if (method === 'writeTo') return this.writeTo(call, recv.frame);
        return frameMethod(this, recv.frame, method, call);
      case 'grouped':
        return aggregate(this, recv, method, call);
      default:
        return !recv && method === 'writeTo' ? this.writeTo(call, undefined) : undefined;
    }
  }

  private writeTo(call: PyNode, frame: Frame | undefined): undefined {
    const arg = argument(call, 0, 'table');
    const t = stringValue(arg, this.scopes);
    if (!t) this.unknownArg(arg, 'the table writeTo() writes');
    else this.writes.push({ target: { kind: 'relation', relation: tableRelation(t.value) }, frame, ...(!frame && { unfollowed: true }), location: this.at(call) });
    return undefined;
  }

  readTarget(target: SparkWrite['target']): Frame {
    return newFrame([this.source(target.kind === 'path' ? { kind: 'path', path: target.path } : { kind: 'relation', relation: target.relation })]);
  }

  private built(): Value {
    this.sessionBuilt = true;
    return { kind: 'session' };
  }

  at(node: PyNode): Location {
    return { path: this.path, ...positionOf(node) };
  }

  private source(ref: UpstreamRef, viaSql = false): Source {
    if (!this.reads.some((r) => upstreamKey(r) === upstreamKey(ref))) this.reads.push(ref);
    return { ref, seen: new Set(), ...(viaSql && { viaSql }) };
  }

  private readTable(node: PyNode | undefined): Value {
    const s = stringValue(node, this.scopes);
    if (!s) {
      this.unknownArg(node, 'the table this read names');
      return { kind: 'frame', frame: newFrame() };
    }
    const view = this.views.get(s.value.toLowerCase());
    if (view) return { kind: 'frame', frame: view };
    return { kind: 'frame', frame: newFrame([this.source({ kind: 'relation', relation: tableRelation(s.value) })]) };
  }

  private readPaths(nodes: (PyNode | undefined)[]): Value {
    const paths = nodes.flatMap((n) => (n?.type === 'list' || n?.type === 'tuple' ? n.namedChildren : [n]));
    const sources = paths.flatMap((n) => {
      const s = n ? stringValue(n, this.scopes) : undefined;
      if (!s) this.unknownArg(n, 'the path this read loads');
      return s ? [this.source({ kind: 'path', path: normalizePath(s.value) })] : [];
    });
    return { kind: 'frame', frame: newFrame(sources) };
  }

  /** `dbtable` (a table, or a parenthesised subquery) and `query` name what a JDBC read reads. */
  private readSqlOption(table: PyNode | undefined, query: PyNode | undefined): Value {
    const t = stringValue(table, this.scopes)?.value.trim();
    if (t && !t.startsWith('(')) return { kind: 'frame', frame: newFrame([this.source({ kind: 'relation', relation: tableRelation(t) })]) };
    const sql = t ?? stringValue(query, this.scopes)?.value;
    if (sql === undefined) this.unknownArg(table ?? query, 'the table or query this JDBC read names');
    return { kind: 'frame', frame: newFrame(sql ? this.sqlSources(sql.replace(/^\(|\)\s*(as\s+)?\w*\s*$/gi, ' ')) : []) };
  }

  private reader(r: Extract<Value, { kind: 'reader' }>, method: string, call: PyNode): Value | undefined {
    const { positional, keywords } = callArguments(call);
    const opt = (name: string) => r.options.get(name) ?? keywords.get(name);
    if (method === 'format') return { ...r, format: stringValue(positional[0], this.scopes)?.value.toLowerCase() };
    if (method === 'option' && positional.length >= 2) {
      const key = stringValue(positional[0], this.scopes)?.value;
      return key ? { ...r, options: new Map(r.options).set(key.toLowerCase(), positional[1]) } : r;
    }
    if (method === 'options') return { ...r, options: withKeywords(r.options, keywords) };
    if (method === 'table') return this.readTable(positional[0] ?? keywords.get('tableName'));
    if (method === 'jdbc') return this.readSqlOption(positional[1] ?? keywords.get('table'), undefined);
    if (method === 'load' || FILE_FORMATS.has(method)) {
      if (method === 'load' && (r.format === 'jdbc' || opt('dbtable') || opt('query'))) return this.readSqlOption(opt('dbtable'), opt('query'));
      if (positional.length || keywords.has('path') || r.options.has('path')) return this.readPaths(positional.length ? positional : [opt('path')]);
      if (opt('table')) return this.readTable(opt('table'));
      return { kind: 'frame', frame: newFrame() };
    }
    return r; // schema(), load options and the like keep the reader
  }

  /** `spark.sql("…")`, or the text of a .sql file the job opens. */
  private sql(node: PyNode | undefined): Value {
    const s = stringValue(node, this.scopes);
    const file = s ? undefined : node && this.sqlFiles.fileOf(node);
    const text = s?.value ?? file?.text;
    if (text === undefined) {
      this.unknownArg(node, 'the SQL spark.sql() runs');
      return { kind: 'frame', frame: newFrame() };
    }
    this.sqls.push({ sql: text, viaVariable: !!s?.viaVariable, file });
    for (const ref of scanTableReferences(text, 0)) {
      if (ref.role === 'write') this.writes.push({ target: { kind: 'relation', relation: ref.relation }, location: this.at(node!) });
    }
    return { kind: 'frame', frame: newFrame(this.sqlSources(text, true)) };
  }

  // Relations a query reads; a temporary view stands for the frames it was made from.
  private sqlSources(sql: string, viaSql = false): Source[] {
    const out: Source[] = [];
    for (const ref of scanTableReferences(sql, 0)) {
      if (ref.role !== 'read') continue;
      const view = this.views.get(relationKey(ref.relation));
      if (view) out.push(...view.sources);
      else out.push(this.source({ kind: 'relation', relation: ref.relation }, viaSql));
    }
    return out;
  }
}
