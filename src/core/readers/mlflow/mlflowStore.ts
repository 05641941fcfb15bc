// The MLflow FileStore as `mlflow` writes it (mlflow/store/tracking/file_store.py and
// mlflow/store/model_registry/file_store.py), found among the workspace's file list:
//
//   <root>/<experiment_id>/meta.yaml                  experiment: name, artifact_location, lifecycle_stage
//   <root>/<experiment_id>/<run_id>/meta.yaml         run: run_id, run_name, status, lifecycle_stage, …
//   <root>/<experiment_id>/<run_id>/params/<key>      the value is the whole file
//   <root>/<experiment_id>/<run_id>/metrics/<key>     one `timestamp value [step]` line per logged value
//   <root>/<experiment_id>/<run_id>/tags/<key>        the value is the whole file
//   <root>/<experiment_id>/<run_id>/artifacts/…       when the artifact store is the same folder
//   <root>/models/<name>/meta.yaml                    registered model
//   <root>/models/<name>/version-<n>/meta.yaml        model version: version, run_id, source, current_stage
//   <root>/models/<name>/aliases/<alias>              the value is the version number
//
// Keys may contain `/` (MLflow nests them as folders). `.trash` holds deleted experiments, and an
// experiment's `tags`, `datasets` and `traces` folders are not runs.
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { Diagnostic } from '../../model';

const TRASH = '.trash';
const MODELS = 'models';
const RESERVED_EXPERIMENT_FOLDERS = new Set(['tags', 'datasets', 'traces']);
const RUN_DATA_FOLDERS = new Set(['params', 'metrics', 'tags']);

export interface RunDir {
  id: string;
  dir: string;
  /** Keys of params, metrics and tags; artifact paths relative to `artifacts/`. */
  params: string[];
  metrics: string[];
  tags: string[];
  artifacts: string[];
  hasMeta: boolean;
}

export interface ExperimentDir {
  id: string;
  dir: string;
  hasMeta: boolean;
  runs: Map<string, RunDir>;
}

export interface ModelDir {
  name: string;
  dir: string;
  hasMeta: boolean;
  /** Version number → its meta.yaml path. */
  versions: Map<string, string>;
  /** Alias → the file holding its version number. */
  aliases: Map<string, string>;
}

export interface StoreLayout {
  /** Workspace-relative folder of the store; '' when the workspace itself is the store. */
  root: string;
  experiments: Map<string, ExperimentDir>;
  models: Map<string, ModelDir>;
}

/**
 * Store roots: every folder named `mlruns` (MLflow's default tracking folder), plus any folder
 * whose layout is unmistakably a FileStore — `<e>/<r>/meta.yaml` next to `<e>/meta.yaml` and
 * `<e>/<r>/params|metrics|tags/…` — since MLFLOW_TRACKING_URI may name any folder.
 */
export function findStoreRoots(allFiles: string[]): string[] {
  const files = new Set(allFiles);
  const roots = new Set<string>();
  for (const path of allFiles) {
    const segs = path.split('/');
    if (segs.includes(TRASH)) continue;
    const named = segs.indexOf('mlruns');
    if (named >= 0 && named < segs.length - 1) roots.add(segs.slice(0, named + 1).join('/'));
    const structural = structuralRoot(segs, files);
    if (structural !== undefined) roots.add(structural);
  }
  // A store copied into another store's artifacts is part of that run, not a store of its own.
  const sorted = [...roots].sort();
  return sorted.filter((r) => !sorted.some((o) => o !== r && (o === '' || r.startsWith(`${o}/`))));
}

function structuralRoot(segs: string[], files: Set<string>): string | undefined {
  for (let i = 2; i < segs.length - 1; i++) {
    if (!RUN_DATA_FOLDERS.has(segs[i])) continue;
    const runDir = segs.slice(0, i).join('/');
    const expDir = segs.slice(0, i - 1).join('/');
    if (segs[i - 2] === MODELS && segs[i - 1].startsWith('version-')) return undefined;
    if (files.has(`${runDir}/meta.yaml`) && files.has(`${expDir}/meta.yaml`)) return segs.slice(0, i - 2).join('/');
  }
  return undefined;
}

/** Sorts the files under `root` into experiments, runs and registered models. */
export function layoutStore(root: string, allFiles: string[]): StoreLayout {
  const layout: StoreLayout = { root, experiments: new Map(), models: new Map() };
  const prefix = root ? `${root}/` : '';
  for (const path of allFiles) {
    if (!path.startsWith(prefix)) continue;
    const segs = path.slice(prefix.length).split('/');
    if (segs.length < 2 || segs[0] === TRASH) continue;
    if (segs[0] === MODELS) addModelFile(layout, segs);
    else addExperimentFile(layout, segs);
  }
  return layout;
}

function addExperimentFile(layout: StoreLayout, segs: string[]): void {
  const exp = getOr(layout.experiments, segs[0], () => ({ id: segs[0], dir: join(layout.root, segs[0]), hasMeta: false, runs: new Map() }));
  if (segs.length === 2) {
    exp.hasMeta ||= segs[1] === 'meta.yaml';
    return;
  }
  if (RESERVED_EXPERIMENT_FOLDERS.has(segs[1])) return;
  const run = getOr(exp.runs, segs[1], () => ({ id: segs[1], dir: `${exp.dir}/${segs[1]}`, params: [], metrics: [], tags: [], artifacts: [], hasMeta: false }));
  const key = segs.slice(3).join('/');
  if (segs.length === 3) run.hasMeta ||= segs[2] === 'meta.yaml';
  else if (segs[2] === 'params' || segs[2] === 'metrics' || segs[2] === 'tags' || segs[2] === 'artifacts') run[segs[2]].push(key);
}

function addModelFile(layout: StoreLayout, segs: string[]): void {
  if (segs.length < 3) return;
  const model = getOr(layout.models, segs[1], () => ({ name: segs[1], dir: join(layout.root, `${MODELS}/${segs[1]}`), hasMeta: false, versions: new Map(), aliases: new Map() }));
  const file = `${model.dir}/${segs.slice(2).join('/')}`;
  if (segs.length === 3) model.hasMeta ||= segs[2] === 'meta.yaml';
  else if (segs.length === 4 && segs[2].startsWith('version-') && segs[3] === 'meta.yaml') model.versions.set(segs[2].slice('version-'.length), file);
  else if (segs.length === 4 && segs[2] === 'aliases') model.aliases.set(segs[3], file);
}

/** A meta.yaml as a plain mapping; malformed YAML or a non-mapping is a diagnostic, never a throw. */
export function parseMeta(path: string, text: string): { value?: Record<string, unknown>; diagnostics: Diagnostic[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  const diagnostics: Diagnostic[] = doc.errors.map((e) => {
    const pos = lc.linePos(e.pos[0]);
    return { path, line: pos.line, column: pos.col, severity: 'error', code: 'mlflow-meta', message: `MLflow meta.yaml: ${e.message.split('\n')[0]}` };
  });
  if (diagnostics.length) return { diagnostics };
  if (!isMap(doc.contents)) return { diagnostics: [{ path, line: 1, severity: 'error', code: 'mlflow-meta', message: 'MLflow meta.yaml should be a mapping of fields' }] };
  return { value: doc.toJSON() as Record<string, unknown>, diagnostics };
}

/** A scalar field as text (YAML may have read an id or a version as a number). */
export function field(meta: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = meta?.[key];
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

export function join(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}
