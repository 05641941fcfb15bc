// DAG files in shapes data teams write that the reader once read wrong without saying so: each
// test names what was reported before the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDag as read, src, taskGraph } from './airflowTestKit';

test('`dag = DAG(...)` then `with dag:` puts the tasks in that DAG, as does `with tg:` for a TaskGroup', async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.operators.empty import EmptyOperator',
      'from airflow.utils.task_group import TaskGroup',
      'dag = DAG(dag_id="etl", schedule=None)',
      'other = DAG(dag_id="other", schedule=None)',
      'with dag:',
      '    a = EmptyOperator(task_id="a")',
      '    grp = TaskGroup("grp")',
      '    with grp:',
      '        g1 = EmptyOperator(task_id="g1")',
      '    a >> grp',
      'with other:',
      '    o = EmptyOperator(task_id="o")',
    ),
  );
  assert.deepEqual(facts.diagnostics, []);
  // Before: neither DAG had a task (the `with` items were names, not DAG(...) calls).
  assert.deepEqual(taskGraph(facts), { 'etl.a': [], 'etl.grp.g1': ['etl.a'], 'other.o': [] });
});

test("a KubernetesPodOperator's `cmds` and `arguments` are one command line: `dbt` + `run --select orders` runs orders", async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator',
      'with DAG("etl") as dag:',
      '    k = KubernetesPodOperator(task_id="k", name="dbt", image="dbt:1", cmds=["dbt"], arguments=["run", "--select", "orders"])',
      '    k2 = KubernetesPodOperator(task_id="k2", name="dbt", image="dbt:1", cmds=["/bin/bash", "-c"], arguments=["cd /dbt && dbt build -s customers"])',
    ),
  );
  const runs = Object.fromEntries(facts.assets.filter((a) => a.asset_type === 'airflow_task').map((a) => [a.name, a.runs]));
  // Before: `dbt` and `run --select orders` were read as two commands, neither a dbt run.
  assert.deepEqual(runs, { 'etl.k': [{ kind: 'ref', name: 'orders' }], 'etl.k2': [{ kind: 'ref', name: 'customers' }] });
});

test("a Spark application's deployed path (`/opt/airflow/jobs/x.py`) runs the workspace's jobs/x.py", async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator',
      'JOBS = "/opt/airflow/jobs"',
      'with DAG("etl") as dag:',
      '    s = SparkSubmitOperator(task_id="s", application=f"{JOBS}/orders.py")',
      '    s2 = SparkSubmitOperator(task_id="s2", application="/opt/spark/elsewhere.py")',
    ),
    { 'jobs/orders.py': 'from pyspark.sql import SparkSession\n' },
  );
  const runs = Object.fromEntries(facts.assets.filter((a) => a.asset_type === 'airflow_task').map((a) => [a.name, a.runs]));
  // Before: the task ran a file asset "/opt/airflow/jobs/orders.py", not the Spark job in jobs/orders.py.
  assert.deepEqual(runs, { 'etl.s': [{ kind: 'path', path: 'jobs/orders.py' }], 'etl.s2': [{ kind: 'path', path: '/opt/spark/elsewhere.py' }] });
});

test('`XComArg(op)` among an operator\'s arguments makes op upstream of it, as `op.output` does', async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.operators.python import PythonOperator',
      'from airflow.models.xcom_arg import XComArg',
      'with DAG("etl") as dag:',
      '    p = PythonOperator(task_id="p", python_callable=print)',
      '    r = PythonOperator(task_id="r", python_callable=print, op_kwargs={"rows": XComArg(p)})',
    ),
  );
  // Before: r had no upstream task.
  assert.deepEqual(taskGraph(facts), { 'etl.p': [], 'etl.r': ['etl.p'] });
});

test('`params` in the DAG\'s `default_args` fill `{{ params.x }}` in every task\'s SQL', async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.providers.postgres.operators.postgres import PostgresOperator',
      'DEFAULTS = {"owner": "data", "params": {"schema": "mart"}}',
      'with DAG("etl", default_args=DEFAULTS) as dag:',
      '    q = PostgresOperator(task_id="q", sql="select * from {{ params.schema }}.orders")',
    ),
  );
  // Before: the table was read as "schema.orders", with a note that the schema is known only at run time.
  assert.deepEqual(facts.diagnostics, []);
  assert.deepEqual(facts.assets.find((a) => a.asset_type === 'dag')?.upstream, [{ kind: 'relation', relation: { schema: 'mart', name: 'orders' } }]);
});

test('`chain(*steps)` chains the items of the list `steps` names', async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.operators.empty import EmptyOperator',
      'from airflow.models.baseoperator import chain',
      'with DAG("etl") as dag:',
      '    a = EmptyOperator(task_id="a")',
      '    b = EmptyOperator(task_id="b")',
      '    c = EmptyOperator(task_id="c")',
      '    d = EmptyOperator(task_id="d")',
      '    steps = [a, [b, c], d]',
      '    chain(*steps)',
    ),
  );
  // Before: no edge at all (the one splat argument was read as a single step).
  assert.deepEqual(taskGraph(facts), { 'etl.a': [], 'etl.b': ['etl.a'], 'etl.c': ['etl.a'], 'etl.d': ['etl.b', 'etl.c'] });
});

test('an Airflow 3 `@asset` function is a DAG of one task that updates the asset; `schedule=` and parameters naming other assets are read', async () => {
  const facts = await read(
    src(
      'from airflow.sdk import Asset, asset, dag, task',
      '@asset(schedule="@daily", uri="s3://bucket/raw_orders.parquet")',
      'def raw_orders():',
      '    pass',
      '@asset(schedule=raw_orders)',
      'def clean_orders(self, context, raw_orders):',
      '    pass',
      '@dag(schedule=[clean_orders])',
      'def report():',
      '    @task',
      '    def build():',
      '        pass',
      '    build()',
      'report()',
    ),
  );
  assert.deepEqual(facts.diagnostics, []);
  const byId = Object.fromEntries(facts.assets.map((a) => [a.id, a.upstream]));
  // Before: no DAG, task or asset for the @asset functions, and `schedule=[clean_orders]` read nothing.
  assert.deepEqual(byId, {
    'dag:raw_orders': [],
    'task:raw_orders.raw_orders': [],
    'file:s3://bucket/raw_orders.parquet': [{ kind: 'name', name: 'dag:raw_orders' }],
    'dag:clean_orders': [{ kind: 'path', path: 's3://bucket/raw_orders.parquet' }],
    'task:clean_orders.clean_orders': [],
    'file:clean_orders': [{ kind: 'name', name: 'dag:clean_orders' }],
    'dag:report': [{ kind: 'path', path: 'clean_orders' }],
    'task:report.build': [],
  });
});

test('a callable defined twice: the operator runs the `def` before it, as the file runs top to bottom', async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.operators.python import PythonOperator',
      'from airflow.providers.postgres.hooks.postgres import PostgresHook',
      'def archive():',
      '    PostgresHook().run("insert into archive.old select * from marts.old_orders")',
      'def archive():',
      '    PostgresHook().run("insert into archive.orders select * from marts.fct_orders")',
      'with DAG("etl", schedule=None) as dag:',
      '    PythonOperator(task_id="archive", python_callable=archive)',
      'def archive():',
      '    PostgresHook().run("insert into archive.later select * from marts.later")',
    ),
  );
  // Before, the first `def` in the file was taken (archive.old), which never runs.
  assert.deepEqual(facts.queries.map((q) => q.sql), ['insert into archive.orders select * from marts.fct_orders']);
});
