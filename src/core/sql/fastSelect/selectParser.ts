// Queries: WITH, set operations, SELECT cores and FROM lists, in node-sql-parser's AST shape:
// set-operation members chain through `_next`, WITH sits on the first member and a trailing
// ORDER BY on the last one, which is where node-sql-parser puts them.
import type { AstNode } from '../sqlParser';
import type { Cursor } from './cursor';
import { bail } from './cursor';
import { parseExpr } from './expressions';
import { parseOrderItems } from './functions';
import { dottedName, expectName, optionalAlias, tableNode } from './names';

/** `[WITH …] core {UNION|INTERSECT|EXCEPT core} [ORDER BY …] [LIMIT n] [OFFSET n]`. */
export function parseQuery(c: Cursor): AstNode {
  const ctes = c.isKw('with') ? parseWith(c) : null;
  const first = parseCore(c);
  let last = first;
  for (let op = setOperator(c); op; op = setOperator(c)) {
    const next = parseCore(c);
    last._next = next;
    last.set_op = op;
    last = next;
  }
  if (c.acceptKw('order')) {
    c.expectKw('by');
    if (last.orderby) bail();
    last.orderby = parseOrderItems(c);
  }
  skipLimit(c);
  if (ctes) {
    if (first.with) bail();
    first.with = ctes;
  }
  return first;
}

function setOperator(c: Cursor): string | undefined {
  const word = c.word();
  if (word !== 'union' && word !== 'intersect' && word !== 'except') return undefined;
  c.pos++;
  if (c.acceptKw('all')) return `${word} all`;
  if (c.acceptKw('distinct')) return `${word} distinct`;
  return word;
}

function parseWith(c: Cursor): AstNode[] {
  c.pos++;
  const recursive = c.acceptKw('recursive');
  const ctes: AstNode[] = [];
  do {
    const name = expectName(c);
    let columns: AstNode[] | null = null;
    if (c.acceptPunct('(')) {
      columns = [];
      do columns.push({ type: 'column_ref', table: null, column: expectName(c) });
      while (c.acceptPunct(','));
      c.expectPunct(')');
    }
    c.expectKw('as');
    c.expectPunct('('); // MATERIALIZED and other modifiers bail here
    const stmt = parseQuery(c);
    c.expectPunct(')');
    ctes.push({ name: { type: 'default', value: name }, stmt: { ast: stmt }, columns, ...(recursive && { recursive }) });
  } while (c.acceptPunct(','));
  return ctes;
}

/** A SELECT, or a parenthesised simple SELECT as a set-operation member. */
function parseCore(c: Cursor): AstNode {
  if (c.acceptPunct('(')) {
    const inner = parseQuery(c);
    c.expectPunct(')');
    // A parenthesised member holding its own WITH or set operation nests differently in node-sql-parser.
    if (inner._next || inner.with) bail();
    return { ...inner, parentheses_symbol: true };
  }
  c.expectKw('select');
  if (c.acceptKw('distinct')) {
    if (c.isKw('on')) bail();
  } else if (c.isKw('all') || c.isKw('top')) bail();
  const columns = parseItems(c);
  const node: AstNode = { type: 'select', columns };
  if (c.acceptKw('from')) node.from = parseFrom(c);
  parseClauses(c, node);
  return node;
}

function parseClauses(c: Cursor, node: AstNode): void {
  if (c.acceptKw('where')) node.where = parseExpr(c);
  if (c.acceptKw('group')) {
    c.expectKw('by');
    if (c.isKw('all')) bail();
    const columns = [parseExpr(c)];
    while (c.acceptPunct(',')) columns.push(parseExpr(c));
    node.groupby = { columns };
  }
  if (c.acceptKw('having')) node.having = parseExpr(c);
  // QUALIFY, WINDOW, FETCH, FOR UPDATE, INTO … are not in the fast grammar.
  if (c.isKw('qualify') || c.isKw('window') || c.isKw('fetch') || c.isKw('for') || c.isKw('into')) bail();
}

function skipLimit(c: Cursor): void {
  if (c.acceptKw('limit') && !c.acceptKw('all')) integer(c);
  if (c.acceptKw('offset')) {
    integer(c);
    if (c.isKw('row') || c.isKw('rows')) bail();
  }
}

function integer(c: Cursor): void {
  const t = c.next();
  if (t.kind !== 'number' || !/^\d+$/.test(t.text)) bail();
}

function parseItems(c: Cursor): AstNode[] {
  const items: AstNode[] = [];
  do {
    if (c.isOp('*')) {
      c.pos++;
      items.push({ type: 'expr', expr: { type: 'column_ref', table: null, column: '*' }, as: null });
      continue;
    }
    const expr = parseExpr(c);
    if (expr.type === 'column_ref' && expr.column === '*') {
      items.push({ type: 'expr', expr, as: null });
      continue;
    }
    items.push({ type: 'expr', expr, as: optionalAlias(c) ?? null });
  } while (c.acceptPunct(','));
  if (!c.atEnd() && !c.isPunct(')') && !c.isPunct(';') && c.peek()?.kind !== 'word') bail();
  return items;
}

const JOIN_KINDS: Record<string, string> = { inner: 'INNER JOIN', left: 'LEFT JOIN', right: 'RIGHT JOIN', full: 'FULL JOIN', cross: 'CROSS JOIN' };

function parseFrom(c: Cursor): AstNode[] {
  const items = [parseFromItem(c)];
  for (;;) {
    if (c.acceptPunct(',')) {
      items.push(parseFromItem(c));
      continue;
    }
    const join = joinKind(c);
    if (!join) return items;
    const item = { ...parseFromItem(c), join };
    if (join !== 'CROSS JOIN') parseJoinCondition(c, item);
    items.push(item);
  }
}

function joinKind(c: Cursor): string | undefined {
  if (c.acceptKw('join')) return 'INNER JOIN';
  const kind = JOIN_KINDS[c.word()];
  if (!kind) return undefined;
  c.pos++;
  if (kind !== 'INNER JOIN' && kind !== 'CROSS JOIN') c.acceptKw('outer');
  c.expectKw('join');
  return kind;
}

function parseJoinCondition(c: Cursor, item: AstNode): void {
  if (c.acceptKw('on')) {
    item.on = parseExpr(c);
    // node-sql-parser reads `ON a = b, t2` as one expression list, not a comma join: leave it alone.
    if (c.isPunct(',')) bail();
    return;
  }
  c.expectKw('using');
  c.expectPunct('(');
  item.using = [];
  do item.using.push({ type: 'default', value: expectName(c) });
  while (c.acceptPunct(','));
  c.expectPunct(')');
}

function parseFromItem(c: Cursor): AstNode {
  if (c.acceptPunct('(')) {
    if (!c.isKw('select') && !c.isKw('with') && !c.isPunct('(')) bail(); // a parenthesised join
    const ast = parseQuery(c);
    c.expectPunct(')');
    return { expr: { ast, parentheses: true }, as: fromAlias(c) ?? null };
  }
  const table = tableNode(dottedName(c));
  if (c.isPunct('(')) bail(); // a table function
  return { ...table, as: fromAlias(c) ?? null };
}

function fromAlias(c: Cursor): string | undefined {
  const alias = optionalAlias(c);
  if (alias !== undefined && c.isPunct('(')) bail(); // `t(a, b)` column aliases
  return alias;
}
