// Which Python files are parsed, and by which reader: the text check before parsing must never
// turn away a file a reader finds lineage in, and a file is read by the reader that finds it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLineageIndex } from '../../src/core/lineageIndex';
import { MemoryFileSystem } from '../../src/core/io/fileSystem';
import { pythonReadersFor, readPythonJob } from '../../src/core/readers/pythonFileReader';
import { readAirflowFile } from '../../src/core/readers/airflow/airflowReader';
import { readSparkFile } from '../../src/core/readers/spark/sparkReader';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

// Files the earlier check (Airflow or Cosmos named; pyspark, SparkSession or `spark.read` named)
// skipped or gave to the wrong reader, though a reader finds lineage in them.
const tricky: Record<string, string> = {
  // The DAG class comes from the team's own module, which wraps Airflow's.
  'dags/wrapped.py': lines('from platform_utils.scheduling import DAG, Operator', 'with DAG(dag_id="wrapped", schedule="@daily") as dag:', '    Operator(task_id="load", sql="select id from raw.orders")'),
  // A job handed its session by the caller, under a name the notebooks do not use.
  'jobs/handed.py': lines('class Job:', '    def run(self):', '        df = self.spark_session.table("raw.orders")', '        df.write.saveAsTable("marts.orders_copy")'),
  // A Spark job whose comment mentions the Airflow DAG that schedules it.
  'jobs/scheduled.py': lines('# Run nightly by the airflow dag "nightly".', 'from pyspark.sql import SparkSession', 'spark = SparkSession.builder.appName("scheduled").getOrCreate()', 'spark.table("raw.orders").write.parquet("data/orders.parquet")'),
};

test('pythonReadersFor keeps every file a reader finds an asset in', async () => {
  const corpus: Record<string, string> = { ...tricky };
  const examples = path.join(__dirname, '..', '..', 'examples', 'orders-pipeline');
  for (const p of ['dags/daily_revenue_report.py', 'jobs/customer_ltv.py', 'ml/train_ltv.py']) corpus[p] = fs.readFileSync(path.join(examples, p), 'utf8');
  const readFile = async () => undefined;
  for (const [p, text] of Object.entries(corpus)) {
    const readers = pythonReadersFor(text);
    if ((await readAirflowFile(p, text, { dialect: 'postgres', readFile })).assets.length) assert.ok(readers.includes('airflow'), p);
    if ((await readSparkFile(p, text, { readFile })).assets.length) assert.ok(readers.includes('spark'), p);
  }
  assert.deepEqual(pythonReadersFor(lines('import pandas as pd', 'df = pd.read_csv("x.csv")')), []);
});

test('files the earlier check missed are indexed by the reader that finds something in them', async () => {
  const index = await createLineageIndex(new MemoryFileSystem(tricky), { tableGraphOnly: true });
  assert.equal(index.get('dag:wrapped')?.asset_type, 'dag');
  assert.deepEqual(index.graph.upstreamOf('dag:wrapped').map((e) => e.from), ['table:raw.orders']);
  for (const job of ['spark_job:handed', 'spark_job:scheduled']) {
    assert.equal(index.get(job)?.asset_type, 'spark_job', job);
    assert.deepEqual(index.graph.upstreamOf(job).map((e) => e.from), ['table:raw.orders'], job);
  }
});

test('a file both readers may read: DAGs first, one parse, syntax errors reported once', async () => {
  const readFile = async () => undefined;
  const dagWithSpark = lines('from airflow import DAG', 'from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator', 'with DAG(dag_id="d") as dag:', '    SparkSubmitOperator(task_id="s", application="jobs/j.py")');
  assert.deepEqual(pythonReadersFor(dagWithSpark), ['airflow', 'spark']);
  const facts = await readPythonJob({ path: 'dags/d.py', text: dagWithSpark, readers: ['airflow', 'spark'], dialect: 'postgres' }, readFile);
  assert.deepEqual(facts.assets.map((a) => a.id), ['dag:d', 'task:d.s']);
  const broken = lines('from airflow import DAG', 'from pyspark.sql import SparkSession', 'def broken(:', '    pass');
  const diags = (await readPythonJob({ path: 'x.py', text: broken, readers: pythonReadersFor(broken), dialect: 'postgres' }, readFile)).diagnostics;
  assert.equal(diags.filter((d) => d.code === 'python-parse').length, 1);
});
