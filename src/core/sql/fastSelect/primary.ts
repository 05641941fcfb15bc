// Primary expressions: literals, column references, parentheses and subqueries, CASE, CAST,
// EXTRACT, EXISTS and function calls (see functions.ts).
import type { AstNode } from '../sqlParser';
import type { Cursor } from './cursor';
import { bail } from './cursor';
import { parseExpr, parseType } from './expressions';
import { parseCall } from './functions';
import { INTERVAL_UNITS, NILADIC, RESERVED } from './keywords';
import { peekName } from './names';

export function parsePrimary(c: Cursor): AstNode {
  const t = c.peek();
  if (!t) return bail();
  if (t.kind === 'number') return parseNumber(c);
  if (t.kind === 'string') return parseString(c);
  if (t.kind === 'punct' && t.text === '(') return parseParenthesised(c);
  if (t.kind === 'word') return parseWord(c, c.word());
  if (t.kind === 'quoted') return parseColumnRef(c);
  return bail();
}

function parseNumber(c: Cursor): AstNode {
  const text = c.next().text;
  // node-sql-parser keeps integers as numbers (so GROUP BY 1 is positional) and decimals as text.
  if (/^\d+$/.test(text)) return { type: 'number', value: Number(text) };
  if (/^\d*\.\d+$|^\d+\.\d*$/.test(text)) return { type: 'number', value: text };
  return bail();
}

function parseString(c: Cursor): AstNode {
  const text = c.next().text;
  // Plain '…' only: E'…', N'…', X'…' and $$…$$ have meanings that vary by dialect.
  if (text.length < 2 || text[0] !== "'" || !text.endsWith("'")) bail();
  return { type: 'single_quote_string', value: text.slice(1, -1) };
}

function parseParenthesised(c: Cursor): AstNode {
  c.pos++;
  if (c.isKw('select') || c.isKw('with')) {
    const ast = c.parseQuery();
    c.expectPunct(')');
    return { ast, parentheses: true };
  }
  const expr = parseExpr(c);
  if (c.isPunct(',')) bail(); // a row constructor
  c.expectPunct(')');
  return { ...expr, parentheses: true };
}

function parseWord(c: Cursor, word: string): AstNode {
  switch (word) {
    case 'null':
      c.pos++;
      return { type: 'null', value: null };
    case 'true':
    case 'false':
      c.pos++;
      return { type: 'bool', value: word === 'true' };
    case 'case':
      return parseCase(c);
    case 'cast':
      return parseCast(c);
    case 'extract':
      return parseExtract(c);
    case 'exists':
      return parseExists(c);
    case 'interval':
      return parseInterval(c);
  }
  if ((word === 'date' || word === 'timestamp') && c.peek(1)?.kind === 'string') {
    c.pos++;
    const literal = parseString(c);
    return { type: word, value: literal.value };
  }
  if (NILADIC.has(word) && !c.isPunct('(', 1)) {
    c.pos++;
    return { type: 'function', name: word };
  }
  if (c.isPunct('(', 1)) return parseCall(c, word);
  return parseColumnRef(c);
}

/** `a`, `t.a`, `s.t.a` as node-sql-parser's column_ref; `t.*` only where a select item allows it. */
export function parseColumnRef(c: Cursor): AstNode {
  const parts: string[] = [];
  for (;;) {
    const name = peekName(c);
    if (name === undefined) {
      if (parts.length > 0 && c.isOp('*')) {
        c.pos++;
        return starRef(parts);
      }
      return bail();
    }
    c.pos++;
    parts.push(name);
    if (!c.isPunct('.')) break;
    c.pos++;
  }
  if (parts.length > 3 || c.isPunct('(') || c.isPunct('[')) bail();
  const column = parts[parts.length - 1];
  if (parts.length === 1) return { type: 'column_ref', table: null, column };
  if (parts.length === 2) return { type: 'column_ref', table: parts[0], column };
  return { type: 'column_ref', schema: parts[0], table: parts[1], column };
}

function starRef(parts: string[]): AstNode {
  if (parts.length !== 1) bail();
  return { type: 'column_ref', table: parts[0], column: '*' };
}

function parseCase(c: Cursor): AstNode {
  c.pos++;
  const expr = c.isKw('when') ? null : parseExpr(c);
  const args: AstNode[] = [];
  while (c.acceptKw('when')) {
    const cond = parseExpr(c);
    c.expectKw('then');
    args.push({ type: 'when', cond, result: parseExpr(c) });
  }
  if (args.length === 0) bail();
  if (c.acceptKw('else')) args.push({ type: 'else', result: parseExpr(c) });
  c.expectKw('end');
  return { type: 'case', expr, args };
}

function parseCast(c: Cursor): AstNode {
  c.pos++;
  c.expectPunct('(');
  const expr = parseExpr(c);
  c.expectKw('as');
  const target = parseType(c);
  c.expectPunct(')');
  return { type: 'cast', keyword: 'cast', expr, symbol: 'as', target };
}

function parseExtract(c: Cursor): AstNode {
  c.pos++;
  c.expectPunct('(');
  const field = c.next();
  if (field.kind !== 'word' || !INTERVAL_UNITS.has(field.text.toLowerCase()) && !EXTRACT_FIELDS.has(field.text.toLowerCase())) bail();
  c.expectKw('from');
  const source = parseExpr(c);
  c.expectPunct(')');
  return { type: 'extract', args: { field: field.text, source } };
}

const EXTRACT_FIELDS = new Set(['epoch', 'dow', 'doy', 'quarter', 'isodow', 'isoyear', 'century', 'decade', 'millennium']);

function parseExists(c: Cursor): AstNode {
  c.pos++;
  c.expectPunct('(');
  if (!c.isKw('select') && !c.isKw('with')) bail();
  const ast = c.parseQuery();
  c.expectPunct(')');
  return { type: 'function', name: 'exists', args: { type: 'expr_list', value: [{ ast }] } };
}

// `interval '3 days'` only: a trailing unit word (`interval '3' day`) is read differently by builds.
function parseInterval(c: Cursor): AstNode {
  c.pos++;
  if (c.peek()?.kind !== 'string') bail();
  const value = parseString(c);
  if (INTERVAL_UNITS.has(c.word()) || (c.peek()?.kind === 'word' && RESERVED.has(c.word()) === false && c.word() !== '')) bail();
  return { type: 'interval', expr: value };
}
