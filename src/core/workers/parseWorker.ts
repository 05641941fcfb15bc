// Worker thread entry: runs chunks of per-file tasks sent by workerPool.ts and posts the results.
import { parentPort } from 'node:worker_threads';
import type { TaskKind } from './workerTasks';
import { runTask } from './workerTasks';

parentPort?.on('message', (msg: { kind: TaskKind; items: never[] }) => {
  parentPort?.postMessage(msg.items.map((item) => runTask(msg.kind, item)));
});
