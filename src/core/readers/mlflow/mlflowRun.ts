// One MLflow run as an `mlflow_run` asset: what it was (params, last metric values, status),
// and the reproducibility triple — the code commit, the DVC data it recorded, its run id. Its
// upstream is the script it ran (`mlflow.source.name`), the MLproject entry point it was
// launched from, and the data paths its tags name.
import type { AssetFact, Diagnostic, UpstreamRef } from '../../model';
import type { RunDir } from './mlflowStore';
import { field, parseMeta } from './mlflowStore';
import type { PathContext } from './mlflowPaths';
import { localPath, workspacePath } from './mlflowPaths';
import { runDataVersions } from './mlflowDataVersions';
import { entryPointId, MLPROJECT } from './mlprojectReader';
import { normalizePath } from '../../io/paths';

export type ReadText = (path: string) => Promise<string | undefined>;

// meta.yaml stores the status as the proto enum number (RunStatus in mlflow/protos/service.proto).
const STATUS: Record<string, string> = { '1': 'RUNNING', '2': 'SCHEDULED', '3': 'FINISHED', '4': 'FAILED', '5': 'KILLED' };
// The commit tag MLflow sets, then the spellings people set by hand (`git.commit`, `git_commit`).
const COMMIT_TAGS = ['mlflow.source.git.commit', 'git.commit', 'git_commit'];

export interface RunContext {
  read: ReadText;
  paths: PathContext;
  /** MLproject files in the workspace, to link runs started with `mlflow run`. */
  files: Set<string>;
  diagnostics: Diagnostic[];
}

export interface ExperimentInfo {
  id: string;
  name: string;
}

/** The run's fact, 'deleted' for a deleted run, undefined for an unreadable one (with a diagnostic). */
export async function readRun(exp: ExperimentInfo, run: RunDir, ctx: RunContext): Promise<AssetFact | 'deleted' | undefined> {
  const metaPath = `${run.dir}/meta.yaml`;
  if (!run.hasMeta) {
    ctx.diagnostics.push({ path: run.dir, line: 1, severity: 'warning', code: 'mlflow-meta', message: `MLflow run folder ${run.id} has no meta.yaml` });
    return undefined;
  }
  const { value: meta, diagnostics } = parseMeta(metaPath, (await ctx.read(metaPath)) ?? '');
  ctx.diagnostics.push(...diagnostics);
  if (!meta) return undefined;
  if (field(meta, 'lifecycle_stage') === 'deleted') return 'deleted';
  const recordedExp = field(meta, 'experiment_id');
  if (recordedExp !== undefined && recordedExp !== exp.id) {
    // MLflow ignores such a run too (FileStore._list_run_infos).
    ctx.diagnostics.push({ path: metaPath, line: 1, severity: 'warning', code: 'mlflow-meta', message: `MLflow run ${run.id} records experiment ${recordedExp} but lies in experiment ${exp.id}; MLflow ignores it` });
    return undefined;
  }
  const params = await readValues(run.dir, 'params', run.params, ctx.read);
  const tags = await readValues(run.dir, 'tags', run.tags, ctx.read);
  const metrics = await readMetrics(run, ctx);
  return runFact(exp, run, meta, { params, tags, metrics }, ctx);
}

interface RunValues {
  params: Map<string, string>;
  tags: Map<string, string>;
  metrics: Record<string, number | string>;
}

function runFact(exp: ExperimentInfo, run: RunDir, meta: Record<string, unknown>, v: RunValues, ctx: RunContext): AssetFact {
  const runId = run.id;
  const name = field(meta, 'run_name') || v.tags.get('mlflow.runName') || runId;
  const upstream: UpstreamRef[] = [];
  const sourceName = v.tags.get('mlflow.source.name');
  const code = sourceName ? workspacePath(sourceName, ctx.paths, true) : undefined;
  if (code) upstream.push({ kind: 'path', path: code });
  const entry = projectEntryPoint(v.tags, ctx);
  if (entry) upstream.push({ kind: 'name', name: entry });
  const data = runDataVersions(new Map([...v.params, ...v.tags]));
  const dataPaths = new Map(data.paths.map((p) => [p, workspacePath(p, ctx.paths, false) ?? p]));
  for (const p of new Set(dataPaths.values())) upstream.push({ kind: 'path', path: p });
  const status = field(meta, 'status');
  return {
    id: `mlflow_run:${runId}`,
    asset_type: 'mlflow_run',
    name,
    aliases: [runId],
    source_ref: run.dir,
    location: { path: `${run.dir}/meta.yaml`, line: 1, column: 1 },
    upstream,
    origin: 'mlflow',
    meta: compact({
      experiment: exp.name,
      experimentId: exp.id,
      status: status === undefined ? undefined : (STATUS[status] ?? status),
      startTime: numberField(meta, 'start_time'),
      endTime: numberField(meta, 'end_time'),
      user: field(meta, 'user_id') || undefined,
      params: Object.fromEntries(v.params),
      metrics: v.metrics,
      tags: Object.fromEntries([...v.tags].filter(([k]) => !k.startsWith('mlflow.'))),
      gitCommit: COMMIT_TAGS.map((t) => v.tags.get(t)?.trim()).find(Boolean),
      sourceName,
      entryPoint: v.tags.get('mlflow.project.entryPoint'),
      dataVersions: data.versions.map((d) => (d.path ? { ...d, path: dataPaths.get(d.path) ?? d.path } : d)),
      artifacts: [...run.artifacts].sort(),
      loggedModels: loggedModels(v.tags.get('mlflow.log-model.history'), `${run.dir}/tags/mlflow.log-model.history`, ctx.diagnostics),
    }),
  };
}

/** `mlflow run <dir> -e <entry>` records the project folder and the entry point. */
function projectEntryPoint(tags: Map<string, string>, ctx: RunContext): string | undefined {
  const entry = tags.get('mlflow.project.entryPoint');
  const source = tags.get('mlflow.source.name');
  if (!entry || !source) return undefined;
  const local = localPath(source);
  const dir = local.startsWith('/') || /^[a-z]:\//i.test(local) ? workspaceDir(local, ctx) : normalizePath(local, ctx.paths.cwd);
  if (dir === undefined) return undefined;
  const file = dir ? `${dir}/${MLPROJECT}` : MLPROJECT;
  return ctx.files.has(file) ? entryPointId(file, entry) : undefined;
}

function workspaceDir(abs: string, ctx: RunContext): string | undefined {
  const root = ctx.paths.absoluteRoot;
  const p = abs.replace(/\/$/, '');
  if (root === undefined) return undefined;
  if (p.toLowerCase() === root.toLowerCase()) return '';
  return p.toLowerCase().startsWith(`${root.toLowerCase()}/`) ? p.slice(root.length + 1) : undefined;
}

async function readValues(dir: string, folder: string, keys: string[], read: ReadText): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of [...keys].sort()) {
    const text = await read(`${dir}/${folder}/${key}`);
    if (text !== undefined) out.set(key, text);
  }
  return out;
}

/**
 * The latest value of each metric, chosen as MLflow does: the largest (step, timestamp, value)
 * (FileStore._get_metric_from_file). Lines are `timestamp value [step]`.
 */
async function readMetrics(run: RunDir, ctx: RunContext): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  for (const key of [...run.metrics].sort()) {
    const path = `${run.dir}/metrics/${key}`;
    let best: [number, number, number, string] | undefined;
    const lines = ((await ctx.read(path)) ?? '').split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      const parts = line.trim().split(/\s+/);
      const [ts, value, step] = [Number(parts[0]), parseFloat(parts[1]), parts.length === 3 ? Number(parts[2]) : 0];
      if ((parts.length !== 2 && parts.length !== 3) || !Number.isInteger(ts) || !Number.isInteger(step)) {
        ctx.diagnostics.push({ path, line: i + 1, severity: 'warning', code: 'mlflow-meta', message: `MLflow metric "${key}": expected "timestamp value [step]", got "${line.trim()}"` });
        return;
      }
      const cand: [number, number, number, string] = [step, ts, Number.isNaN(value) ? -Infinity : value, parts[1]];
      if (!best || later(cand, best)) best = cand;
    });
    if (best) out[key] = Number.isFinite(Number(best[3])) ? Number(best[3]) : best[3];
  }
  return out;
}

function later(a: [number, number, number, string], b: [number, number, number, string]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) > (b[i] as number);
  return false;
}

/**
 * Artifact paths of the models the run logged (`mlflow.log-model.history` is a JSON list). A tag
 * that is not JSON is reported: the run's logged models are then unknown, not none.
 */
function loggedModels(history: string | undefined, path: string, diagnostics: Diagnostic[]): string[] | undefined {
  if (!history) return undefined;
  try {
    const list = JSON.parse(history) as unknown;
    const paths = Array.isArray(list) ? list.map((m) => (m && typeof m === 'object' ? (m as Record<string, unknown>).artifact_path : undefined)).filter((p): p is string => typeof p === 'string') : [];
    return paths.length ? [...new Set(paths)] : undefined;
  } catch (e) {
    diagnostics.push({ path, line: 1, severity: 'warning', code: 'mlflow-meta', message: `MLflow tag mlflow.log-model.history is not JSON (${(e as Error).message}); the models this run logged are not read` });
    return undefined;
  }
}

function numberField(meta: Record<string, unknown>, key: string): number | undefined {
  return typeof meta[key] === 'number' ? (meta[key] as number) : undefined;
}

/** Drops undefined fields, so facts compare and serialise cleanly. */
function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
