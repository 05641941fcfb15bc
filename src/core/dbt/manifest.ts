// Reads dbt's target/manifest.json (schema v9–v12) into flat node records.
// Manifests reach tens of MB, so the text is parsed once and each node is read field by field;
// generic test nodes are folded into the columns they test instead of being returned.
import type { ColumnInfo, Diagnostic } from '../model';

export interface ManifestNode {
  uniqueId: string;
  resourceType: 'model' | 'seed' | 'snapshot' | 'source' | 'exposure' | (string & {});
  name: string;
  packageName: string;
  originalFilePath?: string;
  database?: string;
  schema?: string;
  /** The relation name: the alias for models, seeds and snapshots, the identifier for sources. */
  alias?: string;
  sourceName?: string;
  /** Unique ids of the nodes this one reads. */
  dependsOn: string[];
  columns: ColumnInfo[];
  compiledCode?: string;
  rawCode?: string;
  description?: string;
}

type Json = Record<string, unknown>;

const SUPPORTED_VERSIONS = [9, 10, 11, 12];

export function parseManifest(path: string, text: string): { nodes: ManifestNode[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    diagnostics.push(jsonError(path, text, err));
    return { nodes: [], diagnostics };
  }
  if (!isObject(data) || !isObject(data.nodes)) {
    diagnostics.push({ path, line: 1, severity: 'error', message: 'This is not a dbt manifest: it has no "nodes".', code: 'manifest' });
    return { nodes: [], diagnostics };
  }
  checkVersion(path, data, diagnostics);
  const nodes: ManifestNode[] = [];
  const tests: Json[] = [];
  for (const section of ['nodes', 'sources', 'exposures']) {
    const entries = data[section];
    if (!isObject(entries)) continue;
    for (const [uniqueId, raw] of Object.entries(entries)) {
      if (!isObject(raw)) continue;
      if (raw.resource_type === 'test') tests.push(raw);
      else nodes.push(readNode(uniqueId, raw));
    }
  }
  attachTests(nodes, tests);
  return { nodes, diagnostics };
}

/** Older or newer schemas mostly still parse; the warning explains odd results. */
function checkVersion(path: string, data: Json, diagnostics: Diagnostic[]): void {
  const metadata = isObject(data.metadata) ? data.metadata : {};
  const match = /manifest\/v(\d+)\.json/.exec(String(metadata.dbt_schema_version ?? ''));
  const version = match ? Number(match[1]) : undefined;
  if (version !== undefined && SUPPORTED_VERSIONS.includes(version)) return;
  const found = version === undefined ? 'an unknown schema version' : `schema v${version}`;
  const message = `The manifest has ${found}; DataLineage reads v9–v12, so some fields may be missing.`;
  diagnostics.push({ path, line: 1, severity: 'warning', message, code: 'manifest-version' });
}

function readNode(uniqueId: string, raw: Json): ManifestNode {
  const dependsOn = isObject(raw.depends_on) && Array.isArray(raw.depends_on.nodes) ? raw.depends_on.nodes.filter(isString) : [];
  const node: ManifestNode = {
    uniqueId,
    resourceType: str(raw.resource_type) ?? uniqueId.split('.')[0],
    name: str(raw.name) ?? uniqueId,
    packageName: str(raw.package_name) ?? '',
    dependsOn,
    columns: readColumns(raw.columns),
  };
  const optional: Partial<ManifestNode> = {
    originalFilePath: str(raw.original_file_path),
    database: str(raw.database),
    schema: str(raw.schema),
    alias: str(raw.resource_type === 'source' ? raw.identifier : raw.alias) ?? str(raw.identifier),
    sourceName: str(raw.source_name),
    // Manifests before v7 said compiled_sql/raw_sql; a few tools still write those keys.
    compiledCode: str(raw.compiled_code) ?? str(raw.compiled_sql),
    rawCode: str(raw.raw_code) ?? str(raw.raw_sql),
    description: str(raw.description),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (node as unknown as Json)[key] = value;
  }
  return node;
}

function readColumns(raw: unknown): ColumnInfo[] {
  if (!isObject(raw)) return [];
  const columns: ColumnInfo[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const entry = isObject(value) ? value : {};
    const column: ColumnInfo = { name: str(entry.name) ?? key };
    const type = str(entry.data_type);
    if (type !== undefined) column.type = type;
    const description = str(entry.description);
    if (description !== undefined) column.description = description;
    columns.push(column);
  }
  return columns;
}

/**
 * Generic tests name their column and the node they test (`attached_node` since v10, else the
 * last dependency); their names read as in YAML, e.g. "unique" or "dbt_utils.accepted_range".
 */
function attachTests(nodes: ManifestNode[], tests: Json[]): void {
  const byId = new Map(nodes.map((node) => [node.uniqueId, node]));
  for (const test of tests) {
    const meta = isObject(test.test_metadata) ? test.test_metadata : undefined;
    const kwargs = isObject(meta?.kwargs) ? meta.kwargs : {};
    const columnName = str(test.column_name) ?? str(kwargs.column_name);
    const name = str(meta?.name);
    if (!name || !columnName) continue;
    const deps = isObject(test.depends_on) && Array.isArray(test.depends_on.nodes) ? test.depends_on.nodes : [];
    const target = byId.get(str(test.attached_node) ?? str(deps[deps.length - 1]) ?? '');
    const column = target?.columns.find((c) => c.name.toLowerCase() === columnName.toLowerCase());
    if (!column) continue;
    const namespace = str(meta?.namespace);
    column.tests = [...(column.tests ?? []), namespace ? `${namespace}.${name}` : name];
  }
}

/**
 * V8 words JSON errors differently across Node versions: some give a line and column, some an
 * offset, a truncated file gives neither (its error is at the end), and the rest only a snippet.
 */
function jsonError(path: string, text: string, err: unknown): Diagnostic {
  const message = err instanceof Error ? err.message : String(err);
  const diagnostic: Diagnostic = { path, line: 1, severity: 'error', message: `Invalid manifest JSON: ${message}`, code: 'manifest-json' };
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return { ...diagnostic, line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const position = /at position (\d+)/.exec(message)?.[1];
  const offset = position !== undefined ? Number(position) : /end of JSON input/.test(message) ? text.length : undefined;
  if (offset === undefined) return diagnostic;
  // Counting newlines in place avoids copying or splitting a manifest of tens of MB.
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return { ...diagnostic, line, column: offset - text.lastIndexOf('\n', offset - 1) };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
