// Reads dbt schema YAML (sources, models, seeds, snapshots, exposures) into typed records.
// The AST is walked instead of calling toJS() so that every name keeps its line, and so a file
// with a syntax error still yields the entries that were readable.
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, YAMLMap } from 'yaml';
import type { ColumnInfo, Diagnostic, Location, UpstreamRef } from '../model';

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

/** A parsed YAML file plus what is needed to turn node offsets into locations. */
export interface YamlFile {
  path: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  diagnostics: Diagnostic[];
}

export function loadYaml(path: string, text: string): YamlFile {
  const lineCounter = new LineCounter();
  // Pretty errors would repeat the position and a source excerpt in the message; editors show both.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const diagnostics: Diagnostic[] = [];
  for (const [problems, severity] of [[doc.errors, 'error'], [doc.warnings, 'warning']] as const) {
    for (const { pos, message } of problems) {
      const { line, col } = lineCounter.linePos(pos[0]);
      diagnostics.push({ path, line, column: col, severity, message, code: 'yaml-parse' });
    }
  }
  return { path, doc, lineCounter, diagnostics };
}

export function nodeLocation(file: YamlFile, node: unknown): Location {
  const { line, col } = file.lineCounter.linePos((node as { range?: number[] } | undefined)?.range?.[0] ?? 0);
  return { path: file.path, line, column: col };
}

export function warningAt(file: YamlFile, node: unknown, code: string, message: string): Diagnostic {
  const { line, column } = nodeLocation(file, node);
  return { path: file.path, line, column, severity: 'warning', message, code };
}

export const child = (map: unknown, key: string): unknown => (isMap(map) ? map.get(key, true) : undefined);

/** A scalar as text; null, empty and non-scalar values count as absent. */
export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  const text = String(node.value);
  return text === '' ? undefined : text;
}

export const childText = (map: unknown, key: string): string | undefined => scalarText(child(map, key));

/** Plain JS for a subtree; alias bombs make toJS throw, which must not escape a reader. */
export function toJs(file: YamlFile, node: unknown): unknown {
  if (node === undefined || node === null) return undefined;
  try {
    return (node as { toJS(doc: Document): unknown }).toJS(file.doc);
  } catch {
    return undefined;
  }
}

/** Sets only the defined optional fields, so records deep-equal literals that omit them. */
export function assignDefined<T extends object>(target: T, values: Partial<T>): T {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
  return target;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function seqItems(map: unknown, key: string): unknown[] {
  const seq = child(map, key);
  return isSeq(seq) ? seq.items : [];
}

export function parseDbtSchemaYaml(path: string, text: string): DbtSchemaYaml {
  const out: DbtSchemaYaml = { sources: [], models: [], seeds: [], snapshots: [], exposures: [], diagnostics: [] };
  try {
    const file = loadYaml(path, text);
    out.diagnostics.push(...file.diagnostics);
    const root = file.doc.contents;
    if (!isMap(root)) return out;
    for (const source of namedEntries(file, root, 'sources', out.diagnostics)) readSource(file, source, out.sources);
    for (const [section, target] of [['models', out.models], ['seeds', out.seeds], ['snapshots', out.snapshots]] as const) {
      for (const entry of namedEntries(file, root, section, out.diagnostics)) target.push(readModelDoc(file, entry));
    }
    for (const entry of namedEntries(file, root, 'exposures', out.diagnostics)) out.exposures.push(readExposure(file, entry, out.diagnostics));
  } catch (err) {
    out.diagnostics.push({ path, line: 1, severity: 'error', message: `Could not read YAML: ${String(err)}`, code: 'yaml-parse' });
  }
  return out;
}

/**
 * Entries of a top-level list that have a name. A nameless entry is only reported when the file
 * declares `version: 2`, so unrelated YAML with a `models:` list stays silent.
 */
function namedEntries(file: YamlFile, root: YAMLMap, section: string, diagnostics: Diagnostic[]): YAMLMap[] {
  const isSchemaFile = childText(root, 'version') === '2';
  const entries: YAMLMap[] = [];
  for (const item of seqItems(root, section)) {
    if (!isMap(item)) continue;
    if (childText(item, 'name') !== undefined) entries.push(item);
    else if (isSchemaFile) diagnostics.push(warningAt(file, item, 'dbt-schema', `An entry under '${section}' has no name; dbt will reject it.`));
  }
  return entries;
}

const LOADER_KEYS = ['loader', 'loaded_at_field', 'freshness', 'meta', 'tags', 'external', 'quoting'];

/** Loader facts live on the source, its table, or (dbt ≥ 1.9) their `config:`; the table wins. */
function loaderMetaOf(file: YamlFile, entry: YAMLMap): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  for (const holder of [entry, child(entry, 'config')]) {
    for (const key of LOADER_KEYS) {
      const value = toJs(file, child(holder, key));
      if (value !== undefined && value !== null) meta[key] = value;
    }
  }
  return meta;
}

function readSource(file: YamlFile, source: YAMLMap, out: DbtSourceTable[]): void {
  const sourceName = childText(source, 'name') as string;
  // BigQuery projects spell database/schema as project/dataset; dbt accepts both.
  const database = childText(source, 'database') ?? childText(source, 'project');
  const schema = childText(source, 'schema') ?? childText(source, 'dataset') ?? sourceName;
  const sourceMeta = loaderMetaOf(file, source);
  for (const table of seqItems(source, 'tables')) {
    const nameNode = child(table, 'name');
    const tableName = scalarText(nameNode);
    if (!isMap(table) || tableName === undefined) continue;
    const identifier = childText(table, 'identifier') ?? tableName;
    const record: DbtSourceTable = { sourceName, tableName, schema, identifier, columns: readColumns(file, table), location: nodeLocation(file, nameNode) };
    const loaderMeta = { ...sourceMeta, ...loaderMetaOf(file, table) };
    out.push(assignDefined(record, { database, description: childText(table, 'description'), loaderMeta: Object.keys(loaderMeta).length > 0 ? loaderMeta : undefined }));
  }
}

function readModelDoc(file: YamlFile, entry: YAMLMap): DbtModelDoc {
  const nameNode = child(entry, 'name');
  const doc: DbtModelDoc = { name: scalarText(nameNode) as string, columns: readColumns(file, entry), location: nodeLocation(file, nameNode) };
  const config = toJs(file, child(entry, 'config'));
  return assignDefined(doc, { description: childText(entry, 'description'), config: isPlainObject(config) ? config : undefined });
}

function readColumns(file: YamlFile, entry: unknown): ColumnInfo[] {
  const columns: ColumnInfo[] = [];
  for (const item of seqItems(entry, 'columns')) {
    const [nameNode, name] = [child(item, 'name'), childText(item, 'name')];
    if (name === undefined) continue;
    const [type, description, tests] = [childText(item, 'data_type'), childText(item, 'description'), testNames(item)];
    columns.push(assignDefined<ColumnInfo>({ name }, { type, description, tests, location: nodeLocation(file, nameNode) }));
  }
  return columns;
}

/** dbt ≥ 1.8 calls them `data_tests`; older projects say `tests`. Both may appear. */
function testNames(entry: unknown): string[] | undefined {
  const names: string[] = [];
  for (const key of ['tests', 'data_tests']) {
    for (const test of seqItems(entry, key)) {
      const name = isMap(test) ? testNameOfMap(test) : scalarText(test);
      if (name !== undefined) names.push(name);
    }
  }
  return names.length > 0 ? names : undefined;
}

const TEST_PROPERTY_KEYS = new Set(['name', 'config', 'description', 'meta', 'tags', 'severity', 'where', 'arguments']);

/** `{accepted_values: {...}}` names itself by its key; the long form names it in `test_name`. */
function testNameOfMap(test: YAMLMap): string | undefined {
  const keys = test.items.map((pair) => scalarText(pair.key));
  return childText(test, 'test_name') ?? keys.find((key) => key !== undefined && !TEST_PROPERTY_KEYS.has(key));
}

function readExposure(file: YamlFile, entry: YAMLMap, diagnostics: Diagnostic[]): DbtExposure {
  const nameNode = child(entry, 'name');
  const exposure: DbtExposure = { name: scalarText(nameNode) as string, dependsOn: [], location: nodeLocation(file, nameNode) };
  const ownerNode = child(entry, 'owner');
  const owner = childText(ownerNode, 'name') ?? childText(ownerNode, 'email') ?? scalarText(ownerNode);
  const [type, label, url, description] = ['type', 'label', 'url', 'description'].map((key) => childText(entry, key));
  assignDefined(exposure, { type, label, url, owner, description });
  for (const item of seqItems(entry, 'depends_on')) {
    const upstream = dependencyRef(scalarText(item) ?? '');
    if (upstream) exposure.dependsOn.push(upstream);
    else {
      const message = `Exposure '${exposure.name}' depends on something that is not a ref() or source(): ${scalarText(item) ?? '(not a string)'}`;
      diagnostics.push(warningAt(file, item, 'dbt-depends-on', message));
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

/** A Jinja call such as `env_var('X', 'd')`: literal positional and keyword arguments only. */
export type JinjaCall = { name: string; args: string[]; kwargs: Record<string, string> };

type Token = { kind: 'word' | 'literal' | 'punct'; text: string };

/** Parses one call, optionally inside `{{ }}` and followed by filters; anything else is undefined. */
export function parseJinjaCall(text: string): JinjaCall | undefined {
  const tokens = tokenize(text) ?? [];
  let i = 0;
  while (tokens[i]?.text === '{') i++;
  const name = tokens[i];
  if (name?.kind !== 'word' || tokens[i + 1]?.text !== '(') return undefined;
  const call: JinjaCall = { name: name.text, args: [], kwargs: {} };
  for (i += 2; tokens[i]?.text !== ')'; i++) {
    const token = tokens[i];
    if (token?.kind === 'literal') call.args.push(token.text);
    else if (token?.kind === 'word' && tokens[i + 1]?.text === '=' && tokens[i + 2]?.kind === 'literal') {
      call.kwargs[token.text] = tokens[i + 2].text;
      i += 2;
    } else return undefined;
    if (tokens[i + 1]?.text === ',') i++;
    else if (tokens[i + 1]?.text !== ')') return undefined;
  }
  const rest = tokens[i + 1]?.text;
  return rest === undefined || rest === '|' || rest === '}' ? call : undefined;
}

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  for (let i = 0; i < text.length; ) {
    const ch = text[i];
    let end = i + 1;
    if (ch === '"' || ch === "'") {
      end = text.indexOf(ch, i + 1) + 1;
      if (end === 0) return undefined;
      tokens.push({ kind: 'literal', text: text.slice(i + 1, end - 1) });
    } else if (isWordChar(ch)) {
      while (end < text.length && isWordChar(text[end])) end++;
      const word = text.slice(i, end);
      tokens.push({ kind: '0123456789-'.includes(word[0]) ? 'literal' : 'word', text: word });
    } else if ('(),=|{}'.includes(ch)) tokens.push({ kind: 'punct', text: ch });
    else if (ch.trim() !== '') return undefined;
    i = end;
  }
  return tokens;
}

function isWordChar(ch: string): boolean {
  return '_.-0123456789'.includes(ch) || ch.toLowerCase() !== ch.toUpperCase();
}
