// DataFrame methods: what each does to the frame's columns and which column reads it records.
// Methods not listed leave the frame as it is when they return a DataFrame (cache, limit, …)
// and end the chain when they return something else (count, show, collect, …).
import type { PyNode } from '../../python/pythonParser';
import { callArguments, stringValue } from '../../python/pyValues';
import type { ColExpr, ExprContext } from './sparkColumns';
import { columnArg, columnArgs, columnExpr, inferredIf, sqlArg, textLocation } from './sparkColumns';
import type { Frame, Lineage, Mention, OutColumn, ReadUsage, RefSink } from './sparkFrames';
import { combineFrames, copyFrame, flowAs, newFrame, resolve, unionByPosition } from './sparkFrames';

export interface OpsContext extends ExprContext {
  sink: RefSink;
  evalFrame(node: PyNode): Frame | undefined;
  tempView(name: string, frame: Frame): void;
}

export type FrameValue = { kind: 'frame'; frame: Frame } | { kind: 'grouped'; frame: Frame; keys: OutColumn[] };

const SAME_FRAME = new Set([
  'cache', 'persist', 'unpersist', 'limit', 'offset', 'repartition', 'repartitionByRange', 'coalesce', 'hint', 'sample',
  'checkpoint', 'localCheckpoint', 'distinct', 'withWatermark', 'dropna', 'fillna', 'fill', 'replace',
  'observe', 'sortWithinPartitions', 'dropDuplicatesWithinWatermark', 'to', 'randomSplit',
]);
const GROUP_METHODS = new Set(['groupBy', 'groupby', 'rollup', 'cube']);
const SORT_METHODS = new Set(['orderBy', 'sort', 'sortWithinPartitions']);

const frameValue = (frame: Frame): FrameValue => ({ kind: 'frame', frame });

/** The flows an expression's columns make into the column it computes. */
export function lineageOf(ctx: OpsContext, frame: Frame, e: ColExpr): Lineage[] {
  for (const m of e.windowReads) ctx.sink.read(resolve(frame, m), 'window');
  return e.mentions.flatMap((m) => {
    const found = resolve(frame, m);
    return e.bare ? found : flowAs(found, m.aggregate ? 'aggregate' : 'transform');
  });
}

function reads(ctx: OpsContext, frame: Frame, exprs: ColExpr[], usage: ReadUsage): void {
  for (const e of exprs) {
    for (const m of e.mentions) ctx.sink.read(resolve(frame, m), usage);
    for (const m of e.windowReads) ctx.sink.read(resolve(frame, m), 'window');
  }
}

function output(name: string, from: Lineage[]): OutColumn {
  return { name, from };
}

function setColumn(ctx: OpsContext, out: Frame, name: string, from: Lineage[]): void {
  ctx.sink.computedColumn(from);
  out.cols.delete(name.toLowerCase()); // a replaced column moves to its new place, as in Spark
  out.cols.set(name.toLowerCase(), output(name, from));
  out.hidden.delete(name.toLowerCase());
}

function nameOf(e: ColExpr, node: PyNode): string {
  return e.alias ?? e.defaultName ?? node.text;
}

function nameMention(ctx: OpsContext, node: PyNode): Mention | undefined {
  const s = stringValue(node, ctx.scopes);
  return s ? { name: s.value, confidence: s.viaVariable ? 'inferred' : 'explicit', location: textLocation(ctx, node) } : undefined;
}

/** The pairs of a dict literal (`withColumns`, `withColumnsRenamed`, `agg({"x": "sum"})`). */
function dictPairs(node: PyNode | undefined): [PyNode, PyNode][] {
  if (node?.type !== 'dictionary') return [];
  return node.namedChildren
    .filter((p): p is PyNode => p?.type === 'pair')
    .map((p) => [p.childForFieldName('key'), p.childForFieldName('value')] as [PyNode | null, PyNode | null])
    .filter((kv): kv is [PyNode, PyNode] => !!kv[0] && !!kv[1]);
}

export function frameMethod(ctx: OpsContext, frame: Frame, method: string, call: PyNode): FrameValue | undefined {
  const { positional, keywords } = callArguments(call);
  const arg = (i: number, kw?: string) => positional[i] ?? (kw ? keywords.get(kw) : undefined);
  switch (method) {
    case 'select':
      return frameValue(select(ctx, frame, columnArgs(call, ctx), positional));
    case 'selectExpr':
      return frameValue(select(ctx, frame, positional.map((a) => sqlArg(a, ctx, 'expression')), positional));
    case 'withColumn': {
      const name = arg(0) && stringValue(arg(0), ctx.scopes)?.value;
      const expr = arg(1, 'col');
      if (!name || !expr) return frameValue(frame);
      const out = copyFrame(frame);
      setColumn(ctx, out, name, lineageOf(ctx, frame, columnExpr(expr, ctx, false)));
      return frameValue(out);
    }
    case 'withColumns': {
      const out = copyFrame(frame);
      for (const [k, v] of dictPairs(arg(0))) {
        const name = stringValue(k, ctx.scopes)?.value;
        if (name) setColumn(ctx, out, name, lineageOf(ctx, frame, columnExpr(v, ctx, false)));
      }
      return frameValue(out);
    }
    case 'withColumnRenamed':
      return frameValue(rename(ctx, frame, arg(0, 'existing') && arg(1, 'new') ? [[arg(0, 'existing')!, arg(1, 'new')!]] : []));
    case 'withColumnsRenamed':
      return frameValue(rename(ctx, frame, dictPairs(arg(0))));
    case 'toDF':
      return frameValue(toDF(frame, positional.map((a) => stringValue(a, ctx.scopes)?.value ?? a.text)));
    case 'drop': {
      const out = copyFrame(frame);
      for (const e of columnArgs(call, ctx)) {
        if (!e.bare) continue;
        const key = e.mentions[0].name.toLowerCase();
        out.cols.delete(key);
        out.hidden.add(key);
      }
      return frameValue(out);
    }
    case 'filter':
    case 'where': {
      const cond = arg(0, 'condition');
      if (cond) reads(ctx, frame, [stringValue(cond, ctx.scopes) ? sqlArg(cond, ctx, 'condition') : columnExpr(cond, ctx, false)], 'filter');
      return frameValue(frame);
    }
    case 'join':
      return frameValue(join(ctx, frame, arg(0, 'other'), arg(1, 'on'), arg(2, 'how') && stringValue(arg(2, 'how'), ctx.scopes)?.value));
    case 'crossJoin': {
      const other = arg(0, 'other') && ctx.evalFrame(arg(0, 'other')!);
      return frameValue(other ? combineFrames(frame, other) : frame);
    }
    case 'union':
    case 'unionAll': {
      const other = arg(0, 'other') && ctx.evalFrame(arg(0, 'other')!);
      return frameValue(other ? unionByPosition(frame, other) : frame);
    }
    case 'unionByName': {
      const other = arg(0, 'other') && ctx.evalFrame(arg(0, 'other')!);
      return frameValue(other ? combineFrames(frame, other) : frame);
    }
    case 'agg':
      return aggregate(ctx, { kind: 'grouped', frame, keys: [] }, method, call);
    case 'alias':
    case 'as': {
      const name = arg(0) && stringValue(arg(0), ctx.scopes)?.value;
      if (!name) return frameValue(frame);
      const out = copyFrame(frame);
      out.aliases.set(name.toLowerCase(), frame);
      return frameValue(out);
    }
    case 'dropDuplicates':
    case 'drop_duplicates': {
      const subset = arg(0, 'subset');
      if (subset) reads(ctx, frame, columnArgs(call, ctx), 'group');
      return frameValue(frame);
    }
    case 'createOrReplaceTempView':
    case 'createTempView':
    case 'createGlobalTempView':
    case 'createOrReplaceGlobalTempView':
    case 'registerTempTable': {
      const name = arg(0, 'name') && stringValue(arg(0, 'name'), ctx.scopes)?.value;
      if (name) ctx.tempView(name, frame);
      return undefined;
    }
  }
  if (GROUP_METHODS.has(method)) {
    const keys = columnArgs(call, ctx).filter((e) => !e.star);
    const cols = keys.map((e, i) => {
      const from = lineageOf(ctx, frame, e);
      ctx.sink.read(from, 'group');
      return output(nameOf(e, positional[i] ?? call), from);
    });
    return { kind: 'grouped', frame, keys: cols };
  }
  if (SORT_METHODS.has(method)) {
    reads(ctx, frame, columnArgs(call, ctx), 'order');
    return frameValue(frame);
  }
  return SAME_FRAME.has(method) ? frameValue(frame) : undefined;
}

function select(ctx: OpsContext, frame: Frame, exprs: ColExpr[], nodes: PyNode[]): Frame {
  const out = newFrame();
  for (const [k, f] of frame.aliases) out.aliases.set(k, f);
  exprs.forEach((e, i) => {
    if (e.star) {
      out.sources = [...frame.sources];
      for (const h of frame.hidden) out.hidden.add(h);
      for (const [k, c] of frame.cols) out.cols.set(k, c);
      return;
    }
    setColumn(ctx, out, nameOf(e, nodes[i] ?? nodes[0]), lineageOf(ctx, frame, e));
  });
  return out;
}

function rename(ctx: OpsContext, frame: Frame, pairs: [PyNode, PyNode][]): Frame {
  const out = copyFrame(frame);
  for (const [from, to] of pairs) {
    const m = nameMention(ctx, from);
    const target = stringValue(to, ctx.scopes)?.value;
    if (!m || !target) continue;
    const lineage = resolve(frame, m);
    const key = m.name.toLowerCase();
    out.cols.delete(key);
    out.hidden.add(key);
    out.cols.set(target.toLowerCase(), output(target, lineage));
    out.hidden.delete(target.toLowerCase());
  }
  return out;
}

// `toDF("a", "b")` renames the known columns by position; pass-through columns cannot be named.
function toDF(frame: Frame, names: string[]): Frame {
  const known = [...frame.cols.values()];
  const out = newFrame(known.length === names.length ? [] : frame.sources);
  names.forEach((n, i) => out.cols.set(n.toLowerCase(), output(n, known.length === names.length ? known[i].from : [])));
  return out;
}

// Semi and anti joins filter the left side by the right one: only the left side's columns come out.
const LEFT_ONLY_JOINS = new Set(['semi', 'leftsemi', 'left_semi', 'anti', 'leftanti', 'left_anti']);

function join(ctx: OpsContext, frame: Frame, otherNode: PyNode | undefined, on: PyNode | undefined, how: string | undefined): Frame {
  const other = (otherNode && ctx.evalFrame(otherNode)) || newFrame();
  const combined = combineFrames(frame, other);
  const leftOnly = LEFT_ONLY_JOINS.has(how?.toLowerCase() ?? '');
  const out = leftOnly ? copyFrame(frame) : combined;
  if (!on) return out;
  const byName = on.type === 'string' || on.type === 'list' || on.type === 'tuple' || (on.type === 'identifier' && !!stringOrList(ctx, on));
  if (!byName) {
    // `a.id == b.id`, `(a.x == b.x) & (a.y == b.y)`, `F.col("o.id") == F.col("c.id")`
    reads(ctx, combined, [columnExpr(on, ctx, false)], 'join');
    return out;
  }
  const names = on.type === 'identifier' && stringOrList(ctx, on)?.type === 'string' ? [columnArg(on, ctx)] : listOf(ctx, on);
  for (const e of names) {
    for (const m of e.mentions) {
      // A `using` key exists on both sides and comes out once, from both.
      const both = [...resolve(frame, m), ...resolve(other, m)];
      ctx.sink.read(both, 'join');
      const key = m.name.toLowerCase();
      if (!leftOnly && (frame.cols.has(key) || other.cols.has(key))) out.cols.set(key, output(m.name, both));
    }
  }
  return out;
}

function stringOrList(ctx: OpsContext, node: PyNode): PyNode | undefined {
  const bound = ctx.scopes.lookup(node.text, node);
  return bound && ['string', 'list', 'tuple', 'concatenated_string'].includes(bound.type) ? bound : undefined;
}

function listOf(ctx: OpsContext, node: PyNode): ColExpr[] {
  const bound = node.type === 'identifier' ? stringOrList(ctx, node) : undefined;
  const target = bound ?? node;
  if (target.type === 'list' || target.type === 'tuple') return target.namedChildren.filter((c): c is PyNode => !!c).map((c) => inferredIf(columnArg(c, ctx), !!bound));
  return [columnArg(node, ctx)];
}

/** `groupBy(...).agg(...)`, `df.agg(...)`, and GroupedData's shortcuts (`count()`, `sum("x")`). */
export function aggregate(ctx: OpsContext, grouped: Extract<FrameValue, { kind: 'grouped' }>, method: string, call: PyNode): FrameValue | undefined {
  const { frame, keys } = grouped;
  const out = newFrame();
  for (const k of keys) setColumn(ctx, out, k.name, k.from);
  const { positional } = callArguments(call);
  if (method === 'agg') {
    const dict = positional[0]?.type === 'dictionary' ? positional[0] : undefined;
    if (dict) {
      for (const [k, v] of dictPairs(dict)) {
        const m = nameMention(ctx, k);
        const fn = stringValue(v, ctx.scopes)?.value;
        if (m && fn) setColumn(ctx, out, `${fn}(${m.name})`, flowAs(resolve(frame, m), 'aggregate'));
      }
      return frameValue(out);
    }
    for (const a of positional) {
      const e = columnExpr(a, ctx, false);
      setColumn(ctx, out, nameOf(e, a), lineageOf(ctx, frame, e));
    }
    return frameValue(out);
  }
  if (method === 'count') {
    setColumn(ctx, out, 'count', []);
    return frameValue(out);
  }
  if (['sum', 'avg', 'mean', 'min', 'max'].includes(method)) {
    for (const e of columnArgs(call, ctx)) {
      for (const m of e.mentions) setColumn(ctx, out, `${method === 'mean' ? 'avg' : method}(${m.name})`, flowAs(resolve(frame, m), 'aggregate'));
    }
    return frameValue(out);
  }
  if (method === 'pivot') {
    reads(ctx, frame, positional[0] ? [columnArg(positional[0], ctx)] : [], 'group');
    return grouped;
  }
  if (method === 'applyInPandas' || method === 'apply') return frameValue(copyFrame(frame));
  return undefined;
}
