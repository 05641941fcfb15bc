// Static extraction of ref()/source()/config() calls from the engine's AST, without rendering.
// This is the fast path for the table-level graph and the fallback when a render fails.

import { parse, tokenize } from '@huggingface/jinja';
import type { UpstreamRef } from '../model';
import type { CompiledTemplate, JProgram, JStatement, JToken, Loc, TagInfo } from './jinjaSource';
import { tokenizeTag } from './jinjaSource';
import { scanSegments } from './jinjaSegments';
import { readCallTag } from './jinjaCallTag';

export interface JinjaDiagnostic {
  line: number;
  column?: number;
  message: string;
  code: string;
}

export interface Extraction {
  upstream: UpstreamRef[];
  config: Record<string, unknown>;
  diagnostics: JinjaDiagnostic[];
}

/** Appends an upstream reference unless an equal one is already listed; returns whether it was new. */
export function pushUpstream(list: UpstreamRef[], seen: Set<string>, ref: UpstreamRef): boolean {
  const key = JSON.stringify(ref);
  if (seen.has(key)) return false;
  seen.add(key);
  list.push(ref);
  return true;
}

/** Builds the upstream reference of a ref() call from its evaluated arguments. */
export function refUpstream(positional: unknown[], version: unknown): UpstreamRef | undefined {
  const strings = positional.filter((a): a is string => typeof a === 'string');
  if (strings.length === 0 || strings.length !== positional.length) return undefined;
  const [pkg, name] = strings.length >= 2 ? [strings[0], strings[1]] : [undefined, strings[0]];
  const ref: UpstreamRef = { kind: 'ref', name };
  if (pkg !== undefined) ref.package = pkg;
  if (version !== undefined && version !== null) ref.version = String(version);
  return ref;
}

const NOT_LITERAL = Symbol('not literal');
const NAMED_CONSTANTS = new Map<string, unknown>([
  ['true', true],
  ['True', true],
  ['false', false],
  ['False', false],
  ['none', null],
  ['None', null],
]);

interface AnyNode {
  type: string;
  [key: string]: unknown;
}

/** The value of a literal expression (strings, numbers, lists, dicts, true/false/none), else NOT_LITERAL. */
function literalValue(node: AnyNode): unknown {
  switch (node.type) {
    case 'StringLiteral':
    case 'IntegerLiteral':
    case 'FloatLiteral':
      return node.value;
    case 'Identifier':
      return NAMED_CONSTANTS.has(node.value as string) ? NAMED_CONSTANTS.get(node.value as string) : NOT_LITERAL;
    case 'ArrayLiteral':
    case 'TupleLiteral': {
      const items = (node.value as AnyNode[]).map(literalValue);
      return items.includes(NOT_LITERAL) ? NOT_LITERAL : items;
    }
    case 'ObjectLiteral':
      return objectLiteral(node.value as Map<AnyNode, AnyNode>);
    default:
      return NOT_LITERAL;
  }
}

function objectLiteral(entries: Map<AnyNode, AnyNode>): unknown {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const key = literalValue(k);
    const value = literalValue(v);
    if (typeof key !== 'string' || value === NOT_LITERAL) return NOT_LITERAL;
    out[key] = value;
  }
  return out;
}

/** Calls `visit` for every node in document order; node fields are declared in source order. */
function forEachNode(value: unknown, visit: (node: AnyNode) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) forEachNode(item, visit);
  } else if (value instanceof Map) {
    for (const [k, v] of value) {
      forEachNode(k, visit);
      forEachNode(v, visit);
    }
  } else if (value && typeof value === 'object' && typeof (value as AnyNode).type === 'string') {
    const node = value as AnyNode;
    visit(node);
    for (const key of Object.keys(node)) if (key !== 'type') forEachNode(node[key], visit);
  }
}

/** The name of a ref() / source() / config() call node; undefined for any other node. */
function extractedCall(node: AnyNode): 'ref' | 'source' | 'config' | undefined {
  if (node.type !== 'CallExpression') return undefined;
  const callee = node.callee as AnyNode;
  if (callee.type !== 'Identifier') return undefined;
  const name = callee.value;
  return name === 'ref' || name === 'source' || name === 'config' ? name : undefined;
}

/**
 * The ref() / source() / config() calls of a tree in the order Extractor.walk visits them. A
 * cached tag's calls are found once, rather than walking its whole tree (every node's keys) in
 * each template that has the tag; the calls are still evaluated per template, so each gets its
 * own config objects.
 */
function callsOf(body: JStatement[]): AnyNode[] {
  const calls: AnyNode[] = [];
  forEachNode(body, (node) => {
    if (extractedCall(node)) calls.push(node);
  });
  return calls;
}

class Extractor {
  readonly result: Extraction = { upstream: [], config: {}, diagnostics: [] };
  private readonly seen = new Set<string>();
  private loc: Loc = { line: 1, column: 1 };

  constructor(private readonly lines?: WeakMap<object, Loc>) {}

  /** Visits every node in document order (see forEachNode). */
  walk(value: unknown): void {
    forEachNode(value, (node) => {
      this.loc = this.lines?.get(node) ?? this.loc;
      if (node.type === 'CallExpression') this.visitCall(node);
    });
  }

  /** Visits calls found beforehand (callsOf), as walk() would on the tree they came from. */
  visitCalls(calls: readonly AnyNode[]): void {
    for (const call of calls) this.visitCall(call);
  }

  private visitCall(node: AnyNode): void {
    const name = extractedCall(node);
    if (!name) return;
    const positional: unknown[] = [];
    const kwargs: Record<string, unknown> = {};
    for (const arg of node.args as AnyNode[]) {
      if (arg.type === 'KeywordArgumentExpression') {
        kwargs[(arg.key as AnyNode).value as string] = literalValue(arg.value as AnyNode);
      } else {
        positional.push(literalValue(arg));
      }
    }
    if (name === 'config') this.addConfig(positional, kwargs);
    else this.addUpstream(name, positional, kwargs);
  }

  private addConfig(positional: unknown[], kwargs: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(kwargs)) if (value !== NOT_LITERAL) this.result.config[key] = value;
    for (const value of positional) if (value && typeof value === 'object' && !Array.isArray(value)) Object.assign(this.result.config, value);
  }

  private addUpstream(name: string, positional: unknown[], kwargs: Record<string, unknown>): void {
    const version = kwargs.v ?? kwargs.version;
    const ref =
      name === 'ref'
        ? version === NOT_LITERAL ? undefined : refUpstream(positional, version)
        : positional.length === 2 && positional.every((a) => typeof a === 'string')
          ? ({ kind: 'source', source: positional[0] as string, table: positional[1] as string } as const)
          : undefined;
    if (ref) pushUpstream(this.result.upstream, this.seen, ref);
    else this.diagnose(`${name}() with non-literal arguments is only resolved by rendering`, 'jinja-dynamic-ref');
  }

  at(loc: Loc): void {
    this.loc = loc;
  }

  diagnose(message: string, code: string, loc: Loc = this.loc): void {
    this.result.diagnostics.push({ line: loc.line, column: loc.column, message, code });
  }
}

/** Extracts calls from a parsed template. */
export function extractFromProgram(program: JProgram, lines: WeakMap<object, Loc>): Extraction {
  const extractor = new Extractor(lines);
  extractor.walk(program.body);
  return extractor.result;
}

// Most dbt models are SQL with `{{ … }}` tags only, and the same tags recur across models
// (`{{ config(…) }}`, `{{ ref('orders') }}`, `{{ var('x') }}`): parsing each distinct tag once
// and walking the cached tree took the 10,000-model benchmark's ref extraction from ~560 ms to
// ~200 ms. Only the tree's ref/source/config call nodes are kept (callsOf); they are only read,
// never changed, so one call node can serve every template.
const TAG_BODY_LIMIT = 50_000;
const tagBodies = new Map<string, AnyNode[] | null>();

/**
 * The calls (callsOf) of the statements one `{{ … }}` tag parses to on its own; null when it does
 * not parse. A tag in readCallTag's grammar (most of them) is read straight into its node; any
 * other is lexed with the engine's tokenize() itself, not through tokenizeTag's cache: this cache already
 * keeps the tree, and most `{{ ref('…') }}` tags are met once or twice, so that cache would only
 * have copied and kept a token list per tag (the cold pass over the bench's 10,000 models took
 * ~70 ms longer with it).
 */
function tagCalls(text: string): AnyNode[] | null {
  return cachedCalls(text, () => {
    // Most tags are `{{ name(literals) }}`, read directly into the node the engine would build.
    const simple = readCallTag(text);
    if (simple) return extractedCall(simple) ? [simple] : [];
    return engineTagCalls(text);
  });
}

/** The calls cached under `key`, found by `find` the first time. */
function cachedCalls(key: string, find: () => AnyNode[] | null): AnyNode[] | null {
  let calls = tagBodies.get(key);
  if (calls === undefined) {
    calls = find();
    if (tagBodies.size >= TAG_BODY_LIMIT) tagBodies.clear();
    tagBodies.set(key, calls);
  }
  return calls;
}

/** The calls of one `{{ … }}` tag lexed and parsed by the engine; null when it does not parse. */
export function engineTagCalls(text: string): AnyNode[] | null {
  try {
    return callsOf(parse(tokenize(text)).body);
  } catch {
    return null;
  }
}

/**
 * The calls of the test of an `{% if … %}` / `{% elif … %}` tag, parsed on its own; null when it does not
 * parse (or the tag has no test). The parser reads an if-test with the same parseExpression as a
 * `{{ … }}` body and then expects the tag's close, so the tag's inner tokens between `{{` and
 * `}}` parse to the very same expression node, or fail exactly when the test would.
 */
function ifTestCalls(text: string, tokens: JToken[]): AnyNode[] | null {
  return cachedCalls(`if-test ${text}`, () => {
    const inner = tokens.slice(2, -1);
    try {
      const body = tokens.at(-1)?.type === 'CloseStatement' && inner.length ? parse([OPEN_EXPRESSION, ...inner, CLOSE_EXPRESSION]).body : [];
      return body.length === 1 ? callsOf(body) : null;
    } catch {
      return null;
    }
  });
}

const OPEN_EXPRESSION: JToken = { value: '{{', type: 'OpenExpression' };
const CLOSE_EXPRESSION: JToken = { value: '}}', type: 'CloseExpression' };

/** The tokens of a `{% … %}` tag, as compileTemplate reads them; undefined when it does not tokenize. */
function statementTokens(text: string): JToken[] | undefined {
  try {
    return tokenizeTag(text);
  } catch {
    return undefined;
  }
}

/**
 * extractFromProgram's answer, from each tag parsed on its own, for a template whose tags are
 * expressions and if / elif / else / endif blocks. Between `{{ … }}` tags the parser carries no
 * state (text becomes a string literal), so such a template parses exactly when every tag does,
 * into the tags' trees in order, and each call is reported at its tag as extractFromProgram does.
 * An if-block adds only its test (walked first, at the `if` or `elif` tag, as extractFromProgram
 * walks an If node's test before its branches) and the block structure, which is checked here as
 * the parser checks it: elif and else only inside an if and before its else, endif closing one
 * if, nothing left open, and else / endif tags with nothing in them. Undefined for any other
 * statement (set, for, macro, … carry state or scopes) or a template that does not parse: the
 * caller compiles it whole. About one dbt model in ten guards its incremental filter with
 * `{% if is_incremental() %}`; compiling those whole re-scanned and re-parsed the template.
 */
export function extractFromExpressionTags(template: string): Extraction | undefined {
  // Jinja drops a single trailing newline (as compileTemplate does), which moves no position.
  const scanned = scanSegments(template.endsWith('\n') ? template.slice(0, -1) : template, true);
  if (scanned.error) return undefined;
  const extractor = new Extractor();
  // One entry per open if-block: whether its else has been seen.
  const open: boolean[] = [];
  for (const seg of scanned.segments) {
    if (seg.kind === 'stmt') {
      const tokens = statementTokens(seg.text);
      const keyword = tokens?.[1]?.type === 'Identifier' ? tokens[1].value : '';
      if (!tokens) return undefined;
      if (keyword === 'if' || keyword === 'elif') {
        if (keyword === 'elif' && (open.length === 0 || open[open.length - 1])) return undefined;
        const test = ifTestCalls(seg.text, tokens);
        if (!test) return undefined;
        if (keyword === 'if') open.push(false);
        extractor.at(seg.loc);
        extractor.visitCalls(test);
      } else if (keyword === 'else' || keyword === 'endif') {
        if (tokens.length !== 3 || tokens[2].type !== 'CloseStatement' || open.length === 0) return undefined;
        if (keyword === 'endif') open.pop();
        else if (open[open.length - 1]) return undefined;
        else open[open.length - 1] = true;
      } else {
        return undefined;
      }
      continue;
    }
    if (seg.kind !== 'expr') continue;
    const calls = tagCalls(seg.text);
    if (!calls) return undefined;
    extractor.at(seg.loc);
    extractor.visitCalls(calls);
  }
  return open.length === 0 ? extractor.result : undefined;
}

/**
 * Tolerant path for templates that do not parse: within each tag's tokens, every
 * `ref(`/`source(`/`config(` call up to its closing parenthesis is parsed on its own.
 */
export function extractFromTags(compiled: CompiledTemplate): Extraction {
  const extractor = new Extractor();
  for (const tag of compiled.tags) {
    extractor.at(tag.loc);
    for (const call of callSlices(tag)) {
      try {
        const program = parse([{ value: '{{', type: 'OpenExpression' }, ...call, { value: '}}', type: 'CloseExpression' }]);
        extractor.walk(program.body);
      } catch {
        // A call that does not parse even on its own carries no usable reference.
      }
    }
  }
  if (compiled.error) {
    const { line, column, message } = compiled.error;
    extractor.diagnose(message, 'jinja-parse', { line, column });
  }
  return extractor.result;
}

function callSlices(tag: TagInfo): JToken[][] {
  const out: JToken[][] = [];
  const toks = tag.tokens;
  for (let i = 0; i + 1 < toks.length; i++) {
    const isCall = toks[i].type === 'Identifier' && ['ref', 'source', 'config'].includes(toks[i].value);
    if (!isCall || toks[i + 1].type !== 'OpenParen' || toks[i - 1]?.type === 'Dot') continue;
    const end = closingParen(toks, i + 1);
    if (end > 0) out.push(toks.slice(i, end + 1));
  }
  return out;
}

function closingParen(toks: JToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < toks.length; i++) {
    const type = toks[i].type;
    if (type === 'OpenParen' || type === 'OpenSquareBracket' || type === 'OpenCurlyBracket') depth++;
    else if (type === 'CloseParen' || type === 'CloseSquareBracket' || type === 'CloseCurlyBracket') depth--;
    if (depth === 0) return i;
  }
  return -1;
}
