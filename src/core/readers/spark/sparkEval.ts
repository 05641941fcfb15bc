// Walks a PySpark file in source order and follows values through assignments and method
// chains: the session (`SparkSession.builder…getOrCreate()`, or the `spark` notebooks provide),
// readers (`spark.read.format(…).option(…)`), DataFrames, grouped data and writers. What the job
// reads, writes and runs as SQL is collected on the way; column reads go to the RefSink.
import type { Location, UpstreamRef } from '../../model';
import type { PyNode } from '../../python/pythonParser';
import type { PyScopes } from '../../python/pyValues';
import { literalRanges, spanOf } from '../../python/literalRanges';
import { callArguments, positionOf, stringValue } from '../../python/pyValues';
import type { Frame, RefSink, Source } from './sparkFrames';
import { newFrame, upstreamKey } from './sparkFrames';
import { mergeBranches } from './sparkBranches';
import { FRAME_ATTRIBUTES } from './sparkColumns';
import type { FrameValue, OpsContext } from './sparkOps';
import { aggregate, frameMethod } from './sparkOps';
import type { SqlFiles } from './sparkSqlFiles';
import { tableRelation, writerMethod } from './sparkWrites';
import type { SparkWrite, WriterValue } from './sparkWrites';
import { readerMethod } from './sparkReads';
import type { ReaderValue } from './sparkReads';
import { loopScopes } from '../../python/pyLoops';
import { deltaMethod, deltaTable } from './sparkDelta';
import { SqlRuns } from './sparkSqlRuns';
import type { SparkSql } from './sparkSqlRuns';
import type { DeltaValue } from './sparkDelta';
import { bindings, calleeOf, functionsOf } from '../../python/pyCalls';
import type { Binding, Callee } from '../../python/pyCalls';

export type { SparkWrite, WriteTarget } from './sparkWrites';
export type { SparkSql } from './sparkSqlRuns';

export type Value =
  | FrameValue
  | { kind: 'session' }
  | { kind: 'sessionClass' }
  | { kind: 'builder' }
  | ReaderValue
  | WriterValue
  | DeltaValue;

/** Calls followed into a function at once (f calls g calls h), and bodies read again in all. */
const MAX_CALL_DEPTH = 4;
const MAX_CALL_READS = 200;

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
  private readonly runs = new SqlRuns(this);
  readonly sqls: SparkSql[] = this.runs.sqls;
  /** Arguments that name what the job reads, runs or writes but are known only when it runs. */
  readonly unknown: { at: PyNode; what: string }[] = [];
  /** Reads from sources other than tables, files and JDBC queries (Kafka, say). */
  readonly unread: { at: PyNode; source: string }[] = [];
  appName?: { value: string; node: PyNode };
  /** The file builds or looks up a session itself (not only the `spark` notebooks define). */
  sessionBuilt = false;
  private env = new Map<string, Value>();
  private readonly memo = new Map<number, Value | undefined>();
  private readonly returns = new Map<string, Value>();
  private functions?: Map<string, PyNode>;
  /** The functions being read for a call, innermost last (a recursive call is not followed). */
  private readonly calling: number[] = [];
  private callReads = 0;

  constructor(readonly path: string, public scopes: PyScopes, readonly sink: RefSink, private readonly sqlFiles: SqlFiles) {}

  unreadSource(node: PyNode, source: string): void {
    if (!this.unread.some((u) => u.at.id === node.id)) this.unread.push({ at: node, source });
  }

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
    this.runs.tempView(name, frame);
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
      } else if (child.type === 'if_statement') {
        this.walkBranches(child, fn);
      } else if (child.type === 'for_statement' && this.walkPasses(child, fn)) {
        // a loop over a constant list: its body was read once per item
      } else if (child.type !== 'class_definition' || child.childForFieldName('body')) {
        this.walk(child, fn);
      }
    }
  }

  /** `if … elif … else`: each branch is read from the same start, then what they leave is merged. */
  private walkBranches(node: PyNode, fn?: string): void {
    const before = this.env;
    const ends: Map<string, Value>[] = [];
    const parts = [node, ...node.children.filter((c) => c.type === 'elif_clause' || c.type === 'else_clause')];
    for (const part of parts) {
      const body = part.childForFieldName(part.type === 'else_clause' ? 'body' : 'consequence');
      if (!body) continue;
      this.env = new Map(before);
      this.walk(body, fn);
      ends.push(this.env);
    }
    if (parts[parts.length - 1].type !== 'else_clause') ends.push(before);
    this.env = mergeBranches(before, ends);
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
    const body = def.childForFieldName('body');
    const name = def.childForFieldName('name')?.text;
    if (!body || !name) return;
    this.withParameters(bindings<Value>({ id: def.id, name, params: def.childForFieldName('parameters'), body, lambda: false }, undefined).map((b) => ({ ...b, node: undefined })), body, () => this.walk(body, name));
  }

  /**
   * Runs `read` with the parameters bound: a Spark value in the environment, any other argument
   * through a view of the scopes (so a table name or column passed as a string is read).
   */
  private withParameters<T>(params: Binding<Value>[], body: PyNode, read: () => T): T {
    const [env, scopes] = [this.env, this.scopes];
    this.env = new Map(env);
    for (const p of params) {
      const v = p.value ?? (p.node ? this.value(p.node) : undefined) ?? (p.session ? { kind: 'session' as const } : undefined);
      if (v) this.env.set(p.name, v);
      else this.env.delete(p.name);
      if (!v && p.node) this.scopes = this.scopes.withLoopValue(body, p.name, p.node);
    }
    try {
      return read();
    } finally {
      [this.env, this.scopes] = [env, scopes];
    }
  }

  /**
   * A call of a function of this file with arguments: its body read again with them bound, for
   * what this call reads, writes and returns. Values kept from an earlier reading of the body are
   * forgotten before and after.
   */
  private callFunction(callee: Callee, call: PyNode | undefined, given: Value[] = []): Value | undefined {
    if (this.calling.includes(callee.id) || this.calling.length >= MAX_CALL_DEPTH || this.callReads >= MAX_CALL_READS) return undefined;
    this.callReads++;
    const params = bindings(callee, call, given);
    const forget = () => {
      for (let id = callee.body.id; id <= callee.body.last; id++) this.memo.delete(id);
    };
    const before = this.returns.get(callee.name);
    this.returns.delete(callee.name);
    this.calling.push(callee.id);
    forget();
    try {
      return this.withParameters(params, callee.body, () => {
        if (callee.lambda) return this.value(callee.body);
        this.walk(callee.body, callee.name);
        return this.returns.get(callee.name);
      });
    } finally {
      forget();
      this.calling.pop();
      if (before) this.returns.set(callee.name, before);
      else this.returns.delete(callee.name);
    }
  }

  private calleeOf(node: PyNode | undefined): Callee | undefined {
    return calleeOf(node, () => {
      let root = node!;
      while (root.parent) root = root.parent;
      return (this.functions ??= functionsOf(root));
    });
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
    if (fn?.type === 'identifier') {
      // A call with arguments is followed into the function; without, its body read once says it all.
      const { positional, keywords } = callArguments(call);
      const callee = positional.length || keywords.size ? this.calleeOf(fn) : undefined;
      return (callee && this.callFunction(callee, call)) ?? this.returns.get(fn.text);
    }
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
        return readerMethod(this, recv, method, call);
      case 'writer':
        if (method === 'foreachBatch') {
          // Each micro-batch is handed to the function as a frame of the stream.
          const callee = this.calleeOf(argument(call, 0, 'func'));
          if (callee && recv.frame) this.callFunction(callee, undefined, [{ kind: 'frame', frame: recv.frame }]);
          return recv;
        }
        return writerMethod(this, recv, method, call);
      case 'frame':
        if (method === 'writeTo') return this.writeTo(call, recv.frame);
        if (method === 'transform') return this.transform(call, recv.frame);
        return frameMethod(this, recv.frame, method, call);
      case 'grouped':
        return aggregate(this, recv, method, call);
      default:
        return !recv && method === 'writeTo' ? this.writeTo(call, undefined) : undefined;
    }
  }

  /**
   * `df.transform(fn)`: the function's result, given the frame (further arguments are not passed
   * on). A function that is not followed is taken to return the frame as it is.
   */
  private transform(call: PyNode, frame: Frame): Value | undefined {
    const callee = this.calleeOf(argument(call, 0, 'func'));
    return (callee && this.callFunction(callee, undefined, [{ kind: 'frame', frame }])) ?? { kind: 'frame', frame };
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

  source(ref: UpstreamRef, viaSql = false): Source {
    if (!this.reads.some((r) => upstreamKey(r) === upstreamKey(ref))) this.reads.push(ref);
    return { ref, seen: new Set(), ...(viaSql && { viaSql }) };
  }

  readTable(node: PyNode | undefined): { kind: 'frame'; frame: Frame } {
    const s = stringValue(node, this.scopes);
    if (!s) {
      this.unknownArg(node, 'the table this read names');
      return { kind: 'frame', frame: newFrame() };
    }
    const view = this.runs.view(s.value);
    if (view) return { kind: 'frame', frame: view };
    return { kind: 'frame', frame: newFrame([this.source({ kind: 'relation', relation: tableRelation(s.value) })]) };
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
    const range = s ? spanOf(literalRanges(node, this.scopes)) : undefined;
    return { kind: 'frame', frame: newFrame(this.runs.run(node!, text, !!s?.viaVariable, file, range)) };
  }

  sqlSources(sql: string): Source[] {
    return this.runs.sources(sql);
  }
}
