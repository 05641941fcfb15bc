// MLflow in the workspace: local tracking stores (`mlruns/`, wherever they are and however many)
// and MLproject files. A run links the code commit, the DVC data it recorded and the model it
// registered — the Git SHA + DVC pointer + run id that make a result reproducible — and is
// flagged when the data version it recorded no longer matches dvc.lock.
// The store layout is documented in mlflowStore.ts, the data tag conventions in
// mlflowDataVersions.ts, MLproject entry points in mlprojectReader.ts.
import type { AssetFact, Diagnostic, FileFacts } from '../../model';
import { field, findStoreRoots, layoutStore, parseMeta } from './mlflowStore';
import type { ExperimentDir, StoreLayout } from './mlflowStore';
import { dvcTrackedPaths, inferAbsoluteRoot } from './mlflowPaths';
import type { PathContext } from './mlflowPaths';
import { readRun } from './mlflowRun';
import type { ExperimentInfo, ReadText, RunContext } from './mlflowRun';
import { readModel } from './mlflowRegistry';
import type { KnownRuns } from './mlflowRegistry';
import { checkRunDataVersions } from './mlflowDataVersions';
import { isMlprojectFile, readMlproject } from './mlprojectReader';
import * as posix from 'node:path/posix';

export { checkRunDataVersions } from './mlflowDataVersions';
export type { DataVersion } from './mlflowDataVersions';

export interface MlflowReadOptions {
  /**
   * Path → md5 of DVC-tracked data as dvc.lock and `.dvc` files record it (the DVC reader's
   * lockedHashes), to flag runs whose recorded data version is no longer current.
   */
  lockHashes: Map<string, string>;
}

/** Facts for every MLflow store and MLproject in the workspace. Never throws. */
export async function readMlflowFiles(allFiles: string[], read: ReadText, options: MlflowReadOptions): Promise<FileFacts[]> {
  const assets: AssetFact[] = [];
  const diagnostics: Diagnostic[] = [];
  try {
    const files = new Set(allFiles);
    for (const path of allFiles.filter(isMlprojectFile)) {
      const text = await read(path);
      if (text !== undefined) {
        const facts = readMlproject(path, text, files);
        assets.push(...facts.assets);
        diagnostics.push(...facts.diagnostics);
      }
    }
    const stores = findStoreRoots(allFiles).map((root) => layoutStore(root, allFiles));
    if (stores.length) await readStores(stores, allFiles, read, options, { assets, diagnostics });
  } catch (e) {
    // A bug here must cost the MLflow facts, not the whole index.
    diagnostics.push({ path: '', line: 1, severity: 'error', code: 'mlflow-meta', message: `MLflow reader failed: ${e instanceof Error ? e.message : String(e)}` });
  }
  return groupByFile(assets, diagnostics);
}

interface Output {
  assets: AssetFact[];
  diagnostics: Diagnostic[];
}

async function readStores(stores: StoreLayout[], allFiles: string[], read: ReadText, options: MlflowReadOptions, out: Output): Promise<void> {
  const lockHashes = options.lockHashes;
  const known = new Set([...allFiles, ...dvcTrackedPaths(allFiles), ...lockHashes.keys()]);
  const runs: KnownRuns = { live: new Set(), deleted: new Set() };
  const runFacts: AssetFact[] = [];
  const sc: StoreContext = { known, files: new Set(allFiles), read, diagnostics: out.diagnostics };
  for (const store of stores) runFacts.push(...(await readStoreRuns(store, sc, runs)));
  out.assets.push(...runFacts);
  for (const store of stores) {
    for (const model of [...store.models.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const fact = await readModel(model, read, runs, out.diagnostics);
      if (fact) out.assets.push(fact);
    }
  }
  // An empty map means the workspace has no DVC data: nothing to be stale against.
  if (lockHashes.size) out.diagnostics.push(...checkRunDataVersions(runFacts, lockHashes));
}

interface StoreContext {
  known: Set<string>;
  files: Set<string>;
  read: ReadText;
  diagnostics: Diagnostic[];
}

async function readStoreRuns(store: StoreLayout, sc: StoreContext, runs: KnownRuns): Promise<AssetFact[]> {
  const experiments = [...store.experiments.values()].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  const infos = new Map<string, ExperimentInfo>();
  let absoluteRoot: string | undefined;
  for (const exp of experiments) {
    const read = await readExperiment(exp, store, sc);
    if (read === 'deleted') for (const id of exp.runs.keys()) runs.deleted.add(id);
    else if (read) {
      infos.set(exp.id, read.info);
      absoluteRoot ??= read.absoluteRoot;
    }
  }
  const cwd = posix.dirname(store.root || '.') === '.' ? '' : posix.dirname(store.root);
  const paths: PathContext = { known: sc.known, cwd, absoluteRoot };
  const ctx: RunContext = { read: sc.read, paths, files: sc.files, diagnostics: sc.diagnostics };
  const facts: AssetFact[] = [];
  for (const exp of experiments) {
    const info = infos.get(exp.id);
    if (!info) continue;
    for (const run of [...exp.runs.values()].sort((a, b) => a.id.localeCompare(b.id))) {
      const fact = await readRun(info, run, ctx);
      if (fact === 'deleted') runs.deleted.add(run.id);
      else if (fact) {
        runs.live.add(run.id);
        facts.push(fact);
      }
    }
  }
  return facts;
}

interface ExperimentRead {
  info: ExperimentInfo;
  absoluteRoot?: string;
}

async function readExperiment(exp: ExperimentDir, store: StoreLayout, sc: StoreContext): Promise<ExperimentRead | 'deleted' | undefined> {
  if (!exp.hasMeta) {
    // Stray folders in a store are not experiments; a folder with runs but no meta.yaml is broken.
    if (exp.runs.size) sc.diagnostics.push({ path: exp.dir, line: 1, severity: 'warning', code: 'mlflow-meta', message: `MLflow experiment folder ${exp.id} has no meta.yaml` });
    return exp.runs.size ? { info: { id: exp.id, name: exp.id } } : undefined;
  }
  const metaPath = `${exp.dir}/meta.yaml`;
  const { value, diagnostics } = parseMeta(metaPath, (await sc.read(metaPath)) ?? '');
  sc.diagnostics.push(...diagnostics);
  if (!value) return undefined;
  if (field(value, 'lifecycle_stage') === 'deleted') return 'deleted';
  const tail = store.root ? `${store.root}/${exp.id}` : exp.id;
  return { info: { id: exp.id, name: field(value, 'name') ?? exp.id }, absoluteRoot: inferAbsoluteRoot(field(value, 'artifact_location'), tail) };
}

function groupByFile(assets: AssetFact[], diagnostics: Diagnostic[]): FileFacts[] {
  const byPath = new Map<string, FileFacts>();
  const get = (path: string): FileFacts => {
    let f = byPath.get(path);
    if (!f) byPath.set(path, (f = { path, assets: [], changes: [], queries: [], diagnostics: [] }));
    return f;
  };
  for (const a of assets) get(a.location?.path ?? a.source_ref).assets.push(a);
  for (const d of diagnostics) get(d.path).diagnostics.push(d);
  return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
}
