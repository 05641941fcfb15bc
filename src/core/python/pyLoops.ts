// Tasks are often made in a loop over a constant list (`for table in TABLES:` with
// `task_id=f"load_{table}"`). Each pass of such a loop is a view of the scopes in which the loop
// variable is that pass's item, so everything read through the scopes (ids, SQL, paths) comes out
// as that pass would make it. Only loops whose list is written in the code are unrolled: a loop
// over anything else gives no passes, and what depends on its variable stays unknown.
import type { PyNode } from './pythonParser';
import type { PyScopes } from './pyValues';

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
  let passes: PyScopes[] = [scopes];
  for (const loop of loops) {
    const next: PyScopes[] = [];
    for (const pass of passes) {
      const inner = loopScopes(loop, pass);
      if (!inner) return undefined;
      next.push(...inner);
    }
    if (next.length > MAX_PASSES) return undefined;
    passes = next;
  }
  return passes;
}

/** The scopes of each pass of one `for` loop, seen from `scopes`; undefined when it cannot be unrolled. */
export function loopScopes(loop: PyNode, scopes: PyScopes): PyScopes[] | undefined {
  const variable = loop.childForFieldName('left');
  const body = loop.childForFieldName('body');
  if (variable?.type !== 'identifier' || !body) return undefined;
  const items = listItems(loop.childForFieldName('right'), scopes);
  if (!items || items.length > MAX_PASSES) return undefined;
  return items.map((item) => scopes.withLoopValue(body, variable.text, item));
}

/** The items of a list or tuple written in the code, directly or through a name bound to one. */
function listItems(node: PyNode | null | undefined, scopes: PyScopes, depth = 0): PyNode[] | undefined {
  if (!node || depth > 4) return undefined;
  if (node.type === 'list' || node.type === 'tuple') return node.namedChildren.filter((c): c is PyNode => !!c && c.type !== 'comment');
  if (node.type === 'identifier') {
    const bound = scopes.lookup(node.text, node);
    return bound && bound !== node ? listItems(bound, scopes, depth + 1) : undefined;
  }
  return undefined;
}
