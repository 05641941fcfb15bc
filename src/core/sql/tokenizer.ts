// The SQL lexical layer. node-sql-parser rejects some statements outright and keeps no positions
// for column references, so the migration, MERGE and fallback scanners work on these tokens.
// The scanner is one charCode loop with no per-character allocation because it runs on every SQL
// file of large workspaces; it never throws, and unterminated constructs run to the end of text.


export interface SqlToken {
  kind: 'word' | 'quoted' | 'string' | 'number' | 'punct' | 'operator' | 'jinja';
  text: string;
  /** The identifier without its quotes for 'quoted' tokens; the same as `text` otherwise. */
  value: string;
  start: number;
  end: number;
  line: number;
  column: number;
}

const THREE_CHAR_OPERATORS = new Set(['->>', '#>>']);
const TWO_CHAR_OPERATORS = new Set(['::', '<=', '>=', '<>', '!=', '||', '->', '=>', ':=', '#>', '**']);
const NAME_KINDS = new Set<SqlToken['kind']>(['word', 'quoted', 'jinja']);
const PUNCT = new Set(['(', ')', ',', ';', '.', '[', ']']);

const isIdentStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
const isIdentPart = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xa0 || c === 0xfeff;
}

/** End of a quoted run opened at `start` whose quote is escaped by doubling it. */
function endOfQuoted(text: string, start: number, close: number, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (backslashEscapes && c === 92) i += 2;
    else if (c !== close) i++;
    else if (text.charCodeAt(i + 1) === close && close !== 93) i += 2;
    else return i + 1;
  }
  return text.length;
}

/** End of a `$tag$ … $tag$` string, or -1 when `$` at `start` does not open one. */
function endOfDollarQuoted(text: string, start: number): number {
  let i = start + 1;
  if (isDigit(text.charCodeAt(i))) return -1;
  while (i < text.length && isIdentPart(text.charCodeAt(i)) && text.charCodeAt(i) !== 36) i++;
  if (text.charCodeAt(i) !== 36) return -1;
  const tag = text.slice(start, i + 1);
  const close = text.indexOf(tag, i + 1);
  return close < 0 ? text.length : close + tag.length;
}

/** End of a Jinja block; quoted strings inside `{{ }}` and `{% %}` may themselves contain `}}`. */
function endOfJinja(text: string, start: number): number {
  const second = text.charCodeAt(start + 1);
  if (second === 35) {
    const close = text.indexOf('#}', start + 2);
    return close < 0 ? text.length : close + 2;
  }
  const closer = second === 123 ? 125 : 37;
  let i = start + 2;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 39 || c === 34) i = endOfQuoted(text, i, c, true);
    else if (c === 125 && i > start + 2 && text.charCodeAt(i - 1) === closer) return i + 1;
    else i++;
  }
  return text.length;
}

function endOfNumber(text: string, start: number): number {
  let i = start;
  while (isDigit(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === 46 && text.charCodeAt(i + 1) !== 46) {
    i++;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  const e = text.charCodeAt(i) | 32;
  if (e === 101) {
    let j = i + 1;
    const sign = text.charCodeAt(j);
    if (sign === 43 || sign === 45) j++;
    if (isDigit(text.charCodeAt(j))) {
      i = j;
      while (isDigit(text.charCodeAt(i))) i++;
    }
  }
  // Hex literals (0x1F) and suffixed numbers stay one token rather than splitting into a word.
  while (i < text.length && isIdentPart(text.charCodeAt(i))) i++;
  return i;
}

/**
 * A `[` opens a T-SQL quoted identifier unless it directly follows an expression, where it is an
 * array subscript (`arr[1]`, `ARRAY[1, 2]`).
 */
function opensBracketIdentifier(text: string, i: number, previous: SqlToken | undefined): boolean {
  const follows = previous !== undefined && previous.end === i;
  if (follows && previous.kind !== 'operator' && !['(', ',', '.', ';'].includes(previous.text)) return false;
  const first = text.charCodeAt(i + 1);
  if (isDigit(first) || first === 39 || first === 34 || first === 93) return false;
  // The search is bounded so that a file full of unclosed brackets stays linear.
  for (let j = i + 1; j < text.length && j < i + 256; j++) {
    const c = text.charCodeAt(j);
    if (c === 93) return true;
    if (c === 10 || c === 91) return false;
  }
  return false;
}

/** Returns the end of the whitespace or comment at `i`, or `i` when there is none. */
function skipTrivia(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) i++;
    else if (c === 45 && text.charCodeAt(i + 1) === 45) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else return i;
  }
}

function scanToken(text: string, i: number, previous: SqlToken | undefined): { kind: SqlToken['kind']; end: number } {
  const c = text.charCodeAt(i);
  const next = text.charCodeAt(i + 1);
  if (c === 123 && (next === 123 || next === 37 || next === 35)) return { kind: 'jinja', end: endOfJinja(text, i) };
  if (c === 39) return { kind: 'string', end: endOfQuoted(text, i, 39, false) };
  if (next === 39 && ((c | 32) === 101)) return { kind: 'string', end: endOfQuoted(text, i + 1, 39, true) };
  if (next === 39 && ((c | 32) === 110 || (c | 32) === 120 || (c | 32) === 98)) return { kind: 'string', end: endOfQuoted(text, i + 1, 39, false) };
  if (c === 34 || c === 96) return { kind: 'quoted', end: endOfQuoted(text, i, c, false) };
  if (c === 91 && opensBracketIdentifier(text, i, previous)) return { kind: 'quoted', end: endOfQuoted(text, i, 93, false) };
  if (isIdentStart(c) || (c === 35 && isIdentStart(next))) {
    let j = i + 1;
    while (j < text.length && isIdentPart(text.charCodeAt(j))) j++;
    return { kind: 'word', end: j };
  }
  if (isDigit(c) || (c === 46 && isDigit(next) && !(previous && previous.end === i && previous.kind !== 'operator'))) {
    return { kind: 'number', end: endOfNumber(text, i) };
  }
  if (c === 36) {
    const end = endOfDollarQuoted(text, i);
    if (end > 0) return { kind: 'string', end };
  }
  const one = text[i];
  if (PUNCT.has(one)) return { kind: 'punct', end: i + 1 };
  if (THREE_CHAR_OPERATORS.has(text.slice(i, i + 3))) return { kind: 'operator', end: i + 3 };
  if (TWO_CHAR_OPERATORS.has(text.slice(i, i + 2))) return { kind: 'operator', end: i + 2 };
  return { kind: 'operator', end: i + 1 };
}

function unquote(text: string): string {
  const open = text[0];
  const close = open === '[' ? ']' : open;
  const inner = text.endsWith(close) && text.length > 1 ? text.slice(1, -1) : text.slice(1);
  return open === '[' ? inner : inner.split(open + open).join(open);
}

export function tokenizeSql(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let line = 1;
  let lineStart = 0;
  let nextNewline = text.indexOf('\n');
  let i = skipTrivia(text, 0);
  while (i < text.length) {
    const { kind, end } = scanToken(text, i, tokens[tokens.length - 1]);
    // Lines are counted by walking newline positions forward only, so the cost stays linear.
    while (nextNewline >= 0 && nextNewline < i) {
      line++;
      lineStart = nextNewline + 1;
      nextNewline = text.indexOf('\n', lineStart);
    }
    const tokenText = text.slice(i, end);
    const value = kind === 'quoted' ? unquote(tokenText) : tokenText;
    tokens.push({ kind, text: tokenText, value, start: i, end, line, column: i - lineStart + 1 });
    i = skipTrivia(text, end);
  }
  return tokens;
}

export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const limit = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let j = text.indexOf('\n'); j >= 0 && j < limit; j = text.indexOf('\n', j + 1)) {
    line++;
    lineStart = j + 1;
  }
  return { line, column: limit - lineStart + 1 };
}

export function splitStatements(text: string): { text: string; start: number; line: number; column: number }[] {
  const statements: { text: string; start: number; line: number; column: number }[] = [];
  let first: SqlToken | undefined;
  for (const token of tokenizeSql(text)) {
    if (token.kind === 'punct' && token.text === ';') {
      if (first) statements.push({ text: text.slice(first.start, token.start), start: first.start, line: first.line, column: first.column });
      first = undefined;
    } else if (!first) {
      first = token;
    }
  }
  if (first) statements.push({ text: text.slice(first.start), start: first.start, line: first.line, column: first.column });
  return statements;
}

// Callers look up many names in the same file one after another; re-tokenizing it each time
// would make a rename check quadratic in the number of columns.
let cachedText: string | undefined;
let cachedTokens: SqlToken[] = [];

function tokensOf(text: string): SqlToken[] {
  if (cachedText !== text) {
    cachedTokens = tokenizeSql(text);
    cachedText = text;
  }
  return cachedTokens;
}

export function findIdentifierPositions(
  text: string,
  name: string,
  from = 0,
  to = text.length,
): { offset: number; line: number; column: number }[] {
  const lower = name.toLowerCase();
  const found: { offset: number; line: number; column: number }[] = [];
  for (const token of tokensOf(text)) {
    if (token.start < from || token.start >= to) continue;
    const matches = token.kind === 'word' ? token.text.toLowerCase() === lower : token.kind === 'quoted' && token.value === name;
    if (matches) found.push({ offset: token.start, line: token.line, column: token.column });
  }
  return found;
}

// Small token helpers shared by the statement scanners.

export function isWord(token: SqlToken | undefined, ...words: string[]): boolean {
  if (!token || token.kind !== 'word') return false;
  const lower = token.text.toLowerCase();
  return words.length === 0 || words.includes(lower);
}

export function isPunct(token: SqlToken | undefined, text: string): boolean {
  return token !== undefined && token.kind === 'punct' && token.text === text;
}

/** Index just past the `)` matching the `(` at `open`, or tokens.length when unbalanced. */
export function skipParens(tokens: SqlToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isPunct(tokens[i], '(')) depth++;
    else if (isPunct(tokens[i], ')') && --depth === 0) return i + 1;
  }
  return tokens.length;
}

/**
 * Reads a dotted name starting at `i`. A BigQuery backtick name may hold all its parts in one
 * token. A name touched by Jinja is reported with `jinja: true`, since its real value is unknown.
 */
export function readQualifiedName(
  tokens: SqlToken[],
  i: number,
): { parts: string[]; next: number; jinja: boolean } | undefined {
  const parts: string[] = [];
  let jinja = false;
  let j = i;
  for (;;) {
    const token = tokens[j];
    if (token?.kind === 'jinja') jinja = true;
    else if (token?.kind === 'word') parts.push(token.value);
    else if (token?.kind === 'quoted') parts.push(...(token.text.startsWith('`') ? token.value.split('.') : [token.value]));
    else break;
    const next = tokens[++j];
    if (next && next.start === token.end && (next.kind === 'jinja' || token.kind === 'jinja') && NAME_KINDS.has(next.kind)) continue;
    if (!isPunct(next, '.')) break;
    j++;
  }
  if (j === i) return undefined;
  return { parts: parts.slice(-3), next: j, jinja };
}
