// The pool's failure paths (a worker that cannot start or dies must cost time, never results), and
// that work done in the workers equals the same work done on this thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { WorkerPool } from '../../src/core/workers/workerPool';
import { unpackAnalysis } from '../../src/core/cache/packedAnalysis';
import type { PythonJob } from '../../src/core/readers/pythonFileReader';

const inputs = Array.from({ length: 300 }, (_, i) => ({ sql: `select a${i}, b from t${i} where c > ${i}`.padEnd(1200, ' '), dialect: 'postgres' }));

test('a missing worker script: every chunk is done on this thread, in order', async () => {
  const pool = new WorkerPool({ workerScript: path.join(__dirname, 'no-such-worker.js'), workers: 2 });
  pool.warm(1_000_000);
  const out = await pool.run('sql', inputs);
  await pool.close();
  assert.equal(out.length, inputs.length);
  assert.deepEqual(unpackAnalysis(out[7].packed).statements[0]?.ir?.kind, 'select');
});

test('the real worker script gives the same results as the main thread', async () => {
  const pool = new WorkerPool({ workerScript: path.join(__dirname, '..', 'parseWorker.js'), workers: 2 });
  const viaWorkers = await pool.run('sql', inputs);
  await pool.close();
  const inline = await new WorkerPool({}).run('sql', inputs);
  // Analyses cross as packed bytes (see packedAnalysis.ts): compared as what they unpack to.
  const unpacked = (rs: typeof inline) => rs.map((r) => ({ failed: r.failed, analysis: unpackAnalysis(r.packed) }));
  assert.deepEqual(unpacked(viaWorkers), unpacked(inline));
  assert.ok(unpacked(inline).every((r) => r.analysis.statements[0]?.ir?.kind === 'select'));
});

// Python files are read in the workers, which ask this thread for the .sql files they name.
const pythonJobs: PythonJob[] = Array.from({ length: 200 }, (_, i) =>
  i % 2
    ? {
        path: `dags/d${i}.py`,
        readers: ['airflow'],
        dialect: 'postgres',
        text: [
          'from airflow import DAG',
          'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
          `with DAG(dag_id="d${i}", schedule="@daily") as dag:`,
          `    a = SQLExecuteQueryOperator(task_id="a", sql="sql/a${i % 3}.sql")`,
          `    b = SQLExecuteQueryOperator(task_id="b", sql=f"select x, y from marts.m${i}")`,
          '    a >> b',
          ...Array.from({ length: 30 }, () => '# padding, so the batch is large enough for the workers'),
        ].join('\n'),
      }
    : {
        path: `jobs/j${i}.py`,
        readers: ['spark'],
        dialect: 'postgres',
        text: [
          'from pyspark.sql import SparkSession',
          `spark = SparkSession.builder.appName("job${i}").getOrCreate()`,
          `df = spark.sql(open("jobs/q${i % 4}.sql").read())`,
          `df.select("a").write.parquet("out/${i}.parquet")`,
          ...Array.from({ length: 30 }, () => '# padding, so the batch is large enough for the workers'),
        ].join('\n'),
      },
);
const sqlFiles = new Map([
  ['dags/sql/a0.sql', 'insert into r.a select id from s.t0'],
  ['dags/sql/a1.sql', 'select id, amount from s.t1'],
  ['jobs/q0.sql', 'select a, b from s.q0'],
  ['jobs/q2.sql', 'select a from s.q2'],
]);

test('Python files read in the workers give the same facts as on this thread, with the same file reads', async () => {
  const reads = (log: string[]) => async (p: string, input: number) => {
    log.push(`${input} ${p}`);
    return sqlFiles.get(p);
  };
  const workerReads: string[] = [];
  const pool = new WorkerPool({ workerScript: path.join(__dirname, '..', 'parseWorker.js'), workers: 2 });
  const viaWorkers = await pool.run('python', pythonJobs, { background: true, readFile: reads(workerReads) });
  await pool.close();
  const inlineReads: string[] = [];
  const inline = await new WorkerPool({}).run('python', pythonJobs, { readFile: reads(inlineReads) });
  assert.deepEqual(viaWorkers, inline);
  assert.deepEqual(workerReads.sort(), inlineReads.sort());
  // Not vacuous: SQL files were found and attributed to the job that asked.
  assert.ok(inlineReads.includes('1 dags/sql/a1.sql') && inlineReads.includes('0 jobs/q0.sql'));
  assert.equal(inline[1].queries.find((q) => q.path === 'dags/sql/a1.sql')?.ownerId, 'dag:d1');
  assert.equal(inline[0].assets[0]?.id, 'spark_job:job0');
});
