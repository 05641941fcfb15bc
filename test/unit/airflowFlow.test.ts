// DAG files that reuse names and wire tasks in loops, read as Airflow runs them: each pass of a
// loop links its own tasks, a `previous` variable chains the passes, a TaskFlow function called in
// a loop makes a task per call, and a variable reassigned between operators gives each its own SQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAirflowFile } from '../../src/core/readers/airflow/airflowReader';
import { readDag as read, src, taskGraph } from './airflowTestKit';

test('wiring in a loop links each pass its own tasks; `previous = load` chains the passes', async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.operators.empty import EmptyOperator',
      'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
      'TABLES = ["orders", "customers", "payments"]',
      'with DAG(dag_id="etl", schedule="@daily") as dag:',
      '    start = EmptyOperator(task_id="start")',
      '    end = EmptyOperator(task_id="end")',
      '    previous = start',
      '    for table in TABLES:',
      '        extract = SQLExecuteQueryOperator(task_id=f"extract_{table}", sql=f"select * from raw.{table}")',
      '        load = EmptyOperator(task_id=f"load_{table}")',
      '        start >> extract >> load >> end',
      '        previous >> load',
      '        previous = load',
      '    previous >> EmptyOperator(task_id="report")',
    ),
  );
  assert.deepEqual(facts.diagnostics, []);
  assert.deepEqual(taskGraph(facts, 'etl.'), {
    start: [],
    end: ['load_customers', 'load_orders', 'load_payments'],
    extract_orders: ['start'],
    extract_customers: ['start'],
    extract_payments: ['start'],
    // Before: every extract was upstream of every load (9 edges where Airflow makes 3), and
    // `previous`, assigned twice, linked nothing.
    load_orders: ['extract_orders', 'start'],
    load_customers: ['extract_customers', 'load_orders'],
    load_payments: ['extract_payments', 'load_customers'],
    // After the loop `previous` is the last pass's load.
    report: ['load_payments'],
  });
});

test('set_downstream, chain and TaskFlow data passing in a loop, per pass; a TaskFlow call in a loop is a task per pass', async () => {
  const facts = await read(
    src(
      'from airflow.decorators import dag, task',
      'from airflow.models.baseoperator import chain',
      'from airflow.operators.empty import EmptyOperator',
      '@task',
      'def extract(table): ...',
      '@task',
      'def load(rows): ...',
      '@dag(dag_id="etl", schedule=None)',
      'def etl():',
      '    for table in ["a", "b"]:',
      '        check = EmptyOperator(task_id=f"check_{table}")',
      '        audit = EmptyOperator(task_id=f"audit_{table}")',
      '        publish = EmptyOperator(task_id=f"publish_{table}")',
      '        rows = extract(table)',
      '        loaded = load(rows)',
      '        loaded.set_downstream(check)',
      '        chain(check, audit, publish)',
      'etl()',
    ),
  );
  assert.deepEqual(facts.diagnostics, []);
  assert.deepEqual(taskGraph(facts, 'etl.'), {
    // Airflow names a TaskFlow function's second call extract__1; each load reads its own pass's rows.
    extract: [],
    extract__1: [],
    load: ['extract'],
    load__1: ['extract__1'],
    check_a: ['load'],
    check_b: ['load__1'],
    audit_a: ['check_a'],
    audit_b: ['check_b'],
    publish_a: ['audit_a'],
    publish_b: ['audit_b'],
  });
});

test('a SQL variable reassigned between two operators gives each its own SQL', async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
      'with DAG(dag_id="etl", schedule="@daily") as dag:',
      '    sql = "select id from raw.a"',
      '    t1 = SQLExecuteQueryOperator(task_id="t1", sql=sql)',
      '    sql = "select id from raw.b"',
      '    sql += " where id > 0"',
      '    t2 = SQLExecuteQueryOperator(task_id="t2", sql=sql)',
      '    if ENV == "prod":',
      '        sql = "select id from raw.c"',
      '    t3 = SQLExecuteQueryOperator(task_id="t3", sql=sql)',
      '    t1 >> t2 >> t3',
    ),
  );
  // Before, both read the last assignment: raw.a was missing from the lineage.
  assert.deepEqual(
    facts.queries.map((q) => q.sql),
    ['select id from raw.a', 'select id from raw.b where id > 0'],
  );
  // t3's SQL depends on a branch: reported as known only at run time, not guessed.
  assert.deepEqual(
    facts.diagnostics.map((d) => `${d.line} ${d.code}`),
    ['11 runtime-value'],
  );
  assert.deepEqual(taskGraph(facts, 'etl.'), { t1: [], t2: ['t1'], t3: ['t2'] });
});

test('TaskGroups made in loops and in DAG factories: a group per pass, its tasks prefixed by its id', async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.operators.empty import EmptyOperator',
      'from airflow.utils.task_group import TaskGroup',
      'with DAG(dag_id="etl", schedule="@daily") as dag:',
      '    start = EmptyOperator(task_id="start")',
      '    for t in ["orders", "customers"]:',
      '        with TaskGroup(group_id=f"load_{t}") as tg:',
      '            e = EmptyOperator(task_id="extract")',
      '            l = EmptyOperator(task_id=f"merge_{t}")',
      '            e >> l',
      '        start >> tg',
      'for team in ["sales", "ops"]:',
      '    with DAG(dag_id=f"report_{team}", schedule=None) as d:',
      '        begin = EmptyOperator(task_id="begin")',
      '        with TaskGroup(group_id="checks") as checks:',
      '            for kind in ["rows", "nulls"]:',
      '                with TaskGroup(group_id=f"{kind}_check"):',
      '                    EmptyOperator(task_id=f"{team}_{kind}")',
      '        with TaskGroup(group_id=group_name()) as dynamic:',
      '            EmptyOperator(task_id="lost")',
      '        begin >> checks',
    ),
  );
  // Before: the loop's groups had no id, so both extract tasks became one `etl.extract` outside
  // any group and `start >> tg` linked nothing; the factory's groups held no tasks at all.
  assert.deepEqual(taskGraph(facts), {
    'etl.start': [],
    'etl.load_orders.extract': ['etl.start'],
    'etl.load_customers.extract': ['etl.start'],
    'etl.load_orders.merge_orders': ['etl.load_orders.extract'],
    'etl.load_customers.merge_customers': ['etl.load_customers.extract'],
    'report_sales.begin': [],
    'report_sales.checks.rows_check.sales_rows': ['report_sales.begin'],
    'report_sales.checks.nulls_check.sales_nulls': ['report_sales.begin'],
    'report_ops.begin': [],
    'report_ops.checks.rows_check.ops_rows': ['report_ops.begin'],
    'report_ops.checks.nulls_check.ops_nulls': ['report_ops.begin'],
  });
  // A group whose id is known only at run time: its task is not guessed into the DAG without it.
  assert.deepEqual(
    facts.diagnostics.map((d) => `${d.line} ${d.code} ${d.message}`),
    ["19 runtime-value this TaskGroup's group_id (`group_name()`) is known only when the code runs, so its tasks and what they read are not in the lineage"],
  );
});

test('a @task_group function called in a loop or twice: a group per call (section, section__1, …) with its own tasks, wiring and arguments', async () => {
  const facts = await read(
    src(
      'from airflow.decorators import dag, task_group',
      'from airflow.operators.empty import EmptyOperator',
      'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
      '@task_group',
      'def section(t):',
      '    load = SQLExecuteQueryOperator(task_id="a", sql=f"insert into raw.{t} select * from landing.{t}")',
      '    done = EmptyOperator(task_id="done")',
      '    load >> done',
      '@task_group',
      'def once():',
      '    EmptyOperator(task_id="b")',
      '@dag(dag_id="etl", schedule=None)',
      'def etl():',
      '    start = EmptyOperator(task_id="start")',
      '    for t in ["x", "y"]:',
      '        start >> section(t)',
      '    section("z")',
      '    once()',
      'etl()',
    ),
  );
  // Before: only the first call's group was read (etl.section.a), with a note for the others.
  assert.deepEqual(taskGraph(facts), {
    'etl.start': [],
    'etl.section.a': ['etl.start'],
    'etl.section.done': ['etl.section.a'],
    'etl.section__1.a': ['etl.start'],
    'etl.section__1.done': ['etl.section__1.a'],
    'etl.section__2.a': [],
    'etl.section__2.done': ['etl.section__2.a'],
    'etl.once.b': [],
  });
  assert.deepEqual(facts.queries.map((q) => q.sql), ['insert into raw.x select * from landing.x', 'insert into raw.y select * from landing.y', 'insert into raw.z select * from landing.z']);
  assert.deepEqual(facts.diagnostics, []);
});

test('.expand_kwargs over a list of keyword dicts written in the code: each mapped instance SQL is read; over a task result, a note', async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
      'QUERIES = [{"sql": "select * from raw.x"}, {"sql": "select * from raw.y", "parameters": {}}]',
      'with DAG(dag_id="etl", schedule=None) as dag:',
      '    SQLExecuteQueryOperator.partial(task_id="q", conn_id="c").expand_kwargs(QUERIES)',
      '    SQLExecuteQueryOperator.partial(task_id="r", conn_id="c").expand_kwargs(make_queries.output)',
    ),
  );
  // Before: no SQL and no diagnostic for either.
  assert.deepEqual(facts.queries.map((q) => q.sql), ['select * from raw.x', 'select * from raw.y']);
  assert.deepEqual(facts.diagnostics.map((d) => `${d.line} ${d.code}`), ['6 runtime-value']);
});

test('managed Spark: the job a Dataproc, EMR, EMR Serverless or Databricks task submits is what it runs', async () => {
  const text = src(
    'from airflow import DAG',
    'from airflow.providers.google.cloud.operators.dataproc import DataprocSubmitJobOperator',
    'from airflow.providers.amazon.aws.operators.emr import EmrAddStepsOperator, EmrServerlessStartJobOperator',
    'from airflow.providers.databricks.operators.databricks import DatabricksSubmitRunOperator',
    'STEPS = [',
    '    {"Name": "setup", "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["state-pusher-script"]}},',
    '    {"Name": "z", "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["spark-submit", "--deploy-mode", "cluster", "s3://b/jobs/z.py", "--date", "x"]}},',
    ']',
    'with DAG(dag_id="etl", schedule=None) as dag:',
    '    DataprocSubmitJobOperator(task_id="y", job={"reference": {}, "pyspark_job": {"main_python_file_uri": "gs://b/jobs/y.py"}})',
    '    EmrAddStepsOperator(task_id="z", job_flow_id="j", steps=STEPS)',
    '    EmrServerlessStartJobOperator(task_id="s", application_id="a", job_driver={"sparkSubmit": {"entryPoint": "s3://b/jobs/s.py"}})',
    '    DatabricksSubmitRunOperator(task_id="d", spark_python_task={"python_file": "dbfs:/jobs/d.py"})',
  );
  const jobs = new Set(['jobs/y.py', 'jobs/z.py', 'jobs/s.py', 'jobs/d.py']);
  const facts = await readAirflowFile('dags/etl.py', text, { dialect: 'postgres', readFile: async (p) => (jobs.has(p) ? 'print()' : undefined) });
  const runs = (id: string) => facts.assets.find((a) => a.name === `etl.${id}`)?.runs?.map((r) => (r.kind === 'path' ? r.path : JSON.stringify(r)));
  // Before: none of these ran anything, without a word.
  assert.deepEqual(['y', 'z', 's', 'd'].map(runs), [['jobs/y.py'], ['jobs/z.py'], ['jobs/s.py'], ['jobs/d.py']]);
});

test('a dag_id taken from the file name: os.path.basename(__file__).replace(".py", ""), Path(__file__).stem', async () => {
  const dag = (id: string) => src('import os', 'from pathlib import Path', 'from airflow import DAG', 'from airflow.operators.empty import EmptyOperator', `with DAG(dag_id=${id}, schedule=None) as dag:`, '    EmptyOperator(task_id="t")');
  const ids = async (id: string) => {
    const facts = await readAirflowFile('dags/team/orders_daily.py', dag(id), { dialect: 'postgres', readFile: async () => undefined });
    return [facts.assets.filter((a) => a.asset_type === 'dag').map((a) => a.name), facts.diagnostics.map((d) => d.code)];
  };
  // Before: each was known only at run time (a note, and no DAG).
  assert.deepEqual(await ids('os.path.basename(__file__).replace(".py", "")'), [['orders_daily'], []]);
  assert.deepEqual(await ids('Path(__file__).stem'), [['orders_daily'], []]);
  assert.deepEqual(await ids('f"{Path(__file__).stem}_v2"'), [['orders_daily_v2'], []]);
  // Where the file is deployed is not known: __file__ itself stays unknown.
  assert.deepEqual(await ids('__file__'), [[], ['runtime-value']]);
});

test('operators built by helper functions: a task per call, in the DAG around the call or the one passed, with the call arguments', async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.operators.empty import EmptyOperator',
      'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
      'def make_check(dag):',
      '    return SQLExecuteQueryOperator(task_id="check", sql="select count(*) from mart.orders", dag=dag)',
      'def make_load(table):',
      '    load = SQLExecuteQueryOperator(task_id=f"load_{table}", sql=f"select * from landing.{table}")',
      '    return load',
      'with DAG("etl") as etl:',
      '    s = EmptyOperator(task_id="s")',
      '    s >> make_check(etl)',
      '    for t in ["orders", "customers"]:',
      '        s >> make_load(t)',
      'with DAG("other") as other:',
      '    EmptyOperator(task_id="u") >> make_load("payments")',
    ),
  );
  // Before: in a file with two DAGs these tasks belonged to none, and their SQL was not read.
  assert.deepEqual(taskGraph(facts), {
    'etl.s': [],
    'etl.check': ['etl.s'],
    'etl.load_orders': ['etl.s'],
    'etl.load_customers': ['etl.s'],
    'other.u': [],
    'other.load_payments': ['other.u'],
  });
  assert.deepEqual(facts.queries.map((q) => q.sql), ['select count(*) from mart.orders', 'select * from landing.orders', 'select * from landing.customers', 'select * from landing.payments']);
  assert.deepEqual(facts.diagnostics, []);
});
