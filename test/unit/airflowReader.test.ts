// Airflow DAG files in the styles teams write them, read on a real Python parse: DAGs, tasks,
// dependencies, SQL (inline, constants, .sql files), dbt runs, Datasets, Spark, other DAGs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { looksLikeDag, readAirflowFile } from '../../src/core/readers/airflow/airflowReader';
import { neutralizeJinja } from '../../src/core/readers/airflow/airflowSql';
import { parseDbtCommand } from '../../src/core/readers/airflow/airflowData';
import type { AssetFact, FileFacts } from '../../src/core/model';

async function read(file: string, files: Record<string, string>, extra: { templateSearchpath?: string[] } = {}): Promise<FileFacts> {
  return readAirflowFile(file, files[file], { dialect: 'postgres', readFile: async (p) => files[p], ...extra });
}

const src = (...lines: string[]) => lines.join('\n') + '\n';

function asset(facts: FileFacts, id: string): AssetFact {
  const a = facts.assets.find((x) => x.id === id);
  assert.ok(a, `no asset ${id} in ${facts.assets.map((x) => x.id).join(', ')}`);
  return a;
}

/** Each task's upstream task ids, by task id. */
function taskGraph(facts: FileFacts, dagId: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const a of facts.assets) {
    if (a.asset_type !== 'airflow_task' || a.meta?.parent !== `dag:${dagId}`) continue;
    out[a.name.slice(dagId.length + 1)] = a.upstream.map((u) => (u.kind === 'name' ? u.name.replace(`task:${dagId}.`, '') : JSON.stringify(u)));
  }
  return out;
}

test('the tutorial DAG: the DAG is the consumer of its SQL, tasks hang under it', async () => {
  const file = 'dags/daily_revenue_report.py';
  const text = fs.readFileSync(path.join(__dirname, '../../examples/orders-pipeline', file), 'utf8');
  assert.equal(looksLikeDag(text), true);
  const facts = await read(file, { [file]: text });
  const sqlStart = text.indexOf('sql="""') + 7;
  const sqlEnd = text.indexOf('"""', sqlStart);
  assert.deepEqual(facts.assets, [
    {
      id: 'dag:daily_revenue_report',
      asset_type: 'dag',
      name: 'daily_revenue_report',
      source_ref: file,
      location: { path: file, line: 7, column: 6 },
      origin: 'airflow',
      upstream: [{ kind: 'relation', relation: { schema: 'marts', name: 'fct_orders' } }],
      meta: { schedule: '@daily', tags: ['finance'], tasks: ['compute_daily_revenue'], dagFile: file, sqlRanges: [{ start: sqlStart, end: sqlEnd }] },
    },
    {
      id: 'task:daily_revenue_report.compute_daily_revenue',
      asset_type: 'airflow_task',
      name: 'daily_revenue_report.compute_daily_revenue',
      aliases: [],
      source_ref: file,
      location: { path: file, line: 14, column: 15 },
      origin: 'airflow',
      upstream: [],
      meta: { parent: 'dag:daily_revenue_report', operator: 'SQLExecuteQueryOperator' },
    },
  ]);
  const sql = text.slice(sqlStart, sqlEnd).replace("'{{ ds }}'", "'20240101'");
  // The range is the string literal's content: positions are searched there, not in the Python.
  const start = text.indexOf('sql="""') + 'sql="""'.length;
  const range = { start, end: text.indexOf('"""', start) };
  assert.deepEqual(facts.queries, [{ path: file, originalText: text, sql, dialect: 'postgres', ownerId: 'dag:daily_revenue_report', range }]);
  assert.deepEqual(facts.diagnostics, []);
});

test('classic operators: dag=dag, >> chains with lists, <<, set_upstream / set_downstream', async () => {
  const file = 'dags/classic.py';
  const facts = await read(file, {
    [file]: src(
      'from datetime import datetime',
      'from airflow import DAG',
      'from airflow.operators.bash import BashOperator',
      'from airflow.operators.empty import EmptyOperator',
      '',
      'dag = DAG("classic_etl", schedule="0 6 * * *", tags=["etl", "core"], start_date=datetime(2024, 1, 1))',
      '',
      'start = EmptyOperator(task_id="start", dag=dag)',
      'extract_a = BashOperator(task_id="extract_a", bash_command="echo a", dag=dag)',
      'extract_b = BashOperator(task_id="extract_b", bash_command="echo b", dag=dag)',
      'transform = EmptyOperator(task_id="transform", dag=dag)',
      'load = EmptyOperator(task_id="load", dag=dag)',
      'notify = EmptyOperator(task_id="notify", dag=dag)',
      'audit = EmptyOperator(task_id="audit", dag=dag)',
      'cleanup = EmptyOperator(task_id="cleanup", dag=dag)',
      '',
      'start >> [extract_a, extract_b] >> transform',
      'load << transform',
      'load.set_downstream(notify)',
      'audit.set_upstream([load, transform])',
      'cleanup << [notify, audit]',
    ),
  });
  const dag = asset(facts, 'dag:classic_etl');
  assert.deepEqual(dag.location, { path: file, line: 6, column: 7 });
  assert.deepEqual(dag.upstream, []);
  assert.deepEqual(dag.meta, { schedule: '0 6 * * *', tags: ['etl', 'core'], tasks: ['start', 'extract_a', 'extract_b', 'transform', 'load', 'notify', 'audit', 'cleanup'], dagFile: file });
  assert.deepEqual(taskGraph(facts, 'classic_etl'), {
    start: [],
    extract_a: ['start'],
    extract_b: ['start'],
    transform: ['extract_a', 'extract_b'],
    load: ['transform'],
    notify: ['load'],
    audit: ['load', 'transform'],
    cleanup: ['notify', 'audit'],
  });
  assert.deepEqual(asset(facts, 'task:classic_etl.extract_a'), {
    id: 'task:classic_etl.extract_a',
    asset_type: 'airflow_task',
    name: 'classic_etl.extract_a',
    aliases: [],
    source_ref: file,
    location: { path: file, line: 9, column: 13 },
    origin: 'airflow',
    upstream: [{ kind: 'name', name: 'task:classic_etl.start' }],
    meta: { parent: 'dag:classic_etl', operator: 'BashOperator' },
  });
  assert.deepEqual(facts.queries, []);
});

// A chain is nested on the left as deep as it is long; a 12-step limit on that nesting once
// dropped the first links of any chain over 12 tasks, without a word.
test('a long >> chain, mixed with <<, keeps every link; a 3,000-task chain does not overflow', async () => {
  const file = 'dags/long_chain.py';
  const steps = Array.from({ length: 30 }, (_, i) => `s${i}`);
  const facts = await read(file, {
    [file]: src(
      'from airflow import DAG',
      'from airflow.operators.empty import EmptyOperator',
      'with DAG("long_chain", schedule=None) as dag:',
      ...steps.map((t) => `    ${t} = EmptyOperator(task_id="${t}")`),
      '    side = EmptyOperator(task_id="side")',
      `    ${steps.join(' >> ')} << side`,
    ),
  });
  const graph = taskGraph(facts, 'long_chain');
  assert.deepEqual(graph.s0, []);
  for (let i = 1; i < steps.length - 1; i++) assert.deepEqual(graph[steps[i]], [steps[i - 1]], steps[i]);
  // `... >> s29 << side`: s29 is upstream of nothing new, side is upstream of s29.
  assert.deepEqual(graph.s29, ['s28', 'side']);
  assert.deepEqual(graph.side, []);

  const many = Array.from({ length: 3000 }, (_, i) => `t${i}`);
  const big = await read(file, {
    [file]: src('from airflow import DAG', 'from airflow.operators.empty import EmptyOperator', 'with DAG("huge", schedule=None) as dag:', ...many.map((t) => `    ${t} = EmptyOperator(task_id="${t}")`), `    ${many.join(' >> ')}`),
  });
  const bigGraph = taskGraph(big, 'huge');
  assert.equal(Object.values(bigGraph).filter((ups) => ups.length === 1).length, 2999);
  assert.deepEqual(bigGraph.t2999, ['t2998']);
  assert.deepEqual(big.diagnostics, []);
});

test('chain() pairs equal lists element by element; cross_downstream connects all pairs', async () => {
  const file = 'dags/chained.py';
  const facts = await read(file, {
    [file]: src(
      'from airflow import DAG',
      'from airflow.models.baseoperator import chain, cross_downstream',
      'from airflow.operators.empty import EmptyOperator',
      '',
      'with DAG(dag_id="chained", schedule=None) as dag:',
      '    a = EmptyOperator(task_id="a")',
      '    b1, b2 = EmptyOperator(task_id="b1"), EmptyOperator(task_id="b2")',
      '    c1 = EmptyOperator(task_id="c1")',
      '    c2 = EmptyOperator(task_id="c2")',
      '    d = EmptyOperator(task_id="d")',
      '    x1 = EmptyOperator(task_id="x1")',
      '    x2 = EmptyOperator(task_id="x2")',
      '    y1 = EmptyOperator(task_id="y1")',
      '    y2 = EmptyOperator(task_id="y2")',
      '    chain(a, [c1, c2], d)',
      '    cross_downstream([x1, x2], to_tasks=[y1, y2])',
      '    chain([x1, x2], [c1, c2])',
    ),
  });
  assert.deepEqual(asset(facts, 'dag:chained').meta?.schedule, null);
  assert.deepEqual(taskGraph(facts, 'chained'), {
    a: [],
    b1: [],
    b2: [],
    c1: ['a', 'x1'],
    c2: ['a', 'x2'],
    d: ['c1', 'c2'],
    x1: [],
    x2: [],
    y1: ['x1', 'x2'],
    y2: ['x1', 'x2'],
  });
});

test('TaskFlow: @dag and @task functions, t2(t1()), results through variables, override, task.bash', async () => {
  const file = 'dags/orders_taskflow.py';
  const facts = await read(file, {
    [file]: src(
      'import pendulum',
      'from airflow.decorators import dag, task',
      '',
      '@dag(schedule="@hourly", start_date=pendulum.datetime(2024, 1, 1), tags=["taskflow"])',
      'def orders_taskflow():',
      '    @task',
      '    def extract():',
      '        return [1, 2]',
      '',
      '    @task(task_id="transform_rows")',
      '    def transform(rows):',
      '        return rows',
      '',
      '    @task.bash',
      '    def report():',
      '        return "echo done"',
      '',
      '    @task()',
      '    def load(rows, other):',
      '        pass',
      '',
      '    rows = extract()',
      '    load(transform(rows), other=extract())',
      '    load.override(task_id="load_again")(rows, None) >> report()',
      '',
      'orders_taskflow()',
    ),
  });
  const dag = asset(facts, 'dag:orders_taskflow');
  assert.deepEqual(dag.location, { path: file, line: 4, column: 1 });
  assert.deepEqual(dag.meta, { schedule: '@hourly', tags: ['taskflow'], tasks: ['extract', 'load', 'transform_rows', 'extract__1', 'load_again', 'report'], dagFile: file });
  assert.deepEqual(taskGraph(facts, 'orders_taskflow'), {
    extract: [],
    load: ['transform_rows', 'extract__1'],
    transform_rows: ['extract'],
    extract__1: [],
    load_again: ['extract'],
    report: ['load_again'],
  });
  const report = asset(facts, 'task:orders_taskflow.report');
  assert.deepEqual(report.location, { path: file, line: 15, column: 5 });
  assert.deepEqual(report.meta, { parent: 'dag:orders_taskflow', operator: '@task.bash' });
  assert.equal(asset(facts, 'task:orders_taskflow.load').meta?.operator, '@task');
});

test('TaskGroups prefix task ids; a group on either side of >> stands for its first / last tasks; .expand()', async () => {
  const file = 'dags/grouped.py';
  const facts = await read(file, {
    [file]: src(
      'from airflow import DAG',
      'from airflow.operators.bash import BashOperator',
      'from airflow.operators.empty import EmptyOperator',
      'from airflow.utils.task_group import TaskGroup',
      '',
      'with DAG("grouped", schedule="@daily") as dag:',
      '    start = EmptyOperator(task_id="start")',
      '    with TaskGroup("extract") as extract_group:',
      '        orders = BashOperator(task_id="orders", bash_command="echo o")',
      '        customers = BashOperator(task_id="customers", bash_command="echo c")',
      '        with TaskGroup(group_id="checks", prefix_group_id=True) as checks:',
      '            EmptyOperator(task_id="row_count")',
      '        [orders, customers] >> checks',
      '    with TaskGroup("flat", prefix_group_id=False) as flat:',
      '        plain = EmptyOperator(task_id="plain")',
      '    files = BashOperator.partial(task_id="process_files").expand(bash_command=["echo 1", "echo 2"])',
      '    done = EmptyOperator(task_id="done")',
      '    start >> extract_group >> flat >> files >> done',
    ),
  });
  assert.deepEqual(asset(facts, 'dag:grouped').meta?.tasks, ['start', 'extract.orders', 'extract.customers', 'extract.checks.row_count', 'plain', 'process_files', 'done']);
  assert.deepEqual(taskGraph(facts, 'grouped'), {
    start: [],
    'extract.orders': ['start'],
    'extract.customers': ['start'],
    'extract.checks.row_count': ['extract.orders', 'extract.customers'],
    plain: ['extract.checks.row_count'],
    process_files: ['plain'],
    done: ['process_files'],
  });
  assert.deepEqual(asset(facts, 'task:grouped.extract.checks.row_count').meta, { parent: 'dag:grouped', operator: 'EmptyOperator', taskGroup: 'extract.checks' });
  assert.deepEqual(asset(facts, 'task:grouped.plain').meta, { parent: 'dag:grouped', operator: 'EmptyOperator', taskGroup: 'flat' });
  assert.deepEqual(asset(facts, 'task:grouped.process_files').meta, { parent: 'dag:grouped', operator: 'BashOperator', mapped: true });
  assert.deepEqual(asset(facts, 'task:grouped.process_files').location, { path: file, line: 16, column: 13 });
});

test('@task_group functions and TaskFlow .expand() over another task\'s result', async () => {
  const file = 'dags/regional.py';
  const facts = await read(file, {
    [file]: src(
      'from airflow.decorators import dag, task, task_group',
      '',
      '@dag(dag_id="regional", schedule=None)',
      'def regional_dag():',
      '    @task',
      '    def regions():',
      '        return ["eu", "us"]',
      '',
      '    @task',
      '    def fetch(region):',
      '        return region',
      '',
      '    @task_group(group_id="publish")',
      '    def publish(data):',
      '        @task',
      '        def store(data): ...',
      '        @task',
      '        def announce(): ...',
      '        store(data) >> announce()',
      '',
      '    publish(fetch.expand(region=regions()))',
      '',
      'regional_dag()',
    ),
  });
  assert.deepEqual(asset(facts, 'dag:regional').meta?.tasks, ['publish.store', 'publish.announce', 'fetch', 'regions']);
  // `data` is the group call's argument, fetch's result: store reads it, so fetch is upstream.
  assert.deepEqual(taskGraph(facts, 'regional'), { 'publish.store': ['fetch'], 'publish.announce': ['publish.store'], fetch: ['regions'], regions: [] });
  assert.deepEqual(asset(facts, 'task:regional.fetch').meta, { parent: 'dag:regional', operator: '@task', mapped: true });
  assert.deepEqual(asset(facts, 'task:regional.publish.store').meta, { parent: 'dag:regional', operator: '@task', taskGroup: 'publish' });
});

test('Datasets: outlets become file / table assets downstream of the DAG; schedule and inlets are upstream', async () => {
  const file = 'dags/datasets.py';
  const files = {
    [file]: src(
      'from airflow import DAG',
      'from airflow.datasets import Dataset',
      'from airflow.decorators import task',
      'from airflow.operators.bash import BashOperator',
      'from airflow.operators.empty import EmptyOperator',
      '',
      'RAW_ORDERS = Dataset("s3://lake/raw/orders.parquet")',
      '',
      '@task(outlets=[Dataset("data/summary.csv")])',
      'def summarize():',
      '    pass',
      '',
      'with DAG("producer", schedule="@daily") as producer:',
      '    export = BashOperator(task_id="export", bash_command="echo", outlets=[RAW_ORDERS, Dataset(uri="postgres://warehouse:5432/analytics/public/orders_export")])',
      '    export >> summarize()',
      '',
      'with DAG("consumer", schedule=[RAW_ORDERS, Dataset("./data/lookup.csv")]) as consumer:',
      '    EmptyOperator(task_id="consume", inlets=[Dataset("postgres://warehouse/analytics/customers")])',
    ),
  };
  const line14 = files[file].split('\n')[13];
  const facts = await read(file, files);
  assert.deepEqual(
    facts.assets.map((a) => a.id),
    ['dag:producer', 'task:producer.export', 'task:producer.summarize', 'file:s3://lake/raw/orders.parquet', 'table:public.orders_export', 'file:data/summary.csv', 'dag:consumer', 'task:consumer.consume'],
  );
  assert.deepEqual(asset(facts, 'file:s3://lake/raw/orders.parquet'), {
    id: 'file:s3://lake/raw/orders.parquet',
    asset_type: 'file',
    name: 's3://lake/raw/orders.parquet',
    source_ref: 's3://lake/raw/orders.parquet',
    location: { path: file, line: 7, column: 14 },
    origin: 'airflow',
    upstream: [{ kind: 'name', name: 'dag:producer' }],
    meta: { datasetUri: 's3://lake/raw/orders.parquet' },
  });
  assert.deepEqual(asset(facts, 'table:public.orders_export'), {
    id: 'table:public.orders_export',
    asset_type: 'table',
    name: 'public.orders_export',
    source_ref: file,
    relation: { schema: 'public', name: 'orders_export' },
    location: { path: file, line: 14, column: line14.indexOf('Dataset(uri=') + 1 },
    origin: 'airflow',
    upstream: [{ kind: 'name', name: 'dag:producer' }],
    meta: { datasetUri: 'postgres://warehouse:5432/analytics/public/orders_export' },
  });
  assert.deepEqual(asset(facts, 'file:data/summary.csv').upstream, [{ kind: 'name', name: 'dag:producer' }]);
  assert.deepEqual(taskGraph(facts, 'producer'), { export: [], summarize: ['export'] });
  const consumer = asset(facts, 'dag:consumer');
  assert.deepEqual(consumer.upstream, [
    { kind: 'path', path: 's3://lake/raw/orders.parquet' },
    { kind: 'path', path: 'data/lookup.csv' },
    { kind: 'relation', relation: { schema: 'analytics', name: 'customers' } },
  ]);
  assert.deepEqual(consumer.meta?.schedule, ['s3://lake/raw/orders.parquet', './data/lookup.csv']);
  assert.deepEqual(asset(facts, 'dag:producer').upstream, []);
});

test('SQL in .sql files (DAG folder, template_searchpath), BigQuery configuration.query, Jinja neutralised', async () => {
  const file = 'dags/warehouse.py';
  const loadSql = "insert into marts.customers_daily\nselect customer_id, order_total\nfrom {{ params.schema }}.orders\nwhere order_date = '{{ ds }}'\n";
  const aggSql = 'select customer_id, sum(amount) as total\nfrom {{ params.source }}.payments -- {{ ds }}\n{% if params.full %}where true{% endif %}\ngroup by 1\n';
  const files: Record<string, string> = {
    [file]: src(
      'import os',
      'from airflow import DAG',
      'from airflow.providers.snowflake.operators.snowflake import SnowflakeOperator',
      'from airflow.providers.postgres.operators.postgres import PostgresOperator',
      'from airflow.providers.google.cloud.operators.bigquery import BigQueryInsertJobOperator',
      'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
      '',
      'with DAG("warehouse_loads", template_searchpath=["/opt/airflow/include/sql"], schedule="@daily", params={"schema": "raw"}) as dag:',
      '    load = SnowflakeOperator(task_id="load_customers", sql="load_customers.sql")',
      '    agg = PostgresOperator(task_id="aggregate", sql=os.path.join("queries", "aggregate.sql"))',
      '    bq = BigQueryInsertJobOperator(',
      '        task_id="bq_job",',
      '        configuration={"query": {"query": "select customer_id from analytics.customers", "useLegacySql": False}},',
      '    )',
      '    gone = SQLExecuteQueryOperator(task_id="missing", conn_id="warehouse", sql="nope.sql")',
      '    load >> agg >> bq >> gone',
    ),
    'include/sql/load_customers.sql': loadSql,
    'dags/queries/aggregate.sql': aggSql,
  };
  const facts = await read(file, files);
  const owner = 'dag:warehouse_loads';
  assert.deepEqual(facts.queries, [
    {
      path: 'include/sql/load_customers.sql',
      originalText: loadSql,
      sql: "insert into marts.customers_daily\nselect customer_id, order_total\nfrom                 raw.orders\nwhere order_date = '20240101'\n",
      dialect: 'snowflake',
      ownerId: owner,
    },
    {
      path: 'dags/queries/aggregate.sql',
      originalText: aggSql,
      sql: 'select customer_id, sum(amount) as total\nfrom              source.payments -- {{ ds }}\n' + ' '.repeat(20) + 'where true           \ngroup by 1\n',
      dialect: 'postgres',
      ownerId: owner,
    },
    {
      path: file,
      originalText: files[file],
      sql: 'select customer_id from analytics.customers',
      dialect: 'bigquery',
      ownerId: owner,
      range: { start: files[file].indexOf('select customer_id from'), end: files[file].indexOf('select customer_id from') + 'select customer_id from analytics.customers'.length },
    },
  ]);
  const dag = asset(facts, owner);
  assert.deepEqual(dag.upstream, [
    { kind: 'relation', relation: { schema: 'raw', name: 'orders' } },
    { kind: 'relation', relation: { schema: 'source', name: 'payments' } },
    { kind: 'relation', relation: { schema: 'analytics', name: 'customers' } },
  ]);
  const bqStart = files[file].indexOf('select customer_id from');
  assert.deepEqual(dag.meta?.sqlRanges, [{ start: bqStart, end: bqStart + 'select customer_id from analytics.customers'.length }]);
  // {{ params.source }} has no value in params: read as "source", and said so where it is written.
  assert.deepEqual(facts.diagnostics, [
    { path: 'dags/queries/aggregate.sql', line: 2, column: 6, severity: 'info', code: 'runtime-value', message: 'warehouse_loads.aggregate: {{ params.source }} in the SQL is known only when the task runs, so the lineage reads it as "source"' },
    { path: file, line: 15, column: 80, severity: 'warning', code: 'missing-file', message: 'warehouse_loads.missing: SQL file "nope.sql" not found in the DAG folder or template_searchpath' },
  ]);
  // A deployment searchpath given by the caller is searched too.
  const moved = { ...files, 'sql/nope.sql': 'select 1' };
  const again = await read(file, moved, { templateSearchpath: ['sql'] });
  assert.deepEqual(again.diagnostics.map((d) => d.code), ['runtime-value']);
  assert.equal(again.queries.length, 4);
});

test('dbt runs: BashOperator selectors, dbt operators, Cosmos DbtDag and DbtTaskGroup', async () => {
  const file = 'dags/dbt_nightly.py';
  const facts = await read(file, {
    [file]: src(
      'from airflow import DAG',
      'from airflow.operators.bash import BashOperator',
      'from cosmos import DbtDag, DbtTaskGroup, ProjectConfig, RenderConfig',
      '',
      'DBT_DIR = "/usr/app/dbt"',
      '',
      'with DAG("dbt_nightly", schedule="@daily") as dag:',
      '    seed = BashOperator(task_id="dbt_seed", bash_command=f"cd {DBT_DIR} && dbt seed --select raw_customers")',
      '    run = BashOperator(',
      '        task_id="dbt_run",',
      '        bash_command=f"cd {DBT_DIR} && dbt run --select +fct_orders stg_customers+ path:models/marts tag:nightly --exclude legacy --target prod",',
      '    )',
      '    build = BashOperator(task_id="dbt_build", bash_command="dbt build -s 2+dim_customers --target prod")',
      '    test = BashOperator(task_id="dbt_test", bash_command="dbt test --select fct_orders")',
      '    seed >> run >> build >> test',
      '',
      'jaffle = DbtDag(',
      '    dag_id="jaffle_cosmos",',
      '    project_config=ProjectConfig("/usr/local/airflow/dbt/jaffle_shop"),',
      '    render_config=RenderConfig(select=["path:models/staging", "customers"]),',
      '    schedule="@daily",',
      ')',
      '',
      'with DAG("mixed", schedule=None) as mixed:',
      '    pre = BashOperator(task_id="pre", bash_command="echo")',
      '    tg = DbtTaskGroup(group_id="transform", project_config=ProjectConfig("dbt/shop"), render_config=RenderConfig(select=["+orders"]))',
      '    post = BashOperator(task_id="post", bash_command="echo")',
      '    pre >> tg >> post',
    ),
  });
  // What a task runs is downstream of the task (its runs), not upstream of the DAG.
  const refs = (...names: string[]) => names.map((name) => ({ kind: 'ref', name }));
  const nightly = asset(facts, 'dag:dbt_nightly');
  assert.deepEqual(nightly.upstream, []);
  assert.deepEqual(nightly.meta?.dbtSelectors, ['raw_customers', '+fct_orders', 'stg_customers+', 'path:models/marts', 'tag:nightly', '2+dim_customers']);
  assert.deepEqual(asset(facts, 'task:dbt_nightly.dbt_seed').runs, refs('raw_customers'));
  // path: and tag: are resolved against the dbt projects once every file is read (dbtSelection.ts).
  assert.deepEqual(asset(facts, 'task:dbt_nightly.dbt_run').runs, refs('fct_orders', 'stg_customers'));
  assert.deepEqual(asset(facts, 'task:dbt_nightly.dbt_run').meta?.dbtRuns, ['+fct_orders', 'stg_customers+', 'path:models/marts', 'tag:nightly']);
  assert.deepEqual(asset(facts, 'task:dbt_nightly.dbt_build').runs, refs('dim_customers'));
  assert.equal(asset(facts, 'task:dbt_nightly.dbt_test').runs, undefined, 'dbt test builds nothing');
  // A Cosmos DbtDag is the run of its project: the DAG itself runs the models.
  const jaffle = asset(facts, 'dag:jaffle_cosmos');
  assert.deepEqual(jaffle.upstream, []);
  assert.deepEqual(jaffle.runs, refs('customers'));
  assert.deepEqual(jaffle.meta, { schedule: '@daily', tags: [], tasks: [], dagFile: file, dbtProject: '/usr/local/airflow/dbt/jaffle_shop', dbtSelectors: ['path:models/staging', 'customers'], dbtRuns: ['path:models/staging', 'customers'] });
  assert.deepEqual(asset(facts, 'dag:mixed').upstream, []);
  assert.deepEqual(asset(facts, 'task:mixed.transform').runs, refs('orders'));
  assert.deepEqual(taskGraph(facts, 'mixed'), { pre: [], transform: ['pre'], post: ['transform'] });
  assert.equal(asset(facts, 'task:mixed.transform').meta?.operator, 'DbtTaskGroup');
  assert.deepEqual(parseDbtCommand('dbt --no-write-json run --models=orders && dbt test'), ['orders']);
  assert.equal(parseDbtCommand('python etl.py'), undefined);
});

test('ExternalTaskSensor waits on another DAG; SparkSubmitOperator runs a job; TriggerDagRunOperator starts one', async () => {
  const file = 'dags/customer_ltv.py';
  const facts = await read(file, {
    [file]: src(
      'from airflow import DAG',
      'from airflow.sensors.external_task import ExternalTaskSensor',
      'from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator',
      'from airflow.operators.trigger_dagrun import TriggerDagRunOperator',
      '',
      'with DAG("customer_ltv", schedule="@daily") as dag:',
      '    wait = ExternalTaskSensor(task_id="wait_for_revenue", external_dag_id="daily_revenue_report", external_task_id="compute_daily_revenue")',
      '    ltv = SparkSubmitOperator(task_id="customer_ltv", application="jobs/../jobs/customer_ltv.py", conn_id="spark_default")',
      '    trigger = TriggerDagRunOperator(task_id="trigger_reports", trigger_dag_id="reports")',
      '    wait >> ltv >> trigger',
    ),
  });
  const dag = asset(facts, 'dag:customer_ltv');
  assert.deepEqual(dag.upstream, [{ kind: 'name', name: 'dag:daily_revenue_report' }]);
  assert.deepEqual(dag.meta, { schedule: '@daily', tags: [], tasks: ['wait_for_revenue', 'customer_ltv', 'trigger_reports'], dagFile: file, runs: [{ kind: 'spark', path: 'jobs/customer_ltv.py' }], triggers: ['reports'] });
  assert.deepEqual(taskGraph(facts, 'customer_ltv'), { wait_for_revenue: [], customer_ltv: ['wait_for_revenue'], trigger_reports: ['customer_ltv'] });
  // Tasks carry task dependencies only: no data upstream on any task.
  for (const t of facts.assets.filter((a) => a.asset_type === 'airflow_task')) assert.ok(t.upstream.every((u) => u.kind === 'name' && u.name.startsWith('task:')));
  // The task that submits the job runs it: the path resolves to the job that file defines.
  assert.deepEqual(asset(facts, 'task:customer_ltv.customer_ltv').runs, [{ kind: 'path', path: 'jobs/customer_ltv.py' }]);
});

test('SQL held in a constant is marked as found through a variable; the dialect follows the connection', async () => {
  const file = 'dags/revenue_const.py';
  const text = src(
    'from airflow import DAG',
    'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
    '',
    'REVENUE_SQL = """',
    'select order_date, sum(order_total) as revenue',
    'from marts.fct_orders',
    'group by order_date',
    '"""',
    '',
    'def build():',
    '    with DAG("revenue_const", schedule="@daily") as dag:',
    '        SQLExecuteQueryOperator(task_id="revenue", conn_id="snowflake_prod", sql=REVENUE_SQL)',
    '        SQLExecuteQueryOperator(task_id="literal", conn_id="snowflake_prod", sql="select 1")',
    '    return dag',
    '',
    'build()',
  );
  const facts = await read(file, { [file]: text });
  const dag = asset(facts, 'dag:revenue_const');
  const start = text.indexOf('"""') + 3;
  const lit = text.indexOf('select 1');
  assert.deepEqual(dag.meta?.sqlRanges, [
    { start, end: text.indexOf('"""', start) },
    { start: lit, end: lit + 8 },
  ]);
  assert.equal(dag.meta?.sqlViaVariable, true);
  assert.deepEqual(
    facts.queries.map((q) => [q.sql, q.dialect, q.ownerId]),
    [
      ['\nselect order_date, sum(order_total) as revenue\nfrom marts.fct_orders\ngroup by order_date\n', 'snowflake', 'dag:revenue_const'],
      ['select 1', 'snowflake', 'dag:revenue_const'],
    ],
  );
});

test('malformed Python: info diagnostics with positions, what parses is still read, nothing throws', async () => {
  const file = 'dags/broken.py';
  const facts = await read(file, {
    [file]: src(
      'from airflow import DAG',
      'from airflow.operators.empty import EmptyOperator',
      '',
      'with DAG("broken", schedule="@daily") as dag:',
      '    ok = EmptyOperator(task_id="ok")',
      '    then = EmptyOperator(task_id="then")',
      '    ok >> then',
      '',
      'def oops(:',
      '    pass',
    ),
  });
  assert.ok(facts.diagnostics.length >= 1);
  assert.ok(facts.diagnostics.every((d) => d.code === 'python-parse' && d.severity === 'info' && d.path === file));
  assert.equal(facts.diagnostics[0].line, 9);
  assert.deepEqual(taskGraph(facts, 'broken'), { ok: [], then: ['ok'] });
  for (const junk of ['', ')))(((', 'from airflow import DAG\nwith DAG(', 'x = """unterminated airflow dag', '\u0000airflow dag']) {
    const r = await read('dags/junk.py', { 'dags/junk.py': junk });
    assert.deepEqual(r.assets, []);
  }
});

test('a Python file that is not a DAG yields nothing; the pre-filter skips files without airflow', async () => {
  const text = src('import pandas as pd', 'df = pd.read_csv("data/x.csv")', 'def helper(:', '    pass');
  assert.equal(looksLikeDag(text), false);
  assert.deepEqual(await read('jobs/x.py', { 'jobs/x.py': text }), { path: 'jobs/x.py', assets: [], changes: [], queries: [], diagnostics: [] });
  const util = src('from airflow.models import Variable', 'def get(): return Variable.get("x")');
  assert.deepEqual((await read('plugins/util.py', { 'plugins/util.py': util })).assets, []);
});

test('Jinja is replaced without changing line lengths', () => {
  const sql = "select a from {{ params.t }} where d = '{{ ds }}' and e > {{ macros.ds_add(ds, -7) }}\n{% if x %}and f{% endif %}";
  const out = neutralizeJinja(sql);
  assert.deepEqual(out.split('\n').map((l) => l.length), sql.split('\n').map((l) => l.length));
  assert.equal(out, `select a from ${' '.repeat(13)}t where d = '20240101' and e > ${' '.repeat(15)}'2024-01-01'\n          and f           `);
});

// SQL that a helper builds, or that comes from an Airflow Variable, is known only when the task
// runs: the task is still read, and the gap is reported at the argument.
test('task SQL known only when the task runs: an information diagnostic, the constant SQL still read', async () => {
  const file = 'dags/dyn.py';
  const facts = await read(file, {
    [file]: src(
      'from airflow import DAG',
      'from airflow.models import Variable',
      'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
      'from company.sql import build_query',
      'with DAG("dyn", schedule=None) as dag:',
      '    a = SQLExecuteQueryOperator(task_id="a", sql=build_query("orders"))',
      '    b = SQLExecuteQueryOperator(task_id="b", sql=["select id from s.t", Variable.get("extra_sql")])',
      '    a >> b',
    ),
  });
  assert.deepEqual(
    facts.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`),
    [
      '6:50 info runtime-value dyn.a: the SQL this task runs (`build_query("orders")`) is known only when the code runs, so it is not in the lineage',
      '7:73 info runtime-value dyn.b: the SQL this task runs (`Variable.get("extra_sql")`) is known only when the code runs, so it is not in the lineage',
    ],
  );
  assert.deepEqual(asset(facts, 'dag:dyn').upstream, [{ kind: 'relation', relation: { schema: 's', name: 't' } }]);
  assert.deepEqual(facts.queries.map((q) => q.sql), ['select id from s.t']);
  assert.deepEqual(taskGraph(facts, 'dyn'), { a: [], b: ['a'] });
});

test('DAG(dag_id=...) assigned to a variable; Redshift and Databricks SQL operators; a list on the left of <<; Airflow 3 Assets', async () => {
  const file = 'dags/lakehouse_sync.py';
  const facts = await read(file, {
    [file]: src(
      'from airflow import DAG',
      'from airflow.sdk import Asset',
      'from airflow.providers.amazon.aws.operators.redshift_sql import RedshiftSQLOperator',
      'from airflow.providers.databricks.operators.databricks_sql import DatabricksSqlOperator',
      'from airflow.operators.empty import EmptyOperator',
      '',
      'dag = DAG(dag_id="lakehouse_sync", schedule=[Asset("s3://lake/raw/events/")], catchup=False)',
      '',
      'unload = RedshiftSQLOperator(task_id="unload_sessions", sql="select session_id, user_id from analytics.sessions", dag=dag)',
      'merge = DatabricksSqlOperator(',
      '    task_id="merge_sessions",',
      '    sql_endpoint_name="etl",',
      '    sql="insert into lake.sessions select session_id, user_id from staging.sessions",',
      '    outlets=[Asset("s3://lake/curated/sessions/")],',
      '    dag=dag,',
      ')',
      'done = EmptyOperator(task_id="done", dag=dag)',
      '[merge, done] << unload',
    ),
  });
  const dag = asset(facts, 'dag:lakehouse_sync');
  assert.deepEqual(dag.location, { path: file, line: 7, column: 7 });
  assert.deepEqual(dag.upstream, [
    { kind: 'path', path: 's3://lake/raw/events/' },
    { kind: 'relation', relation: { schema: 'analytics', name: 'sessions' } },
    // lake.sessions is written by the task, so only its source is read
    { kind: 'relation', relation: { schema: 'staging', name: 'sessions' } },
  ]);
  assert.deepEqual(taskGraph(facts, 'lakehouse_sync'), { unload_sessions: [], merge_sessions: ['unload_sessions'], done: ['unload_sessions'] });
  assert.deepEqual(facts.queries.map((q) => [q.sql, q.dialect, q.ownerId]), [
    ['select session_id, user_id from analytics.sessions', 'redshift', 'dag:lakehouse_sync'],
    ['insert into lake.sessions select session_id, user_id from staging.sessions', 'databricks', 'dag:lakehouse_sync'],
  ]);
  assert.deepEqual(asset(facts, 'file:s3://lake/curated/sessions/').upstream, [{ kind: 'name', name: 'dag:lakehouse_sync' }]);
  assert.deepEqual(facts.diagnostics, []);
});

// Tasks made in a loop over a constant list are read once per item, with the loop variable's value
// in their ids and SQL. Ids that stay unknown (a DAG factory's dag_id here) are reported, not
// dropped without a word. SQL built with .format() or % from constants is read.
test('tasks made in loops over constant lists; unknown DAG ids reported; .format() and % SQL', async () => {
  const file = 'dags/generated.py';
  const facts = await read(file, {
    [file]: src(
      'from airflow import DAG',
      'from airflow.operators.empty import EmptyOperator',
      'from airflow.providers.postgres.operators.postgres import PostgresOperator',
      'SCHEMA = "marts"',
      'TABLES = ["orders", "customers"]',
      'with DAG("load_raw", schedule="@daily") as dag:',
      '    start = EmptyOperator(task_id="start")',
      '    end = EmptyOperator(task_id="end")',
      '    previous = start',
      '    for table in TABLES:',
      '        for env in ("eu", "us"):',
      '            load = PostgresOperator(task_id=f"load_{table}_{env}", sql=f"insert into raw_{env}.{table} select * from landing.{table}")',
      '            start >> load >> end',
      '            previous >> load',
      '            previous = load',
      '    for source in get_sources():',
      '        PostgresOperator(task_id=f"copy_{source}", sql="select 1")',
      '    fmt = PostgresOperator(task_id="fmt", sql="select order_id from {}.fct_orders".format(SCHEMA))',
      '    pct = PostgresOperator(task_id="pct", sql="select customer_id from %s.dim_customers" % SCHEMA)',
      '    fmt >> pct',
      'for name in get_names():',
      '    with DAG(dag_id=f"report_{name}", schedule=None) as d:',
      '        PostgresOperator(task_id="refresh", sql="select 1")',
    ),
  });
  assert.deepEqual(
    facts.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`),
    [
      '22:21 runtime-value this DAG\'s dag_id (`f"report_{name}"`) is known only when the code runs, so the DAG and its tasks are not in the lineage',
      '17:34 runtime-value this task\'s task_id (`f"copy_{source}"`) is known only when the code runs, so the task and what it reads are not in the lineage',
    ],
  );
  // start >> load >> end links every pass; `previous`, reassigned at the end of the inner loop's
  // body, chains the passes in the order they run, across the outer loop too (the first inner
  // pass of `customers` follows the last of `orders`).
  const loads = ['load_orders_eu', 'load_orders_us', 'load_customers_eu', 'load_customers_us'];
  assert.deepEqual(taskGraph(facts, 'load_raw'), {
    start: [],
    end: loads,
    load_orders_eu: ['start'],
    load_orders_us: ['start', 'load_orders_eu'],
    load_customers_eu: ['start', 'load_orders_us'],
    load_customers_us: ['start', 'load_customers_eu'],
    fmt: [],
    pct: ['fmt'],
  });
  // The report DAGs' task is theirs, not load_raw's (the one DAG of the file that was read).
  assert.deepEqual(facts.assets.filter((a) => a.asset_type === 'dag').map((a) => a.id), ['dag:load_raw']);
  // Each pass's SQL, and .format / % SQL, inferred (found through variables).
  assert.deepEqual(facts.queries.map((q) => [q.sql, q.inferred]), [
    ['insert into raw_eu.orders select * from landing.orders', true],
    ['insert into raw_us.orders select * from landing.orders', true],
    ['insert into raw_eu.customers select * from landing.customers', true],
    ['insert into raw_us.customers select * from landing.customers', true],
    ['select order_id from marts.fct_orders', true],
    ['select customer_id from marts.dim_customers', true],
  ]);
  assert.deepEqual(
    asset(facts, 'dag:load_raw').upstream.map((u) => (u.kind === 'relation' ? `${u.relation.schema}.${u.relation.name}` : u.kind)),
    ['landing.orders', 'landing.customers', 'marts.fct_orders', 'marts.dim_customers'],
  );
});

// TaskFlow DAGs run SQL through hooks inside the task functions; so do PythonOperator callables.
test('SQL run through database hooks in TaskFlow functions and PythonOperator callables', async () => {
  const file = 'dags/hooks.py';
  const facts = await read(file, {
    [file]: src(
      'from datetime import datetime',
      'from airflow.decorators import dag, task',
      'from airflow.operators.python import PythonOperator',
      'from airflow.providers.http.hooks.http import HttpHook',
      'from airflow.providers.postgres.hooks.postgres import PostgresHook',
      'from airflow.providers.snowflake.hooks.snowflake import SnowflakeHook',
      '',
      'def archive():',
      '    SnowflakeHook(snowflake_conn_id="sf").run(sql="insert into archive.orders select * from marts.fct_orders")',
      '',
      '@dag(schedule="@daily", start_date=datetime(2024, 1, 1))',
      'def revenue_export():',
      '    @task',
      '    def extract():',
      '        hook = PostgresHook(postgres_conn_id="warehouse")',
      '        HttpHook(http_conn_id="api").run("/v1/ping")',
      '        return hook.get_records("select order_id, order_total from marts.fct_orders")',
      '',
      '    @task',
      '    def load(rows):',
      '        PostgresHook(postgres_conn_id="warehouse").run(build_sql(rows))',
      '',
      '    load(extract())',
      '    PythonOperator(task_id="archive", python_callable=archive)',
      '',
      'revenue_export()',
    ),
  });
  assert.deepEqual(facts.queries.map((q) => [q.sql, q.dialect, q.ownerId]), [
    ['select order_id, order_total from marts.fct_orders', 'postgres', 'dag:revenue_export'],
    ['insert into archive.orders select * from marts.fct_orders', 'snowflake', 'dag:revenue_export'],
  ]);
  assert.deepEqual(asset(facts, 'dag:revenue_export').upstream, [{ kind: 'relation', relation: { schema: 'marts', name: 'fct_orders' } }]);
  assert.deepEqual(taskGraph(facts, 'revenue_export'), { extract: [], load: ['extract'], archive: [] });
  // The HttpHook's endpoint is not SQL; SQL built by a call is reported.
  assert.deepEqual(facts.diagnostics.map((d) => `${d.line} ${d.code}`), ['21 runtime-value']);
});

test('a BigQuery job whose query is a Jinja include reads the included file', async () => {
  const file = 'dags/bq_daily.py';
  const facts = await read(file, {
    [file]: src(
      'from airflow import DAG',
      'from airflow.providers.google.cloud.operators.bigquery import BigQueryInsertJobOperator',
      'with DAG("bq_daily", schedule="@daily") as dag:',
      '    BigQueryInsertJobOperator(task_id="daily", configuration={"query": {"query": "{% include \'sql/daily.sql\' %}", "useLegacySql": False}})',
      '    BigQueryInsertJobOperator(task_id="missing", configuration={"query": {"query": "{%- include \\"sql/nope.sql\\" -%}"}})',
    ),
    'dags/sql/daily.sql': 'select order_id, amount from analytics.orders',
  });
  assert.deepEqual(facts.queries.map((q) => [q.path, q.sql, q.dialect]), [['dags/sql/daily.sql', 'select order_id, amount from analytics.orders', 'bigquery']]);
  assert.deepEqual(asset(facts, 'dag:bq_daily').upstream, [{ kind: 'relation', relation: { schema: 'analytics', name: 'orders' } }]);
  assert.deepEqual(facts.diagnostics.map((d) => `${d.line} ${d.code} ${d.message}`), ['5 missing-file bq_daily.missing: SQL file "sql/nope.sql" not found in the DAG folder or template_searchpath']);
});

// A DAG factory: one `with DAG(...)` in a loop over a constant list makes a DAG per item, each with
// its own tasks (also made in an inner loop), arguments and SQL.
test('a DAG factory over a constant list: a DAG per item with its tasks and SQL', async () => {
  const file = 'dags/reports.py';
  const facts = await read(file, {
    [file]: src(
      'from airflow import DAG',
      'from airflow.providers.postgres.operators.postgres import PostgresOperator',
      'for name in ["finance", "marketing"]:',
      '    with DAG(dag_id=f"report_{name}", schedule="@daily", tags=[name]) as dag:',
      '        refresh = PostgresOperator(task_id="refresh", sql=f"select * from marts.{name}_summary")',
      '        for part in ["a", "b"]:',
      '            export = PostgresOperator(task_id=f"export_{part}", sql=f"insert into exports.{name}_{part} select * from marts.{name}_summary")',
      '            refresh >> export',
      '        for part in get_parts():',
      '            PostgresOperator(task_id=f"extra_{part}", sql="select 1")',
    ),
  });
  // A task in an inner loop over a call: its id is reported, not dropped without a word.
  assert.deepEqual(facts.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`), ['10:38 runtime-value']);
  assert.deepEqual(facts.assets.filter((a) => a.asset_type === 'dag').map((a) => [a.id, a.meta?.tags]), [
    ['dag:report_finance', ['finance']],
    ['dag:report_marketing', ['marketing']],
  ]);
  for (const name of ['finance', 'marketing']) {
    // Each DAG's tasks are its own: the loops' tasks of the other DAG are not linked in.
    assert.deepEqual(taskGraph(facts, `report_${name}`), { refresh: [], export_a: ['refresh'], export_b: ['refresh'] });
    assert.deepEqual(asset(facts, `dag:report_${name}`).upstream, [{ kind: 'relation', relation: { schema: 'marts', name: `${name}_summary` } }]);
  }
  assert.deepEqual(
    facts.queries.filter((q) => q.ownerId === 'dag:report_marketing').map((q) => q.sql),
    ['select * from marts.marketing_summary', 'insert into exports.marketing_a select * from marts.marketing_summary', 'insert into exports.marketing_b select * from marts.marketing_summary'],
  );
});

// Tasks made from a dict of queries or a list of tuples: the loop unpacks each entry.
test('loops over a dict (keys, .items()) and over tuples unpack into task ids and SQL', async () => {
  const file = 'dags/exports.py';
  const facts = await read(file, {
    [file]: src(
      'from airflow import DAG',
      'from airflow.providers.postgres.operators.postgres import PostgresOperator',
      'QUERIES = {',
      '    "orders": "select order_id, order_total from marts.fct_orders",',
      '    "customers": "select customer_id from marts.dim_customers",',
      '}',
      'with DAG("exports", schedule="@daily") as dag:',
      '    for name, sql in QUERIES.items():',
      '        PostgresOperator(task_id=f"export_{name}", sql=sql)',
      '    for name in QUERIES:',
      '        PostgresOperator(task_id=f"count_{name}", sql=f"select count(*) from exports.{name}")',
      '    for schema, table in [("raw", "events"), ("raw", "sessions")]:',
      '        PostgresOperator(task_id=f"vacuum_{table}", sql=f"select * from {schema}.{table}")',
    ),
  });
  assert.deepEqual(facts.diagnostics, []);
  assert.deepEqual(Object.keys(taskGraph(facts, 'exports')), ['export_orders', 'export_customers', 'count_orders', 'count_customers', 'vacuum_events', 'vacuum_sessions']);
  assert.deepEqual(facts.queries.map((q) => q.sql), [
    'select order_id, order_total from marts.fct_orders',
    'select customer_id from marts.dim_customers',
    'select count(*) from exports.orders',
    'select count(*) from exports.customers',
    'select * from raw.events',
    'select * from raw.sessions',
  ]);
});
