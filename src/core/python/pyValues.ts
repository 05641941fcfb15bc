// Reading values out of Python syntax trees: string literals (all prefixes and quotes, implicit
// and `+` concatenation, f-strings whose parts are known), names bound to constants in the
// module or the enclosing function, `os.path.join`, and dotted call names. A value that needed a
// variable is marked, because lineage found that way is less certain (a warning, not breaking).
import type { PyNode } from './pythonParser';
import { formatWith, percentWith } from './pyFormat';
import { reachingBinding } from './pyFlow';
import type { Bound } from './pyFlow';
import { callArguments, callName } from './pySyntax';

export { callArguments, callName, positionOf } from './pySyntax';

export interface PyString {
  value: string;
  /** True when a variable had to be looked up to get the value. */
  viaVariable: boolean;
}

/** Name → value node, per scope (the module and each function), in source order. */
export class PyScopes {
  /** The last binding of each name, per scope. */
  private readonly scopes = new Map<number, Map<string, PyNode>>();
  /** Every binding of a name bound more than once in a scope, by `${scopeId}:${name}`, in order. */
  private readonly rebound = new Map<string, PyNode[]>();
  /** For one pass of a loop (see withLoopValue): the loop variable's value in its body. */
  private loop?: { body: PyNode; name: string; value: PyNode };
  /** Made once per file and shared by every view of it (the numbers of a `range()`, see pyLoops.ts). */
  readonly shared = new Map<string, PyNode[]>();
  /** What a call that loads a config file returns, by the call's id: its data as a literal (configFiles.ts). */
  readonly loaded = new Map<number, PyNode>();

  /** `file` is the workspace-relative path of the file, for `os.path.basename(__file__)` and the like. */
  constructor(readonly root: PyNode, readonly file?: string) {
    this.collect(root);
  }

  /**
   * Bindings in preorder, which is the order a walk down the children finds them in: each
   * assignment (or `+=`) to a name in the innermost function around it (or the module); class
   * bodies and unnamed nodes are skipped whole. It reads the tree's preorder list rather than each
   * node's children, so it makes no children lists (most nodes are never asked for theirs otherwise).
   */
  private collect(root: PyNode): void {
    const nodes = root.treeNodes;
    // The functions around the current node, innermost last, as [id, last] pairs.
    const scopes: number[] = [root.id, root.last];
    for (let i = root.id; i < root.last; ) {
      const node = nodes[i];
      while (node.id > scopes[scopes.length - 1]) scopes.length -= 2;
      if (!node.isNamed || node.type === 'class_definition') {
        i = node.last; // past its subtree
        continue;
      }
      if (node.type === 'function_definition') scopes.push(node.id, node.last);
      else if (node.type === 'assignment' || node.type === 'augmented_assignment') {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        // A `+=` is its own value: stringValue appends its right side to what the name held.
        if (left?.type === 'identifier' && right) this.bind(scopes[scopes.length - 2], left.text, node.type === 'assignment' ? right : node);
      }
      i++;
    }
  }

  private bind(scopeId: number, name: string, value: PyNode): void {
    let scope = this.scopes.get(scopeId);
    if (!scope) this.scopes.set(scopeId, (scope = new Map()));
    const previous = scope.get(name);
    if (previous) {
      const key = `${scopeId}:${name}`;
      const all = this.rebound.get(key);
      if (all) all.push(value);
      else this.rebound.set(key, [previous, value]);
    }
    scope.set(name, value);
  }

  /**
   * These scopes as one pass of `for name in …` sees them: inside `body`, `name` is `value` (an
   * item of a constant list). Nested loops stack (each view keeps the one it was made from).
   */
  withLoopValue(body: PyNode, name: string, value: PyNode): PyScopes {
    const view = Object.create(this) as PyScopes;
    view.loop = { body, name, value };
    return view;
  }

  /** The body of the loop this view itself binds a variable of (undefined for the scopes, not a view). */
  ownLoopBody(): PyNode | undefined {
    return Object.prototype.hasOwnProperty.call(this, 'loop') ? this.loop?.body : undefined;
  }

  /** The item each loop of this view is at, by the loop body's id (empty outside any loop). */
  loopItems(): Map<number, PyNode> {
    const out = new Map<number, PyNode>();
    for (let v: PyScopes | null = this; v && Object.prototype.hasOwnProperty.call(v, 'loop') && v.loop; v = Object.getPrototypeOf(v) as PyScopes) {
      if (!out.has(v.loop.body.id)) out.set(v.loop.body.id, v.loop.value);
    }
    return out;
  }

  /**
   * The value bound to `name` where `at` is, when it is read in these scopes: undefined when the
   * binding that reaches `at` belongs to another pass of a loop (see binding()).
   */
  lookup(name: string, at: PyNode): PyNode | undefined {
    const b = this.binding(name, at);
    return b && b.scopes === this ? b.value : undefined;
  }

  /**
   * The value bound to `name` where `at` is, and the scopes to read it in: a loop variable of this
   * view; else the enclosing functions' bindings, then the module's. A name assigned more than once
   * in the scope `at` runs in is followed in execution order (pyFlow.ts); read from a function
   * nested in that scope, it has the last value the scope gave it.
   */
  binding(name: string, at: PyNode): Bound | undefined {
    for (let v: PyScopes = this; Object.prototype.hasOwnProperty.call(v, 'loop'); v = Object.getPrototypeOf(v) as PyScopes) {
      const loop = v.loop;
      if (loop && name === loop.name && at.id >= loop.body.id && at.id <= loop.body.last) return { value: loop.value, scopes: this };
    }
    let own = true; // whether `at` runs directly in the scope being looked at
    for (let n: PyNode | null = at; n; n = n.parent) {
      if (n.type !== 'function_definition' && n.type !== 'module') continue;
      const hit = this.scopes.get(n.id)?.get(name);
      if (hit) {
        const all = own ? this.rebound.get(`${n.id}:${name}`) : undefined;
        return all ? reachingBinding(this, all, at, n) : { value: hit, scopes: this };
      }
      own = false;
    }
    return undefined;
  }

  /** Every binding of `name` in the scope that binds it, seen from `at`, in source order. */
  bindingsOf(name: string, at: PyNode): readonly PyNode[] {
    for (let n: PyNode | null = at; n; n = n.parent) {
      if (n.type !== 'function_definition' && n.type !== 'module') continue;
      const hit = this.scopes.get(n.id)?.get(name);
      if (hit) return this.rebound.get(`${n.id}:${name}`) ?? [hit];
    }
    return [];
  }
}

/**
 * What a node stands for once names are followed to what they are bound to (`STEPS = BASE_STEPS`
 * too); any other node as it is. Undefined for a name bound to nothing known.
 */
export function boundValue(node: PyNode | null | undefined, scopes: PyScopes): PyNode | undefined {
  let n = node ?? undefined;
  for (let depth = 0; n?.type === 'identifier' || n?.type === 'subscript' || n?.type === 'call'; depth++) {
    const loaded = n.type === 'call' ? scopes.loaded.get(n.id) : undefined;
    if (loaded) {
      n = loaded;
      continue;
    }
    if (n.type === 'call' && !isGet(n)) return n;
    if (n.type !== 'identifier') {
      // `CONFIG["orders"]["table"]`: an item of a dict or list written in the code (else as it is).
      const item = depth < 8 ? itemOf(n, scopes) : undefined;
      if (!item) return n;
      n = item;
      continue;
    }
    const bound = depth < 8 ? scopes.lookup(n.text, n) : undefined;
    if (!bound || bound === n) return undefined;
    n = bound;
  }
  return n;
}

const isGet = (n: PyNode | undefined): n is PyNode => n?.type === 'call' && n.childForFieldName('function')?.childForFieldName('attribute')?.text === 'get';

/**
 * `CONFIG["orders"]`, `TABLES[-1]`, `conf.get("schedule", "@daily")`: the item of a dict (or
 * `dict(...)`), list or tuple written in the code, at a key or index written there too.
 */
function itemOf(node: PyNode, scopes: PyScopes): PyNode | undefined {
  // Containers are followed by boundValue, which comes back here: `a = a[0]` must not loop.
  if (itemDepth > 8) return undefined;
  itemDepth++;
  try {
    return item(node, scopes);
  } finally {
    itemDepth--;
  }
}
let itemDepth = 0;

function item(node: PyNode, scopes: PyScopes): PyNode | undefined {
  const get = node.type === 'call';
  const { positional, keywords } = get ? callArguments(node) : { positional: node.namedChildren.filter((c): c is PyNode => !!c && c.type !== 'comment').slice(1), keywords: new Map() };
  // `x[k]` has one index; `x.get(k)` and `x.get(k, default)` one or two arguments.
  if (!positional.length || positional.length > (get ? 2 : 1) || keywords.size) return undefined;
  const container = boundValue(get ? node.childForFieldName('function')?.childForFieldName('object') : node.childForFieldName('value'), scopes);
  const [key, fallback] = positional;
  if (container?.type === 'list' || container?.type === 'tuple') {
    const items = container.namedChildren.filter((c): c is PyNode => !!c && c.type !== 'comment');
    const index = key.text.replace(/\s+/g, '');
    const i = !get && /^-?\d+$/.test(index) ? Number(index) : NaN;
    return items[i < 0 ? items.length + i : i];
  }
  const name = stringValue(key, scopes)?.value;
  // A default stands only for a dict written in the code that lacks the key (`os.environ.get(k, d)` is unknown).
  return name === undefined || !isDict(container) ? undefined : (dictItem(container, name, scopes) ?? fallback);
}

const isDict = (n: PyNode | undefined): n is PyNode => n?.type === 'dictionary' || (n?.type === 'call' && callName(n) === 'dict');

/** The value at a string key of a dict written in the code (`{"k": v}` or `dict(k=v)`), if it has one. */
export function dictItem(dict: PyNode | undefined, key: string, scopes: PyScopes): PyNode | undefined {
  if (!isDict(dict)) return undefined;
  if (dict.type === 'call') return callArguments(dict).keywords.get(key);
  const pair = dict.namedChildren.find((p) => p?.type === 'pair' && stringValue(p.childForFieldName('key'), scopes)?.value === key);
  return pair?.childForFieldName('value') ?? undefined;
}

/** The string a node evaluates to, when that can be known without running anything. */
export function stringValue(node: PyNode | null | undefined, scopes: PyScopes, depth = 0): PyString | undefined {
  if (!node || depth > 8) return undefined;
  switch (node.type) {
    case 'string':
      return stringLiteral(node, scopes, depth);
    case 'concatenated_string':
      return join(node.namedChildren.map((c) => stringValue(c, scopes, depth + 1)));
    case 'binary_operator': {
      if (node.childForFieldName('operator')?.text === '%') return percentFormat(node, scopes, depth);
      // `a + b + c` is `(a + b) + c`, nested on the left as deep as the sum is long: its parts are
      // gathered down the left side in a loop, so `depth` (which stops a cycle of names bound to
      // each other) does not cap how many pieces a SQL string may be built from.
      const parts: (PyNode | null)[] = [];
      let head: PyNode = node;
      while (head.type === 'binary_operator' && head.childForFieldName('operator')?.text !== '%') {
        if (head.childForFieldName('operator')?.text !== '+') return undefined;
        parts.push(head.childForFieldName('right'));
        const left = head.childForFieldName('left');
        if (!left) return undefined;
        head = left;
      }
      parts.push(head);
      return join(parts.reverse().map((p) => stringValue(p, scopes, depth + 1)));
    }
    case 'parenthesized_expression':
      return stringValue(node.namedChildren[0], scopes, depth + 1);
    case 'identifier': {
      const bound = scopes.binding(node.text, node);
      const v = bound ? stringValue(bound.value, bound.scopes, depth + 1) : undefined;
      return v ? { value: v.value, viaVariable: true } : undefined;
    }
    case 'augmented_assignment': {
      // `sql += " where …"`: what the name held before, then the right side.
      const left = node.childForFieldName('left');
      if (node.childForFieldName('operator')?.text !== '+=' || left?.type !== 'identifier') return undefined;
      return join([stringValue(left, scopes, depth + 1), stringValue(node.childForFieldName('right'), scopes, depth + 1)]);
    }
    case 'subscript':
    case 'call': {
      if (node.type === 'call') {
        const v = pathJoin(node, scopes, depth) ?? formatCall(node, scopes, depth) ?? ownFileName(node, scopes) ?? replaceCall(node, scopes, depth);
        if (v || !isGet(node)) return v;
      }
      const item = boundValue(node, scopes);
      const v = item && item !== node ? stringValue(item, scopes, depth + 1) : undefined;
      return v && { value: v.value, viaVariable: true };
    }
    case 'attribute':
      return ownFileName(node, scopes);
    default:
      return undefined;
  }
}

function join(parts: (PyString | undefined)[]): PyString | undefined {
  const k = known(parts);
  return k && { value: k.values.join(''), viaVariable: k.viaVariable };
}

// `os.path.join(BASE, "x.sql")` and `posixpath.join`: joined with "/" like the DAG folder layout.
function pathJoin(call: PyNode, scopes: PyScopes, depth: number): PyString | undefined {
  const name = callName(call);
  if (name !== 'os.path.join' && name !== 'path.join' && name !== 'posixpath.join') return undefined;
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  const parts = args.map((a) => stringValue(a, scopes, depth + 1));
  const joined = join(parts.flatMap((p, i) => (i ? [{ value: '/', viaVariable: false }, p] : [p])));
  return joined ? { ...joined, value: joined.value.replace(/\/{2,}/g, '/') } : undefined;
}

// DAG files often take their dag_id from their own name: `os.path.basename(__file__)`,
// `Path(__file__).stem` or `.name`. Only the name is known: where the file is deployed is not.
function ownFileName(node: PyNode, scopes: PyScopes): PyString | undefined {
  const name = scopes.file?.split('/').pop();
  if (!name) return undefined;
  const isFile = (n: PyNode | null | undefined) => n?.type === 'identifier' && n.text === '__file__';
  if (node.type === 'call' && /^(os\.)?path\.basename$/.test(callName(node))) {
    return isFile(callArguments(node).positional[0]) ? { value: name, viaVariable: true } : undefined;
  }
  if (node.type !== 'attribute') return undefined;
  const obj = node.childForFieldName('object');
  const attr = node.childForFieldName('attribute')?.text;
  if (obj?.type !== 'call' || !/^(pathlib\.)?Path$/.test(callName(obj)) || !isFile(callArguments(obj).positional[0])) return undefined;
  if (attr === 'name') return { value: name, viaVariable: true };
  if (attr === 'stem') return { value: name.replace(/\.[^.]*$/, ''), viaVariable: true };
  return undefined;
}

// `"….py".replace(".py", "")` on a known string, as Python does it (every occurrence).
function replaceCall(call: PyNode, scopes: PyScopes, depth: number): PyString | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'replace') return undefined;
  const { positional, keywords } = callArguments(call);
  if (positional.length !== 2 || keywords.size) return undefined;
  const parts = known([stringValue(fn.childForFieldName('object'), scopes, depth + 1), ...positional.map((a) => stringValue(a, scopes, depth + 1))]);
  if (!parts || !parts.values[1]) return undefined; // replace('', x) inserts x between characters: not worth its own rule
  return { value: parts.values[0].split(parts.values[1]).join(parts.values[2]), viaVariable: parts.viaVariable };
}

/** An argument of a format: a string, or a number written as one. */
function argValue(node: PyNode | null | undefined, scopes: PyScopes, depth: number): PyString | undefined {
  const n = node?.type === 'identifier' ? boundValue(node, scopes) : node;
  if (n?.type === 'integer' || n?.type === 'float') return { value: n.text, viaVariable: n !== node };
  return stringValue(node, scopes, depth + 1);
}

/** Whether any of the parts came through a variable; undefined when one is unknown. */
function known(parts: (PyString | undefined)[]): { values: string[]; viaVariable: boolean } | undefined {
  if (parts.some((p) => !p)) return undefined;
  return { values: parts.map((p) => p!.value), viaVariable: parts.some((p) => p!.viaVariable) };
}

// `"select * from {}.{}".format(SCHEMA, TABLE)`, keyword fields too (see pyFormat.ts).
function formatCall(call: PyNode, scopes: PyScopes, depth: number): PyString | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'format') return undefined;
  const template = stringValue(fn.childForFieldName('object'), scopes, depth + 1);
  if (!template) return undefined;
  const { positional, keywords } = callArguments(call);
  const names = [...keywords.keys()];
  const args = known([template, ...positional.map((a) => argValue(a, scopes, depth)), ...names.map((k) => argValue(keywords.get(k), scopes, depth))]);
  if (!args) return undefined;
  const [text, ...rest] = args.values;
  const value = formatWith(text, rest.slice(0, positional.length), new Map(names.map((k, i) => [k, rest[positional.length + i]])));
  return value === undefined ? undefined : { value, viaVariable: args.viaVariable };
}

// `"... %s.%s" % (SCHEMA, TABLE)`, `"%(t)s" % {"t": T}`, `"%s" % T` (see pyFormat.ts).
function percentFormat(node: PyNode, scopes: PyScopes, depth: number): PyString | undefined {
  const template = stringValue(node.childForFieldName('left'), scopes, depth + 1);
  const right = node.childForFieldName('right');
  if (!template || !right) return undefined;
  let value: string | undefined;
  let viaVariable = template.viaVariable;
  if (right.type === 'dictionary') {
    const pairs = right.namedChildren.filter((p): p is PyNode => p?.type === 'pair');
    const args = known(pairs.flatMap((p) => [stringValue(p.childForFieldName('key'), scopes, depth + 1), argValue(p.childForFieldName('value'), scopes, depth)]));
    if (!args) return undefined;
    viaVariable ||= args.viaVariable;
    value = percentWith(template.value, new Map(pairs.map((_, i) => [args.values[2 * i], args.values[2 * i + 1]])));
  } else {
    const items = right.type === 'tuple' ? right.namedChildren.filter((n): n is PyNode => !!n) : [right];
    const args = known(items.map((n) => argValue(n, scopes, depth)));
    if (!args) return undefined;
    viaVariable ||= args.viaVariable;
    value = percentWith(template.value, args.values);
  }
  return value === undefined ? undefined : { value, viaVariable };
}

/** A string literal's value: prefixes (r, b, u, f), single or triple quotes, common escapes. */
function stringLiteral(node: PyNode, scopes: PyScopes, depth: number): PyString | undefined {
  const start = node.namedChildren.find((c) => c?.type === 'string_start');
  const prefix = (start?.text ?? '').replace(/['"]+$/, '').toLowerCase();
  let value = '';
  let viaVariable = false;
  for (const part of node.namedChildren) {
    if (!part || part.type === 'string_start' || part.type === 'string_end') continue;
    if (part.type === 'string_content') value += prefix.includes('r') ? part.text : unescape(part.text);
    else if (part.type === 'escape_sequence') value += prefix.includes('r') ? part.text : unescape(part.text);
    else if (part.type === 'interpolation') {
      // `{x!r}` and `{n:03d}` change the text: not applied here, so the value is unknown.
      if (part.namedChildren.some((c) => c?.type === 'type_conversion' || c?.type === 'format_specifier')) return undefined;
      const inner = argValue(part.childForFieldName('expression') ?? part.namedChildren[0], scopes, depth);
      if (!inner) return undefined; // an f-string part we cannot know: the whole value is unknown
      value += inner.value;
      viaVariable = viaVariable || inner.viaVariable;
    }
  }
  return { value, viaVariable };
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

function unescape(text: string): string {
  // Most string parts have no escape: skip the pattern's scan and callback set-up for them.
  if (!text.includes('\\')) return text;
  return text.replace(/\\(.)/gs, (m, c: string) => ESCAPES[c] ?? m);
}
