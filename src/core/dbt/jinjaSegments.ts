// Cuts a Jinja template into text, tag and comment segments with their positions, following
// the same rules as the engine's lexer (strings and dict braces inside tags do not end them).

export interface Loc {
  line: number;
  column: number;
}

export interface LocatedMessage extends Loc {
  message: string;
}

export interface Segment {
  kind: 'text' | 'expr' | 'stmt' | 'comment';
  text: string;
  loc: Loc;
  trimBefore: boolean;
  trimAfter: boolean;
}

const RAW_END = /\{%-?\s*endraw\s*-?%\}/g;
const RAW_START = /^\{%-?\s*raw\s*-?%\}$/;

/**
 * Cuts the template into text, tag and comment segments, the way the engine's lexer would.
 * `tagsOnly` leaves the text segments out (the same list, filtered): the table graph's ref
 * extraction reads only the tags of 10,000 models, and the text between them was most of what
 * this allocated.
 */
export function scanSegments(src: string, tagsOnly = false): { segments: Segment[]; error?: LocatedMessage } {
  const segments: Segment[] = [];
  const pos = positionTracker(src);
  let i = 0;
  while (i < src.length) {
    const open = nextTagStart(src, i);
    if (open < 0) {
      if (!tagsOnly) segments.push(textSegment(src.slice(i), pos(i)));
      break;
    }
    if (open > i && !tagsOnly) segments.push(textSegment(src.slice(i, open), pos(i)));
    const kind = src[open + 1] === '{' ? 'expr' : src[open + 1] === '%' ? 'stmt' : 'comment';
    const end = findTagEnd(src, open, kind);
    if (end < 0) return { segments, error: { ...pos(open), message: `Unterminated ${src.slice(open, open + 2)} tag` } };
    const text = src.slice(open, end);
    segments.push({ kind, text, loc: pos(open), trimBefore: text[2] === '-', trimAfter: text[text.length - 3] === '-' });
    i = end;
    // `{% raw %}` is not supported by the engine, so its body becomes a plain text segment here.
    if (kind === 'stmt' && RAW_START.test(text)) {
      segments.pop();
      RAW_END.lastIndex = end;
      const close = RAW_END.exec(src);
      const bodyEnd = close ? close.index : src.length;
      if (!tagsOnly) segments.push(textSegment(src.slice(end, bodyEnd), pos(end)));
      i = close ? close.index + close[0].length : src.length;
    }
  }
  return { segments };
}

function textSegment(text: string, loc: Loc): Segment {
  return { kind: 'text', text, loc, trimBefore: false, trimAfter: false };
}

/** Returns a function mapping offsets (visited in increasing order) to 1-based line and column. */
function positionTracker(src: string): (offset: number) => Loc {
  let line = 1;
  let lineStart = 0;
  let nextNewline = src.indexOf('\n');
  return (offset) => {
    while (nextNewline >= 0 && nextNewline < offset) {
      line++;
      lineStart = nextNewline + 1;
      nextNewline = src.indexOf('\n', lineStart);
    }
    return { line, column: offset - lineStart + 1 };
  };
}

function nextTagStart(src: string, from: number): number {
  for (let i = src.indexOf('{', from); i >= 0; i = src.indexOf('{', i + 1)) {
    const next = src[i + 1];
    if (next === '{' || next === '%' || next === '#') return i;
  }
  return -1;
}

/** Finds the end of a tag, skipping string literals and (in expressions) dict braces, as the lexer does. */
function findTagEnd(src: string, start: number, kind: Segment['kind']): number {
  if (kind === 'comment') {
    const end = src.indexOf('#}', start + 2);
    return end < 0 ? -1 : end + 2;
  }
  let quote = '';
  let depth = 0;
  for (let i = start + 2; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (kind === 'stmt') {
      if (c === '%' && src[i + 1] === '}') return i + 2;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      if (depth > 0) depth--;
      else if (src[i + 1] === '}') return i + 2;
    }
  }
  return -1;
}

