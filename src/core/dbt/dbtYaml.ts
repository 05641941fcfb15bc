// Reads dbt schema YAML (sources, models, seeds, snapshots, exposures) into typed records.
// The tree is walked instead of converted wholesale so that every name keeps its line. js-yaml is
// the fast path; the `yaml` AST is the reference and the fallback: it recovers the readable entries
// of a file with syntax errors, and answers what the fast path cannot answer exactly.
import type { ColumnInfo, Diagnostic, Location, UpstreamRef } from '../model';
import { parseJinjaCall } from './jinjaCall';
import { assignDefined, documentView, isPlainObject, loadYaml } from './yamlDocument';
import { loadWithOffsets, plainView } from './yamlPositions';
import type { YamlView } from './yamlView';

export { parseJinjaCall } from './jinjaCall';
export type { JinjaCall } from './jinjaCall';

export interface DbtSourceTable {
  sourceName: string;
  tableName: string;
  database?: string;
  schema: string;
  identifier: string;
  description?: string;
  columns: ColumnInfo[];
  location: Location;
  loaderMeta?: Record<string, unknown>;
}

export interface DbtModelDoc {
  name: string;
  description?: string;
  columns: ColumnInfo[];
  location: Location;
  config?: Record<string, unknown>;
}

export interface DbtExposure {
  name: string;
  type?: string;
  label?: string;
  url?: string;
  owner?: string;
  dependsOn: UpstreamRef[];
  location: Location;
  description?: string;
}

export interface DbtSchemaYaml {
  sources: DbtSourceTable[];
  models: DbtModelDoc[];
  seeds: DbtModelDoc[];
  snapshots: DbtModelDoc[];
  exposures: DbtExposure[];
  diagnostics: Diagnostic[];
}

export function parseDbtSchemaYaml(path: string, text: string): DbtSchemaYaml {
  return parseDbtSchemaYamlWith(path, text, 'fast');
}

/**
 * 'fast' tries js-yaml and falls back to the `yaml` AST on any doubt; 'document' always uses the
 * AST. Both must give deep-equal results; the differential test holds them to it.
 */
export function parseDbtSchemaYamlWith(path: string, text: string, parser: 'fast' | 'document'): DbtSchemaYaml {
  const fast = parser === 'fast' ? parseFastSchemaYaml(path, text) : undefined;
  if (fast !== undefined) return fast;
  const out = emptySchema();
  try {
    walkSchema(documentView(loadYaml(path, text)), out);
  } catch (err) {
    // Keeps whatever was read before the failure, as the reader always has.
    out.diagnostics.push({ path, line: 1, severity: 'error', message: `Could not read YAML: ${String(err)}`, code: 'yaml-parse' });
  }
  return out;
}

/** The js-yaml reading alone; undefined when the file needs the `yaml` AST (syntax errors included). */
export function parseFastSchemaYaml(path: string, text: string): DbtSchemaYaml | undefined {
  try {
    return walkSchema(plainView(path, text, loadWithOffsets(text)), emptySchema());
  } catch {
    return undefined;
  }
}

const emptySchema = (): DbtSchemaYaml => ({ sources: [], models: [], seeds: [], snapshots: [], exposures: [], diagnostics: [] });

function walkSchema<N>(view: YamlView<N>, out: DbtSchemaYaml): DbtSchemaYaml {
  out.diagnostics.push(...view.diagnostics);
  const root = view.root;
  if (root === undefined || !view.isMap(root)) return out;
  for (const source of namedEntries(view, root, 'sources', out.diagnostics)) readSource(view, source, out.sources);
  for (const [section, target] of [['models', out.models], ['seeds', out.seeds], ['snapshots', out.snapshots]] as const) {
    for (const entry of namedEntries(view, root, section, out.diagnostics)) target.push(readModelDoc(view, entry));
  }
  for (const entry of namedEntries(view, root, 'exposures', out.diagnostics)) out.exposures.push(readExposure(view, entry, out.diagnostics));
  return out;
}

function warningAt<N>(view: YamlView<N>, node: N | undefined, code: string, message: string): Diagnostic {
  const { path, line, column } = view.location(node);
  return { path, line, column, severity: 'warning', message, code };
}

/**
 * Entries of a top-level list that have a name. A nameless entry is only reported when the file
 * declares `version: 2`, so unrelated YAML with a `models:` list stays silent.
 */
function namedEntries<N>(view: YamlView<N>, root: N, section: string, diagnostics: Diagnostic[]): N[] {
  const isSchemaFile = view.text(view.child(root, 'version')) === '2';
  const entries: N[] = [];
  for (const item of view.items(root, section)) {
    if (!view.isMap(item)) continue;
    if (view.text(view.child(item, 'name')) !== undefined) entries.push(item);
    else if (isSchemaFile) diagnostics.push(warningAt(view, item, 'dbt-schema', `An entry under '${section}' has no name; dbt will reject it.`));
  }
  return entries;
}

const LOADER_KEYS = ['loader', 'loaded_at_field', 'freshness', 'meta', 'tags', 'external', 'quoting'];

/** Loader facts live on the source, its table, or (dbt ≥ 1.9) their `config:`; the table wins. */
function loaderMetaOf<N>(view: YamlView<N>, entry: N): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  for (const holder of [entry, view.child(entry, 'config')]) {
    for (const key of LOADER_KEYS) {
      const value = view.toJs(view.child(holder, key));
      if (value !== undefined && value !== null) meta[key] = value;
    }
  }
  return meta;
}

function readSource<N>(view: YamlView<N>, source: N, out: DbtSourceTable[]): void {
  const text = (node: N | undefined, key: string): string | undefined => view.text(view.child(node, key));
  const sourceName = text(source, 'name') as string;
  // BigQuery projects spell database/schema as project/dataset; dbt accepts both.
  const database = text(source, 'database') ?? text(source, 'project');
  const schema = text(source, 'schema') ?? text(source, 'dataset') ?? sourceName;
  const sourceMeta = loaderMetaOf(view, source);
  for (const table of view.items(source, 'tables')) {
    const nameNode = view.child(table, 'name');
    const tableName = view.text(nameNode);
    if (!view.isMap(table) || tableName === undefined) continue;
    const identifier = text(table, 'identifier') ?? tableName;
    const record: DbtSourceTable = { sourceName, tableName, schema, identifier, columns: readColumns(view, table), location: view.location(nameNode) };
    const loaderMeta = { ...sourceMeta, ...loaderMetaOf(view, table) };
    out.push(assignDefined(record, { database, description: text(table, 'description'), loaderMeta: Object.keys(loaderMeta).length > 0 ? loaderMeta : undefined }));
  }
}

function readModelDoc<N>(view: YamlView<N>, entry: N): DbtModelDoc {
  const nameNode = view.child(entry, 'name');
  const doc: DbtModelDoc = { name: view.text(nameNode) as string, columns: readColumns(view, entry), location: view.location(nameNode) };
  const config = view.toJs(view.child(entry, 'config'));
  return assignDefined(doc, { description: view.text(view.child(entry, 'description')), config: isPlainObject(config) ? config : undefined });
}

function readColumns<N>(view: YamlView<N>, entry: N): ColumnInfo[] {
  const columns: ColumnInfo[] = [];
  for (const item of view.items(entry, 'columns')) {
    const nameNode = view.child(item, 'name');
    const name = view.text(nameNode);
    if (name === undefined) continue;
    const [type, description] = ['data_type', 'description'].map((key) => view.text(view.child(item, key)));
    columns.push(assignDefined<ColumnInfo>({ name }, { type, description, tests: testNames(view, item), location: view.location(nameNode) }));
  }
  return columns;
}

/** dbt ≥ 1.8 calls them `data_tests`; older projects say `tests`. Both may appear. */
function testNames<N>(view: YamlView<N>, entry: N): string[] | undefined {
  const names: string[] = [];
  for (const key of ['tests', 'data_tests']) {
    for (const test of view.items(entry, key)) {
      const name = view.isMap(test) ? testNameOfMap(view, test) : view.text(test);
      if (name !== undefined) names.push(name);
    }
  }
  return names.length > 0 ? names : undefined;
}

const TEST_PROPERTY_KEYS = new Set(['name', 'config', 'description', 'meta', 'tags', 'severity', 'where', 'arguments']);

/** `{accepted_values: {...}}` names itself by its key; the long form names it in `test_name`. */
function testNameOfMap<N>(view: YamlView<N>, test: N): string | undefined {
  const named = view.text(view.child(test, 'test_name'));
  return named ?? view.keys(test).find((key) => key !== undefined && !TEST_PROPERTY_KEYS.has(key));
}

function readExposure<N>(view: YamlView<N>, entry: N, diagnostics: Diagnostic[]): DbtExposure {
  const nameNode = view.child(entry, 'name');
  const exposure: DbtExposure = { name: view.text(nameNode) as string, dependsOn: [], location: view.location(nameNode) };
  const ownerNode = view.child(entry, 'owner');
  const owner = view.text(view.child(ownerNode, 'name')) ?? view.text(view.child(ownerNode, 'email')) ?? view.text(ownerNode);
  const [type, label, url, description] = ['type', 'label', 'url', 'description'].map((key) => view.text(view.child(entry, key)));
  assignDefined(exposure, { type, label, url, owner, description });
  for (const item of view.items(entry, 'depends_on')) {
    const upstream = dependencyRef(view.text(item) ?? '');
    if (upstream) exposure.dependsOn.push(upstream);
    else {
      const message = `Exposure '${exposure.name}' depends on something that is not a ref() or source(): ${view.text(item) ?? '(not a string)'}`;
      diagnostics.push(warningAt(view, item, 'dbt-depends-on', message));
    }
  }
  return exposure;
}

/** "ref('x')", "ref('pkg', 'x')", "ref('x', v=2)" or "source('a', 'b')" as an upstream ref. */
export function dependencyRef(text: string): UpstreamRef | undefined {
  const call = parseJinjaCall(text);
  const { name, args, kwargs } = call ?? { name: '', args: [], kwargs: {} };
  if (name === 'source' && args.length === 2) return { kind: 'source', source: args[0], table: args[1] };
  if (name !== 'ref' || args.length < 1 || args.length > 2) return undefined;
  const [pkg, refName] = args.length === 2 ? args : [undefined, args[0]];
  return assignDefined<UpstreamRef>({ kind: 'ref', name: refName }, { package: pkg, version: kwargs.v ?? kwargs.version });
}
