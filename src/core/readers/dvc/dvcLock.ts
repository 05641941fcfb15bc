// dvc.lock: what each stage looked like when it last ran. Schema 2.0 (DVC ≥ 2) nests stages under
// `stages:`; the DVC 1.x file is the stage map itself. Each dep/out records a hash:
// - `hash: md5` beside `md5` (DVC 3): the MD5 of the file's raw bytes;
// - `md5` alone (DVC 2 "legacy", which DVC 3 still reads as `md5-dos2unix`): the MD5 after CRLF →
//   LF in chunks that look like text;
// - an `md5` ending in `.dir`, or `nfiles`: a directory (the hash of a listing of its files).
// Paths in a lock entry are relative to the stage's wdir, as in dvc.yaml.
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Diagnostic } from '../../model';
import { normalizePath } from '../../io/paths';
import { DVC_YAML_OPTIONS, isDict } from './dvcValues';

export interface LockEntry {
  path: string;
  md5?: string;
  /** True for DVC 2.x entries (no `hash: md5`): DVC hashes text with CRLF normalised. */
  legacy: boolean;
  isDir: boolean;
  size?: number;
}

export interface LockStage {
  cmd?: string | string[];
  deps: LockEntry[];
  outs: LockEntry[];
  /** Param values per params file, keyed as the stage lists them (`train.lr`). */
  params: Map<string, Record<string, unknown>>;
  line: number;
}

export interface LockFile {
  path: string;
  stages: Map<string, LockStage>;
  diagnostics: Diagnostic[];
  /** False when the file could not be parsed: staleness is then unknown. */
  ok: boolean;
}

export function parseLock(path: string, text: string): LockFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { ...DVC_YAML_OPTIONS, lineCounter: lc });
  const lock: LockFile = { path, stages: new Map(), diagnostics: [], ok: false };
  const fail = (line: number, message: string): LockFile => {
    lock.diagnostics.push({ path, line, severity: 'error', code: 'dvc-lock', message });
    return lock;
  };
  if (doc.errors.length) {
    const e = doc.errors[0];
    return fail(lc.linePos(e.pos[0]).line, `dvc.lock: ${e.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { ...lock, ok: true };
  if (!isMap(root)) return fail(1, 'dvc.lock: expected a mapping');
  const stagesNode = root.has('schema') ? root.get('stages', true) : root;
  if (stagesNode !== undefined && !isMap(stagesNode)) return fail(1, 'dvc.lock: `stages` must be a mapping');
  for (const pair of stagesNode?.items ?? []) {
    const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const value: unknown = isMap(pair.value) ? pair.value.toJS(doc) : undefined;
    const line = isScalar(pair.key) && pair.key.range ? lc.linePos(pair.key.range[0]).line : 1;
    if (name === undefined || !isDict(value)) {
      fail(line, `dvc.lock: stage entry ${name ?? ''} is not a mapping`);
      continue;
    }
    lock.stages.set(name, lockStage(value, line));
  }
  lock.ok = lock.diagnostics.length === 0;
  return lock;
}

function lockStage(v: Record<string, unknown>, line: number): LockStage {
  const params = new Map<string, Record<string, unknown>>();
  if (isDict(v.params)) for (const [file, values] of Object.entries(v.params)) params.set(file, isDict(values) ? values : {});
  const cmd = typeof v.cmd === 'string' ? v.cmd : Array.isArray(v.cmd) ? v.cmd.map(String) : undefined;
  return { cmd, deps: entries(v.deps), outs: entries(v.outs), params, line };
}

function entries(v: unknown): LockEntry[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isDict).flatMap((e) => {
    if (typeof e.path !== 'string') return [];
    const md5 = typeof e.md5 === 'string' ? e.md5 : undefined;
    const isDir = (md5?.endsWith('.dir') ?? false) || typeof e.nfiles === 'number';
    return [{ path: e.path, md5, legacy: e.hash !== 'md5', isDir, size: typeof e.size === 'number' ? e.size : undefined }];
  });
}

/** The lock entry for a workspace path, given the stage's wdir. */
export function findEntry(list: LockEntry[], path: string, wdir: string): LockEntry | undefined {
  return list.find((e) => normalizePath(e.path, wdir) === path);
}

/** A lock's param file key, resolved against the stage's wdir. */
export function lockParams(stage: LockStage, file: string, wdir: string): Record<string, unknown> | undefined {
  for (const [f, values] of stage.params) if (normalizePath(f, wdir) === file) return values;
  return undefined;
}
