// Which assignment a name's use sees when the name is assigned more than once in its scope.
// DAG files reuse names: `sql = "…"` before each of two operators, `previous = task` at the end of
// a loop body that wires `previous >> task`, `path += "/x"`. Taking the last assignment for every
// use gave the first operator the second one's SQL and linked every pass of a loop to every
// other. Here the code is followed as it runs: straight-line statements in order, loops over a
// list written in the code pass by pass (see pyLoops.ts). Where that order cannot be known (an
// assignment under `if`, `while` or `except`, a loop we cannot unroll, a loop-carried value
// seen without knowing the pass) there is no answer, and the caller reports the value as unknown
// rather than guess.
import type { PyNode } from './pythonParser';
import type { PyScopes } from './pyValues';
import { loopScopes } from './pyLoops';

/** A binding's value and the scopes it is read in (those of the pass that made it). */
export interface Bound {
  value: PyNode;
  scopes: PyScopes;
}

/** The assignment (or `+=`) node a binding's value belongs to. */
function statementOf(value: PyNode): PyNode {
  return value.type === 'augmented_assignment' ? value : (value.parent ?? value);
}

const within = (n: PyNode, outer: PyNode) => n.id >= outer.id && n.id <= outer.last;

/**
 * The binding of a name that reaches `at`, among `bindings` (the name's assignments in `scope`,
 * the function or module directly around `at`, in source order), seen from the view `scopes`.
 */
export function reachingBinding(scopes: PyScopes, bindings: readonly PyNode[], at: PyNode, scope: PyNode): Bound | undefined {
  let point = at;
  for (;;) {
    const loop = loopAround(point, scope);
    const region = loop ? (loop.childForFieldName('body') as PyNode) : scope;
    // The last assignment in this region that runs before `point` in the same pass.
    let before: PyNode | undefined;
    let last: PyNode | undefined;
    for (const b of bindings) {
      const s = statementOf(b);
      if (!within(s, region)) continue;
      last = b;
      if (s.last < point.id) before = b;
    }
    if (before) return settle(before, region, at, scopes, false);
    if (!loop) return undefined;
    // An assignment later in the loop body reaches `point` from the previous pass.
    if (last) {
      if (loop.type !== 'for_statement') return undefined; // a `while` pass is never known
      const pass = passOf(scopes, loop);
      if (!pass) return undefined;
      if (pass.index > 0) return jumps(loop) ? undefined : settle(last, region, at, pass.views[pass.index - 1], true);
    }
    point = loop; // the first pass: what was bound before the loop started
  }
}

/** The innermost `for` or `while` whose body holds `node`, inside `scope`. */
function loopAround(node: PyNode, scope: PyNode): PyNode | undefined {
  for (let n = node.parent; n && n !== scope; n = n.parent) {
    if (n.type !== 'for_statement' && n.type !== 'while_statement') continue;
    const body = n.childForFieldName('body');
    if (body && within(node, body)) return n;
  }
  return undefined;
}

/**
 * The binding's value with the scopes of the pass that made it. Between the assignment and the
 * region it was found in, a loop it sits in has run all its passes (its last pass made the
 * value), and a branch may not have run at all: unknown, unless `at` is in that branch too (then
 * it ran). For a value carried from the previous pass every branch is unknown.
 */
function settle(binding: PyNode, region: PyNode, at: PyNode, scopes: PyScopes, carried: boolean): Bound | undefined {
  const path: PyNode[] = [];
  for (let n = statementOf(binding).parent; n && n !== region; n = n.parent) path.unshift(n);
  let view = scopes;
  for (const n of path) {
    if (isBranch(n) && (carried || !within(at, n))) return undefined;
    if (n.type !== 'for_statement') continue;
    const body = n.childForFieldName('body');
    if (!carried && body && within(at, body)) continue;
    const passes = jumps(n) ? undefined : loopScopes(n, outside(view, n));
    if (!passes?.length) return undefined; // not unrolled, no pass ran, or which ran depends on a break
    view = passes[passes.length - 1];
  }
  return { value: binding, scopes: view };
}

/**
 * Whether a `break` or `continue` of this loop (not of a loop inside it) may end a pass early:
 * then which assignments of its body ran, and in which pass it stopped, is known only at run time.
 */
function jumps(loop: PyNode): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  const nodes = body.treeNodes;
  for (let i = body.id; i < body.last; ) {
    const n = nodes[i];
    if (n.type === 'for_statement' || n.type === 'while_statement' || n.type === 'function_definition' || n.type === 'class_definition') {
      i = n.last; // their jumps are their own
      continue;
    }
    if (n.type === 'break_statement' || n.type === 'continue_statement') return true;
    i++;
  }
  return false;
}

// Blocks that may not run: an `if` branch, `elif`, `else` (of if, for, while or try), `except`,
// a `case`, a `while` body.
function isBranch(n: PyNode): boolean {
  switch (n.type) {
    case 'elif_clause':
    case 'else_clause':
    case 'except_clause':
    case 'except_group_clause':
    case 'case_clause':
    case 'while_statement':
      return true;
    case 'block':
      return n.parent?.type === 'if_statement';
    default:
      return false;
  }
}

/** Which pass of `loop` the view is in, with the views of all its passes. */
function passOf(scopes: PyScopes, loop: PyNode): { index: number; views: PyScopes[] } | undefined {
  const body = loop.childForFieldName('body');
  const item = body ? scopes.loopItems().get(body.id) : undefined;
  if (!body || !item) return undefined;
  const views = loopScopes(loop, outside(scopes, loop));
  const index = views ? views.findIndex((v) => v.loopItems().get(body.id) === item) : -1;
  return index < 0 || !views ? undefined : { index, views };
}

/** The view without the passes of `loop` and the loops inside it (views stack inner on top). */
function outside(scopes: PyScopes, loop: PyNode): PyScopes {
  let view = scopes;
  for (let body = view.ownLoopBody(); body && within(body, loop); body = view.ownLoopBody()) view = Object.getPrototypeOf(view) as PyScopes;
  return view;
}
