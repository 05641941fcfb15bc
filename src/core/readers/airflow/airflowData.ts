// What Airflow tasks read and write besides SQL: Datasets / Assets (`outlets`, `inlets`,
// `schedule=[...]`), dbt runs (`dbt run|build --select ...` in a BashOperator or a pod's
// command, dbt operators, Cosmos `DbtDag` / `DbtTaskGroup`), Spark applications
// (`SparkSubmitOperator`), and other DAGs (`ExternalTaskSensor`, `TriggerDagRunOperator`).
import type { PyNode } from '../../python/pythonParser';
import type { PyScopes } from '../../python/pyValues';
import { boundValue, callArguments, callName, stringValue } from '../../python/pyValues';
import type { Relation } from '../../model';
import { isUri, normalizePath } from '../../io/paths';
import type { TaskInfo } from './airflowDags';
import { dictPath, pathValue } from './airflowSql';

export interface DatasetRef {
  uri: string;
  at: PyNode;
}

const DATASET_CALL = /(^|\.)(Dataset|Asset)$/;
const DATASET_GROUP = /(^|\.)(DatasetAll|DatasetAny|AssetAll|AssetAny|DatasetOrTimeSchedule|AssetOrTimeSchedule)$/;

const NO_ASSETS = new Map<string, DatasetRef>();

/**
 * The Datasets an expression names: `Dataset("uri")`, lists, `a | b`, `DatasetAny(...)`, variables,
 * and the names of the file's `@asset` functions (`assets`), which stand for the assets they define.
 */
export function datasetUris(node: PyNode | null | undefined, scopes: PyScopes, assets: ReadonlyMap<string, DatasetRef> = NO_ASSETS, depth = 0): DatasetRef[] {
  if (!node || depth > 10) return [];
  const inner = (c: PyNode | null | undefined) => datasetUris(c, scopes, assets, depth + 1);
  switch (node.type) {
    case 'identifier': {
      const bound = scopes.lookup(node.text, node);
      if (!bound) return assets.has(node.text) ? [assets.get(node.text)!] : [];
      return bound !== node ? inner(bound) : [];
    }
    case 'list':
    case 'tuple':
    case 'set':
    case 'parenthesized_expression':
      return node.namedChildren.flatMap(inner);
    case 'binary_operator':
      return [...inner(node.childForFieldName('left')), ...inner(node.childForFieldName('right'))];
    case 'call': {
      const name = callName(node);
      const { positional, keywords } = callArguments(node);
      if (DATASET_CALL.test(name)) {
        const uri = stringValue(keywords.get('uri') ?? keywords.get('name') ?? positional[0], scopes)?.value;
        return uri ? [{ uri, at: node }] : [];
      }
      if (DATASET_GROUP.test(name)) return [...positional, ...(['datasets', 'assets'].map((k) => keywords.get(k)).filter((n): n is PyNode => !!n))].flatMap(inner);
      return [];
    }
    default:
      return [];
  }
}

const TABLE_SCHEMES = /^(postgres|postgresql|mysql|mariadb|snowflake|bigquery|redshift|trino|mssql|sqlserver|databricks|duckdb|sqlite):\/\//i;

/** A Dataset URI as the asset it stands for: a table for database URIs, else a file (or URI). */
export function datasetTarget(uri: string): { kind: 'table'; relation: Relation } | { kind: 'file'; path: string } {
  const m = TABLE_SCHEMES.exec(uri);
  if (m) {
    const segments = uri.slice(m[0].length).split(/[?#]/)[0].split('/').slice(1).filter(Boolean);
    if (segments.length >= 2) return { kind: 'table', relation: { schema: segments[segments.length - 2], name: segments[segments.length - 1] } };
  }
  if (/^file:\/\//i.test(uri)) return { kind: 'file', path: normalizePath(uri.replace(/^file:\/\/(localhost)?/i, '')) };
  return { kind: 'file', path: normalizePath(uri) };
}

/** What a dbt run selects and excludes (`--select` / `--exclude`), as written. */
export interface DbtSelection {
  select: string[];
  exclude: string[];
  /** The project folder the run names (`--project-dir`, a `cd` before it, an operator's `project_dir=`), as written. */
  project?: string;
}

/** Raw dbt selectors a task runs, or undefined when the task does not run dbt. */
export function dbtSelectors(task: TaskInfo, scopes: PyScopes): DbtSelection | undefined {
  const kw = task.kwargs;
  const str = (n: PyNode | undefined) => (n ? pathValue(n, scopes, '')?.value : undefined);
  const list = (n: PyNode | undefined): string[] => {
    if (!n) return [];
    if (n.type === 'identifier') return list(scopes.lookup(n.text, n));
    if (n.type === 'list' || n.type === 'tuple') return n.namedChildren.flatMap((c) => list(c ?? undefined));
    return (str(n) ?? '').split(/\s+/).filter(Boolean);
  };
  const op = /^Dbt(Run|Build|Seed|Snapshot)(Cloud)?Operator$/.exec(task.operator);
  if (op) {
    const select = [...list(kw.get('select')), ...list(kw.get('models'))];
    return { select: select.length ? select : everything(op[1].toLowerCase()), exclude: list(kw.get('exclude')), project: str(kw.get('project_dir') ?? kw.get('dir')) };
  }
  if (task.operator === 'DbtTaskGroup') return cosmosSelectors(kw, scopes);
  const commands: string[] = [];
  const bash = str(kw.get('bash_command'));
  if (bash) commands.push(bash);
  // A pod runs its `cmds` (the entrypoint) with its `arguments` appended: one command line, so
  // `cmds=["dbt"], arguments=["run", "--select", "orders"]` is `dbt run --select orders`.
  if (kw.has('cmds') || kw.has('arguments')) commands.push([...list(kw.get('cmds')), ...list(kw.get('arguments'))].join(' '));
  if (kw.has('command')) commands.push(list(kw.get('command')).join(' '));
  const runs = commands.map(parseDbt).filter((s): s is DbtSelection => !!s);
  return runs.length ? { select: runs.flatMap((r) => r.select), exclude: runs.flatMap((r) => r.exclude), project: runs.find((r) => r.project)?.project } : undefined;
}

/** Cosmos: `render_config=RenderConfig(select=[...], exclude=[...])` or `select=` / `exclude=` arguments. */
export function cosmosSelectors(kw: Map<string, PyNode>, scopes: PyScopes): DbtSelection {
  let render = kw.get('render_config');
  if (render?.type === 'identifier') render = scopes.lookup(render.text, render) ?? render;
  const arg = (name: string) => (render?.type === 'call' ? callArguments(render).keywords.get(name) : undefined) ?? kw.get(name);
  const items = (n: PyNode | undefined): string[] => {
    if (!n) return [];
    if (n.type === 'identifier') return items(scopes.lookup(n.text, n));
    if (n.type === 'list' || n.type === 'tuple') return n.namedChildren.flatMap((c) => items(c ?? undefined));
    if (n.type === 'dictionary') return n.namedChildren.flatMap((p) => items(p?.childForFieldName('value') ?? undefined));
    const v = stringValue(n, scopes)?.value;
    return v ? [v] : [];
  };
  // Cosmos renders the whole project when nothing is selected.
  const select = items(arg('select'));
  return { select: select.length || arg('select') ? select : [EVERY_MODEL], exclude: items(arg('exclude')) };
}

const DBT_RUNS = new Set(['run', 'build', 'seed', 'snapshot']);
/** The selector for a run that selects nothing and so runs every model (dbt's own `fqn:*`). */
export const EVERY_MODEL = 'fqn:*';

/**
 * What a dbt command with no selector runs: `run` every model, `seed` every seed, `snapshot`
 * every snapshot, `build` all three (dbtSelection.ts resolves `resource_type:`).
 */
function everything(command: string): string[] {
  if (command === 'seed' || command === 'snapshot') return [`resource_type:${command}`];
  return command === 'build' ? [EVERY_MODEL, 'resource_type:seed', 'resource_type:snapshot'] : [EVERY_MODEL];
}
const SELECT_FLAGS = new Set(['--select', '-s', '--models', '-m', '--model']);
const EXCLUDE_FLAGS = new Set(['--exclude']);

/** `cd x && dbt run --select +orders tag:nightly`: the selectors of its dbt runs, or undefined. */
export function parseDbtCommand(cmd: string): string[] | undefined {
  return parseDbt(cmd)?.select;
}

/** The selectors and exclusions of a shell command's dbt runs, or undefined when it runs none. */
export function parseDbt(cmd: string): DbtSelection | undefined {
  let runs = false;
  const selectors: string[] = [];
  const excluded: string[] = [];
  let project: string | undefined;
  let cwd: string | undefined; // the folder a `cd` earlier in the command moved to
  for (const part of cmd.replace(/\\\r?\n/g, ' ').split(/&&|\|\||;|\n|\|/)) {
    const tokens = (part.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((t) => t.replace(/^["']|["']$/g, ''));
    if (tokens[0] === 'cd' && tokens[1]) cwd = tokens[1];
    const at = tokens.findIndex((t) => t === 'dbt' || t.endsWith('/dbt'));
    if (at < 0) continue;
    const sub = tokens.slice(at + 1).find((t) => !t.startsWith('-'));
    if (!sub || !DBT_RUNS.has(sub)) continue;
    runs = true;
    const before = selectors.length;
    let into: string[] | undefined;
    const dir = tokens.indexOf('--project-dir');
    project ??= dir > at ? tokens[dir + 1] : (tokens.find((t) => t.startsWith('--project-dir='))?.slice('--project-dir='.length) ?? cwd);
    for (const t of tokens.slice(at + 1)) {
      const eq = /^(--select|--models|--model|--exclude)=(.*)$/.exec(t);
      if (eq) {
        (eq[1] === '--exclude' ? excluded : selectors).push(...eq[2].split(/\s+/).filter(Boolean));
        into = undefined;
      } else if (SELECT_FLAGS.has(t)) into = selectors;
      else if (EXCLUDE_FLAGS.has(t)) into = excluded;
      else if (t.startsWith('-')) into = undefined;
      else if (into) into.push(...t.split(/\s+/).filter(Boolean));
    }
    // A command with no selector runs everything of its kind in the project (dbtSelection.ts).
    if (selectors.length === before) selectors.push(...everything(sub));
  }
  return runs ? { select: selectors, exclude: excluded, ...(project && { project }) } : undefined;
}

/** The model a selector names (`orders`, `+orders`, `orders+`, `2+orders+1`, `@orders`), if one. */
export function selectorModel(selector: string): string | undefined {
  const name = selector.replace(/^@/, '').replace(/^\d*\+/, '').replace(/\+\d*$/, '');
  return /^[A-Za-z_]\w*$/.test(name) ? name : undefined;
}

/** The Spark applications a task submits (`SparkSubmitOperator(application=...)` and managed Spark), normalised. */
export function sparkApplications(task: TaskInfo, scopes: PyScopes, dagDir: string): string[] {
  const path = (n: PyNode | undefined) => {
    const v = n && pathValue(n, scopes, dagDir)?.value;
    return v ? [normalizePath(v)] : [];
  };
  const kw = (name: string) => task.kwargs.get(name);
  const op = task.operator;
  if (/SparkSubmitOperator$/.test(op)) return path(kw('application'));
  // Managed Spark: Dataproc jobs and batches, EMR Serverless, Databricks runs name the main file.
  if (/^Dataproc\w*Operator$/.test(op)) {
    return path(dictPath(kw('job'), ['pyspark_job', 'main_python_file_uri'], scopes) ?? dictPath(kw('batch'), ['pyspark_batch', 'main_python_file_uri'], scopes) ?? kw('main'));
  }
  if (/^EmrServerless\w*Operator$/.test(op)) return path(dictPath(kw('job_driver'), ['sparkSubmit', 'entryPoint'], scopes));
  if (/^Databricks\w*Operator$/.test(op)) return path(dictPath(kw('spark_python_task'), ['python_file'], scopes));
  // EMR steps: `spark-submit … s3://…/job.py …` in each step's HadoopJarStep Args.
  if (/^EmrAddStepsOperator$|^EmrCreateJobFlowOperator$/.test(op)) {
    const steps = boundValue(kw('steps') ?? dictPath(kw('job_flow_overrides'), ['Steps'], scopes), scopes);
    const out: string[] = [];
    for (const step of steps?.type === 'list' || steps?.type === 'tuple' ? steps.namedChildren : []) {
      const args = step ? dictPath(step, ['HadoopJarStep', 'Args'], scopes) : undefined;
      const items = args?.type === 'list' || args?.type === 'tuple' ? args.namedChildren.map((a) => (a ? stringValue(a, scopes)?.value : undefined)) : [];
      if (!items.includes('spark-submit')) continue;
      const main = items.slice(items.indexOf('spark-submit') + 1).find((a) => a !== undefined && /\.py$/.test(a));
      if (main) out.push(normalizePath(main));
    }
    return out;
  }
  return [];
}

/**
 * A deployed path (`/opt/airflow/jobs/x.py`, `gs://bucket/jobs/x.py`) as the workspace file it was
 * deployed from: the longest trailing part of it that is a file in the workspace, as template
 * folders are matched (airflowSql.ts). Without one, the path as written: a file outside the
 * workspace. A relative path is the workspace's already.
 */
export async function workspaceFile(path: string, readFile: (p: string) => Promise<string | undefined>): Promise<string> {
  if (!path.startsWith('/') && !isUri(path)) return path;
  const parts = path.replace(/^[a-z][a-z0-9+.-]*:\/*/i, '').split('/').filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const candidate = parts.slice(i).join('/');
    if ((await readFile(candidate)) !== undefined) return candidate;
  }
  return path;
}

/** The DAG an `ExternalTaskSensor` waits for. */
export function externalDag(task: TaskInfo, scopes: PyScopes): string | undefined {
  if (!/ExternalTaskSensor(Async)?$/.test(task.operator)) return undefined;
  return stringValue(task.kwargs.get('external_dag_id'), scopes)?.value;
}

/** The DAG a `TriggerDagRunOperator` starts. */
export function triggeredDag(task: TaskInfo, scopes: PyScopes): string | undefined {
  if (!/TriggerDagRunOperator$/.test(task.operator)) return undefined;
  return stringValue(task.kwargs.get('trigger_dag_id'), scopes)?.value;
}
