// Function calls. node-sql-parser types a call `aggr_func`, `window_func` or `function`, and the
// scope builder derives usages from that type (aggregate vs transform), so the fast path types
// calls exactly as it does (see keywords.ts) and leaves every call shape it treats specially alone.
import type { AstNode } from '../sqlParser';
import type { Cursor } from './cursor';
import { bail } from './cursor';
import { parseExpr } from './expressions';
import { AGGREGATES, CALLABLE_RESERVED, RESERVED, SPECIAL_CALLS, WINDOWED_AGGREGATES, WINDOW_FUNCTIONS } from './keywords';

export function parseCall(c: Cursor, name: string): AstNode {
  if (!/^[a-z_][a-z0-9_]*$/.test(name) || SPECIAL_CALLS.has(name)) bail();
  if (RESERVED.has(name) && !CALLABLE_RESERVED.has(name)) bail();
  c.pos += 2; // name and `(`
  const aggregate = AGGREGATES.has(name);
  const distinct = c.acceptKw('distinct');
  if (distinct && !aggregate) bail();
  const value = parseArgs(c, name === 'count');
  const filter = c.isKw('filter') ? parseFilter(c) : undefined;
  if (c.isKw('within') || c.isKw('ignore') || c.isKw('respect')) bail();
  const over = c.isKw('over') ? parseOver(c) : undefined;
  if (filter && !aggregate) bail();
  const args = { type: 'expr_list', value };
  if (aggregate) {
    if (over && !WINDOWED_AGGREGATES.has(name)) bail();
    return { type: 'aggr_func', name: name.toUpperCase(), args, over: over ?? null, ...(filter && { filter }) };
  }
  if (over) {
    if (!WINDOW_FUNCTIONS.has(name)) bail(); // node-sql-parser rejects OVER on other calls
    return { type: 'window_func', name, args, over };
  }
  return { type: 'function', name, args };
}

/** Arguments up to and including `)`; `*` only for count(*). ORDER BY inside a call bails. */
function parseArgs(c: Cursor, starAllowed: boolean): AstNode[] {
  if (c.acceptPunct(')')) return [];
  if (starAllowed && c.isOp('*') && c.isPunct(')', 1)) {
    c.pos += 2;
    return [{ type: 'star', value: '*' }];
  }
  const args = [parseExpr(c)];
  while (c.acceptPunct(',')) args.push(parseExpr(c));
  c.expectPunct(')');
  return args;
}

function parseFilter(c: Cursor): AstNode {
  c.pos++;
  c.expectPunct('(');
  c.expectKw('where');
  const where = parseExpr(c);
  c.expectPunct(')');
  return { keyword: 'filter', parentheses: true, where };
}

/** OVER ( [PARTITION BY …] [ORDER BY …] [ROWS frame] ); a named window bails. */
function parseOver(c: Cursor): AstNode {
  c.pos++;
  c.expectPunct('(');
  const spec: AstNode = {};
  if (c.acceptKw('partition')) {
    c.expectKw('by');
    spec.partitionby = [{ type: 'expr', expr: parseExpr(c) }];
    while (c.acceptPunct(',')) spec.partitionby.push({ type: 'expr', expr: parseExpr(c) });
  }
  if (c.acceptKw('order')) {
    c.expectKw('by');
    spec.orderby = parseOrderItems(c);
  }
  if (c.acceptKw('rows')) skipFrame(c);
  c.expectPunct(')');
  return { type: 'window', as_window_specification: { window_specification: spec, parentheses: true } };
}

// Frames hold no column references; only ROWS frames are accepted (node-sql-parser rejects some RANGE forms).
function skipFrame(c: Cursor): void {
  if (c.acceptKw('between')) {
    frameBound(c);
    c.expectKw('and');
  }
  frameBound(c);
}

function frameBound(c: Cursor): void {
  if (c.acceptKw('current')) return c.expectKw('row');
  if (!c.acceptKw('unbounded')) {
    const t = c.next();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) bail();
  }
  if (!c.acceptKw('preceding') && !c.acceptKw('following')) bail();
}

/** `e [ASC|DESC] [NULLS FIRST|LAST], …` as node-sql-parser's order-by items. */
export function parseOrderItems(c: Cursor): AstNode[] {
  const items: AstNode[] = [];
  do {
    const expr = parseExpr(c);
    const type = c.acceptKw('asc') ? 'ASC' : c.acceptKw('desc') ? 'DESC' : null;
    if (c.acceptKw('nulls') && !c.acceptKw('first') && !c.acceptKw('last')) bail();
    items.push({ expr, type });
  } while (c.acceptPunct(','));
  return items;
}
