// Worker thread entry: runs chunks of per-file tasks sent by workerPool.ts and posts the results.
// A task that needs another workspace file asks the pool for it ({ read, id, item }) and awaits
// the answer ({ id, text }): only the main thread holds the workspace's file system.
import { parentPort } from 'node:worker_threads';
import type { TaskKind, TaskServices } from './workerTasks';
import { runTask } from './workerTasks';

const pendingReads = new Map<number, (text: string | undefined) => void>();
let nextRead = 0;

/** Services for item `item` of the current chunk. */
const services = (item: number): TaskServices => ({
  readFile: (path) =>
    new Promise((resolve) => {
      const id = nextRead++;
      pendingReads.set(id, resolve);
      parentPort?.postMessage({ read: path, id, item });
    }),
});

parentPort?.on('message', (msg: { kind: TaskKind; items: never[] } | { id: number; text: string | undefined }) => {
  if ('id' in msg) {
    pendingReads.get(msg.id)?.(msg.text);
    pendingReads.delete(msg.id);
    return;
  }
  // A task that throws or rejects ends the worker; the pool then redoes its chunk inline.
  void Promise.all(msg.items.map((item, i) => runTask(msg.kind, item, services(i)))).then((results) => parentPort?.postMessage(results));
});
