// SQL a Python task runs through a hook: TaskFlow functions and PythonOperator callables that call
// `PostgresHook(...).run(sql)`, `hook.get_records(sql)`, `get_pandas_df`, `get_first` and the like.
// Only calls on a SQL database's hook are read (a `PostgresHook(...)` call, or a name bound to
// one): `run` and `execute` on anything else (an HttpHook's endpoint, a subprocess) are not SQL.
import type { PyNode } from '../../python/pythonParser';
import type { PyScopes } from '../../python/pyValues';
import { boundValue, callName, callArguments } from '../../python/pyValues';

const SQL_HOOK = /(Sql|Postgres|Snowflake|BigQuery|Redshift|Databricks|Trino|Presto|Mssql|MySql|Sqlite|Athena|Hive\w*|Oracle|Vertica|Exasol|Jdbc|Odbc|DbApi|Teradata|Druid|Pinot|Impala|ClickHouse|DuckDB)Hook$/i;
const HOOK_METHODS = new Set(['run', 'get_records', 'get_first', 'get_pandas_df', 'get_df', 'get_pandas_df_by_chunks', 'execute']);

export interface HookSql {
  /** The SQL argument. */
  node: PyNode;
  /** The hook's class (PostgresHook), which tells the dialect. */
  hook: string;
}

/** The SQL arguments of hook calls in a function's body. */
export function hookSql(def: PyNode, scopes: PyScopes): HookSql[] {
  const out: HookSql[] = [];
  const body = def.childForFieldName('body');
  for (const call of body?.descendantsOfType('call') ?? []) {
    const fn = call?.childForFieldName('function');
    if (!call || fn?.type !== 'attribute' || !HOOK_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) continue;
    const hook = hookClass(fn.childForFieldName('object'), scopes);
    if (!hook) continue;
    const { positional, keywords } = callArguments(call);
    const sql = keywords.get('sql') ?? positional[0];
    if (sql) out.push({ node: sql, hook });
  }
  return out;
}

/**
 * `PythonOperator(python_callable=fn)`: the `def fn` of the file, if it is there. A name defined
 * twice is the last `def` before the operator, as the file runs top to bottom (the last one in the
 * file when none comes before, as for an operator made inside a function called later).
 */
export function callableDef(callable: PyNode | undefined): PyNode | undefined {
  if (callable?.type !== 'identifier') return undefined;
  let root: PyNode = callable;
  while (root.parent) root = root.parent;
  const defs = root.descendantsOfType('function_definition').filter((d): d is PyNode => d?.childForFieldName('name')?.text === callable.text);
  const before = defs.filter((d) => d.startIndex < callable.startIndex);
  return (before.length ? before : defs).at(-1);
}

function hookClass(receiver: PyNode | null | undefined, scopes: PyScopes): string | undefined {
  const made = boundValue(receiver, scopes);
  const name = made?.type === 'call' ? (callName(made).split('.').pop() ?? '') : '';
  return SQL_HOOK.test(name) ? name : undefined;
}
