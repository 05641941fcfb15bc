// Expressions by precedence climbing, emitted in node-sql-parser's AST shape (only the keys the
// scope builder reads, in source order, since it collects column references in key order):
//   OR < AND < NOT < comparison/IS/IN/LIKE/BETWEEN < || < + - < * / % < unary + - < :: < primary
import type { AstNode } from '../sqlParser';
import type { Cursor } from './cursor';
import { bail } from './cursor';
import { parsePrimary } from './primary';

const COMPARISON = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);

export function parseExpr(c: Cursor): AstNode {
  let left = parseAnd(c);
  while (c.acceptKw('or')) left = binary('OR', left, parseAnd(c));
  return left;
}

function parseAnd(c: Cursor): AstNode {
  let left = parseNot(c);
  while (c.acceptKw('and')) left = binary('AND', left, parseNot(c));
  return left;
}

function parseNot(c: Cursor): AstNode {
  if (c.acceptKw('not')) return { type: 'unary_expr', operator: 'NOT', expr: parseNot(c) };
  return parseComparison(c);
}

function parseComparison(c: Cursor): AstNode {
  let left = parseConcat(c);
  for (;;) {
    const t = c.peek();
    if (t?.kind === 'operator' && COMPARISON.has(t.text)) {
      c.pos++;
      left = binary(t.text, left, parseConcat(c));
    } else if (c.isKw('is')) {
      left = parseIs(c, left);
    } else if (c.isKw('not') || c.isKw('in') || c.isKw('like') || c.isKw('ilike') || c.isKw('between')) {
      left = parsePredicate(c, left);
    } else return left;
  }
}

// IS [NOT] NULL|TRUE|FALSE. IS [NOT] DISTINCT FROM is left to node-sql-parser, which reads its
// right operand as text (so the IR it yields has no reference there): the fast path cannot match it.
function parseIs(c: Cursor, left: AstNode): AstNode {
  c.pos++;
  const not = c.acceptKw('not');
  const value = c.word();
  if (value !== 'null' && value !== 'true' && value !== 'false') bail();
  c.pos++;
  return binary(not ? 'IS NOT' : 'IS', left, { type: value === 'null' ? 'null' : 'bool', value: value === 'true' });
}

function parsePredicate(c: Cursor, left: AstNode): AstNode {
  const not = c.acceptKw('not');
  const op = c.word();
  c.pos++;
  const prefix = not ? 'NOT ' : '';
  if (op === 'in') return binary(`${prefix}IN`, left, parseInList(c));
  if (op === 'like' || op === 'ilike') {
    const right = parseConcat(c);
    if (c.isKw('escape')) bail();
    return binary(`${prefix}${op.toUpperCase()}`, left, right);
  }
  if (op === 'between') {
    const low = parseConcat(c);
    c.expectKw('and');
    return binary(`${prefix}BETWEEN`, left, { type: 'expr_list', value: [low, parseConcat(c)] });
  }
  return bail();
}

function parseInList(c: Cursor): AstNode {
  c.expectPunct('(');
  if (c.isKw('select') || c.isKw('with')) {
    const ast = c.parseQuery();
    c.expectPunct(')');
    return { ast };
  }
  const value = [parseExpr(c)];
  while (c.acceptPunct(',')) value.push(parseExpr(c));
  c.expectPunct(')');
  return { type: 'expr_list', value };
}

function parseConcat(c: Cursor): AstNode {
  let left = parseAdditive(c);
  while (c.acceptOp('||')) left = binary('||', left, parseAdditive(c));
  return left;
}

function parseAdditive(c: Cursor): AstNode {
  let left = parseMultiplicative(c);
  for (;;) {
    if (c.acceptOp('+')) left = binary('+', left, parseMultiplicative(c));
    else if (c.acceptOp('-')) left = binary('-', left, parseMultiplicative(c));
    else return left;
  }
}

function parseMultiplicative(c: Cursor): AstNode {
  let left = parseUnary(c);
  for (;;) {
    const t = c.peek();
    if (t?.kind !== 'operator' || (t.text !== '*' && t.text !== '/' && t.text !== '%')) return left;
    c.pos++;
    left = binary(t.text, left, parseUnary(c));
  }
}

function parseUnary(c: Cursor): AstNode {
  if (c.acceptOp('-')) return { type: 'unary_expr', operator: '-', expr: parseUnary(c) };
  if (c.acceptOp('+')) return { type: 'unary_expr', operator: '+', expr: parseUnary(c) };
  return parsePostfix(c);
}

function parsePostfix(c: Cursor): AstNode {
  let expr = parsePrimary(c);
  while (c.acceptOp('::')) expr = { type: 'cast', keyword: 'cast', expr, symbol: '::', target: parseType(c) };
  return expr;
}

/** Multi-word type names node-sql-parser knows; any other second word ends the type. */
const TYPE_SECOND_WORDS: Record<string, string> = { double: 'precision', character: 'varying' };

/** A type name: `name`, `double precision`, `varchar(10)`, `numeric(12, 2)`. Arrays and zones bail. */
export function parseType(c: Cursor): AstNode {
  const t = c.next();
  if (t.kind !== 'word' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(t.text)) bail();
  let dataType = t.text.toUpperCase();
  const second = TYPE_SECOND_WORDS[t.text.toLowerCase()];
  if (second && c.acceptKw(second)) dataType += ` ${second.toUpperCase()}`;
  if (c.isKw('with') || c.isKw('without') || c.isPunct('[') || c.isPunct('.')) bail();
  const target: AstNode = { dataType };
  if (c.acceptPunct('(')) {
    target.length = numberArg(c);
    if (c.acceptPunct(',')) target.scale = numberArg(c);
    c.expectPunct(')');
  }
  return [target];
}

function numberArg(c: Cursor): number {
  const t = c.next();
  if (t.kind !== 'number' || !/^\d+$/.test(t.text)) bail();
  return Number(t.text);
}

export function binary(operator: string, left: AstNode, right: AstNode): AstNode {
  return { type: 'binary_expr', operator, left, right };
}
