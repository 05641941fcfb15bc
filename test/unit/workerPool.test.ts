// The pool's failure paths: a worker that cannot start or dies must cost time, never results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { WorkerPool } from '../../src/core/workers/workerPool';

const inputs = Array.from({ length: 300 }, (_, i) => ({ sql: `select a${i}, b from t${i} where c > ${i}`.padEnd(1200, ' '), dialect: 'postgres' }));

test('a missing worker script: every chunk is done on this thread, in order', async () => {
  const pool = new WorkerPool({ workerScript: path.join(__dirname, 'no-such-worker.js'), workers: 2 });
  pool.warm(1_000_000);
  const out = await pool.run('sql', inputs);
  await pool.close();
  assert.equal(out.length, inputs.length);
  assert.deepEqual(out[7]?.statements[0]?.ir?.kind, 'select');
});

test('the real worker script gives the same results as the main thread', async () => {
  const pool = new WorkerPool({ workerScript: path.join(__dirname, '..', 'parseWorker.js'), workers: 2 });
  const viaWorkers = await pool.run('sql', inputs);
  await pool.close();
  const inline = await new WorkerPool({}).run('sql', inputs);
  assert.deepEqual(viaWorkers, inline);
});
