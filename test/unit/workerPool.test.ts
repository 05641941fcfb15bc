// The pool's failure paths (a worker that cannot start or dies must cost time, never results), and
// that work done in the workers equals the same work done on this thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as os from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

// A worker that starts the real worker only once `gate` exists, so the test decides when the
// chunk it holds comes back.
function gatedWorker(dir: string, gate: string): string {
  const script = path.join(dir, 'gated-worker.js');
  const real = path.join(__dirname, '..', 'parseWorker.js');
  writeFileSync(script, `const fs = require('fs');\nconst wait = setInterval(() => { if (fs.existsSync(${JSON.stringify(gate)})) { clearInterval(wait); require(${JSON.stringify(real)}); } }, 5);\n`);
  return script;
}

test('lend(): this thread takes every queued background chunk, and the one a worker holds still comes back', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dl-pool-'));
  const gate = path.join(dir, 'go');
  const pool = new WorkerPool({ workerScript: gatedWorker(dir, gate), workers: 1 });
  let settled = false;
  const asked = new Set<number>();
  const run = pool.run('python', pythonJobs, { background: true, readFile: async (p, job) => (asked.add(job), sqlFiles.get(p)) });
  void run.then(() => (settled = true));
  await pool.lend();
  // The worker has not started yet, so its chunk is outstanding: lend() did not wait for it, and
  // read all the other files here (every job asks for one .sql file; a chunk is ~35 jobs).
  assert.equal(settled, false);
  assert.ok(asked.size >= 150 && asked.size < pythonJobs.length, `${asked.size} jobs read before the worker started`);
  writeFileSync(gate, '');
  const viaBoth = await run;
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
  const inline = await new WorkerPool({}).run('python', pythonJobs, { readFile: async (p) => sqlFiles.get(p) });
  assert.deepEqual(viaBoth, inline);
  assert.equal(viaBoth[0].assets[0]?.id, 'spark_job:job0');
});

test('background work without workers waits for this thread to be free, then runs in order', async () => {
  const pool = new WorkerPool({});
  const started: number[] = [];
  const jobs = pythonJobs.slice(0, 4);
  const run = pool.run('python', jobs, { background: true, readFile: async (p, job) => (started.push(job), sqlFiles.get(p)) });
  for (let i = 0; i < 20; i++) await Promise.resolve(); // the caller's own work, in microtasks
  assert.deepEqual(started, []);
  await pool.lend();
  assert.deepEqual(started, [0, 1, 2, 3]);
  assert.deepEqual(await run, await new WorkerPool({}).run('python', jobs, { readFile: async (p) => sqlFiles.get(p) }));
  // With nobody lending, it still runs on the next turn of the event loop.
  assert.equal((await new WorkerPool({}).run('python', jobs, { background: true, readFile: async (p) => sqlFiles.get(p) })).length, 4);
});
