// Worker thread entry: analyses chunks of SQL sent by parsePool.ts and posts the results back.
import { parentPort } from 'node:worker_threads';
import type { ParseJob } from './parsePool';
import { analyzeSql } from './sqlAnalysis';

parentPort?.on('message', (chunk: ParseJob[]) => {
  parentPort?.postMessage(chunk.map((j) => [j.key, analyzeSql(j.sql, j.dialect)]));
});
