// DAG factories written as functions: a function that makes a DAG (`with DAG(...)` or `dag =
// DAG(...)`) called once per table, a `@dag` function defined in a loop, and helpers that add
// tasks to the DAG around their call. Airflow makes a DAG, and its tasks and wiring, per call; the
// reader reads each call's DAG with the function's parameters bound to that call's arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDag as read, src, taskGraph } from './airflowTestKit';

const dagNames = (facts: Awaited<ReturnType<typeof read>>) => facts.assets.filter((a) => a.asset_type === 'dag').map((a) => a.name);

test('a function making a DAG, called in a loop: a DAG per call, with its own tasks, SQL and wiring', async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
      'TABLES = ["orders", "customers"]',
      'def create_dag(dag_id, table, schedule="@daily"):',
      '    with DAG(dag_id=dag_id, schedule=schedule) as dag:',
      '        load = SQLExecuteQueryOperator(task_id="load", sql=f"insert into mart.{table} select * from raw.{table}")',
      '        check = SQLExecuteQueryOperator(task_id="check", sql=f"select count(*) from mart.{table}")',
      '        load >> check',
      '    return dag',
      'for table in TABLES:',
      '    globals()[f"load_{table}"] = create_dag(f"load_{table}", table)',
    ),
  );
  // Before: one note that the dag_id is known only at run time, and no DAG.
  assert.deepEqual(dagNames(facts), ['load_orders', 'load_customers']);
  assert.deepEqual(taskGraph(facts), {
    'load_orders.load': [],
    'load_orders.check': ['load_orders.load'],
    'load_customers.load': [],
    'load_customers.check': ['load_customers.load'],
  });
  assert.deepEqual(facts.queries.map((q) => q.sql), [
    'insert into mart.orders select * from raw.orders',
    'select count(*) from mart.orders',
    'insert into mart.customers select * from raw.customers',
    'select count(*) from mart.customers',
  ]);
  assert.deepEqual(facts.diagnostics, []);
});

test('`dag = DAG(...)` in a function called twice, tasks given `dag=dag`: two DAGs, even when the calls bind the same default', async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
      'def build(name, source, conn="warehouse"):',
      '    dag = DAG(f"copy_{name}")',
      '    SQLExecuteQueryOperator(task_id="copy", conn_id=conn, sql=f"insert into raw.{name} select * from {source}", dag=dag)',
      '    return dag',
      'a = build("a", "landing.a")',
      'b = build("b", "landing.b")',
    ),
  );
  assert.deepEqual(dagNames(facts), ['copy_a', 'copy_b']);
  assert.deepEqual(Object.keys(taskGraph(facts)), ['copy_a.copy', 'copy_b.copy']);
  assert.deepEqual(facts.queries.map((q) => q.sql), ['insert into raw.a select * from landing.a', 'insert into raw.b select * from landing.b']);
});

test('a @dag function defined in a loop: a DAG per pass, named by its dag_id, never by the function', async () => {
  const facts = await read(
    src(
      'from airflow.decorators import dag',
      'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
      'for source in ["stripe", "shopify"]:',
      '    @dag(dag_id=f"ingest_{source}", schedule="@daily")',
      '    def ingest():',
      '        SQLExecuteQueryOperator(task_id="copy", sql=f"insert into raw.{source}_orders select * from landing.{source}")',
      '    ingest()',
    ),
  );
  // Before: one DAG named `ingest` (the function), whose task's SQL was not read.
  assert.deepEqual(dagNames(facts), ['ingest_stripe', 'ingest_shopify']);
  assert.deepEqual(Object.keys(taskGraph(facts)), ['ingest_stripe.copy', 'ingest_shopify.copy']);
  assert.deepEqual(facts.queries.map((q) => q.sql), ['insert into raw.stripe_orders select * from landing.stripe', 'insert into raw.shopify_orders select * from landing.shopify']);
  assert.deepEqual(facts.diagnostics, []);
});

test('a helper adding tasks to the DAG around its call: a task per call, in that DAG, wired in its own call', async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
      'def add_load(table):',
      '    extract = SQLExecuteQueryOperator(task_id=f"extract_{table}", sql=f"select * from landing.{table}")',
      '    load = SQLExecuteQueryOperator(task_id=f"load_{table}", sql=f"insert into raw.{table} select * from landing.{table}")',
      '    extract >> load',
      'with DAG("etl"):',
      '    add_load("orders")',
      'with DAG("crm"):',
      '    add_load("customers")',
    ),
  );
  // Before: the task ids were notes (known only at run time) and the tasks were lost.
  assert.deepEqual(taskGraph(facts), {
    'etl.extract_orders': [],
    'etl.load_orders': ['etl.extract_orders'],
    'crm.extract_customers': [],
    'crm.load_customers': ['crm.extract_customers'],
  });
  assert.deepEqual(facts.diagnostics, []);
});

test('a factory called with values known only at run time, or a @dag id that is: a note, and no DAG under a wrong name', async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.decorators import dag',
      'from airflow.operators.empty import EmptyOperator',
      'from airflow.models import Variable',
      'def create_dag(name):',
      '    with DAG(dag_id=f"load_{name}") as d:',
      '        EmptyOperator(task_id="start")',
      '    return d',
      'for name in Variable.get("tables").split(","):',
      '    create_dag(name)',
      '@dag(dag_id=Variable.get("dag_name"))',
      'def configured():',
      '    EmptyOperator(task_id="only")',
      'configured()',
    ),
  );
  assert.deepEqual(dagNames(facts), []);
  assert.deepEqual(taskGraph(facts), {});
  assert.deepEqual(facts.diagnostics.map((d) => [d.code, d.line]).sort((a, b) => Number(a[1]) - Number(b[1])), [['runtime-value', 6], ['runtime-value', 11]]);
});

test('a @task_group function called in a loop over values known only at run time: a note, and none of its tasks', async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.decorators import task_group',
      'from airflow.operators.empty import EmptyOperator',
      'from airflow.models import Variable',
      '@task_group',
      'def section(t):',
      '    EmptyOperator(task_id=f"load_{t}")',
      'with DAG("etl"):',
      '    EmptyOperator(task_id="start")',
      '    for t in Variable.get("tables").split(","):',
      '        section(t)',
    ),
  );
  assert.deepEqual(taskGraph(facts), { 'etl.start': [] });
  assert.deepEqual(facts.diagnostics.map((d) => [d.code, d.line, d.message]), [
    ['runtime-value', 11, 'how many groups this @task_group call makes in its loop (`section(t)`) is known only when the code runs, so their tasks and what they read are not in the lineage'],
  ]);
});
