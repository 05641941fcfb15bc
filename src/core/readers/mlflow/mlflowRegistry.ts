// Registered models of an MLflow FileStore: one `mlflow_model` asset per model, downstream of
// every run a live version was registered from — the run links the model to its code and data.
import type { AssetFact, Diagnostic, UpstreamRef } from '../../model';
import type { ModelDir } from './mlflowStore';
import { field, parseMeta } from './mlflowStore';
import type { ReadText } from './mlflowRun';

// The stage MLflow gives a deleted version (model_version_stages.STAGE_DELETED_INTERNAL).
const DELETED_STAGE = 'Deleted_Internal';

export interface ModelVersionInfo {
  version: string;
  run_id?: string;
  stage?: string;
  source?: string;
  aliases?: string[];
}

export interface KnownRuns {
  live: Set<string>;
  deleted: Set<string>;
}

export async function readModel(model: ModelDir, read: ReadText, runs: KnownRuns, diagnostics: Diagnostic[]): Promise<AssetFact | undefined> {
  const metaPath = `${model.dir}/meta.yaml`;
  let name = model.name;
  if (model.hasMeta) {
    const { value, diagnostics: d } = parseMeta(metaPath, (await read(metaPath)) ?? '');
    diagnostics.push(...d);
    name = field(value, 'name') ?? name;
  }
  const aliases = await readAliases(model, read);
  const versions: ModelVersionInfo[] = [];
  const numbers = [...model.versions.keys()].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  for (const n of numbers) {
    const v = await readVersion(model.versions.get(n) ?? '', n, read, diagnostics);
    if (v) versions.push(aliases.has(v.version) ? { ...v, aliases: aliases.get(v.version) } : v);
  }
  if (!model.hasMeta && !versions.length) return undefined;
  const locationPath = model.hasMeta ? metaPath : (model.versions.get(numbers[0]) ?? metaPath);
  return {
    id: `mlflow_model:${name}`,
    asset_type: 'mlflow_model',
    name,
    source_ref: model.dir,
    location: { path: locationPath, line: 1, column: 1 },
    upstream: runUpstream(name, versions, runs, locationPath, diagnostics),
    origin: 'mlflow',
    meta: { versions },
  };
}

async function readVersion(path: string, n: string, read: ReadText, diagnostics: Diagnostic[]): Promise<ModelVersionInfo | undefined> {
  const { value, diagnostics: d } = parseMeta(path, (await read(path)) ?? '');
  diagnostics.push(...d);
  if (!value) return undefined;
  const stage = field(value, 'current_stage');
  if (stage === DELETED_STAGE) return undefined;
  const v: ModelVersionInfo = { version: field(value, 'version') ?? n };
  const runId = field(value, 'run_id');
  const source = field(value, 'source');
  if (runId) v.run_id = runId;
  if (stage) v.stage = stage;
  if (source) v.source = source;
  return v;
}

/** Version → alias names; each alias file holds the version it points to. */
async function readAliases(model: ModelDir, read: ReadText): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const [alias, file] of [...model.aliases].sort(([a], [b]) => a.localeCompare(b))) {
    const version = (await read(file))?.trim();
    if (version) out.set(version, [...(out.get(version) ?? []), alias]);
  }
  return out;
}

// A version registered from a run this workspace does not hold (deleted, or logged to another
// tracking server) keeps its run id in meta; an edge to nothing would only be an unknown-ref error.
function runUpstream(model: string, versions: ModelVersionInfo[], runs: KnownRuns, path: string, diagnostics: Diagnostic[]): UpstreamRef[] {
  const ids = [...new Set(versions.map((v) => v.run_id).filter((id): id is string => !!id))];
  for (const id of ids.filter((i) => !runs.live.has(i))) {
    const why = runs.deleted.has(id) ? 'is deleted' : 'is not in this workspace';
    diagnostics.push({ path, line: 1, severity: 'warning', code: 'mlflow-missing-run', message: `MLflow model ${model} was registered from run ${id}, which ${why}` });
  }
  return ids.filter((i) => runs.live.has(i)).map((id) => ({ kind: 'name', name: `mlflow_run:${id}` }));
}
