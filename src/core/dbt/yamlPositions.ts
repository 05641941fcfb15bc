// The fast YAML path: js-yaml builds plain JS about ten times faster than the `yaml` AST, and its
// parse listener gives each node's start offset, so locations still come out exactly. Whatever it
// cannot answer exactly like the `yaml` package raises YamlFallback and the caller uses that instead.
import { FAILSAFE_SCHEMA, Type, load } from 'js-yaml';
import type { EventType, State } from 'js-yaml';
import type { Location } from '../model';
import { isPlainObject } from './yamlDocument';
import { YamlFallback } from './yamlView';
import type { YamlView } from './yamlView';

/** A value of the loaded tree and the source offset where it starts (-1 when unknown). */
export interface PlainNode {
  value: unknown;
  offset: number;
}

/** Per mapping: the start offset of each key's value; per sequence: of each item. */
type Offsets = WeakMap<object, Map<string, number> | number[]>;

const scalar = (tag: string, test: (text: string) => boolean, construct: (text: string) => unknown): Type =>
  new Type(`tag:yaml.org,2002:${tag}`, { kind: 'scalar', resolve: (text: string) => test(text), construct });

// Plain scalars resolve with the `yaml` package's YAML 1.2 core schema regexes and parsers, not
// js-yaml's CORE_SCHEMA, which differs on 0b101, +0x1F, -0o17, +.5, 1e500 and -0.
const INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const NAN_INF = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar('null', (text) => /^(?:~|[Nn]ull|NULL)?$/.test(text), () => null),
    scalar('bool', (text) => /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(text), (text) => text[0] === 't' || text[0] === 'T'),
    scalar('int', (text) => INT.test(text), (text) => (text[1] === 'o' ? parseInt(text.slice(2), 8) : text[1] === 'x' ? parseInt(text.slice(2), 16) : parseInt(text, 10))),
    scalar('float', (text) => NAN_INF.test(text) || FLOAT.test(text), (text) => (NAN_INF.test(text) ? nanOrInf(text) : parseFloat(text))),
  ],
});

const nanOrInf = (text: string): number => (text.endsWith('nan') || text.endsWith('NaN') || text.endsWith('NAN') ? NaN : text[0] === '-' ? -Infinity : Infinity);

// Text the two parsers read differently: a lone CR (a line break only for js-yaml), directives
// (`%YAML 1.1` switches the `yaml` schema) and a tab in a line's indentation before content (an
// error for `yaml`; js-yaml accepts some, e.g. before a scalar).
const DIVERGENT_TEXT = /\r(?!\n)|^%|^ *\t[ \t]*[^\s#]/m;

/** A key longer than this may hit the `yaml` 1024-character implicit-key limit, which js-yaml lacks. */
const MAX_KEY_SPAN = 1000;

type Kid = { start: number; end: number; value: unknown };

/** Loads with js-yaml and records offsets; throws (YamlFallback or a YAML error) when it cannot match `yaml`. */
export function loadWithOffsets(text: string): { value: unknown; offsets: Offsets } {
  if (DIVERGENT_TEXT.test(text)) throw new YamlFallback('text the parsers read differently');
  // A byte-order mark anywhere but at the very start is content to one parser, noise to the other.
  if (text.indexOf('\uFEFF', 1) >= 0) throw new YamlFallback('byte-order mark inside the text');
  // js-yaml drops a byte-order mark before parsing; its offsets are then one short.
  const shift = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const offsets: Offsets = new WeakMap();
  const opens: number[] = [];
  const kidStack: (Kid[] | null)[] = [];
  const listener = (event: EventType, state: State): void => {
    if (event === 'open') {
      opens.push(state.position);
      kidStack.push(null);
      return;
    }
    const input = state.input;
    const start = skipSeparation(input, opens.pop() ?? 0);
    const kids = kidStack.pop() ?? null;
    // A node starting with a tag (!), anchor (&) or alias (*): aliases share objects, and the
    // `yaml` path limits their expansion; tags resolve differently. Both are rare in dbt YAML.
    const first = input.charCodeAt(start);
    if (first === 0x21 || first === 0x26 || first === 0x2a) throw new YamlFallback('tag, anchor or alias');
    // `"x"#c` or `[x]#c`: an error for `yaml`, silently a comment for js-yaml.
    const end = state.position;
    if (input.charCodeAt(end) === 0x23 && !/\s/.test(input[end - 1] ?? ' ')) throw new YamlFallback('comment without space');
    const value: unknown = state.result;
    if (kids !== null && typeof value === 'object' && value !== null) recordOffsets(input, value, kids, offsets, shift);
    const top = kidStack.length - 1;
    if (top >= 0) (kidStack[top] ??= []).push({ start: start + shift, end: end + shift, value });
  };
  const onWarning = (): void => {
    throw new YamlFallback('js-yaml warning');
  };
  const body = shift === 1 ? text.slice(1) : text;
  return { value: load(body, { schema: SCHEMA, listener, onWarning }), offsets };
}

/** Past spaces, line breaks and comments: where a node opened by js-yaml really starts. */
function skipSeparation(input: string, pos: number): number {
  for (;;) {
    const code = input.charCodeAt(pos);
    if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) pos++;
    else if (code === 0x23 && (pos === 0 || /\s/.test(input[pos - 1]))) {
      const eol = input.indexOf('\n', pos);
      pos = eol === -1 ? input.length : eol;
    } else return pos;
  }
}

/** Whether a node ending at `end` is followed by `:` on its line, i.e. it is an implicit key. */
function isKeyEnd(input: string, end: number): boolean {
  let code = input.charCodeAt(end);
  while (code === 0x20 || code === 0x09) code = input.charCodeAt(++end);
  return code === 0x3a;
}

/**
 * Pairs a collection with the nodes composed inside it. Sequence items map one to one; in a
 * mapping a node followed by `:` is a key and the next node its value (a key without value composes
 * no node). Any mismatch with the built object means this reading is unsure: fall back.
 */
function recordOffsets(input: string, value: object, kids: Kid[], offsets: Offsets, shift: number): void {
  // A flow collection first tried as an implicit key arrives wrapped in a node with the same result.
  if (kids.length === 1 && kids[0].value === value) return;
  if (Array.isArray(value)) {
    if (kids.length !== value.length) throw new YamlFallback('sequence items without nodes');
    offsets.set(value, kids.map((kid) => kid.start));
    return;
  }
  const byKey = new Map<string, number>();
  let pending: string | undefined;
  let keyCount = 0;
  for (const kid of kids) {
    if (isKeyEnd(input, kid.end - shift)) {
      // Null keys become '' in `yaml` but 'null' in js-yaml; collection keys are stringified differently.
      if (kid.value === null || typeof kid.value === 'object') throw new YamlFallback('null or collection key');
      if (kid.end - kid.start > MAX_KEY_SPAN) throw new YamlFallback('very long key');
      pending = String(kid.value);
      keyCount++;
    } else if (pending !== undefined) {
      byKey.set(pending, kid.start);
      pending = undefined;
    } else if (kid.value !== null) throw new YamlFallback('mapping entry that is not key: value');
  }
  if (keyCount !== Object.keys(value).length) throw new YamlFallback('mapping keys not all seen');
  offsets.set(value, byKey);
}

/** Array-index keys come first in a JS object, not in source order as `yaml` lists them. */
const INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;

/** The walker's view of a js-yaml tree; anything it cannot answer like `yaml` throws YamlFallback. */
export function plainView(path: string, text: string, loaded: { value: unknown; offsets: Offsets }): YamlView<PlainNode> {
  const { offsets } = loaded;
  let lineStarts: number[] | undefined;
  const child = (map: PlainNode | undefined, key: string): PlainNode | undefined => {
    const object = map?.value;
    if (!isPlainObject(object) || !Object.prototype.hasOwnProperty.call(object, key)) return undefined;
    const byKey = offsets.get(object);
    return { value: object[key], offset: byKey instanceof Map ? (byKey.get(key) ?? -1) : -1 };
  };
  return {
    root: loaded.value === undefined || loaded.value === null ? undefined : { value: loaded.value, offset: 0 },
    diagnostics: [],
    isMap: (node) => isPlainObject(node?.value),
    child,
    text: (node) => {
      const value = node?.value;
      if (value === null || value === undefined || typeof value === 'object') return undefined;
      const textValue = String(value);
      return textValue === '' ? undefined : textValue;
    },
    items: (map, key) => {
      const seq = child(map, key)?.value;
      if (!Array.isArray(seq) || seq.length === 0) return [];
      const starts = offsets.get(seq);
      if (!Array.isArray(starts)) throw new YamlFallback('sequence without offsets');
      return seq.map((value: unknown, index) => ({ value, offset: starts[index] }));
    },
    keys: (map) => {
      const keys = isPlainObject(map.value) ? Object.keys(map.value) : [];
      if (keys.some((key) => INDEX_KEY.test(key))) throw new YamlFallback('numeric keys');
      return keys.map((key) => (key === '' ? undefined : key));
    },
    toJs: (node) => (node === undefined ? undefined : copyJs(node.value)),
    location: (node): Location => {
      if (node === undefined || node.offset < 0) throw new YamlFallback('node without offset');
      lineStarts ??= lineStartsOf(text);
      return { path, ...linePos(lineStarts, node.offset) };
    },
  };
}

/** `yaml`'s toJS returns fresh objects per call; the loaded tree is shared, so copy it. */
function copyJs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyJs);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // Plain assignment to __proto__ would set the prototype; both parsers keep it as a property.
    Object.defineProperty(out, key, { value: copyJs(value[key]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Offsets where lines start, as the `yaml` LineCounter records them (after each \n). */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function linePos(lineStarts: number[], offset: number): { line: number; column: number } {
  let [low, high] = [0, lineStarts.length - 1];
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - lineStarts[low] + 1 };
}
