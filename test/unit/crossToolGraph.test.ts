// One graph across tools: a dbt model, the Spark job and the DAG that read it, the file the job
// writes and the DVC stage and DAG that take that file in, as a small team repository has them.
// Each tool spells the same table or file its own way; the index must make one asset of each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLineageIndex } from '../../src/core/lineageIndex';
import { MemoryFileSystem } from '../../src/core/io/fileSystem';
import { formatTree } from '../../src/core/query/lineageTree';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const WORKSPACE: Record<string, string> = {
  'dbt_project.yml': lines('name: shop', 'config-version: 2', 'profile: shop', 'models:', '  shop:', '    marts:', '      +schema: marts'),
  'profiles.yml': lines('shop:', '  target: prod', '  outputs:', '    prod:', '      type: postgres', '      host: warehouse', '      schema: analytics'),
  'models/staging/sources.yml': lines('version: 2', 'sources:', '  - name: raw', '    tables:', '      - name: orders', '        columns:', '          - name: id', '          - name: customer_id', '          - name: amount'),
  'models/marts/fct_orders.sql': lines("select id as order_id, customer_id, amount as order_total from {{ source('raw', 'orders') }}"),
  // The job names the dbt relation (analytics_marts after generate_schema_name) in capitals.
  'jobs/order_totals.py': lines(
    'from pyspark.sql import SparkSession, functions as F',
    '',
    'spark = SparkSession.builder.appName("order_totals").getOrCreate()',
    'orders = spark.table("ANALYTICS_MARTS.FCT_ORDERS")',
    'totals = orders.groupBy("customer_id").agg(F.sum("order_total").alias("total_spent"))',
    'totals.write.mode("overwrite").parquet("./data/../data/order_totals.parquet")',
  ),
  // The DAG's SQL names it in mixed case, and it submits the job.
  'dags/nightly_totals.py': lines(
    'from airflow import DAG',
    'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
    'from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator',
    '',
    'with DAG(dag_id="nightly_totals", schedule="@daily") as dag:',
    '    check = SQLExecuteQueryOperator(task_id="check_orders", conn_id="warehouse", sql="select count(order_total) from Analytics_Marts.Fct_Orders")',
    '    submit = SparkSubmitOperator(task_id="order_totals", application="jobs/order_totals.py", conn_id="spark_default")',
    '    check >> submit',
  ),
  // A DAG scheduled on the job's output, as an Airflow Dataset.
  'dags/totals_report.py': lines(
    'from airflow import DAG',
    'from airflow.datasets import Dataset',
    'from airflow.operators.empty import EmptyOperator',
    '',
    'with DAG("totals_report", schedule=[Dataset("data/order_totals.parquet")]) as dag:',
    '    EmptyOperator(task_id="publish")',
  ),
  // The DVC pipeline lives in a sub-folder and names the same file relative to itself.
  'pipelines/scoring/dvc.yaml': lines('stages:', '  score:', '    cmd: python score.py ../../data/order_totals.parquet scores.csv', '    deps:', '      - ../../data/order_totals.parquet', '      - score.py', '    outs:', '      - scores.csv'),
  'pipelines/scoring/score.py': lines('import pandas as pd'),
};

test('one table, whatever the case it is named in; one file, whatever folder names it', async () => {
  const index = await createLineageIndex(new MemoryFileSystem(WORKSPACE));
  const by = index.stats().by_type;
  assert.equal(by.table, 1, 'raw.orders only: the job and the DAG read the dbt model, not a new table');
  const fct = index.lookup('fct_orders');
  assert.ok(fct.kind === 'found');
  assert.deepEqual(formatTree(index.lineage(fct.asset, 'downstream', 10).graph, 'downstream'), [
    '[DBT_MODEL] fct_orders',
    ' └── [DAG] nightly_totals',
    ' └── [SPARK_JOB] order_totals',
    '  └── [FILE] data/order_totals.parquet',
    '   └── [DAG] totals_report',
    '   └── [DVC_STAGE] score',
    '    └── [FILE] pipelines/scoring/scores.csv',
  ]);
  assert.deepEqual(index.graph.downstreamOf('spark_job:order_totals').map((e) => e.to), ['file:data/order_totals.parquet']);
  // The task that submits the job is upstream of it (run by), not the DAG (see submittedJobs.ts).
  assert.deepEqual(formatTree(index.lineage(index.get('spark_job:order_totals')!, 'upstream', 10).graph, 'upstream'), [
    '[SPARK_JOB] order_totals',
    ' └── [DBT_MODEL] fct_orders',
    '  └── [TABLE] orders',
    ' └── [AIRFLOW_TASK] nightly_totals.order_totals',
    '  └── [AIRFLOW_TASK] nightly_totals.check_orders',
  ]);
});

test('a rename in the dbt model reaches the Spark job and the DAG that name the column, in any case', async () => {
  const index = await createLineageIndex(new MemoryFileSystem(WORKSPACE));
  const fct = index.lookup('fct_orders');
  assert.ok(fct.kind === 'found');
  const affected = (from: string) =>
    index
      .impact(fct.asset, [{ type: 'column_rename', from, to: `${from}_v2` }])
      .affected_assets.map((a) => [a.name, a.severity, a.affected_references.join(',')])
      .sort();
  // order_total is summed into total_spent: the job and the DAG's SQL break; what the job writes
  // keeps its own column name, so nothing past the job is affected (the tutorial's rule).
  assert.deepEqual(affected('order_total'), [
    ['nightly_totals', 'breaking', 'order_total'],
    ['order_totals', 'breaking', 'order_total'],
  ]);
  // customer_id is written through as it is: the file has it and breaks. What depends on the file
  // without naming columns is a warning: the DVC stage and the DAG scheduled on the file.
  assert.deepEqual(affected('customer_id'), [
    ['data/order_totals.parquet', 'breaking', 'customer_id'],
    ['order_totals', 'breaking', 'customer_id'],
    ['score', 'warning', 'customer_id'],
    ['totals_report', 'warning', 'customer_id'],
  ]);
});

// An ingestion DAG lands a Dataset, then submits the Spark job that reads it: a common shape, and
// no loop. (With the job upstream of the DAG, it was one: the DAG → the file → the job → the DAG.)
test('a DAG that lands a Dataset and submits the job reading it: no dependency cycle', async () => {
  const index = await createLineageIndex(
    new MemoryFileSystem({
      'dags/ingest.py': lines(
        'from airflow import DAG',
        'from airflow.datasets import Dataset',
        'from airflow.operators.bash import BashOperator',
        'from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator',
        'with DAG("ingest_events", schedule="@hourly") as dag:',
        '    land = BashOperator(task_id="land", bash_command="./land.sh", outlets=[Dataset("data/raw_events.parquet")])',
        '    process = SparkSubmitOperator(task_id="process", application="jobs/process.py")',
        '    land >> process',
      ),
      'jobs/process.py': lines(
        'from pyspark.sql import SparkSession',
        'spark = SparkSession.builder.appName("process_events").getOrCreate()',
        'spark.read.parquet("data/raw_events.parquet").select("user_id", "event").write.parquet("data/processed.parquet")',
      ),
    }),
  );
  assert.deepEqual(index.diagnostics, []);
  assert.deepEqual(formatTree(index.lineage(index.get('spark_job:process_events')!, 'upstream', 10).graph, 'upstream'), [
    '[SPARK_JOB] process_events',
    ' └── [AIRFLOW_TASK] ingest_events.process',
    '  └── [AIRFLOW_TASK] ingest_events.land',
    ' └── [FILE] data/raw_events.parquet',
    '  └── [DAG] ingest_events',
  ]);
});

// The commonest Airflow + dbt DAG: load the raw table with SQL, then build the models on it. With
// the models a DAG runs upstream of the DAG, it was a loop: the DAG → raw.orders → stg_orders → it.
test('a DAG that loads a raw table and then runs dbt on it: no cycle; the models are run by the task', async () => {
  const index = await createLineageIndex(
    new MemoryFileSystem({
      ...Object.fromEntries(Object.entries(WORKSPACE).filter(([p]) => !p.startsWith('dags/'))),
      'dags/load_and_build.py': lines(
        'from airflow import DAG',
        'from airflow.operators.bash import BashOperator',
        'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
        'with DAG("load_and_build", schedule="@daily") as dag:',
        '    load = SQLExecuteQueryOperator(task_id="load", conn_id="warehouse", sql="insert into raw.orders select * from landing.orders")',
        '    build = BashOperator(task_id="build", bash_command="dbt build --select fct_orders+")',
        '    load >> build',
      ),
    }),
  );
  assert.deepEqual(index.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(formatTree(index.lineage(index.get('dag:load_and_build')!, 'downstream', 2).graph, 'downstream'), [
    '[DAG] load_and_build',
    ' └── [TABLE] orders',
    '  └── [DBT_MODEL] fct_orders …',
  ]);
  assert.deepEqual(index.graph.downstreamOf('task:load_and_build.build').map((e) => index.get(e.to)!.name), ['fct_orders']);
});
