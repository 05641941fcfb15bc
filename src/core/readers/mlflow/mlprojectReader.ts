// MLproject files (https://mlflow.org/docs/latest/projects.html): `name`, an environment, and
// `entry_points: {<name>: {command, parameters}}`. Each entry point is an asset of type
// `mlflow_entry_point`, like a DVC stage is one: a command with inputs. Its upstream is the script
// the command runs and the defaults of `type: path` parameters; a run launched with
// `mlflow run` records the entry point (`mlflow.project.entryPoint`) and links to it.
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Pair } from 'yaml';
import type { AssetFact, Diagnostic, FileFacts, UpstreamRef } from '../../model';
import { isUri, normalizePath } from '../../io/paths';
import * as posix from 'node:path/posix';

export const MLPROJECT = 'MLproject';

export function isMlprojectFile(path: string): boolean {
  return path === MLPROJECT || path.endsWith(`/${MLPROJECT}`);
}

export function entryPointId(mlprojectPath: string, entry: string): string {
  return `mlproject:${mlprojectPath}:${entry}`;
}

export function readMlproject(path: string, text: string, allFiles: Set<string>): FileFacts {
  const out: FileFacts = { path, assets: [], changes: [], queries: [], diagnostics: [] };
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  for (const e of doc.errors) {
    const pos = lc.linePos(e.pos[0]);
    out.diagnostics.push(diag(path, pos.line, `MLproject: ${e.message.split('\n')[0]}`, pos.col));
  }
  if (doc.errors.length) return out;
  const root = doc.contents;
  if (!isMap(root)) {
    if (root) out.diagnostics.push(diag(path, 1, 'MLproject should be a mapping with `name` and `entry_points`'));
    return out;
  }
  const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
  const name = scalar(root.get('name')) ?? (posix.basename(dir) || 'project');
  const entries = root.get('entry_points', true);
  if (!isMap(entries)) return out;
  for (const pair of entries.items as Pair[]) {
    const entry = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (!entry) continue;
    const line = isScalar(pair.key) && pair.key.range ? lc.linePos(pair.key.range[0]).line : 1;
    const spec = (pair.value as { toJSON?: () => unknown } | null)?.toJSON?.();
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
      out.diagnostics.push(diag(path, line, `MLproject entry point "${entry}" should be a mapping with \`command\``));
      continue;
    }
    out.assets.push(entryPointFact(path, dir, name, entry, line, spec as Record<string, unknown>, allFiles));
  }
  return out;
}

function entryPointFact(path: string, dir: string, project: string, entry: string, line: number, spec: Record<string, unknown>, allFiles: Set<string>): AssetFact {
  const command = typeof spec.command === 'string' ? spec.command : '';
  const parameters = parametersOf(spec.parameters);
  const upstream: UpstreamRef[] = [];
  const script = commandScript(command, dir, allFiles);
  if (script) upstream.push({ kind: 'path', path: script });
  for (const p of Object.values(parameters)) {
    if (p.type === 'path' && typeof p.default === 'string' && p.default && !isUri(p.default)) upstream.push({ kind: 'path', path: normalizePath(p.default, dir) });
  }
  return {
    id: entryPointId(path, entry),
    asset_type: 'mlflow_entry_point',
    name: `${project}:${entry}`,
    source_ref: path,
    location: { path, line, column: 1 },
    upstream,
    origin: 'mlflow',
    meta: { project, entryPoint: entry, command, parameters, ...(script ? { script } : {}) },
  };
}

interface ParameterSpec {
  type?: string;
  default?: unknown;
}

// A parameter is `name: {type, default}` or the short form `name: type`.
function parametersOf(raw: unknown): Record<string, ParameterSpec> {
  const out: Record<string, ParameterSpec> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = { type: v };
    else if (v && typeof v === 'object') {
      const spec = v as Record<string, unknown>;
      out[k] = { ...(typeof spec.type === 'string' ? { type: spec.type } : {}), ...('default' in spec ? { default: spec.default } : {}) };
    } else out[k] = {};
  }
  return out;
}

const SCRIPT = /\.(py|r|sh|jl|ipynb|scala|java|js|ts)$/i;

/**
 * The script a command runs: the first word that names a script file (`python src/train.py
 * --alpha {alpha}`), or `python -m pkg.mod` when pkg/mod.py is in the workspace. Placeholders
 * (`{alpha}`) are parameters, never scripts.
 */
export function commandScript(command: string, dir: string, allFiles: Set<string>): string | undefined {
  const words = command.split(/\s+/).map((w) => w.replace(/^['"]|['"]$/g, '')).filter((w) => w && !w.includes('{'));
  const m = words.indexOf('-m');
  if (m >= 0 && words[m + 1]) {
    const base = normalizePath(words[m + 1].replace(/\./g, '/'), dir);
    return [`${base}.py`, `${base}/__main__.py`].find((p) => allFiles.has(p));
  }
  const word = words.find((w) => SCRIPT.test(w) && !w.startsWith('-'));
  return word ? normalizePath(word, dir) : undefined;
}

function scalar(node: unknown): string | undefined {
  return typeof node === 'string' || typeof node === 'number' ? String(node) : undefined;
}

function diag(path: string, line: number, message: string, column?: number): Diagnostic {
  return { path, line, ...(column ? { column } : {}), severity: 'error', code: 'mlflow-meta', message };
}
