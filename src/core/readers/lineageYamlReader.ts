// lineage.yml at the workspace root: assets that no file describes (an external dashboard, a job
// in another repository), with the tutorial's fields. Column references declared here have no
// SQL to find them in, so their positions come from a word search in the asset's own file.
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { relationFromParts } from '../sql/queryIr';
import type { AssetFact, ColumnInfo, ColumnUsage, Confidence, DeclaredColumnRef, Diagnostic, FileFacts, Relation } from '../model';

export const LINEAGE_YAML = 'lineage.yml';

const USAGES = new Set<ColumnUsage>(['identity', 'transform', 'aggregate', 'filter', 'join', 'group', 'order', 'window']);

export function readLineageYaml(path: string, text: string): FileFacts {
  const out: FileFacts = { path, assets: [], changes: [], queries: [], diagnostics: [] };
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  for (const e of doc.errors) {
    const pos = lc.linePos(e.pos[0]);
    out.diagnostics.push({ path, line: pos.line, column: pos.col, severity: 'error', code: 'yaml-parse', message: `lineage.yml: ${e.message.split('\n')[0]}` });
  }
  const root = doc.contents;
  const list = isMap(root) ? root.get('assets', true) : root;
  if (!isSeq(list)) {
    if (root) out.diagnostics.push(diag(path, 1, 'lineage.yml should hold a list of assets under `assets:`'));
    return out;
  }
  for (const item of list.items) {
    const line = item && typeof item === 'object' && 'range' in item && item.range ? lc.linePos(item.range[0]).line : 1;
    const value = (item as { toJSON?: () => unknown })?.toJSON?.() as Record<string, unknown> | undefined;
    const isMapping = !!value && typeof value === 'object' && !Array.isArray(value);
    const fact = isMapping ? assetFromYaml(value, path, line, out.diagnostics) : undefined;
    if (fact) out.assets.push(fact);
    else if (!isMapping) out.diagnostics.push(diag(path, line, 'each asset in lineage.yml must be a mapping'));
  }
  return out;
}

function assetFromYaml(v: Record<string, unknown>, path: string, line: number, diags: Diagnostic[]): AssetFact | undefined {
  const name = str(v.name);
  const type = str(v.asset_type) ?? str(v.type);
  if (!name || !type) {
    diags.push(diag(path, line, 'an asset in lineage.yml needs `name` and `asset_type`'));
    return undefined;
  }
  const sourceRef = str(v.source_ref) ?? '';
  const upstream = list(v.upstream_assets).map((n) => ({ kind: 'name' as const, name: n }));
  return {
    id: str(v.id) ?? `${type}:${name}`,
    asset_type: type,
    name,
    source_ref: sourceRef,
    relation: relationFrom(str(v.relation) ?? sourceRef),
    location: { path, line, column: 1 },
    columns: columnsFrom(v.columns),
    upstream,
    declaredColumnRefs: refsFrom(v.column_references, path, line, diags),
    origin: 'lineage_yml',
    meta: { declaredIn: path, ...(isFile(sourceRef) ? { file: sourceRef } : {}) },
  };
}

function refsFrom(raw: unknown, path: string, line: number, diags: Diagnostic[]): DeclaredColumnRef[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    diags.push(diag(path, line, '`column_references` must be a list'));
    return [];
  }
  const refs: DeclaredColumnRef[] = [];
  for (const r of raw) {
    const asset = str(r?.asset);
    const column = str(r?.column);
    if (!asset || !column) {
      diags.push(diag(path, line, 'a column reference needs `asset` and `column`'));
      continue;
    }
    const usage = (str(r.usage) ?? 'identity') as ColumnUsage;
    if (!USAGES.has(usage)) diags.push(diag(path, line, `unknown usage "${usage}" (use one of ${[...USAGES].join(', ')})`));
    const confidence: Confidence = str(r.confidence) === 'inferred' ? 'inferred' : 'explicit';
    refs.push({ upstream: { kind: 'name', name: asset }, column, usage: USAGES.has(usage) ? usage : 'identity', confidence, outputColumn: str(r.into) });
  }
  return refs;
}

function columnsFrom(raw: unknown): ColumnInfo[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((c): ColumnInfo[] => {
    if (typeof c === 'string') return [{ name: c }];
    const name = str(c?.name);
    return name ? [{ name, type: str(c.type) ?? str(c.data_type), description: str(c.description) }] : [];
  });
}

/** `postgres://warehouse/raw/orders` (database/schema/table) or `raw.orders` names a relation. */
export function relationFrom(ref: string): Relation | undefined {
  const uri = /^([a-z][a-z0-9+.-]*):\/\/([^/]+)\/(.+)$/i.exec(ref);
  if (uri) {
    const parts = uri[3].split('/').filter(Boolean);
    if (parts.length === 2) return { database: uri[2], schema: parts[0], name: parts[1] };
    if (parts.length === 1) return { database: uri[2], name: parts[0] };
    return undefined;
  }
  if (isFile(ref) || !/^[\w$]+(\.[\w$]+){1,2}$/.test(ref)) return undefined;
  return relationFromParts(ref.split('.'));
}

function isFile(ref: string): boolean {
  return /\.(py|sql|ya?ml|ipynb|scala|java|csv|parquet|json)$/i.test(ref) || ref.includes('/');
}

function str(x: unknown): string | undefined {
  return typeof x === 'string' && x.trim() ? x.trim() : typeof x === 'number' ? String(x) : undefined;
}

function list(x: unknown): string[] {
  return Array.isArray(x) ? x.map(str).filter((s): s is string => !!s) : typeof x === 'string' ? [x] : [];
}

function diag(path: string, line: number, message: string): Diagnostic {
  return { path, line, severity: 'error', code: 'lineage-yml', message };
}
