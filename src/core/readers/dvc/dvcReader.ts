// DVC pipelines: every `dvc.yaml` (stages, resolved through DVC's templating, checked against
// the `dvc.lock` beside it) and every `*.dvc` metafile. A stage becomes a `dvc_stage` asset fed
// by its deps, params files and the script its `cmd` runs; each output, metric and plot becomes a
// `file` asset fed by the stage, so the next stage's deps connect through it.
// Paths in a dvc.yaml are relative to its folder, then to the stage's `wdir`.
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import type { AssetFact, Diagnostic, FileFacts, Location, UpstreamRef } from '../../model';
import type { WorkspaceFileSystem } from '../../io/fileSystem';
import { fileAssetId, normalizePath } from '../../io/paths';
import { readDotDvcFile, isDotDvcFile } from './dvcFiles';
import { parseLock } from './dvcLock';
import type { LockFile } from './dvcLock';
import { scriptOf, shellCommands } from './dvcShell';
import type { Imports, LoadData, ResolvedStage } from './dvcStages';
import { DEFAULT_PARAMS_FILE, dirOf, expandStage, loadVars, resolveStage } from './dvcStages';
import { stageStatus } from './dvcStatus';
import type { StageStatus, StatusIo } from './dvcStatus';
import type { Context } from './dvcTemplating';
import { hasTemplate } from './dvcTemplating';
import { DVC_YAML_OPTIONS, isDict } from './dvcValues';

type DvcFs = Pick<WorkspaceFileSystem, 'md5' | 'fileSize'> & Partial<Pick<WorkspaceFileSystem, 'readFile'>>;

interface ReaderIo extends StatusIo {
  files: Set<string>;
  readText(path: string): Promise<string | undefined>;
}

/** Facts for every dvc.yaml and .dvc file among `allFiles`. Never throws. */
export async function readDvcFiles(allFiles: string[], read: (p: string) => Promise<string | undefined>, fs: DvcFs): Promise<FileFacts[]> {
  const results: FileFacts[] = [];
  const io = makeIo(allFiles, read, fs);
  for (const path of allFiles) {
    const pipeline = (path.split('/').pop() ?? '') === 'dvc.yaml';
    if (!pipeline && !isDotDvcFile(path)) continue;
    try {
      const text = await read(path);
      if (text === undefined) continue; // too large or binary: the workspace reader reported it
      results.push(pipeline ? await readPipeline(path, text, io) : readDotDvcFile(path, text));
    } catch (e) {
      // A reader bug must not take the index down; say where it happened instead.
      const message = `DVC reader failed on ${path}: ${e instanceof Error ? e.message : String(e)}`;
      results.push({ path, assets: [], changes: [], queries: [], diagnostics: [{ path, line: 1, severity: 'error', code: 'dvc-internal', message }] });
    }
  }
  return results;
}

function makeIo(allFiles: string[], read: (p: string) => Promise<string | undefined>, fs: DvcFs): ReaderIo {
  const files = new Set(allFiles);
  const dirs = new Set<string>();
  for (const f of allFiles) for (let d = dirOf(f); d && !dirs.has(d); d = dirOf(d)) dirs.add(d);
  const md5s = new Map<string, Promise<string | undefined>>();
  const data = new Map<string, ReturnType<LoadData>>();
  const loadData: LoadData = (path) => {
    if (!data.has(path)) data.set(path, loadDataFile(path, files, read));
    return data.get(path)!;
  };
  return {
    files,
    dirs,
    md5: (p) => {
      if (!md5s.has(p)) md5s.set(p, fs.md5(p)); // a dep shared by many stages is hashed once
      return md5s.get(p)!;
    },
    fileSize: (p) => fs.fileSize(p),
    // Hashing needs the bytes of data files, which the workspace reader may refuse as binary.
    read: fs.readFile ? (p) => fs.readFile!(p) : read,
    readText: read,
    loadData,
  };
}

/** A params/vars file as data. DVC also reads TOML and Python files; those are not parsed here. */
async function loadDataFile(path: string, files: Set<string>, read: (p: string) => Promise<string | undefined>): Promise<{ data: unknown } | { error: string }> {
  if (!files.has(path)) return { error: 'missing' };
  if (!/\.(ya?ml|json)$/i.test(path)) return { error: 'only YAML and JSON params files are read' };
  const text = await read(path);
  if (text === undefined) return { error: 'could not be read' };
  const doc = parseDocument(text, DVC_YAML_OPTIONS);
  if (doc.errors.length) return { error: `not valid YAML/JSON: ${doc.errors[0].message.split('\n')[0]}` };
  return { data: doc.toJS() ?? {} };
}

interface PipelineCtx {
  path: string;
  dir: string;
  doc: Document;
  lc: LineCounter;
  io: ReaderIo;
  out: FileFacts;
  lock?: LockFile;
}

async function readPipeline(path: string, text: string, io: ReaderIo): Promise<FileFacts> {
  const out: FileFacts = { path, assets: [], changes: [], queries: [], diagnostics: [] };
  const lc = new LineCounter();
  const doc = parseDocument(text, { ...DVC_YAML_OPTIONS, lineCounter: lc });
  for (const e of doc.errors) out.diagnostics.push(diag(path, lc.linePos(e.pos[0]).line, 'error', 'yaml-parse', `${path}: ${e.message.split('\n')[0]}`));
  const root = doc.contents;
  if (doc.errors.length || !isMap(root)) return out;
  const p: PipelineCtx = { path, dir: dirOf(path), doc, lc, io, out };
  p.lock = await readLock(p);
  const issues: string[] = [];
  const imports: Imports = new Map();
  const ctx: Context = {};
  // DVC's DataResolver: params.yaml beside dvc.yaml first, then the file's `vars`.
  if (io.files.has(normalizePath(DEFAULT_PARAMS_FILE, p.dir))) await loadVars(ctx, [DEFAULT_PARAMS_FILE], p.dir, io.loadData, imports, issues);
  const varsNode = root.get('vars', true);
  await loadVars(ctx, isNode(varsNode) ? varsNode.toJS(doc) : undefined, p.dir, io.loadData, imports, issues);
  report(p, issues, isNode(varsNode) ? lineOf(p, varsNode) : 1);
  const stages = root.get('stages', true);
  if (stages !== undefined && !isMap(stages)) out.diagnostics.push(diag(path, lineOf(p, stages), 'error', 'yaml-parse', `${path}: \`stages\` must be a mapping`));
  for (const pair of isMap(stages) ? stages.items : []) {
    if (!isScalar(pair.key)) continue;
    const at = pair.key.range ? lc.linePos(pair.key.range[0]) : { line: 1, col: 1 };
    await readStageEntry(p, String(pair.key.value), isNode(pair.value) ? pair.value : undefined, { path, line: at.line, column: at.col }, ctx, imports);
  }
  return out;
}

async function readLock(p: PipelineCtx): Promise<LockFile | undefined> {
  const lockPath = normalizePath('dvc.lock', p.dir);
  if (!p.io.files.has(lockPath)) return undefined;
  const text = await p.io.readText(lockPath);
  if (text === undefined) return { path: lockPath, stages: new Map(), diagnostics: [], ok: false };
  const lock = parseLock(lockPath, text);
  p.out.diagnostics.push(...lock.diagnostics);
  return lock;
}

/** One entry under `stages:`: every stage it generates, with its outputs. */
async function readStageEntry(p: PipelineCtx, name: string, node: Node | undefined, at: Location, ctx: Context, imports: Imports): Promise<void> {
  const issues: string[] = [];
  const def: unknown = node ? node.toJS(p.doc) : undefined;
  const template = isMap(node) && isDict(def) && 'foreach' in def ? node.get('do', true) : node;
  for (const exp of expandStage(name, def, ctx, issues)) {
    const stage = await resolveStage(exp, p.dir, p.io.loadData, imports, issues);
    const status = await stageStatus(stage, p.lock, p.io);
    const fact = stageFact(p, stage, status, at);
    p.out.assets.push(fact, ...stage.outs.map((o) => outFact(p, o, fact.id, stage, itemLine(p, template, o.kind, o.index) ?? at)));
    if (status.stale === true) p.out.diagnostics.push(diag(at.path, at.line, 'warning', 'dvc-stale', `stage '${stage.name}' is stale: ${status.reasons.join('; ')}`, at.column));
  }
  report(p, issues, at.line, name);
}

function stageFact(p: PipelineCtx, stage: ResolvedStage, status: StageStatus, at: Location): AssetFact {
  const upstream: UpstreamRef[] = [];
  const seen = new Set<string>();
  const add = (path: string): void => {
    if (!path || seen.has(path) || hasTemplate(path)) return;
    seen.add(path);
    upstream.push({ kind: 'path', path });
  };
  stage.deps.forEach((d) => add(d.path));
  stage.params.forEach((x) => add(x.file));
  scriptsOf(stage, p.io.files).forEach(add);
  const paths = (kind: string): string[] => stage.outs.filter((o) => o.kind === kind).map((o) => o.path);
  return {
    id: stageId(p.path, stage.name),
    asset_type: 'dvc_stage',
    name: stage.name,
    source_ref: p.path,
    ...(p.dir ? { aliases: [`${p.dir}:${stage.name}`, `${p.path}:${stage.name}`] } : {}),
    location: at,
    origin: 'dvc',
    upstream,
    meta: {
      cmd: stage.cmd,
      wdir: stage.dir || '.',
      deps: stage.deps.map((d) => d.path),
      lockedDeps: lockedDeps(p, stage),
      params: Object.fromEntries(stage.params.map((x) => [x.file, x.keys])),
      outs: paths('outs'),
      metrics: paths('metrics'),
      plots: paths('plots'),
      stale: status.stale,
      staleReasons: status.reasons,
      frozen: stage.frozen,
      ...(stage.desc ? { desc: stage.desc } : {}),
    },
  };
}

/** The md5 dvc.lock records for each dependency (paths from the stage's wdir, normalised). */
function lockedDeps(p: PipelineCtx, stage: ResolvedStage): { path: string; md5: string }[] {
  const entries = p.lock?.stages.get(stage.name)?.deps ?? [];
  return entries.flatMap((e) => (e.md5 ? [{ path: normalizePath(e.path, stage.dir), md5: e.md5 }] : []));
}

/**
 * Path → md5 as the workspace's dvc.lock files (deps and outs) and `.dvc` pointer files record
 * them, taken from what this reader produced: what an MLflow run's recorded data version is
 * compared with. An output's hash wins over a dependency's: it is what the pipeline made last.
 */
export function lockedHashes(files: FileFacts[]): Map<string, string> {
  const hashes = new Map<string, string>();
  const facts = files.flatMap((f) => f.assets).filter((a) => a.origin === 'dvc');
  for (const a of facts) for (const d of (a.meta?.lockedDeps as { path: string; md5: string }[] | undefined) ?? []) hashes.set(d.path, d.md5);
  for (const a of facts) if (a.asset_type === 'file' && typeof a.meta?.md5 === 'string') hashes.set(a.name, a.meta.md5);
  return hashes;
}

function outFact(p: PipelineCtx, o: ResolvedStage['outs'][number], stage: string, rs: ResolvedStage, at: Location): AssetFact {
  const locked = p.lock?.stages.get(rs.name)?.outs.find((e) => normalizePath(e.path, rs.dir) === o.path);
  return {
    id: fileAssetId(o.path),
    asset_type: 'file',
    name: o.path,
    source_ref: o.path,
    location: at,
    origin: 'dvc',
    upstream: [{ kind: 'name', name: stage }],
    meta: { ...(locked?.md5 ? { md5: locked.md5 } : {}), cache: o.cache, ...(o.kind === 'metrics' ? { metric: true } : o.kind === 'plots' ? { plot: true } : {}) },
  };
}

export function stageId(dvcYaml: string, stage: string): string {
  return `dvc:${dvcYaml}:${stage}`;
}

/** Scripts the command runs, relative to the wdir; `-m pkg.mod` only when the module is here. */
function scriptsOf(stage: ResolvedStage, files: Set<string>): string[] {
  const lines = Array.isArray(stage.cmd) ? stage.cmd : stage.cmd === undefined ? [] : [stage.cmd];
  const found: string[] = [];
  for (const words of lines.flatMap(shellCommands)) {
    const ref = scriptOf(words);
    if (ref?.kind === 'file') found.push(normalizePath(ref.path, stage.dir));
    if (ref?.kind === 'module') {
      const base = normalizePath(ref.module.replace(/\./g, '/'), stage.dir);
      const hit = [`${base}.py`, `${base}/__main__.py`].find((f) => files.has(f));
      if (hit) found.push(hit);
    }
  }
  return found;
}

function itemLine(p: PipelineCtx, template: unknown, key: string, index: number): Location | undefined {
  const list = isMap(template) ? template.get(key, true) : undefined;
  const item = isSeq(list) ? list.items[index] : index === 0 ? list : undefined;
  if (!isNode(item) || !item.range) return undefined;
  const pos = p.lc.linePos(item.range[0]);
  return { path: p.path, line: pos.line, column: pos.col };
}

function lineOf(p: PipelineCtx, node: unknown): number {
  return isNode(node) && node.range ? p.lc.linePos(node.range[0]).line : 1;
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && 'range' in v && typeof (v as Node).toJS === 'function';
}

function report(p: PipelineCtx, issues: string[], line: number, stage?: string): void {
  for (const m of new Set(issues)) p.out.diagnostics.push(diag(p.path, line, 'error', 'dvc-template', `${p.path}${stage ? ` stage '${stage}'` : ''}: ${m}`));
  issues.length = 0;
}

function diag(path: string, line: number, severity: Diagnostic['severity'], code: string, message: string, column?: number): Diagnostic {
  return { path, line, ...(column ? { column } : {}), severity, code, message };
}
