// dbt selectors that name models by where they are or how they are tagged (`path:models/marts`,
// `tag:nightly`, `models/staging`) cannot be resolved by the DAG reader, which sees one Python
// file: they need the dbt projects' models. Once every reader has run, each task (or Cosmos
// DbtDag) that runs such a selector gets a ref to every model it selects among what it runs, as it
// has for a model it names. Model paths and tags never change in an in-place update (only a model
// whose facts other than its upstream stay the same is patched), so resolving them here, at build
// time, gives what a build after any edit would. A run that names its project folder
// (`--project-dir`, a `cd` before it, Cosmos' ProjectConfig) selects in that project only.
import type { AssetFact, FileFacts, UpstreamRef } from '../../model';
import type { DbtProject } from '../../dbt/dbtProject';
import { selectorModel } from './airflowData';

interface ModelEntry {
  name: string;
  /** dbt's resource type: `dbt run` runs models, `dbt seed` seeds, `dbt build` all of them. */
  type: string;
  project: string;
  /** The model file relative to its project's folder, as dbt's `path:` method reads it. */
  projectPath: string;
  tags: string[];
}

/** Adds the models each runner's `path:` / `tag:` selectors select to what it runs (meta.dbtRuns). */
export function resolveDagSelectors(files: FileFacts[], projects: DbtProject[]): void {
  const runners = files.flatMap((f) => f.assets).filter((a) => (a.asset_type === 'airflow_task' || a.asset_type === 'dag') && Array.isArray(a.meta?.dbtRuns));
  if (!runners.length || !projects.length) return;
  const all = modelEntries(files, projects);
  // One project's entries and names, made once per project (thousands of runners may name it).
  const byProject = new Map<string, { models: ModelEntry[]; names: Set<string> }>();
  const inProject = (name: string) => {
    let hit = byProject.get(name);
    if (!hit) {
      const models = all.filter((m) => m.project === name);
      byProject.set(name, (hit = { models, names: new Set(models.map((m) => m.name)) }));
    }
    return hit;
  };
  for (const runner of runners) {
    const project = projectOf(runner.meta!.dbtProject, projects);
    const mine = project && inProject(project.name);
    const models = mine ? mine.models : all;
    // `--exclude` (or Cosmos' exclude=) drops what it selects, by path, tag or name.
    const excludes = Array.isArray(runner.meta!.dbtExcludes) ? (runner.meta!.dbtExcludes as string[]) : [];
    const dropped = new Set(
      excludes.flatMap((ex) => {
        const name = selectorModel(ex);
        return [...selected(ex, models), ...(name ? models.filter((m) => m.name === name) : [])];
      }),
    );
    const refs: UpstreamRef[] = [];
    for (const selector of runner.meta!.dbtRuns as string[]) {
      for (const m of selected(selector, models)) if (!dropped.has(m)) refs.push({ kind: 'ref', name: m.name, package: m.project });
    }
    const droppedNames = new Set([...dropped].map((m) => m.name));
    if (droppedNames.size && runner.runs) runner.runs = runner.runs.filter((r) => r.kind !== 'ref' || !droppedNames.has(r.name));
    // A model named outright is the one in the run's project, when the project has it.
    if (mine) runner.runs = runner.runs?.map((r) => (r.kind === 'ref' && !r.package && mine.names.has(r.name) ? { ...r, package: project.name } : r));
    addRefs(runner, refs);
  }
}

function modelEntries(files: FileFacts[], projects: DbtProject[]): ModelEntry[] {
  const roots = new Map(projects.map((p) => [p.name, p.root]));
  const out: ModelEntry[] = [];
  for (const f of files) {
    for (const a of f.assets) {
      const type = RESOURCE_TYPES[a.asset_type];
      if (!type || typeof a.meta?.project !== 'string' || !a.location) continue;
      const root = roots.get(a.meta.project);
      if (root === undefined) continue;
      const projectPath = root && a.location.path.startsWith(`${root}/`) ? a.location.path.slice(root.length + 1) : a.location.path;
      const tags = a.meta.tags;
      out.push({ name: a.name, type, project: a.meta.project, projectPath, tags: Array.isArray(tags) ? tags.map(String) : typeof tags === 'string' ? [tags] : [] });
    }
  }
  return out;
}

/**
 * The models one selector selects by path or tag. Graph operators (`+`, `n+`, `@`) are dropped:
 * the named models are what the DAG depends on, as for `+model`. A comma joins criteria that
 * must all hold (dbt's intersection). Names without a method are refs already (selectorModel).
 */
function selected(selector: string, models: ModelEntry[]): ModelEntry[] {
  const parts = selector.split(',').map((p) => p.replace(/^@/, '').replace(/^\d*\+/, '').replace(/\+\d*$/, ''));
  const tests = parts.map(criterion);
  if (tests.some((t) => t === undefined)) return [];
  return models.filter((m) => tests.every((t) => t!(m)));
}

function criterion(part: string): ((m: ModelEntry) => boolean) | undefined {
  const colon = part.indexOf(':');
  const method = colon > 0 ? part.slice(0, colon) : undefined;
  const value = colon > 0 ? part.slice(colon + 1) : part;
  if (method === 'tag') return (m) => m.tags.includes(value);
  if (method === 'resource_type') return (m) => m.type === value;
  if (part === '*' || (method === 'fqn' && value === '*')) return (m) => m.type === 'model';
  // dbt reads a method-less selector with a slash or a .sql ending as a path.
  if (method === 'path' || (method === undefined && (value.includes('/') || value.endsWith('.sql')))) {
    const p = value.replace(/^\.\//, '').replace(/\/+$/, '');
    return (m) => m.projectPath === p || m.projectPath.startsWith(`${p}/`);
  }
  return undefined;
}

const RESOURCE_TYPES: Record<string, string | undefined> = { dbt_model: 'model', dbt_seed: 'seed', dbt_snapshot: 'snapshot' };

/**
 * The project a run's folder names, among several: the one whose folder the path ends with
 * (deployed paths such as /opt/airflow/dbt/shop), else the one whose folder or name is the path's
 * last folder. None when the path names none of them (an environment variable, say): the run
 * then selects in every project.
 */
function projectOf(dir: unknown, projects: DbtProject[]): DbtProject | undefined {
  if (typeof dir !== 'string' || projects.length < 2) return undefined;
  const parts = dir.split('/').filter((p) => p && p !== '.');
  const last = parts[parts.length - 1];
  const endsWith = (root: string) => {
    const tail = root.split('/');
    return tail.length <= parts.length && tail.every((seg, i) => seg === parts[parts.length - tail.length + i]);
  };
  const bySuffix = projects.filter((p) => p.root && endsWith(p.root)).sort((a, b) => b.root.length - a.root.length);
  if (bySuffix.length) return bySuffix[0];
  const byName = projects.filter((p) => p.name === last || p.root.split('/').pop() === last);
  return byName.length === 1 ? byName[0] : undefined;
}

function addRefs(runner: AssetFact, refs: UpstreamRef[]): void {
  if (!refs.length) return;
  const key = (u: UpstreamRef) => JSON.stringify(u);
  const runs = (runner.runs ??= []);
  const seen = new Set(runs.map(key));
  for (const r of refs) {
    if (seen.has(key(r))) continue;
    seen.add(key(r));
    runs.push(r);
  }
}
