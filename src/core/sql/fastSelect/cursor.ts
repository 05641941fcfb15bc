// A token cursor for the fast SELECT parser. The parser is all-or-nothing: the first construct it
// does not fully understand abandons the parse (`bail`) and the statement goes to node-sql-parser.
import type { SqlToken } from '../tokenizer';
import type { AstNode } from '../sqlParser';

/** Thrown (and caught in fastParseStatement) when the fast path gives up; never escapes. */
export class FastPathBail {}

const BAIL = new FastPathBail();

export function bail(): never {
  throw BAIL;
}

export class Cursor {
  pos = 0;
  /** Lower-cased word tokens, computed once: keyword tests run several times per token. */
  private readonly lower: string[];
  /** Set by the select parser, so expressions can parse subqueries without a module cycle. */
  parseQuery: () => AstNode = bail;

  constructor(readonly tokens: readonly SqlToken[]) {
    this.lower = tokens.map((t) => (t.kind === 'word' ? t.text.toLowerCase() : ''));
  }

  peek(offset = 0): SqlToken | undefined {
    return this.tokens[this.pos + offset];
  }

  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  next(): SqlToken {
    const t = this.tokens[this.pos];
    if (!t) bail();
    this.pos++;
    return t;
  }

  /** The lower-cased word at `offset`, or '' when that token is not a bare word. */
  word(offset = 0): string {
    return this.lower[this.pos + offset] ?? '';
  }

  isKw(word: string, offset = 0): boolean {
    return this.lower[this.pos + offset] === word;
  }

  acceptKw(word: string): boolean {
    if (!this.isKw(word)) return false;
    this.pos++;
    return true;
  }

  expectKw(word: string): void {
    if (!this.acceptKw(word)) bail();
  }

  isPunct(text: string, offset = 0): boolean {
    const t = this.tokens[this.pos + offset];
    return t !== undefined && t.kind === 'punct' && t.text === text;
  }

  acceptPunct(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.pos++;
    return true;
  }

  expectPunct(text: string): void {
    if (!this.acceptPunct(text)) bail();
  }

  isOp(text: string, offset = 0): boolean {
    const t = this.tokens[this.pos + offset];
    return t !== undefined && t.kind === 'operator' && t.text === text;
  }

  acceptOp(text: string): boolean {
    if (!this.isOp(text)) return false;
    this.pos++;
    return true;
  }
}
