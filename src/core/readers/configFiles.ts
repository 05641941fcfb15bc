// DAG files and Spark jobs often take their tables from a YAML or JSON file beside them (Airflow's
// docs recommend it for dynamic DAGs): `with open(os.path.join(dir, "config.yaml")) as f: config =
// yaml.safe_load(f)`, `json.loads(Path(...).read_text())`. Such a file is read, never run, and its
// data becomes a Python literal of the same value, parsed into syntax nodes: the value readers
// then follow `config["tables"]`, `.items()` and loops over it as a dict written in the code.
import { posix } from 'node:path';
import * as yaml from 'js-yaml';
import type { Diagnostic } from '../model';
import type { PyNode } from '../python/pythonParser';
import { parsePython } from '../python/pythonParser';
import type { PyScopes } from '../python/pyValues';
import { callArguments, callName, positionOf } from '../python/pyValues';
import { pathValue } from './airflow/airflowSql';
import { workspaceFile } from './airflow/airflowData';
import { withAlias, withCalls } from './airflow/airflowSyntax';

const LOADERS = /^(yaml\.(safe_load|load|full_load)|json\.loads?)$/;
const OPENERS = /^(open|io\.open|codecs\.open)$/;
/** Config files larger than this are not read (a data dump, not a config). */
const MAX_BYTES = 256 * 1024;
/**
 * Nor data whose literal would be longer than this: YAML aliases can make a small file stand for
 * a huge value (each `*a` repeats the whole of `&a`), which must not be written out.
 */
const MAX_LITERAL = 1024 * 1024;

/** Whether the file may load a config file: the check before any search of its tree. */
export function mayLoadConfig(text: string): boolean {
  return /\b(yaml|json)\.\w*load/.test(text);
}

/**
 * Reads the config files the file's `yaml.safe_load` / `json.load` calls load and records each
 * call's value in `scopes.loaded`. A file that is missing, too large or malformed gets a note,
 * and what is built from it stays unknown.
 */
export async function loadConfigFiles(root: PyNode, scopes: PyScopes, path: string, readFile: (p: string) => Promise<string | undefined>): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
  const note = (at: PyNode, message: string) => out.push({ path, ...positionOf(at), severity: 'info', code: 'config-file', message });
  for (const call of root.descendantsOfType('call')) {
    if (!call || !LOADERS.test(callName(call))) continue;
    const arg = callArguments(call).positional[0];
    const file = arg && fileOf(arg, scopes, dir, 0);
    if (!file) continue; // a string of YAML, a stream from elsewhere: not a file of the workspace
    // A relative path is the worker's working folder's, unknown here: the DAG folder's is tried too.
    let found = await workspaceFile(file, readFile);
    let text = await readFile(found);
    if (text === undefined && !file.startsWith('/') && dir && !file.startsWith(`${dir}/`)) text = await readFile((found = posix.join(dir, file)));
    if (text === undefined) {
      note(call, `config file "${file}" not found in the workspace, so what is built from it is not in the lineage`);
      continue;
    }
    if (text.length > MAX_BYTES) {
      note(call, `config file "${found}" is larger than ${MAX_BYTES / 1024} KB and was not read`);
      continue;
    }
    let data: unknown;
    try {
      data = /^json\./.test(callName(call)) ? JSON.parse(text) : yaml.load(text, { json: true });
    } catch (e) {
      note(call, `config file "${found}" could not be read: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const literal = pythonLiteral(data, { left: MAX_LITERAL }, 0);
    if (literal === undefined) note(call, `config file "${found}" holds more data than is read (its YAML aliases may repeat it), so what is built from it is not in the lineage`);
    const node = literal === undefined ? undefined : parsePython(`${literal}\n`)?.rootNode.namedChildren[0]?.namedChildren[0];
    if (node) scopes.loaded.set(call.id, node);
  }
  return out;
}

/** The file a loader's argument reads: `open(P)`, `f` of `with open(P) as f`, `P.read_text()`, `open(P).read()`. */
function fileOf(arg: PyNode, scopes: PyScopes, dir: string, depth: number): string | undefined {
  if (depth > 4) return undefined;
  if (arg.type === 'identifier') {
    for (let n = arg.parent; n; n = n.parent) {
      if (n.type !== 'with_statement') continue;
      const opened = withCalls(n, () => undefined).find((c) => withAlias(c) === arg.text);
      if (opened) return fileOf(opened, scopes, dir, depth + 1);
    }
    const bound = scopes.lookup(arg.text, arg);
    return bound && bound !== arg ? fileOf(bound, scopes, dir, depth + 1) : undefined;
  }
  if (arg.type !== 'call') return undefined;
  if (OPENERS.test(callName(arg))) return pathValue(callArguments(arg).positional[0], scopes, dir)?.value;
  const fn = arg.childForFieldName('function');
  const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  const object = fn?.childForFieldName('object');
  if (!object) return undefined;
  if (method === 'read_text') return pathValue(object, scopes, dir)?.value;
  if (method === 'read') return fileOf(object, scopes, dir, depth + 1);
  return undefined;
}

/**
 * The Python literal of JSON-like data (YAML loaded with its JSON schema), or undefined when it
 * would be longer than `budget` allows (each scalar and key is charged as it is written, so a
 * value an alias repeats a million times stops at the budget, not after building it).
 */
function pythonLiteral(v: unknown, budget: { left: number }, depth: number): string | undefined {
  if (depth > 32 || budget.left < 0) return undefined;
  const scalar = scalarLiteral(v);
  if (scalar !== undefined) {
    budget.left -= scalar.length + 2;
    return budget.left < 0 ? undefined : scalar;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const parts: string[] = [];
  const entries: [string | undefined, unknown][] = Array.isArray(v) ? v.map((item) => [undefined, item]) : Object.entries(v as Record<string, unknown>);
  for (const [k, item] of entries) {
    const key = k === undefined ? '' : `${JSON.stringify(k)}: `;
    budget.left -= key.length;
    const p = pythonLiteral(item, budget, depth + 1);
    if (p === undefined) return undefined;
    parts.push(key + p);
  }
  return Array.isArray(v) ? `[${parts.join(', ')}]` : `{${parts.join(', ')}}`;
}

function scalarLiteral(v: unknown): string | undefined {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'None';
  if (typeof v === 'string') return JSON.stringify(v); // JSON's escapes are Python's too
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  return undefined;
}
