// Parsing is the expensive step of the column phase (node-sql-parser: a few ms per model), so a
// large batch is spread over worker threads; small batches run inline, where a worker's start-up
// would cost more than it saves.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { SqlAnalysis } from './sqlAnalysis';
import { analyzeSql } from './sqlAnalysis';

export interface ParseJob {
  key: string;
  sql: string;
  dialect: string;
}

export interface PoolOptions {
  /** The bundled worker script (dist/parseWorker.js); without it everything runs inline. */
  workerScript?: string;
  workers?: number;
}

const INLINE_BELOW = 64;
const CHUNK = 40;

export async function analyzeMany(jobs: ParseJob[], opts: PoolOptions): Promise<Map<string, SqlAnalysis>> {
  const out = new Map<string, SqlAnalysis>();
  const count = Math.min(opts.workers ?? availableParallelism(), Math.ceil(jobs.length / CHUNK));
  if (!opts.workerScript || jobs.length < INLINE_BELOW || count < 1) {
    for (const j of jobs) out.set(j.key, analyzeSql(j.sql, j.dialect));
    return out;
  }
  const chunks: ParseJob[][] = [];
  for (let i = 0; i < jobs.length; i += CHUNK) chunks.push(jobs.slice(i, i + CHUNK));
  const workers = Array.from({ length: count }, () => new Worker(opts.workerScript as string));
  try {
    await Promise.all(workers.map((w) => drain(w, chunks, out)));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}

// Each worker takes the next chunk when it finishes one, so a slow chunk does not hold the rest.
function drain(worker: Worker, chunks: ParseJob[][], out: Map<string, SqlAnalysis>): Promise<void> {
  return new Promise((resolve, reject) => {
    const next = () => {
      const chunk = chunks.shift();
      if (!chunk) return resolve();
      worker.postMessage(chunk);
    };
    worker.on('message', (results: [string, SqlAnalysis][]) => {
      for (const [k, v] of results) out.set(k, v);
      next();
    });
    worker.on('error', reject);
    next();
  });
}
