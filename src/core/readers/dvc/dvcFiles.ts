// `*.dvc` files: data tracked with `dvc add` (an `outs` entry with its hash) and data brought in
// with `dvc import` (a `deps` entry naming the source repository and the revision it was locked
// at) or `dvc import-url` (a `deps` entry whose path is the URL). Each tracked path becomes a
// `file` asset; where an import came from is kept in meta, since the source repository is not an
// asset of this workspace.
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { AssetFact, FileFacts } from '../../model';
import { fileAssetId, normalizePath } from '../../io/paths';
import { dirOf } from './dvcStages';
import { DVC_YAML_OPTIONS, isDict } from './dvcValues';

/** True for a `.dvc` metafile (not the `.dvc/` folder's own files). */
export function isDotDvcFile(path: string): boolean {
  const base = path.split('/').pop() ?? path;
  return base.endsWith('.dvc') && base !== '.dvc' && !path.startsWith('.dvc/') && !path.includes('/.dvc/');
}

export function readDotDvcFile(path: string, text: string): FileFacts {
  const out: FileFacts = { path, assets: [], changes: [], queries: [], diagnostics: [] };
  const lc = new LineCounter();
  const doc = parseDocument(text, { ...DVC_YAML_OPTIONS, lineCounter: lc });
  for (const e of doc.errors) {
    out.diagnostics.push({ path, line: lc.linePos(e.pos[0]).line, severity: 'error', code: 'yaml-parse', message: `${path}: ${e.message.split('\n')[0]}` });
  }
  const root = doc.contents;
  if (doc.errors.length || !isMap(root)) return out;
  const value = root.toJS(doc) as Record<string, unknown>;
  const base = typeof value.wdir === 'string' && value.wdir ? normalizePath(value.wdir, dirOf(path)) : dirOf(path);
  const importedFrom = importOf(value.deps);
  const outsNode = root.get('outs', true);
  const items = isSeq(outsNode) ? outsNode.items : [];
  for (const item of items) {
    const entry = isMap(item) ? (item.toJS(doc) as unknown) : undefined;
    if (!isDict(entry) || typeof entry.path !== 'string') continue;
    const pos = isMap(item) && item.range ? lc.linePos(item.range[0]) : { line: 1, col: 1 };
    const tracked = normalizePath(entry.path, base);
    out.assets.push(trackedFact(tracked, entry, { path, line: pos.line, column: pos.col }, importedFrom));
  }
  if (!items.length) {
    const line = isScalar(root.items[0]?.key) && root.items[0].key.range ? lc.linePos(root.items[0].key.range[0]).line : 1;
    out.diagnostics.push({ path, line, severity: 'warning', code: 'dvc-file', message: `${path}: no \`outs\` entry to track` });
  }
  return out;
}

function trackedFact(tracked: string, entry: Record<string, unknown>, location: AssetFact['location'], importedFrom: Record<string, string> | undefined): AssetFact {
  const md5 = typeof entry.md5 === 'string' ? entry.md5 : undefined;
  return {
    id: fileAssetId(tracked),
    asset_type: 'file',
    name: tracked,
    source_ref: tracked,
    location,
    origin: 'dvc',
    upstream: [],
    meta: { ...(md5 ? { md5 } : {}), tracked: true, ...(importedFrom ? { importedFrom } : {}) },
  };
}

/** `dvc import`: `{path, repo: {url, rev, rev_lock}}`; `dvc import-url`: `{path: <url>}`. */
function importOf(deps: unknown): Record<string, string> | undefined {
  const dep = Array.isArray(deps) ? deps.find(isDict) : undefined;
  if (!dep || typeof dep.path !== 'string') return undefined;
  const repo = isDict(dep.repo) ? dep.repo : undefined;
  if (!repo) return { url: dep.path };
  const rev = typeof repo.rev_lock === 'string' ? repo.rev_lock : typeof repo.rev === 'string' ? repo.rev : undefined;
  return { url: String(repo.url ?? ''), path: dep.path, ...(rev ? { rev } : {}) };
}
