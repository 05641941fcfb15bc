// Reads the commonest dbt tag, `{{ name(literal, key=literal, …) }}` (ref, source, config, var,
// a macro call) or `{{ name }}`, straight from its text into the call node the engine's parser
// would build. The engine's lexer allocates a token and a slice per entry of its operator table
// for every token, and most `{{ ref('…') }}` tags are met once, so lexing and parsing each new tag
// through the engine was about half of the table phase's ref extraction (and ~90 MB of garbage
// for the bench's 10,000 models).
//
// This is a parser for a deliberately small grammar, not a shortcut around one: it accepts only
// text the engine reads the same way (checked token by token against its lexer and parser rules
// below), and answers undefined for anything else, which then goes through the engine.
//   tag     := '{{' '-'? ws name ( ws '(' ws args? ws ')' )? ws '-'? '}}'
//   args    := arg ( ws ',' ws arg )*        — positional arguments before keyword ones
//   arg     := literal | name ws '=' ws literal
//   literal := string | digits | '[' ws ( literal ( ws ',' ws literal )* )? ws ']'
// Strings have no backslash (escapes), `{`, `}`, `%` or `#` (the engine's preprocessing looks for
// `{% generation %}` tags in the whole text); numbers are plain digits (the engine reads a sign,
// a fraction and a following word differently); names are not the keywords the parser treats
// as operators. Adjacent strings, trailing commas and missing commas, which the engine accepts
// with its own meaning, are left to it.

/** A node as the engine's parser builds it (only the fields the extractor reads). */
export interface TagNode {
  type: string;
  [key: string]: unknown;
}

/** Identifiers the parser reads as operators or clauses, never as a plain name. */
const KEYWORDS = new Set(['not', 'and', 'or', 'in', 'is', 'if', 'else']);

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isNameStart = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const isNameChar = (c: number) => isNameStart(c) || isDigit(c);

class Reader {
  pos = 0;
  constructor(readonly text: string, readonly end: number) {}

  code(): number {
    return this.pos < this.end ? this.text.charCodeAt(this.pos) : -1;
  }

  skipSpace(): void {
    while (this.pos < this.end && isSpace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  /** A name that is not a keyword, or undefined (position unchanged). */
  name(): string | undefined {
    const start = this.pos;
    if (!isNameStart(this.code())) return undefined;
    while (isNameChar(this.code())) this.pos++;
    const name = this.text.slice(start, this.pos);
    if (KEYWORDS.has(name)) {
      this.pos = start;
      return undefined;
    }
    return name;
  }

  literal(): TagNode | undefined {
    const c = this.code();
    if (c === 0x27 || c === 0x22) return this.string(c);
    if (isDigit(c)) {
      const start = this.pos;
      while (isDigit(this.code())) this.pos++;
      // `1.5` is a float and `1x` a number then a name to the engine: not this grammar.
      const next = this.code();
      if (next === 0x2e || isNameChar(next)) return undefined;
      return { type: 'IntegerLiteral', value: Number(this.text.slice(start, this.pos)) };
    }
    if (c === 0x5b) return this.list();
    return undefined;
  }

  private string(quote: number): TagNode | undefined {
    const start = ++this.pos;
    for (;;) {
      const c = this.code();
      if (c === -1 || c === 0x5c || c === 0x7b || c === 0x7d || c === 0x25 || c === 0x23) return undefined;
      if (c === quote) break;
      this.pos++;
    }
    const value = this.text.slice(start, this.pos++);
    // A string right after another is concatenated by the parser; a name or digit glued on after
    // the quote is a separate token: both are left to the engine.
    const next = this.code();
    if (next === 0x27 || next === 0x22 || isNameChar(next)) return undefined;
    this.skipSpace();
    if (this.code() === 0x27 || this.code() === 0x22) return undefined;
    return { type: 'StringLiteral', value };
  }

  private list(): TagNode | undefined {
    this.pos++;
    const items: TagNode[] = [];
    this.skipSpace();
    if (this.code() !== 0x5d) {
      for (;;) {
        const item = this.literal();
        if (!item) return undefined;
        items.push(item);
        this.skipSpace();
        if (this.code() !== 0x2c) break;
        this.pos++;
        this.skipSpace();
      }
    }
    if (this.code() !== 0x5d) return undefined;
    this.pos++;
    return { type: 'ArrayLiteral', value: items };
  }

  /** The arguments between the parentheses (the reader is past `(`), up to and past `)`. */
  args(): TagNode[] | undefined {
    const args: TagNode[] = [];
    let keywords = false;
    this.skipSpace();
    if (this.code() === 0x29) {
      this.pos++;
      return args;
    }
    for (;;) {
      const key = this.name();
      if (key !== undefined) {
        this.skipSpace();
        // `name` alone or `name == …` is an expression this grammar leaves to the engine.
        if (this.code() !== 0x3d || this.text.charCodeAt(this.pos + 1) === 0x3d) return undefined;
        this.pos++;
        this.skipSpace();
        const value = this.literal();
        if (!value) return undefined;
        args.push({ type: 'KeywordArgumentExpression', key: { type: 'Identifier', value: key }, value });
        keywords = true;
      } else {
        // A positional argument after a keyword one is an error the engine reports.
        const value = keywords ? undefined : this.literal();
        if (!value) return undefined;
        args.push(value);
      }
      this.skipSpace();
      const c = this.code();
      this.pos++;
      if (c === 0x29) return args;
      if (c !== 0x2c) return undefined;
      this.skipSpace();
      // `f(a,)`: the engine accepts a trailing comma; left to it.
      if (this.code() === 0x29) return undefined;
    }
  }
}

/**
 * The statement a `{{ … }}` tag parses to, when the tag is in the grammar above: a CallExpression
 * of an Identifier, or an Identifier; undefined when the engine must read the tag.
 */
export function readCallTag(text: string): TagNode | undefined {
  if (!text.startsWith('{{') || !text.endsWith('}}')) return undefined;
  let end = text.length - 2;
  const r = new Reader(text, end);
  r.pos = text.charCodeAt(2) === 0x2d ? 3 : 2;
  r.skipSpace();
  const name = r.name();
  if (name === undefined) return undefined;
  r.skipSpace();
  let node: TagNode = { type: 'Identifier', value: name };
  if (r.code() === 0x28) {
    r.pos++;
    const args = r.args();
    if (!args) return undefined;
    node = { type: 'CallExpression', callee: node, args };
    r.skipSpace();
  }
  // `-}}` closes with whitespace control; `{{-}}` is not a tag with a name in it.
  if (end > r.pos && text.charCodeAt(end - 1) === 0x2d) end--;
  return r.pos === end ? node : undefined;
}
