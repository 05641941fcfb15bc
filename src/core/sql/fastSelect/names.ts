// Identifiers and dotted names as node-sql-parser spells them in its AST.
import type { AstNode } from '../sqlParser';
import type { Cursor } from './cursor';
import { bail } from './cursor';
import { isPlainName } from './keywords';

/** The identifier at the cursor without consuming it, or undefined when there is none. */
export function peekName(c: Cursor, offset = 0): string | undefined {
  const t = c.peek(offset);
  if (!t) return undefined;
  if (t.kind === 'word') return isPlainName(t.text) ? t.text : undefined;
  // Only double quotes: backticks and brackets belong to dialects the fast path does not serve.
  if (t.kind === 'quoted' && t.text.length > 2 && t.text.startsWith('"') && t.text.endsWith('"')) return t.value;
  return undefined;
}

export function expectName(c: Cursor): string {
  const name = peekName(c);
  if (name === undefined) bail();
  c.pos++;
  return name;
}

/** Up to three dotted parts (`db.schema.table`); more is a construct the fast path leaves alone. */
export function dottedName(c: Cursor): string[] {
  const parts = [expectName(c)];
  while (c.isPunct('.')) {
    c.pos++;
    parts.push(expectName(c));
  }
  if (parts.length > 3) bail();
  return parts;
}

/** A FROM/INTO table as node-sql-parser writes it: two parts are {db, table}, three {db, schema, table}. */
export function tableNode(parts: string[]): AstNode {
  if (parts.length === 1) return { db: null, table: parts[0] };
  if (parts.length === 2) return { db: parts[0], table: parts[1] };
  return { db: parts[0], schema: parts[1], table: parts[2] };
}

/** `[AS] alias`: a following bare word is an alias unless it is a keyword. */
export function optionalAlias(c: Cursor): string | undefined {
  if (c.acceptKw('as')) return expectName(c);
  const name = peekName(c);
  if (name === undefined) {
    // A word that is neither a name nor a keyword we stop at (e.g. `qualify`, `lateral`) is out of scope.
    const t = c.peek();
    if (t?.kind === 'word' && !STOP_WORDS.has(c.word())) bail();
    return undefined;
  }
  c.pos++;
  return name;
}

/** Keywords that may legitimately follow an item or a from-item. */
const STOP_WORDS = new Set([
  'from', 'where', 'group', 'having', 'order', 'limit', 'offset', 'union', 'intersect', 'except', 'join', 'inner',
  'left', 'right', 'full', 'cross', 'on', 'using', 'then', 'else', 'end', 'when', 'and', 'or', 'asc', 'desc', 'nulls',
]);
