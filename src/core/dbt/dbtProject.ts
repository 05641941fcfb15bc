// Reads dbt_project.yml (paths, vars, the folder config trees) and a committed profiles.yml.
// Config resolution follows dbt: the deepest folder wins, and tags and hooks accumulate.
import { isMap } from 'yaml';
import type { YAMLMap } from 'yaml';
import type { Diagnostic } from '../model';
import { parseJinjaCall } from './jinjaCall';
import { child, childText, isPlainObject, loadYaml, nodeLocation, scalarText, toJs, warningAt } from './yamlDocument';
import type { YamlFile } from './yamlDocument';

/** The `models:`/`seeds:`/`snapshots:` block of dbt_project.yml, as written. */
export type ConfigTree = { [key: string]: unknown };

export interface DbtProject {
  /** Workspace-relative folder of dbt_project.yml; '' when it sits at the root. */
  root: string;
  name: string;
  profile?: string;
  modelPaths: string[];
  seedPaths: string[];
  snapshotPaths: string[];
  macroPaths: string[];
  vars: Record<string, unknown>;
  modelConfig: ConfigTree;
  seedConfig: ConfigTree;
  snapshotConfig: ConfigTree;
  targetPath: string;
}

export interface DbtTarget {
  name: string;
  schema: string;
  database: string;
  type: string;
}

export function parseDbtProject(path: string, text: string): { project?: DbtProject; diagnostics: Diagnostic[] } {
  try {
    const file = loadYaml(path, text);
    const diagnostics = [...file.diagnostics];
    const root = file.doc.contents;
    const name = childText(root, 'name');
    if (!isMap(root) || name === undefined) {
      diagnostics.push({ path, line: 1, severity: 'error', message: 'dbt_project.yml has no project name.', code: 'dbt-project' });
      return { diagnostics };
    }
    return { project: readProject(file, root, name, diagnostics), diagnostics };
  } catch (err) {
    return { diagnostics: [{ path, line: 1, severity: 'error', message: `Could not read dbt_project.yml: ${String(err)}`, code: 'dbt-project' }] };
  }
}

function readProject(file: YamlFile, root: YAMLMap, name: string, diagnostics: Diagnostic[]): DbtProject {
  // dbt < 1.0 called model and seed folders source-paths and data-paths; both spellings still occur.
  const paths = (keys: string[], fallback: string): string[] => pathList(file, root, keys, diagnostics) ?? [fallback];
  const project: DbtProject = {
    root: file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : '',
    name,
    modelPaths: paths(['model-paths', 'source-paths'], 'models'),
    seedPaths: paths(['seed-paths', 'data-paths'], 'seeds'),
    snapshotPaths: paths(['snapshot-paths'], 'snapshots'),
    macroPaths: paths(['macro-paths'], 'macros'),
    vars: objectAt(file, root, 'vars'),
    modelConfig: objectAt(file, root, 'models'),
    seedConfig: objectAt(file, root, 'seeds'),
    snapshotConfig: objectAt(file, root, 'snapshots'),
    targetPath: normalisePath(childText(root, 'target-path') ?? 'target'),
  };
  const profile = childText(root, 'profile');
  if (profile !== undefined) project.profile = profile;
  return project;
}

/** The first of `keys` that is present, as folder paths; undefined when none is. */
function pathList(file: YamlFile, root: YAMLMap, keys: string[], diagnostics: Diagnostic[]): string[] | undefined {
  const key = keys.find((candidate) => root.has(candidate));
  if (key === undefined) return undefined;
  const value = toJs(file, child(root, key));
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (!list || list.some((item) => typeof item !== 'string')) {
    diagnostics.push(warningAt(file, child(root, key), 'dbt-project', `'${key}' should be a list of folder names.`));
    return undefined;
  }
  return list.map((item: string) => normalisePath(item));
}

function normalisePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
}

function objectAt(file: YamlFile, root: YAMLMap, key: string): Record<string, unknown> {
  const value = toJs(file, child(root, key));
  return isPlainObject(value) ? value : {};
}

/**
 * Config keys dbt recognises without a `+`. Anything else holding a mapping is a folder, and any
 * scalar or list is a config, since a folder can only hold a mapping.
 */
const KNOWN_CONFIGS = new Set([
  'enabled', 'tags', 'pre-hook', 'post-hook', 'database', 'schema', 'alias', 'materialized', 'persist_docs',
  'meta', 'docs', 'full_refresh', 'quoting', 'column_types', 'unique_key', 'on_schema_change', 'grants',
  'contract', 'access', 'group', 'incremental_strategy', 'partition_by', 'cluster_by', 'labels', 'strategy',
  'target_schema', 'target_database', 'updated_at', 'check_cols', 'snapshot_meta_column_names', 'event_time',
  'tblproperties', 'options',
]);

const ACCUMULATING = new Set(['tags', 'pre-hook', 'post-hook']);

/**
 * The config dbt_project.yml gives a file: top-level keys, then the project's own block, then one
 * block per folder in `relPathParts` (a trailing model name also works, as dbt's fqn includes it).
 */
export function configFor(tree: ConfigTree, projectName: string, relPathParts: string[]): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  mergeLevel(config, tree);
  let level = tree[projectName];
  for (let depth = 0; isPlainObject(level); depth++) {
    mergeLevel(config, level);
    level = depth < relPathParts.length ? level[relPathParts[depth]] : undefined;
  }
  return config;
}

function mergeLevel(config: Record<string, unknown>, level: Record<string, unknown>): void {
  for (const [rawKey, value] of Object.entries(level)) {
    const plus = rawKey.startsWith('+');
    // dbt accepts pre_hook and pre-hook alike; one spelling lets the two accumulate together.
    const key = (plus ? rawKey.slice(1) : rawKey).replace(/^(pre|post)_hook$/, '$1-hook');
    if (value === null || value === undefined) continue;
    if (!plus && isPlainObject(value) && !KNOWN_CONFIGS.has(key)) continue;
    if (ACCUMULATING.has(key)) config[key] = accumulate(config[key], value);
    else if (key === 'meta' && isPlainObject(value) && isPlainObject(config.meta)) config.meta = { ...config.meta, ...value };
    else config[key] = value;
  }
}

/**
 * A file's config over its folder config: what schema YAML and the model's own `config()` set
 * replaces the folder's value, except tags and hooks, which dbt adds to the folder's, and meta,
 * which it merges (a model tagged `legacy` in a folder tagged `nightly` has both tags).
 */
export function overlayConfig(base: Record<string, unknown>, ...overlays: Record<string, unknown>[]): Record<string, unknown> {
  const config = { ...base };
  for (const overlay of overlays) {
    for (const [key, value] of Object.entries(overlay)) {
      if (ACCUMULATING.has(key) && value !== null && value !== undefined) config[key] = accumulate(config[key], value);
      else if (key === 'meta' && isPlainObject(value) && isPlainObject(config.meta)) config.meta = { ...config.meta, ...value };
      else config[key] = value;
    }
  }
  return config;
}

function accumulate(previous: unknown, value: unknown): unknown[] {
  const list = [...(Array.isArray(previous) ? previous : []), ...(Array.isArray(value) ? value : [value])];
  return [...new Set(list)];
}

/**
 * The target a profiles.yml selects. Environment variables are never read: an `env_var()` with a
 * default resolves to the default, one without resolves to '' and is reported.
 */
export function parseProfiles(text: string, profile?: string, path = 'profiles.yml'): { target?: DbtTarget; diagnostics: Diagnostic[] } {
  try {
    const file = loadYaml(path, text);
    const diagnostics = [...file.diagnostics];
    const profileNode = pickProfile(file, profile, diagnostics);
    if (!profileNode) return { diagnostics };
    const name = renderDefaults(file, child(profileNode, 'target'), diagnostics) || 'default';
    const output = child(child(profileNode, 'outputs'), name);
    if (!isMap(output)) {
      diagnostics.push(warningAt(file, profileNode, 'dbt-profile', `profiles.yml has no output named '${name}'.`));
      return { diagnostics };
    }
    const value = (...keys: string[]): string => renderDefaults(file, keys.map((key) => child(output, key)).find((node) => node !== undefined), diagnostics);
    const target = { name, type: value('type'), schema: value('schema', 'dataset'), database: value('database', 'dbname', 'project') };
    return { target, diagnostics };
  } catch (err) {
    return { diagnostics: [{ path, line: 1, severity: 'error', message: `Could not read profiles.yml: ${String(err)}`, code: 'dbt-profile' }] };
  }
}

/** The named profile, or the only one when none is named; `config:` holds settings, not a profile. */
function pickProfile(file: YamlFile, profile: string | undefined, diagnostics: Diagnostic[]): YAMLMap | undefined {
  const root = file.doc.contents;
  if (!isMap(root)) return undefined;
  const names = root.items.map((pair) => scalarText(pair.key)).filter((key) => key !== undefined && key !== 'config');
  const chosen = profile ?? (names.length === 1 ? names[0] : undefined);
  const node = chosen === undefined ? undefined : child(root, chosen);
  if (isMap(node)) return node;
  const message = profile === undefined ? 'profiles.yml holds several profiles and dbt_project.yml names none.' : `profiles.yml has no profile '${profile}'.`;
  diagnostics.push({ path: file.path, line: 1, severity: 'warning', message, code: 'dbt-profile' });
  return undefined;
}

/** A scalar with each `{{ env_var('X', 'default') }}` replaced by its default. */
function renderDefaults(file: YamlFile, node: unknown, diagnostics: Diagnostic[]): string {
  const text = scalarText(node) ?? '';
  let rendered = '';
  let cursor = 0;
  for (let open = text.indexOf('{{'); open >= 0; open = text.indexOf('{{', cursor)) {
    const close = text.indexOf('}}', open);
    if (close < 0) break;
    const call = parseJinjaCall(text.slice(open, close + 2));
    const fallback = call?.name === 'env_var' ? (call.args[1] ?? call.kwargs.default) : undefined;
    if (fallback === undefined) {
      const { line, column } = nodeLocation(file, node);
      const message = `Cannot resolve ${text.slice(open, close + 2)} without the environment; using ''.`;
      diagnostics.push({ path: file.path, line, column, severity: 'info', message, code: 'dbt-env-var' });
      return '';
    }
    rendered += text.slice(cursor, open) + fallback;
    cursor = close + 2;
  }
  return rendered + text.slice(cursor);
}
