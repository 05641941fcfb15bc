// Parsing is the expensive part of indexing (SQL above all, then schema YAML and Jinja), and each
// file parses on its own, so large batches are spread over worker threads. One pool serves a
// whole index build, so both phases reuse warm workers; small batches run inline, where a
// worker's start-up would cost more than it saves.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { TaskInput, TaskKind, TaskOutput } from './workerTasks';
import { runTask, weightOf } from './workerTasks';

export interface PoolOptions {
  /** The bundled worker script (dist/parseWorker.js); without it everything runs inline. */
  workerScript?: string;
  workers?: number;
}

// Measured in characters of input (see weightOf): a few large YAML files are worth a worker,
// and a chunk of ~64 KB keeps messages cheap while the two workers stay evenly loaded.
const INLINE_BELOW = 200_000;
const CHUNK = 64_000;

interface Chunk {
  kind: TaskKind;
  items: unknown[];
  done(results: unknown[]): void;
}

/** A chunk run on this thread; a task that throws here too yields no result for its item. */
function runInline(c: Chunk): unknown[] {
  return c.items.map((i) => {
    try {
      return runTask(c.kind, i as never);
    } catch {
      return undefined;
    }
  });
}

export class WorkerPool {
  private workers: Worker[] = [];
  private readonly queue: Chunk[] = [];
  private readonly idle: Worker[] = [];
  private readonly current = new Map<Worker, Chunk>();

  constructor(private readonly opts: PoolOptions) {}

  /** Runs `kind` over every input; results come back in input order. */
  async run<K extends TaskKind>(kind: K, inputs: TaskInput<K>[]): Promise<TaskOutput<K>[]> {
    const weights = inputs.map(weightOf);
    const total = weights.reduce((a, b) => a + b, 0);
    if (!this.opts.workerScript || total < INLINE_BELOW) return inputs.map((i) => runTask(kind, i));
    this.start(Math.ceil(total / CHUNK));
    const parts: Promise<unknown[]>[] = [];
    for (let i = 0; i < inputs.length; ) {
      let end = i;
      for (let w = 0; end < inputs.length && (w < CHUNK || end === i); end++) w += weights[end];
      const items = inputs.slice(i, end);
      parts.push(new Promise((done) => this.queue.push({ kind, items, done })));
      i = end;
    }
    this.dispatch();
    return (await Promise.all(parts)).flat() as TaskOutput<K>[];
  }

  /**
   * Starts the workers ahead of need: each compiles the bundle (~165 ms), which overlaps with
   * the file reading that comes first. Only worth it for a workspace large enough to use them.
   */
  warm(expectedWork: number): void {
    if (this.opts.workerScript && expectedWork >= INLINE_BELOW) this.start(Math.ceil(expectedWork / CHUNK));
  }

  async close(): Promise<void> {
    const all = this.workers;
    this.workers = []; // so their 'exit' events are not taken for losses
    this.idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
  }

  private start(wanted: number): void {
    const count = Math.min(this.opts.workers ?? availableParallelism(), wanted);
    while (this.workers.length < count) {
      const w = new Worker(this.opts.workerScript as string);
      w.on('message', (results: unknown[]) => {
        this.current.get(w)?.done(results);
        this.current.delete(w);
        this.idle.push(w);
        this.dispatch();
      });
      // A worker that dies (out of memory, a bug, a missing script) loses nothing: its chunk is
      // redone here, and with no worker left the queue drains on this thread.
      const lost = () => this.lose(w);
      w.on('error', lost);
      w.on('exit', lost);
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  private lose(w: Worker): void {
    if (!this.workers.includes(w)) return;
    this.workers = this.workers.filter((x) => x !== w);
    const idleAt = this.idle.indexOf(w);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    const chunk = this.current.get(w);
    this.current.delete(w);
    if (chunk) chunk.done(runInline(chunk));
    if (this.workers.length === 0) this.drainInline();
    else this.dispatch();
  }

  // Each idle worker takes the next chunk, so a slow chunk does not hold the rest.
  private dispatch(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop() as Worker;
      const chunk = this.queue.shift() as Chunk;
      this.current.set(w, chunk);
      w.postMessage({ kind: chunk.kind, items: chunk.items });
    }
  }

  private drainInline(): void {
    for (let c = this.queue.shift(); c; c = this.queue.shift()) c.done(runInline(c));
  }
}
