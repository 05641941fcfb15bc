// The SQL an Airflow task runs: the `sql` argument of SQL operators (inline, a list of strings, or
// a `.sql` / `.hql` file found in the DAG folder or `template_searchpath`), and BigQuery's
// `configuration={"query": {"query": ...}}`. Airflow's Jinja (`{{ ds }}`, `{{ params.x }}`,
// `{% if %}`) is replaced by same-length harmless text so the SQL parses and positions hold.
import * as posix from 'node:path/posix';
import type { PyNode } from '../../python/pythonParser';
import type { PyScopes, PyString } from '../../python/pyValues';
import { boundValue, callArguments, callName, dictItem, stringValue } from '../../python/pyValues';
import { isUri, normalizePath } from '../../io/paths';
import { literalRanges } from '../../python/literalRanges';
import type { TaskInfo } from './airflowDags';
import { callableDef, hookSql } from './airflowHooks';

export interface TaskSql {
  /** The SQL text as the database sees it (Jinja neutralised). */
  sql: string;
  /** A .sql file the SQL came from (normalised), or undefined for SQL written in the DAG file. */
  file?: string;
  fileText?: string;
  /** Offsets of the string literals the inline SQL came from, in the DAG file. */
  ranges: { start: number; end: number }[];
  viaVariable: boolean;
  dialect: string;
  at: PyNode;
  /** `{{ var.value.schema }}`-like names whose value is not known here, each read as its last word (offset in the SQL). */
  guessed: { expr: string; as: string; offset: number }[];
}

export interface SqlContext {
  path: string;
  scopes: PyScopes;
  defaultDialect: string;
  searchpath: string[];
  readFile: (p: string) => Promise<string | undefined>;
}

const OPERATOR_DIALECTS: [RegExp, string][] = [
  [/Postgres/i, 'postgres'],
  [/Snowflake/i, 'snowflake'],
  [/BigQuery/i, 'bigquery'],
  [/Redshift/i, 'redshift'],
  [/Databricks/i, 'databricks'],
  [/Trino|Presto/i, 'trino'],
  [/MsSql|Mssql/i, 'sqlserver'],
  [/MySql/i, 'mysql'],
  [/Sqlite/i, 'sqlite'],
  [/Athena/i, 'athena'],
  [/Hive/i, 'hive'],
];

const INCLUDE_ONLY = /^\{%-?\s*include\s+(['"])([^'"]+\.(?:sql|hql))\1\s*-?%\}$/i;

/** The SQL statements a task runs, with where they came from; missing files are reported. */
export async function taskSql(task: TaskInfo, ctx: SqlContext): Promise<{ sql: TaskSql[]; missing: { file: string; at: PyNode }[]; unknown: PyNode[] }> {
  const nodes: PyNode[] = [];
  /** The dialect of SQL a hook runs, by node: the hook's class tells it. */
  const hookDialects = new Map<number, string>();
  // Python tasks run SQL through hooks: a TaskFlow function's body, a PythonOperator's callable.
  const def = task.taskflow ? task.at : callableDef(task.kwargs.get('python_callable'));
  for (const h of def ? hookSql(def, ctx.scopes) : []) {
    nodes.push(h.node);
    const d = OPERATOR_DIALECTS.find(([re]) => re.test(h.hook));
    if (d) hookDialects.set(h.node.id, d[1]);
  }
  const sqlArg = task.taskflow ? undefined : (task.kwargs.get('sql') ?? task.kwargs.get('bql'));
  if (sqlArg) nodes.push(...(sqlArg.type === 'list' || sqlArg.type === 'tuple' ? sqlArg.namedChildren.filter((n): n is PyNode => !!n) : [sqlArg]));
  const query = task.taskflow ? undefined : dictPath(task.kwargs.get('configuration'), ['query', 'query'], ctx.scopes);
  if (query) nodes.push(query);
  const mapped = expandKwargsSql(task, ctx.scopes);
  nodes.push(...mapped.sql);
  const taskDialect = dialectOf(task, ctx);
  const params = paramsOf(task, ctx.scopes);
  const out: TaskSql[] = [];
  const missing: { file: string; at: PyNode }[] = [];
  /** SQL arguments whose text is known only when the task runs (built by a call, a parameter). */
  const unknown: PyNode[] = [...mapped.unknown];
  for (const node of nodes) {
    const dialect = hookDialects.get(node.id) ?? taskDialect;
    const v = pathValue(node, ctx.scopes, posix.dirname(ctx.path));
    if (!v) unknown.push(node);
    if (!v || !v.value.trim()) continue;
    // `"{% include 'sql/daily.sql' %}"` (BigQuery jobs above all) is the file, found the same way.
    const text = v.value.trim().replace(INCLUDE_ONLY, '$2');
    const guessed: TaskSql['guessed'] = [];
    if (/^[^\s;]+\.(sql|hql)$/i.test(text)) {
      const hit = await findSqlFile(text, ctx);
      if (hit) out.push({ sql: neutralizeJinja(hit.text, params, guessed), file: hit.path, fileText: hit.text, ranges: [], viaVariable: v.viaVariable, dialect, at: node, guessed });
      else missing.push({ file: text, at: node });
      continue;
    }
    out.push({ sql: neutralizeJinja(v.value, params, guessed), ranges: literalRanges(node, ctx.scopes), viaVariable: v.viaVariable, dialect, at: node, guessed });
  }
  return { sql: out, missing, unknown };
}

function dialectOf(task: TaskInfo, ctx: SqlContext): string {
  for (const [re, d] of OPERATOR_DIALECTS) if (re.test(task.operator)) return d;
  for (const [k, v] of task.kwargs) {
    if (!/conn_id$/.test(k)) continue;
    const hint = `${k} ${stringValue(v, ctx.scopes)?.value ?? ''}`;
    for (const [re, d] of OPERATOR_DIALECTS) if (re.test(hint)) return d;
  }
  return ctx.defaultDialect;
}

/**
 * `.partial(...).expand_kwargs([{"sql": "…"}, …])`: each mapped instance's SQL, when the list of
 * keyword dicts is written in the code; otherwise (an upstream task's result, say) the argument
 * is known only when the DAG runs.
 */
function expandKwargsSql(task: TaskInfo, scopes: PyScopes): { sql: PyNode[]; unknown: PyNode[] } {
  const out = { sql: [] as PyNode[], unknown: [] as PyNode[] };
  for (const call of task.taskflow ? [] : task.calls) {
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'expand_kwargs') continue;
    const arg = callArguments(call).positional[0];
    const list = boundValue(arg, scopes);
    if (list?.type !== 'list' && list?.type !== 'tuple') {
      if (arg) out.unknown.push(arg);
      continue;
    }
    for (const item of list.namedChildren) {
      const sql = item ? (dictPath(item, ['sql'], scopes) ?? dictPath(item, ['bql'], scopes)) : undefined;
      if (sql) out.sql.push(sql);
      else if (item && item.type !== 'comment') out.unknown.push(item);
    }
  }
  return out;
}

/** `{"query": {"query": "..."}}` (or a variable bound to it): the value at the key path. */
export function dictPath(node: PyNode | undefined, keys: string[], scopes: PyScopes): PyNode | undefined {
  let n = boundValue(node, scopes);
  for (const key of keys) n = boundValue(dictItem(n, key, scopes), scopes);
  return n;
}

/**
 * A string or a path: string values, plus `os.path.dirname(__file__)` / `Path(__file__).parent`
 * (the DAG folder), `os.path.join(...)` and `Path(...) / "x"` built on them.
 */
export function pathValue(node: PyNode | null | undefined, scopes: PyScopes, dagDir: string, depth = 0): PyString | undefined {
  if (!node || depth > 8) return undefined;
  // The pattern's text starts with `os`, `Path` or `pathlib`: other nodes (a SQL string above all)
  // are not copied without their whitespace just to fail it.
  const text = /^\s*[oPp]/.test(node.text) ? node.text.replace(/\s+/g, '') : '';
  if (/^(os\.path\.dirname\((os\.path\.(abspath|realpath)\()?__file__\)?\)|(pathlib\.)?Path\(__file__\)(\.(resolve|absolute)\(\))?\.parent)$/.test(text)) return { value: dagDir || '.', viaVariable: false };
  if (node.type === 'parenthesized_expression') return pathValue(node.namedChildren[0], scopes, dagDir, depth + 1);
  if (node.type === 'identifier') {
    const bound = scopes.lookup(node.text, node);
    const v = bound && bound !== node ? pathValue(bound, scopes, dagDir, depth + 1) : undefined;
    return v ? { value: v.value, viaVariable: true } : undefined;
  }
  const parts = (nodes: (PyNode | null)[]) => {
    const vs = nodes.map((n) => pathValue(n, scopes, dagDir, depth + 1));
    return vs.every((v) => v) ? { value: posix.join(...vs.map((v) => v!.value)), viaVariable: vs.some((v) => v!.viaVariable) } : undefined;
  };
  if (node.type === 'call' && /^(os\.path|posixpath|path)\.join$/.test(callName(node))) return parts(callArguments(node).positional);
  if (node.type === 'call' && /^(pathlib\.)?Path$/.test(callName(node))) return parts(callArguments(node).positional);
  if (node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '/') return parts([node.childForFieldName('left'), node.childForFieldName('right')]);
  if (node.type === 'call' && node.childForFieldName('function')?.type === 'attribute' && /\.(as_posix|__str__)$/.test(callName(node))) return pathValue(node.childForFieldName('function')?.childForFieldName('object'), scopes, dagDir, depth + 1);
  if (node.type === 'call' && callName(node) === 'str') return pathValue(callArguments(node).positional[0], scopes, dagDir, depth + 1);
  return stringValue(node, scopes);
}

/** The `template_searchpath` of a DAG, as paths (absolute ones kept as written). */
export function searchpathOf(node: PyNode | undefined, scopes: PyScopes, dagDir: string): string[] {
  if (!node) return [];
  const items = node.type === 'list' || node.type === 'tuple' ? node.namedChildren : [node];
  return items.map((n) => pathValue(n, scopes, dagDir)?.value).filter((v): v is string => !!v);
}

// Airflow's Jinja loader looks in the DAG folder first, then template_searchpath. Absolute paths
// are the deployment's (/opt/airflow/dags/sql): their trailing parts are tried in the workspace.
async function findSqlFile(file: string, ctx: SqlContext): Promise<{ path: string; text: string } | undefined> {
  const dagDir = posix.dirname(ctx.path) === '.' ? '' : posix.dirname(ctx.path);
  const candidates: string[] = [];
  const add = (dir: string) => {
    if (dir.startsWith('/')) {
      const parts = dir.split('/').filter(Boolean);
      for (let i = 0; i <= parts.length; i++) candidates.push(normalizePath(file, parts.slice(i).join('/')));
    } else candidates.push(normalizePath(file, dir));
  };
  if (file.startsWith('/')) add('');
  else {
    add(dagDir);
    for (const sp of ctx.searchpath) {
      add(sp);
      if (!sp.startsWith('/') && !isUri(sp) && dagDir) add(posix.join(dagDir, sp));
    }
    add('');
  }
  for (const c of [...new Set(candidates)]) {
    if (!c || c.startsWith('/')) continue;
    const text = await ctx.readFile(c);
    if (text !== undefined) return { path: c, text };
  }
  return undefined;
}

const DATE = '2024-01-01';
const IDENTIFIER_EXPR = /^(params|var|conn|dag_run\.conf)\b/;
const SKIP_WORDS = new Set(['params', 'var', 'value', 'json', 'get', 'conn', 'dag_run', 'conf']);

/**
 * Airflow's Jinja made harmless, keeping every line's length: `{% %}` and `{# #}` become spaces;
 * `{{ params.x }}` outside quotes becomes the task's or DAG's `params` value when known, else the
 * name (`x`), right-aligned so `{{ params.schema }}.orders` stays one name; other `{{ }}` outside
 * quotes a date literal (`'2024-01-01'`, shortened to fit); anything inside quotes a date.
 */
export function neutralizeJinja(sql: string, params: Map<string, string> = new Map(), guessed?: { expr: string; as: string; offset: number }[]): string {
  let out = '';
  let quoted = false;
  let i = 0;
  // Text outside tags is copied a run at a time (from `kept` to the next tag) rather than one
  // character at a time, which made a string object per character.
  let kept = 0;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    const next = sql.charCodeAt(i + 1);
    if (c === OPEN_BRACE && (next === OPEN_BRACE || next === PERCENT || next === HASH)) {
      const close = next === OPEN_BRACE ? '}}' : next === PERCENT ? '%}' : '#}';
      const end = sql.indexOf(close, i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      const tag = sql.slice(i, stop);
      out += sql.slice(kept, i);
      out += next === OPEN_BRACE && !tag.includes('\n') ? expression(tag, quoted, params, guessed, i) : tag.replace(/[^\n]/g, ' ');
      i = kept = stop;
      continue;
    }
    if (!quoted && c === DASH && next === DASH) {
      // A comment is kept as written; quotes in it open nothing.
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl;
      continue;
    }
    if (c === QUOTE) quoted = !quoted;
    i++;
  }
  return out + sql.slice(kept);
}

const OPEN_BRACE = 0x7b;
const PERCENT = 0x25;
const HASH = 0x23;
const DASH = 0x2d;
const QUOTE = 0x27;

/** `offset`: where the tag starts in the SQL (for what `guessed` records). */
function expression(tag: string, quoted: boolean, params: Map<string, string>, guessed: { expr: string; as: string; offset: number }[] | undefined, offset: number): string {
  const len = tag.length;
  const expr = tag.slice(2, -2).replace(/^-|-$/g, '').trim().split('|')[0].trim();
  const param = /^params\.(\w+)$/.exec(expr) ?? /^params\[["'](\w+)["']\]$/.exec(expr);
  const known = param ? params.get(param[1]) : undefined;
  if (known !== undefined) return known.length >= len ? known : known.padStart(len, ' ');
  if (quoted) return (len >= DATE.length ? DATE : DATE.replace(/-/g, '')).slice(0, len).padEnd(len, ' ');
  if (IDENTIFIER_EXPR.test(expr)) {
    const words = (expr.match(/[A-Za-z_]\w*/g) ?? []).filter((w) => !SKIP_WORDS.has(w));
    const name = (words.pop() ?? 'x').slice(0, len);
    guessed?.push({ expr, as: name, offset });
    return name.padStart(len, ' ');
  }
  return `'${DATE.slice(0, Math.max(0, len - 2))}'`.padStart(len, ' ');
}

/**
 * The string entries of a task's `params`, over its DAG's `default_args={"params": …}` (which
 * every task of the DAG takes as its own), over the DAG's `params`.
 */
export function paramsOf(task: TaskInfo, scopes: PyScopes): Map<string, string> {
  const out = new Map<string, string>();
  const defaults = dictPath(task.dag.kwargs.get('default_args'), ['params'], scopes);
  for (const node of [task.dag.kwargs.get('params'), defaults, task.kwargs.get('params')]) {
    const dict = dictPath(node, [], scopes);
    for (const pair of dict?.type === 'dictionary' ? dict.namedChildren : []) {
      if (pair?.type !== 'pair') continue;
      const k = stringValue(pair.childForFieldName('key'), scopes)?.value;
      const v = stringValue(pair.childForFieldName('value'), scopes)?.value;
      if (k !== undefined && v !== undefined) out.set(k, v);
    }
  }
  return out;
}
