// Turns a dbt Jinja template into the engine's AST while keeping source positions.
// @huggingface/jinja's tokens and nodes carry no positions, so we cut the template into
// text and tag segments ourselves, tokenize each tag with the engine's own lexer, and
// afterwards pair every statement node with the tag that opened it.

import { parse, tokenize } from '@huggingface/jinja';
import type { Loc, LocatedMessage, Segment } from './jinjaSegments';
import { scanSegments } from './jinjaSegments';

export type { Loc, LocatedMessage } from './jinjaSegments';

export type JToken = ReturnType<typeof tokenize>[number];
export type JProgram = ReturnType<typeof parse>;
export type JStatement = JProgram['body'][number];

/** One `{{ … }}` or `{% … %}` tag after tokenizing (and dbt rewrites). */
export interface TagInfo {
  kind: 'expr' | 'stmt';
  keyword: string;
  tokens: JToken[];
  loc: Loc;
}

export interface CompiledTemplate {
  program?: JProgram;
  /** Statement node → position of the tag or text that produced it. */
  lines: WeakMap<object, Loc>;
  tags: TagInfo[];
  error?: LocatedMessage;
}

// The engine's lexer costs a few microseconds per tag, and dbt projects repeat the same tags
// (`{% endif %}`, `{{ this }}`, `{% if is_incremental() %}`) across thousands of models.
// The parser never mutates tokens, so token objects can be shared; each caller gets its own array.
const TAG_CACHE_LIMIT = 50_000;
const tagCache = new Map<string, JToken[]>();

export function tokenizeTag(text: string): JToken[] {
  let tokens = tagCache.get(text);
  if (!tokens) {
    tokens = tokenize(text);
    if (tagCache.size >= TAG_CACHE_LIMIT) tagCache.clear();
    tagCache.set(text, tokens);
  }
  return tokens.slice();
}

const ident = (value: string): JToken => ({ value, type: 'Identifier' });

interface TokenStream {
  tokens: JToken[];
  tokenLocs: Loc[];
  openers: Loc[];
  tags: TagInfo[];
  error?: LocatedMessage;
}

/** Tokenizes every segment, remembering the first tag the lexer rejects and carrying on past it. */
function buildTokens(segments: Segment[]): TokenStream {
  const out: TokenStream = { tokens: [], tokenLocs: [], openers: [], tags: [] };
  let skipUntil = '';
  segments.forEach((seg, k) => {
    if (seg.kind === 'comment') return;
    if (seg.kind === 'text') {
      if (!skipUntil) pushText(out, seg, segments[k - 1], segments[k + 1]);
      return;
    }
    let tokens: JToken[];
    try {
      tokens = tokenizeTag(seg.text);
    } catch (e) {
      out.error ??= { ...seg.loc, message: errorText(e) };
      return;
    }
    const keyword = seg.kind === 'stmt' && tokens[1]?.type === 'Identifier' ? tokens[1].value : '';
    if (skipUntil) {
      if (keyword === skipUntil) skipUntil = '';
      return;
    }
    if (keyword === 'materialization' || keyword === 'docs') {
      skipUntil = `end${keyword}`;
      return;
    }
    if (keyword === 'snapshot' || keyword === 'endsnapshot') return;
    rewriteDbtTag(tokens, keyword);
    out.tags.push({ kind: seg.kind, keyword, tokens, loc: seg.loc });
    if (keyword !== 'else' && !keyword.startsWith('end')) out.openers.push(seg.loc);
    for (const t of tokens) {
      out.tokens.push(t);
      out.tokenLocs.push(seg.loc);
    }
  });
  return out;
}

function pushText(out: TokenStream, seg: Segment, prev?: Segment, next?: Segment): void {
  let text = seg.text;
  if (prev?.trimAfter) text = text.trimStart();
  if (next?.trimBefore) text = text.trimEnd();
  if (!text) return;
  out.tokens.push({ value: text, type: 'Text' });
  out.tokenLocs.push(seg.loc);
  out.openers.push(seg.loc);
}

/** Rewrites dbt-only tags into forms the engine accepts. */
function rewriteDbtTag(tokens: JToken[], keyword: string): void {
  if (keyword === 'do') {
    // `{% do x.append(y) %}` evaluates for its side effect; a throwaway assignment does the same.
    tokens.splice(1, 1, ident('set'), ident('__dl_do'), { value: '=', type: 'Equals' });
  } else if (keyword === 'test' && tokens[2]) {
    // dbt registers `{% test name(…) %}` as the macro `test_name`.
    tokens.splice(1, 2, ident('macro'), ident(`test_${tokens[2].value}`));
  } else if (keyword === 'endtest') {
    tokens[1] = ident('endmacro');
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Tokenizes and parses a template; never throws. */
export function compileTemplate(template: string): CompiledTemplate {
  // Jinja drops a single trailing newline by default (keep_trailing_newline=False).
  const src = template.endsWith('\n') ? template.slice(0, -1) : template;
  const scanned = scanSegments(src);
  const stream = buildTokens(scanned.segments);
  const lines = new WeakMap<object, Loc>();
  const error = scanned.error ?? stream.error;
  if (error) return { lines, tags: stream.tags, error };
  try {
    const program = parse(stream.tokens);
    assignLines(program.body, stream.openers, { next: 0 }, lines);
    return { program, lines, tags: stream.tags };
  } catch (e) {
    return { lines, tags: stream.tags, error: locateParseError(stream, errorText(e)) };
  }
}

/** Pairs statements, in document order, with the tags and texts that opened them. */
function assignLines(body: JStatement[], openers: Loc[], cursor: { next: number }, lines: WeakMap<object, Loc>): void {
  for (const stmt of body) {
    const loc = openers[cursor.next++];
    if (loc) lines.set(stmt, loc);
    for (const child of childBodies(stmt)) assignLines(child, openers, cursor, lines);
  }
}

/** Calls `visit` for every statement, nested bodies included, in document order. */
export function forEachStatement(body: JStatement[], visit: (stmt: JStatement) => void): void {
  for (const stmt of body) {
    visit(stmt);
    for (const child of childBodies(stmt)) forEachStatement(child, visit);
  }
}

function childBodies(stmt: JStatement): JStatement[][] {
  const s = stmt as unknown as Record<string, unknown>;
  switch (stmt.type) {
    case 'If':
      return [s.body as JStatement[], s.alternate as JStatement[]];
    case 'For':
      return [s.body as JStatement[], s.defaultBlock as JStatement[]];
    case 'Set':
    case 'Macro':
    case 'CallStatement':
    case 'FilterStatement':
      return [s.body as JStatement[]];
    default:
      return [];
  }
}

const BLOCK_ENDS: Record<string, string> = {
  if: 'endif',
  for: 'endfor',
  macro: 'endmacro',
  call: 'endcall',
  filter: 'endfilter',
  set: 'endset',
  test: 'endtest',
};

/**
 * The parser says what went wrong but not where. Unbalanced blocks are the common case and
 * are best reported at the unclosed or stray tag; otherwise we re-parse while watching which
 * token the parser read last.
 */
function locateParseError(stream: TokenStream, message: string): LocatedMessage {
  const unbalanced = findUnbalancedBlock(stream.tags);
  if (unbalanced) return unbalanced;
  let furthest = 0;
  const watched = new Proxy(stream.tokens, {
    get(target, key, receiver) {
      if (typeof key === 'string') {
        const index = Number(key);
        if (Number.isInteger(index) && index > furthest) furthest = index;
      }
      return Reflect.get(target, key, receiver);
    },
  });
  try {
    parse(watched);
  } catch {
    // The same error as before; only `furthest` matters here.
  }
  const loc = stream.tokenLocs[Math.min(furthest, stream.tokenLocs.length - 1)] ?? { line: 1, column: 1 };
  return { ...loc, message };
}

function findUnbalancedBlock(tags: TagInfo[]): LocatedMessage | undefined {
  const stack: TagInfo[] = [];
  for (const tag of tags) {
    const kw = tag.keyword;
    const isInlineSet = kw === 'set' && tag.tokens.some((t) => t.type === 'Equals');
    if (BLOCK_ENDS[kw] && !isInlineSet) stack.push(tag);
    else if (kw.startsWith('end')) {
      const top = stack.pop();
      if (!top || BLOCK_ENDS[top.keyword] !== kw) return { ...tag.loc, message: `Unexpected {% ${kw} %}` };
    } else if ((kw === 'elif' || kw === 'else') && !['if', 'for'].includes(stack.at(-1)?.keyword ?? '')) {
      return { ...tag.loc, message: `Unexpected {% ${kw} %}` };
    }
  }
  const open = stack.pop();
  return open ? { ...open.loc, message: `Unclosed {% ${open.keyword} %} (missing {% ${BLOCK_ENDS[open.keyword]} %})` } : undefined;
}
