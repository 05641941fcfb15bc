// Airflow DAG files, read on a real Python parse (tree-sitter), never by pattern. A DAG is an
// asset named by its dag_id and is the data consumer: what its tasks read (SQL, dbt models,
// Datasets, other DAGs) is upstream of the DAG, and the SQL its tasks run is a QuerySource owned
// by the DAG, so column references name the DAG. Its tasks are assets under it that carry only
// task-to-task dependencies, so a task never shows up as an extra affected asset.
import * as posix from 'node:path/posix';
import type { AssetFact, FileFacts, Location, UpstreamRef } from '../../model';
import type { PyNode, PyTree } from '../../python/pythonParser';
import { spanOf } from '../../python/literalRanges';
import { initPython, parsePython, pythonUnavailable, syntaxErrors } from '../../python/pythonParser';
import { PyScopes, callArguments, positionOf, stringValue } from '../../python/pyValues';
import { fileAssetId, normalizePath } from '../../io/paths';
import { formatRelation, relationKey } from '../../sql/queryIr';
import { lineColumnAt, splitStatements } from '../../sql/tokenizer';
import { scanTableReferences } from '../../sql/tolerantScan';
import type { DagInfo, TaskInfo } from './airflowDags';
import { DagDiscovery } from './airflowDags';
import { taskDependencies } from './airflowDependencies';
import { pathValue, searchpathOf, taskSql } from './airflowSql';
import { cosmosSelectors, datasetTarget, datasetUris, dbtSelectors, externalDag, selectorModel, sparkApplications, triggeredDag, workspaceFile } from './airflowData';
import type { DatasetRef, DbtSelection } from './airflowData';
import { runtimeValue } from '../runtimeValues';
import { loadConfigFiles, mayLoadConfig } from '../configFiles';

/** What an id known only at run time is, and what is missing from the lineage because of it. */
const UNKNOWN_ID = {
  dag: ["this DAG's dag_id", 'the DAG and its tasks are not in the lineage'],
  group: ["this TaskGroup's group_id", 'its tasks and what they read are not in the lineage'],
  task: ["this task's task_id", 'the task and what it reads are not in the lineage'],
  call: ['how many groups this @task_group call makes in its loop', 'their tasks and what they read are not in the lineage'],
} as const;

export interface AirflowReadOptions {
  /** The dialect of SQL whose operator or connection does not tell. */
  dialect: string;
  readFile: (p: string) => Promise<string | undefined>;
  /** Extra folders for `.sql` files, like the deployment's template_searchpath. */
  templateSearchpath?: string[];
  /** The file's syntax tree when another reader parsed it already. */
  tree?: PyTree;
}

/**
 * Whether a file looks written as a DAG file (it names Airflow or Cosmos, and DAGs): its syntax
 * errors are reported even when no DAG is found. Which files are read at all is decided by
 * pythonReadersFor, which never skips a file with a DAG in it.
 */
export function looksLikeDag(text: string): boolean {
  return (text.includes('airflow') || text.includes('cosmos')) && /dag/i.test(text);
}

export async function readAirflowFile(path: string, text: string, opts: AirflowReadOptions): Promise<FileFacts> {
  const out: FileFacts = { path, assets: [], changes: [], queries: [], diagnostics: [] };
  await initPython();
  let tree = opts.tree;
  try {
    tree ??= parsePython(text);
  } catch {
    tree = undefined;
  }
  if (!tree) {
    if (looksLikeDag(text)) out.diagnostics.push({ path, line: 1, severity: 'info', code: 'python-parse', message: `DAG file not read: ${pythonUnavailable() ?? 'no parser'}` });
    return out;
  }
  try {
    const root = tree.rootNode;
    const scopes = new PyScopes(root, path);
    const configNotes = mayLoadConfig(text) ? await loadConfigFiles(root, scopes, path, opts.readFile) : [];
    const found = new DagDiscovery(root, scopes);
    if (!found.dags.length && !looksLikeDag(text)) return out;
    out.diagnostics.push(...configNotes);
    for (const e of syntaxErrors(tree)) {
      out.diagnostics.push({ path, line: e.line, column: e.column, severity: 'info', code: 'python-parse', message: `Python syntax error near "${e.text}"; lineage is read from the parts that parse` });
    }
    for (const u of found.unknownIds) {
      out.diagnostics.push(runtimeValue(path, u.at, UNKNOWN_ID[u.kind][0], UNKNOWN_ID[u.kind][1]));
    }
    if (!found.dags.length) return out;
    const deps = taskDependencies(root, found, scopes);
    const seen = new Set<string>();
    for (const dag of found.dags) {
      if (seen.has(dag.dagId)) continue;
      seen.add(dag.dagId);
      await readDag(dag, deps, { path, text, scopes, opts, out, assets: found.assetFns });
    }
  } catch (e) {
    // A reader never throws: an unexpected shape costs this file's lineage, not the index.
    out.diagnostics.push({ path, line: 1, severity: 'warning', code: 'airflow-read', message: `DAG file not fully read: ${(e as Error).message}` });
  }
  return out;
}

interface ReadContext {
  path: string;
  text: string;
  scopes: PyScopes;
  opts: AirflowReadOptions;
  out: FileFacts;
  /** The file's `@asset` functions by name (see datasetUris). */
  assets: ReadonlyMap<string, DatasetRef>;
}

async function readDag(dag: DagInfo, deps: [TaskInfo, TaskInfo][], rc: ReadContext): Promise<void> {
  const { path, out } = rc;
  const scopes = dag.scopes ?? rc.scopes; // a DAG made in a loop reads its arguments in its pass
  const dagDir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
  const dagId = `dag:${dag.dagId}`;
  const loc = (n: PyNode): Location => ({ path, ...positionOf(n) });
  const upstream: UpstreamRef[] = [];
  const upstreamKeys = new Set<string>();
  const addUp = (u: UpstreamRef) => {
    const key = JSON.stringify(u);
    if (!upstreamKeys.has(key)) {
      upstreamKeys.add(key);
      upstream.push(u);
    }
  };
  const meta: Record<string, unknown> = {};
  const sqlRanges: { start: number; end: number }[] = [];
  const selectors: string[] = [];
  const runs: { kind: 'spark'; path: string }[] = [];
  const triggers: string[] = [];
  const outlets: DatasetRef[] = [];

  // schedule=[Dataset(...)]: the DAG runs when those are updated, so they are upstream of it.
  const scheduleNode = dag.kwargs.get('schedule') ?? dag.kwargs.get('schedule_interval') ?? dag.kwargs.get('schedule_on') ?? dag.kwargs.get('timetable');
  const scheduled = datasetUris(scheduleNode, scopes, rc.assets);
  for (const d of scheduled) addUp(datasetUpstream(d));
  // An `@asset` function's DAG reads the assets its parameters name and updates its own.
  for (const d of dag.asset?.reads ?? []) addUp(datasetUpstream(d));
  if (dag.asset) outlets.push(dag.asset.produces);

  // A Cosmos DbtDag is its dbt project's run: the models it selects are downstream of the DAG.
  const dagRuns: DbtSelection = { select: [], exclude: [] };
  if (dag.cosmos) {
    Object.assign(dagRuns, cosmosSelectors(dag.kwargs, scopes));
    selectors.push(...dagRuns.select);
    const project = projectPath(dag.kwargs, scopes, dagDir);
    if (project) meta.dbtProject = project;
  }

  const searchpath = [...searchpathOf(dag.kwargs.get('template_searchpath'), scopes, dagDir), ...(rc.opts.templateSearchpath ?? [])];
  const tasks: AssetFact[] = [];
  for (const task of dag.tasks) {
    const ts = task.scopes ?? scopes; // a task made in a loop reads its values in its own pass
    const taskUp = deps.filter(([, d]) => d === task).map(([u]): UpstreamRef => ({ kind: 'name', name: `task:${dag.dagId}.${u.taskId}` }));
    const taskMeta: Record<string, unknown> = { parent: dagId, operator: task.operator };
    if (task.group) taskMeta.taskGroup = task.group.id;
    if (task.mapped) taskMeta.mapped = true;
    const taskFact: AssetFact = { id: `task:${dag.dagId}.${task.taskId}`, asset_type: 'airflow_task', name: `${dag.dagId}.${task.taskId}`, aliases: [], source_ref: path, location: loc(task.at), origin: 'airflow', upstream: taskUp, meta: taskMeta };
    tasks.push(taskFact);

    const { sql, missing, unknown } = await taskSql(task, { path, scopes: ts, defaultDialect: rc.opts.dialect, searchpath, readFile: rc.opts.readFile });
    for (const s of sql) {
      if (s.viaVariable) meta.sqlViaVariable = true;
      sqlRanges.push(...s.ranges);
      // SQL built from variables (string-built SQL) yields warnings, not breaking references.
      const inferred = s.viaVariable ? { inferred: true } : {};
      if (s.file) out.queries.push({ path: s.file, originalText: s.fileText ?? s.sql, sql: s.sql, dialect: s.dialect, ownerId: dagId, ...inferred });
      else {
        // Positions are searched only inside the SQL string, not in the Python around it.
        const range = spanOf(s.ranges);
        out.queries.push({ path, originalText: rc.text, sql: s.sql, dialect: s.dialect, ownerId: dagId, ...(range && { range }), ...inferred });
      }
      for (const r of sqlReads(s.sql)) addUp(r);
      // A Variable or dag_run.conf value in the SQL is known only when the task runs: the name is
      // read as its last word (`{{ var.value.schema }}.orders` as schema.orders), and says so.
      for (const g of s.guessed) {
        const at = s.file ? lineColumnAt(s.fileText ?? '', g.offset) : positionOf(s.at);
        out.diagnostics.push({ path: s.file ?? path, ...at, severity: 'info', code: 'runtime-value', message: `${dag.dagId}.${task.taskId}: {{ ${g.expr} }} in the SQL is known only when the task runs, so the lineage reads it as "${g.as}"` });
      }
    }
    for (const u of unknown) out.diagnostics.push(runtimeValue(path, u, `${dag.dagId}.${task.taskId}: the SQL this task runs`));
    for (const m of missing) {
      out.diagnostics.push({ path, ...positionOf(m.at), severity: 'warning', code: 'missing-file', message: `${dag.dagId}.${task.taskId}: SQL file "${m.file}" not found in the DAG folder or template_searchpath` });
    }
    // What the task runs is downstream of the task, not of the DAG: the DAG is the consumer of
    // what its tasks read and the producer of their Datasets, so "dbt build after loading raw"
    // or "submit the job that reads the landed file" would otherwise be dependency cycles.
    const sel = dbtSelectors(task, ts);
    if (sel) {
      selectors.push(...sel.select);
      // path: and tag: selectors, and what --exclude drops, are resolved against the projects (dbtSelection.ts)
      taskMeta.dbtRuns = sel.select;
      if (sel.exclude.length) taskMeta.dbtExcludes = sel.exclude;
      const project = sel.project ?? (task.operator === 'DbtTaskGroup' ? projectPath(task.kwargs, ts, dagDir) : undefined);
      if (project) taskMeta.dbtProject = project;
      const named = runRefs(sel);
      if (named.length) taskFact.runs = named;
    }
    for (const deployed of sparkApplications(task, ts, dagDir)) {
      const app = await workspaceFile(deployed, rc.opts.readFile);
      runs.push({ kind: 'spark', path: app });
      // The path resolves to the Spark job that file defines (or to the file, when it is no job).
      (taskFact.runs ??= []).push({ kind: 'path', path: app });
    }
    const other = externalDag(task, ts);
    if (other && other !== dag.dagId) addUp({ kind: 'name', name: `dag:${other}` });
    const triggered = triggeredDag(task, ts);
    if (triggered) triggers.push(triggered);
    for (const d of datasetUris(task.kwargs.get('inlets'), ts, rc.assets)) addUp(datasetUpstream(d));
    outlets.push(...datasetUris(task.kwargs.get('outlets'), ts, rc.assets));
  }

  if (scheduleNode) meta.schedule = scheduleValue(scheduleNode, scheduled, scopes);
  meta.tags = stringList(dag.kwargs.get('tags'), scopes);
  meta.tasks = dag.tasks.map((t) => t.taskId);
  meta.dagFile = path;
  if (sqlRanges.length) meta.sqlRanges = sqlRanges;
  if (selectors.length) meta.dbtSelectors = [...new Set(selectors)];
  if (dagRuns.select.length) meta.dbtRuns = dagRuns.select;
  if (dagRuns.exclude.length) meta.dbtExcludes = dagRuns.exclude;
  if (runs.length) meta.runs = runs;
  if (triggers.length) meta.triggers = [...new Set(triggers)];
  out.assets.push({ id: dagId, asset_type: 'dag', name: dag.dagId, source_ref: path, location: loc(dag.node), origin: 'airflow', upstream, ...(dagRuns.select.length && { runs: runRefs(dagRuns) }), meta }, ...tasks);
  for (const d of outlets) addOutlet(d, dagId, rc);
}

/**
 * Tables the SQL reads (token-level, for the table graph; columns come in the column phase).
 * Without a `;` anywhere the text is one statement, and scanning the whole text finds what
 * scanning it from its first token does (the tokens and offsets are the same), so it is
 * tokenized once rather than twice; `split` forces the statement-by-statement path (tests).
 */
export function sqlReads(sql: string, split = sql.includes(';')): UpstreamRef[] {
  const refs = split ? splitStatements(sql).flatMap((st) => scanTableReferences(st.text, st.start)) : scanTableReferences(sql, 0);
  const written = new Set(refs.filter((r) => r.role === 'write').map((r) => relationKey(r.relation)));
  return refs.filter((r) => r.role === 'read' && !written.has(relationKey(r.relation))).map((r) => ({ kind: 'relation', relation: r.relation }));
}

/** The models dbt selectors name outright (`model`, `+model`), less those excluded by name; path: and tag: ones come later. */
function runRefs(sel: DbtSelection): UpstreamRef[] {
  const excluded = new Set(sel.exclude.map(selectorModel));
  const names = sel.select.map(selectorModel).filter((m): m is string => !!m && !excluded.has(m));
  return [...new Set(names)].map((name) => ({ kind: 'ref', name }));
}

function datasetUpstream(d: DatasetRef): UpstreamRef {
  const t = datasetTarget(d.uri);
  return t.kind === 'table' ? { kind: 'relation', relation: t.relation } : { kind: 'path', path: t.path };
}

/** A Dataset a task updates: a table or file asset downstream of the DAG. */
function addOutlet(d: DatasetRef, dagId: string, rc: ReadContext): void {
  const t = datasetTarget(d.uri);
  const location = { path: rc.path, ...positionOf(d.at) };
  const upstream: UpstreamRef[] = [{ kind: 'name', name: dagId }];
  const fact: AssetFact =
    t.kind === 'table'
      ? { id: `table:${relationKey(t.relation)}`, asset_type: 'table', name: formatRelation(t.relation), source_ref: rc.path, relation: t.relation, location, origin: 'airflow', upstream, meta: { datasetUri: d.uri } }
      : { id: fileAssetId(t.path), asset_type: 'file', name: t.path, source_ref: t.path, location, origin: 'airflow', upstream, meta: { datasetUri: d.uri } };
  const existing = rc.out.assets.find((a) => a.id === fact.id);
  if (!existing) rc.out.assets.push(fact);
  else if (!existing.upstream.some((u) => u.kind === 'name' && u.name === dagId)) existing.upstream.push(...upstream);
}

function scheduleValue(node: PyNode | undefined, datasets: DatasetRef[], scopes: PyScopes): unknown {
  if (!node) return undefined;
  if (node.type === 'none') return null;
  if (datasets.length) return datasets.map((d) => d.uri);
  return stringValue(node, scopes)?.value ?? node.text;
}

function stringList(node: PyNode | undefined, scopes: PyScopes): string[] {
  if (node?.type === 'identifier') return stringList(scopes.lookup(node.text, node), scopes);
  if (node?.type !== 'list' && node?.type !== 'tuple' && node?.type !== 'set') return [];
  return node.namedChildren.map((c) => stringValue(c, scopes)?.value).filter((v): v is string => v !== undefined);
}

/** Cosmos `project_config=ProjectConfig("path")` (or `dbt_project_path=`): the dbt project folder. */
function projectPath(kw: Map<string, PyNode>, scopes: PyScopes, dagDir: string): string | undefined {
  let cfg = kw.get('project_config');
  if (cfg?.type === 'identifier') cfg = scopes.lookup(cfg.text, cfg) ?? cfg;
  if (cfg?.type !== 'call') return undefined;
  const { positional, keywords } = callArguments(cfg);
  const v = pathValue(keywords.get('dbt_project_path') ?? positional[0], scopes, dagDir)?.value;
  return v ? normalizePath(v) : undefined;
}
