// Which DVC data an MLflow run says it trained on, and whether that data has moved on since.
// MLflow has no standard tag for this, so the reader accepts a small, fixed set of conventions,
// looked up in the run's tags first and then in its params (people log them either way):
//
//   dvc.data.path + dvc.data.md5      one dataset (the form this project recommends)
//   data_path + data_md5              one dataset
//   dvc_data_hash, data_version       a hash or version for the dataset named by data_path / dvc.data.path
//   data.<name>.md5 [+ data.<name>.path]   several datasets, dvc.lock style; without a `.path`
//                                     key the name is the path (`data.data/train.csv.md5`)
//
// A path key without a hash still names an input. Only values that look like DVC hashes
// (32 hex digits, optionally `.dir`) are compared with dvc.lock; other versions are recorded.
import type { AssetFact, Diagnostic } from '../../model';
import { normalizePath } from '../../io/paths';

export interface DataVersion {
  path?: string;
  md5: string;
  /** The tag or param the hash came from. */
  source: string;
}

const PATH_KEYS = ['dvc.data.path', 'data_path'];
/** Hash key → the path key it pairs with first. */
const HASH_KEYS: [string, string][] = [
  ['dvc.data.md5', 'dvc.data.path'],
  ['data_md5', 'data_path'],
  ['dvc_data_hash', 'data_path'],
  ['data_version', 'data_path'],
];
const MULTI = /^data\.(.+)\.(md5|path)$/;
const DVC_HASH = /^[0-9a-f]{32}(\.dir)?$/i;

export interface RunData {
  /** Every data path the run names, as recorded. */
  paths: string[];
  versions: DataVersion[];
}

/** The data a run names; `values` holds tags over params. Paths are returned as recorded. */
export function runDataVersions(values: Map<string, string>): RunData {
  const paths = PATH_KEYS.map((k) => values.get(k)?.trim()).filter((p): p is string => !!p);
  const versions: DataVersion[] = [];
  for (const [hashKey, pathKey] of HASH_KEYS) {
    const md5 = values.get(hashKey)?.trim();
    if (!md5) continue;
    const path = values.get(pathKey)?.trim() || paths[0];
    versions.push(path ? { path, md5, source: hashKey } : { md5, source: hashKey });
  }
  for (const [key, value] of values) {
    const m = MULTI.exec(key);
    if (!m || m[2] !== 'md5' || !value.trim()) continue;
    const path = values.get(`data.${m[1]}.path`)?.trim() || m[1];
    versions.push({ path, md5: value.trim(), source: key });
    paths.push(path);
  }
  return { paths: [...new Set(paths)], versions: dedupe(versions) };
}

// `dvc.data.md5` and `dvc_data_hash` often record the same hash twice; report it once.
function dedupe(list: DataVersion[]): DataVersion[] {
  const seen = new Set<string>();
  return list.filter((v) => {
    const key = `${v.path ?? ''}|${v.md5.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Flags runs whose recorded data hash no longer matches dvc.lock: the hash differs, or dvc.lock
 * no longer lists the path. Sets `meta.dataStale` and `meta.staleData` on the flagged facts; no
 * I/O. `lockHashes` maps workspace-relative paths to md5 (the DVC reader's lockedHashes).
 */
export function checkRunDataVersions(runFacts: AssetFact[], lockHashes: Map<string, string>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const fact of runFacts) {
    if (fact.asset_type !== 'mlflow_run') continue;
    const stale = staleEntries(fact, lockHashes);
    if (!stale.length) continue;
    fact.meta = { ...fact.meta, dataStale: true, staleData: stale };
    const at = fact.location ?? { path: fact.source_ref, line: 1, column: 1 };
    for (const s of stale) {
      const why = s.current ? `dvc.lock now has ${s.current}` : 'dvc.lock no longer lists it';
      diagnostics.push({ path: at.path, line: at.line, column: at.column, severity: 'warning', code: 'mlflow-stale-data', message: `MLflow run ${fact.name} used ${s.path} at ${s.recorded}, but ${why}` });
    }
  }
  return diagnostics;
}

interface StaleEntry {
  path: string;
  recorded: string;
  current?: string;
}

function staleEntries(fact: AssetFact, lockHashes: Map<string, string>): StaleEntry[] {
  const versions = Array.isArray(fact.meta?.dataVersions) ? (fact.meta.dataVersions as DataVersion[]) : [];
  const out: StaleEntry[] = [];
  for (const v of versions) {
    if (!v.path || !DVC_HASH.test(v.md5)) continue;
    const current = lockHashes.get(normalizePath(v.path));
    if (current !== undefined && sameHash(current, v.md5)) continue;
    out.push(current === undefined ? { path: v.path, recorded: v.md5 } : { path: v.path, recorded: v.md5, current });
  }
  return out;
}

function sameHash(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\.dir$/, '') === b.toLowerCase().replace(/\.dir$/, '');
}
