// Tasks are often made in a loop over a constant list (`for table in TABLES:` with
// `task_id=f"load_{table}"`). Each pass of such a loop is a view of the scopes in which the loop
// variable is that pass's item, so everything read through the scopes (ids, SQL, paths) comes out
// as that pass would make it. Only loops whose list is written in the code are unrolled: a loop
// over anything else gives no passes, and what depends on its variable stays unknown.
import type { PyNode } from './pythonParser';
import type { PyScopes } from './pyValues';
import { boundValue, callArguments, callName } from './pyValues';
import { parsePython } from './pythonParser';

/** More passes than this (nested loops multiply) are not unrolled. */
const MAX_PASSES = 256;

/**
 * The scopes of each pass of the `for` loops around `node` (outermost first, up to its function or
 * module): one view when there is no loop, undefined when a loop cannot be unrolled.
 */
export function loopPasses(node: PyNode, scopes: PyScopes): PyScopes[] | undefined {
  const loops: PyNode[] = [];
  for (let n = node.parent; n && n.type !== 'function_definition' && n.type !== 'module'; n = n.parent) {
    if (n.type === 'for_statement') loops.unshift(n);
  }
  let passes: PyScopes[] | undefined = [scopes];
  for (const loop of loops) passes = passes && flatPasses(passes, (pass) => loopScopes(loop, pass));
  return passes;
}

/**
 * The passes `fn` gives for each item, in order: undefined when one cannot be unrolled, or when
 * there are more than are unrolled.
 */
export function flatPasses<T>(items: T[], fn: (item: T) => PyScopes[] | undefined): PyScopes[] | undefined {
  const out: PyScopes[] = [];
  for (const item of items) {
    const passes = fn(item);
    if (!passes) return undefined;
    out.push(...passes);
    if (out.length > MAX_PASSES) return undefined;
  }
  return out;
}

/**
 * The scopes of each pass of one `for` loop, seen from `scopes`; undefined when it cannot be
 * unrolled. The loop may name one variable or unpack several (`for table, sql in QUERIES.items()`,
 * `for name, schema in [("a", "x"), ...]`); a dict written in the code gives its keys, or with
 * `.items()` its pairs.
 */
export function loopScopes(loop: PyNode, scopes: PyScopes): PyScopes[] | undefined {
  const target = loop.childForFieldName('left');
  const body = loop.childForFieldName('body');
  if (!target || !body) return undefined;
  const names = target.type === 'identifier' ? [target] : target.type === 'pattern_list' || target.type === 'tuple_pattern' ? children(target) : [];
  if (!names.length || names.some((n) => n.type !== 'identifier')) return undefined;
  const items = loopItems(loop.childForFieldName('right'), scopes);
  if (!items || items.length > MAX_PASSES) return undefined;
  const passes: PyScopes[] = [];
  for (const item of items) {
    // One name takes the item whole; several unpack a tuple of as many values.
    const values = names.length === 1 ? [item] : item.type === 'tuple' || item.type === 'list' || item.type === 'pair' ? children(item) : [];
    if (values.length !== names.length) return undefined;
    passes.push(names.reduce((view, name, i) => view.withLoopValue(body, name.text, values[i]), scopes));
  }
  return passes;
}

function children(node: PyNode): PyNode[] {
  return node.namedChildren.filter((c): c is PyNode => !!c && c.type !== 'comment');
}

/**
 * What a loop goes over, when written in the code: a list's or tuple's items, a dict's keys or
 * `.items()` pairs, the numbers of a `range()` of numbers written in the code.
 */
function loopItems(written: PyNode | null | undefined, scopes: PyScopes): PyNode[] | undefined {
  const node = boundValue(written, scopes);
  if (!node) return undefined;
  if (node.type === 'call' && callName(node) === 'range') return rangeItems(node, scopes);
  if (node.type === 'list' || node.type === 'tuple') return children(node);
  if (node.type === 'dictionary') return children(node).map((p) => p.childForFieldName('key')).filter((k): k is PyNode => !!k);
  // `QUERIES.items()`: each entry's pair node, unpacked like a (key, value) tuple.
  const fn = node.type === 'call' ? node.childForFieldName('function') : undefined;
  if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'items' && !node.childForFieldName('arguments')?.namedChildren.length) {
    const dict = boundValue(fn.childForFieldName('object'), scopes);
    return dict?.type === 'dictionary' ? children(dict).filter((p) => p.type === 'pair') : undefined;
  }
  return undefined;
}

/**
 * Whether two views are in the same pass of every loop both are in (a task made in a loop, and
 * the DAG, group or wiring of the same pass; views outside any loop match every pass).
 */
export function samePass(a: PyScopes, b: PyScopes): boolean {
  if (a === b) return true;
  const mine = a.loopItems();
  if (!mine.size) return true;
  for (const [body, item] of b.loopItems()) {
    const other = mine.get(body);
    if (other && other !== item) return false;
  }
  return true;
}

/**
 * The numbers of `range(3)`, `range(1, 4)`, `range(0, N, 2)` (numbers, or names bound to numbers;
 * not `range(n + 1)`), as integer nodes of a small tree parsed for the purpose. The same numbers
 * give the same nodes throughout the file (kept by its scopes): passes are matched by the
 * identity of their items (samePass).
 */
function rangeItems(call: PyNode, scopes: PyScopes): PyNode[] | undefined {
  const { positional, keywords } = callArguments(call);
  const args = positional.map((a) => boundValue(a, scopes)?.text.replace(/\s+/g, '') ?? '');
  if (keywords.size || !args.length || args.length > 3 || !args.every((a) => /^-?\d+$/.test(a))) return undefined;
  const [start, stop, step] = args.length === 1 ? [0, Number(args[0]), 1] : [Number(args[0]), Number(args[1]), Number(args[2] ?? 1)];
  if (!step || (stop - start) / step > MAX_PASSES) return undefined;
  const key = `${start}:${stop}:${step}`;
  let items = scopes.shared.get(key);
  if (!items) {
    const values: number[] = [];
    for (let v = start; step > 0 ? v < stop : v > stop; v += step) values.push(v);
    const list = parsePython(`[${values.join(', ')}]\n`)?.rootNode.namedChildren[0]?.namedChildren[0];
    if (list?.type !== 'list') return undefined;
    items = children(list);
    scopes.shared.set(key, items);
  }
  return items;
}
