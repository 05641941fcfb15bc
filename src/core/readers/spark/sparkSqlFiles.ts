// .sql files a Spark job runs: `spark.sql(open("q.sql").read())`, `Path(...).read_text()`, a
// variable holding either, or `with open(p) as f: spark.sql(f.read())`. Paths may be built from
// `__file__` (`os.path.join(os.path.dirname(__file__), "q.sql")`, `Path(__file__).parent / "q.sql"`).
// The files are read before the walk, so the walk itself stays synchronous.
import * as posix from 'node:path/posix';
import type { PyNode } from '../../python/pythonParser';
import type { PyScopes } from '../../python/pyValues';
import { callArguments, callName, stringValue } from '../../python/pyValues';
import { isUri, normalizePath } from '../../io/paths';

export interface SqlFiles {
  fileOf(node: PyNode): { path: string; text: string } | undefined;
}

export const OPENERS = new Set(['open', 'io.open', 'codecs.open', 'Path', 'pathlib.Path']);
const READERS = new Set(['read', 'read_text']);

/**
 * `OPENERS.has(callName(call))`, with the dotted name built only when its last part is `open` or
 * `Path`, as every opener's is (a name ending in a call, `f()`, is never one): this is asked of
 * every call in a job, and building the name of each was most of the search's time.
 */
export function isOpener(call: PyNode): boolean {
  const fn = call.childForFieldName('function');
  const last = fn?.type === 'identifier' ? fn.text : fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  return (last === 'open' || last === 'Path') && OPENERS.has(callName(call));
}

export async function findSqlFiles(root: PyNode, scopes: PyScopes, path: string, readFile: (p: string) => Promise<string | undefined>): Promise<SqlFiles> {
  const dir = posix.dirname(normalizePath(path));
  const files = new Map<number, { path: string; text: string }>();
  const aliases = new Map<string, PyNode>();
  for (const call of root.descendantsOfType('call')) {
    if (!call) continue;
    // `open(p)` and `Path(p)`, or `<path object>.read_text()` where the path is built elsewhere.
    const fn = call.childForFieldName('function');
    const reads = fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'read_text' ? fn.childForFieldName('object') : null;
    const arg = reads ?? (isOpener(call) ? callArguments(call).positional[0] : undefined);
    const p = arg && pathValue(arg, scopes, dir === '.' ? '' : dir, 0);
    if (!p || !/\.sql$/i.test(p)) continue;
    const candidates = isUri(p) || p.startsWith('/') ? [p] : [normalizePath(p), normalizePath(p, dir === '.' ? '' : dir)];
    for (const c of [...new Set(candidates)]) {
      const text = await readFile(c);
      if (text === undefined) continue;
      files.set(call.id, { path: c, text });
      break;
    }
  }
  for (const as of root.descendantsOfType('as_pattern')) {
    const value = as?.namedChildren[0];
    const alias = as?.childForFieldName('alias') ?? as?.namedChildren[1];
    const name = alias?.type === 'identifier' ? alias.text : alias?.namedChildren.find((c) => c?.type === 'identifier')?.text;
    if (value?.type === 'call' && name) aliases.set(name, value);
  }
  const fileOf = (node: PyNode, depth: number): { path: string; text: string } | undefined => {
    if (depth > 4) return undefined;
    if (node.type === 'identifier') {
      const bound = scopes.lookup(node.text, node);
      return bound && bound.id !== node.id ? fileOf(bound, depth + 1) : undefined;
    }
    if (node.type !== 'call') return undefined;
    const fn = node.childForFieldName('function');
    if (fn?.type !== 'attribute' || !READERS.has(fn.childForFieldName('attribute')?.text ?? '')) return undefined;
    const recv = fn.childForFieldName('object');
    if (!recv) return undefined;
    if (recv.type === 'identifier' && aliases.has(recv.text)) return files.get(aliases.get(recv.text)!.id);
    return files.get(node.id) ?? files.get(recv.id);
  };
  return { fileOf: (node) => fileOf(node, 0) };
}

/** A path expression's value, with `__file__` standing for the job's own path. */
function pathValue(node: PyNode, scopes: PyScopes, dir: string, depth: number): string | undefined {
  if (depth > 8) return undefined;
  const s = stringValue(node, scopes);
  if (s) return s.value;
  const sub = (n: PyNode | null | undefined) => (n ? pathValue(n, scopes, dir, depth + 1) : undefined);
  if (node.type === 'identifier') {
    const bound = scopes.lookup(node.text, node);
    return bound && bound.id !== node.id ? sub(bound) : undefined;
  }
  if (node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '/') {
    const [l, r] = [sub(node.childForFieldName('left')), sub(node.childForFieldName('right'))];
    return l !== undefined && r !== undefined ? posix.join(l, r) : undefined;
  }
  // `Path(__file__).parent`, `os.path.dirname(os.path.abspath(__file__))`: the job's folder.
  const mentionsFile = node.text.includes('__file__');
  if (node.type === 'attribute' && node.childForFieldName('attribute')?.text === 'parent' && mentionsFile) return dir || '.';
  if (node.type !== 'call') return undefined;
  const name = callName(node);
  const args = callArguments(node).positional;
  if (name.endsWith('dirname') && mentionsFile) return dir || '.';
  if (name.endsWith('path.join')) {
    const parts = args.map(sub);
    return parts.every((p) => p !== undefined) ? posix.join(...(parts as string[])) : undefined;
  }
  if ((name === 'Path' || name === 'pathlib.Path') && args[0]) return args.length === 1 ? sub(args[0]) : undefined;
  if (name.endsWith('.joinpath')) {
    const parts = [sub(node.childForFieldName('function')?.childForFieldName('object')), ...args.map(sub)];
    return parts.every((p) => p !== undefined) ? posix.join(...(parts as string[])) : undefined;
  }
  if (name.endsWith('.resolve') || name.endsWith('.absolute')) return sub(node.childForFieldName('function')?.childForFieldName('object'));
  return undefined;
}
