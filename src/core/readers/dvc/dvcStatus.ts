// Whether a stage is up to date, as `dvc status` decides (dvc/stage/__init__.py Stage.status):
// - changed deps (skipped for frozen stages): a dep file whose hash differs from dvc.lock, is
//   missing, or is not recorded; a param whose value differs from the one recorded;
// - changed outs: an output whose hash differs or that is missing;
// - "always changed": `always_changed: true`, or a callback stage (a cmd with no deps or outs);
// - a changed command (dvc.lock's `cmd` is the resolved one).
// A stage missing from dvc.lock never ran. Directories are not hashed here (DVC hashes a JSON
// listing of every file in them), nor files outside the workspace: those make the answer
// 'unknown' unless something else already makes the stage stale.
//
// Hashes are compared exactly as DVC computes them (dvc_data/hashfile/hash.py):
// - entries with `hash: md5` (DVC 3): MD5 of the raw bytes (fs.md5);
// - legacy entries (DVC 2, read by DVC 3 as `md5-dos2unix`): the file is hashed in 1 MiB chunks and
//   each chunk whose first 512 bytes look like text (no NUL, ≤ 30% bytes outside printable ASCII
//   and \n\r\t\f\b) has CRLF replaced by LF first. When the raw MD5 matches the lock the file has
//   no CRLF to normalise, so only a mismatch needs the text: it is read (files ≤ 2 MB whose UTF-8
//   text re-encodes to the same byte count) and hashed that way; otherwise the answer is
//   'unknown'. Files of binary formats (parquet, pickle, images, archives…) are taken as binary
//   without reading them: their raw MD5 is what DVC records.
import { createHash } from 'node:crypto';
import { isUri } from '../../io/paths';
import type { LockEntry, LockFile } from './dvcLock';
import { findEntry, lockParams } from './dvcLock';
import type { LoadData, ResolvedStage, StageParams } from './dvcStages';
import { selectPath } from './dvcTemplating';
import { isDict, plain, sameValue } from './dvcValues';

export interface StatusIo {
  dirs: Set<string>;
  md5(path: string): Promise<string | undefined>;
  fileSize(path: string): Promise<number | undefined>;
  read(path: string): Promise<string | undefined>;
  loadData: LoadData;
}

export interface StageStatus {
  stale: boolean | 'unknown';
  reasons: string[];
}

type FileCheck = { kind: 'same' } | { kind: 'changed'; now: string } | { kind: 'resized'; now: number } | { kind: 'missing' } | { kind: 'unknown'; why: string };

export const MAX_TEXT_HASH_SIZE = 2 * 1024 * 1024;
const CHUNK = 1024 * 1024;
const BINARY_EXT = /\.(parquet|pkl|pickle|joblib|h5|hdf5|npy|npz|pt|pth|onnx|bin|zip|gz|tgz|bz2|xz|7z|png|jpe?g|gif|tiff?|bmp|feather|arrow|avro|orc|tfrecords?|sqlite|db|ckpt|safetensors|xlsx?)$/i;

export async function stageStatus(stage: ResolvedStage, lock: LockFile | undefined, io: StatusIo): Promise<StageStatus> {
  if (lock && !lock.ok) return { stale: 'unknown', reasons: [`${lock.path} could not be read`] };
  const locked = lock?.stages.get(stage.name);
  if (!locked) return { stale: true, reasons: ['never run: not in dvc.lock'] };
  const stale: string[] = [];
  const unknown: string[] = [];
  const check = async (path: string, entry: LockEntry | undefined, what: string): Promise<void> => {
    if (!entry) return void stale.push(`${path} (${what}) is not recorded in dvc.lock`);
    const r = await checkFile(path, entry, io);
    if (r.kind === 'missing') stale.push(`${path} (${what}) is missing`);
    else if (r.kind === 'changed') stale.push(`${path} changed: lock md5 ${short(entry.md5)}, now ${short(r.now)}`);
    else if (r.kind === 'resized') stale.push(`${path} changed: lock size ${entry.size} bytes, now ${r.now} bytes`);
    else if (r.kind === 'unknown') unknown.push(`${path}: ${r.why}`);
  };
  if (!stage.frozen) {
    for (const d of stage.deps) await check(d.path, findEntry(locked.deps, d.path, stage.dir), 'dependency');
    for (const p of stage.params) await checkParams(p, lockParams(locked, p.file, stage.dir), io, stale, unknown);
  }
  for (const o of stage.outs) await check(o.path, findEntry(locked.outs, o.path, stage.dir), 'output');
  const hasCmd = Array.isArray(stage.cmd) ? stage.cmd.length > 0 : !!stage.cmd;
  const callback = hasCmd && !stage.deps.length && !stage.params.length && !stage.outs.length;
  if (stage.alwaysChanged || callback) stale.push('always changed');
  if (!sameCmd(stage.cmd, locked.cmd)) stale.push('command changed since dvc.lock');
  return { stale: stale.length ? true : unknown.length ? 'unknown' : false, reasons: [...stale, ...unknown] };
}

function short(md5: string | undefined): string {
  return md5 ? `${md5.slice(0, 8)}…` : '(none)';
}

function sameCmd(a: string | string[] | undefined, b: string | string[] | undefined): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
  return (a ?? '') === (b ?? '');
}

async function checkFile(path: string, entry: LockEntry, io: StatusIo): Promise<FileCheck> {
  if (isUri(path) || path.startsWith('/')) return { kind: 'unknown', why: 'outside the workspace, not checked' };
  if (entry.isDir || io.dirs.has(path)) return { kind: 'unknown', why: 'a directory, not hashed' };
  if (!entry.md5) return { kind: 'unknown', why: 'no md5 recorded in dvc.lock' };
  // Raw-byte hashes cannot match across a size change: skip hashing what may be gigabytes.
  // (Not for legacy hashes: CRLF → LF conversion changes the size but not DVC 2's hash.)
  if (!entry.legacy && entry.size !== undefined) {
    const size = await io.fileSize(path);
    if (size === undefined && !io.dirs.has(path)) return { kind: 'missing' };
    if (size !== undefined && size !== entry.size) return { kind: 'resized', now: size };
  }
  const raw = await io.md5(path);
  if (raw === undefined) return { kind: 'missing' };
  if (raw === entry.md5) return { kind: 'same' };
  if (!entry.legacy) return { kind: 'changed', now: raw };
  const d2u = await dos2unixMd5(path, raw, io);
  if (typeof d2u !== 'string') return { kind: 'unknown', why: d2u.why };
  return d2u === entry.md5 ? { kind: 'same' } : { kind: 'changed', now: d2u };
}

/** The MD5 DVC 2 recorded for a file (see the header); `raw` is the raw-byte MD5. */
export async function dos2unixMd5(path: string, raw: string, io: Pick<StatusIo, 'fileSize' | 'read'>): Promise<string | { why: string }> {
  if (BINARY_EXT.test(path)) return raw;
  const size = await io.fileSize(path);
  if (size === undefined || size > MAX_TEXT_HASH_SIZE) return { why: 'legacy (DVC 2) hash of a file over 2 MB; line-ending normalisation not checked' };
  const text = await io.read(path);
  if (text === undefined) return { why: 'legacy (DVC 2) hash; the file could not be read to normalise line endings' };
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length !== size) return { why: 'legacy (DVC 2) hash of a file that is not UTF-8; cannot rebuild its bytes' };
  const hash = createHash('md5');
  for (let at = 0; at < bytes.length; at += CHUNK) {
    const chunk = bytes.subarray(at, at + CHUNK);
    hash.update(isTextBlock(chunk.subarray(0, 512)) ? crlfToLf(chunk) : chunk);
  }
  return hash.digest('hex');
}

/** dvc_data's istextblock: no NUL, and at most 30% of bytes outside printable ASCII + \n\r\t\f\b. */
export function isTextBlock(block: Uint8Array): boolean {
  if (!block.length) return true;
  let nontext = 0;
  for (const b of block) {
    if (b === 0) return false;
    const text = (b >= 32 && b < 127) || b === 10 || b === 13 || b === 9 || b === 12 || b === 8;
    if (!text) nontext++;
  }
  return nontext / block.length <= 0.3;
}

function crlfToLf(chunk: Buffer): Buffer {
  const out = Buffer.alloc(chunk.length);
  let n = 0;
  for (let i = 0; i < chunk.length; i++) {
    if (chunk[i] === 13 && chunk[i + 1] === 10) continue;
    out[n++] = chunk[i];
  }
  return out.subarray(0, n);
}

/** Param values against dvc.lock: new, deleted or modified keys make the stage stale. */
async function checkParams(p: StageParams, locked: Record<string, unknown> | undefined, io: StatusIo, stale: string[], unknown: string[]): Promise<void> {
  if (!locked) return void stale.push(`${p.file}: params not recorded in dvc.lock`);
  const got = await io.loadData(p.file);
  if ('error' in got) {
    if (got.error === 'missing') stale.push(`${p.file} (params) is missing`);
    else unknown.push(`${p.file}: ${got.error}`);
    return;
  }
  const current = isDict(got.data) ? got.data : {};
  if (p.keys === null) {
    if (!sameValue(current, locked)) stale.push(`${p.file}: params changed`);
    return;
  }
  for (const key of p.keys) {
    const now = selectPath(current, key);
    if (!(key in locked)) stale.push(`${p.file}: param ${key} is new`);
    else if (!now.found) stale.push(`${p.file}: param ${key} was deleted`);
    else if (!sameValue(now.value, locked[key])) stale.push(`${p.file}: param ${key} changed: lock ${show(locked[key])}, now ${show(now.value)}`);
  }
}

function show(v: unknown): string {
  return JSON.stringify(plain(v));
}
