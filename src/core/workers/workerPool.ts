// Parsing is the expensive part of indexing (SQL above all, then schema YAML, Jinja and the
// Python readers), and each file parses on its own, so large batches are spread over worker
// threads. One pool serves a whole index build, so both phases reuse warm workers; small batches
// run inline, where a worker's start-up would cost more than it saves.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { TaskInput, TaskKind, TaskOutput, TaskServices } from './workerTasks';
import { NO_SERVICES, runTask, weightOf } from './workerTasks';

export interface RunOptions {
  /** Reads a workspace file for the task of `inputs[input]` (the Python readers' .sql files). */
  readFile?: (path: string, input: number) => Promise<string | undefined>;
  /**
   * Work nothing waits on soon (the Python readers, overlapped with the dbt reading): its chunks
   * go to a worker only when no other chunk is queued.
   */
  background?: boolean;
}

export interface PoolOptions {
  /** The bundled worker script (dist/parseWorker.js); without it everything runs inline. */
  workerScript?: string;
  workers?: number;
}

// Measured in characters of input (see weightOf): a few large YAML files are worth a worker,
// and a chunk of ~64 KB keeps messages cheap while the two workers stay evenly loaded.
const INLINE_BELOW = 200_000;
const CHUNK = 64_000;

/**
 * A worker's heap: left to V8's defaults, each worker grew to about 200 MB parsing a large
 * workspace (most of it garbage awaiting collection), which made the parse the process's peak
 * (730 MB at 10,000 models; 505 MB with these limits, and no slower). A task that needs more
 * than the old-generation limit (a huge file) ends its worker, and the pool redoes that chunk on
 * this thread (see lose()).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 };

/**
 * Whether workers speed up work this thread is busy alongside (the table phase: the dbt projects
 * are read here while the workers would take YAML, Jinja and Python). On two cores they do not:
 * the workers' start-up (bundle, WebAssembly) and messages cost more than their share of the
 * reading, and the table phase took ~25-30% longer with them than on this thread alone (measured
 * on this repository's 2-core machine); there the workers start after it, for the column phase.
 */
export function workersPayAlongside(): boolean {
  return availableParallelism() > 2;
}

interface Chunk {
  kind: TaskKind;
  items: unknown[];
  /** Services for the chunk's item `i`. */
  services(i: number): TaskServices;
  done(results: unknown[]): void;
}

/**
 * Tasks run on this thread, in order. An async task (a Python reader) is finished before the next
 * starts: started together, each would hold its syntax tree until the last one finished.
 */
async function runHere(kind: TaskKind, items: unknown[], services: (i: number) => TaskServices, onError?: () => unknown): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      const r = runTask(kind, items[i] as never, services(i));
      out.push(r instanceof Promise ? await r : r);
    } catch (e) {
      if (!onError) throw e;
      out.push(onError());
    }
  }
  return out;
}

/** A chunk run on this thread; a task that throws here too yields no result for its item. */
function runInline(c: Chunk): Promise<unknown[]> {
  return runHere(c.kind, c.items, c.services, () => undefined);
}

/** A worker's message: a chunk's results, or a task asking for a workspace file. */
type WorkerMessage = unknown[] | ReadRequest;

interface ReadRequest {
  read: string;
  id: number;
  /** The item of the chunk whose task asks. */
  item: number;
}

export class WorkerPool {
  private workers: Worker[] = [];
  private readonly queue: Chunk[] = [];
  private readonly background: Chunk[] = [];
  private readonly idle: Worker[] = [];
  private readonly current = new Map<Worker, Chunk>();

  constructor(private readonly opts: PoolOptions) {}

  /** Runs `kind` over every input; results come back in input order. */
  async run<K extends TaskKind>(kind: K, inputs: TaskInput<K>[], opts: RunOptions = {}): Promise<TaskOutput<K>[]> {
    const read = opts.readFile;
    const services = (input: number): TaskServices => (read ? { readFile: (p) => read(p, input) } : NO_SERVICES);
    const weights = inputs.map(weightOf);
    const total = weights.reduce((a, b) => a + b, 0);
    if (!this.opts.workerScript || total < INLINE_BELOW) {
      if (!opts.background) return runHere(kind, inputs, services) as Promise<TaskOutput<K>[]>;
      // Background work for this thread waits until it is free (lend(), or else the next turn of
      // the event loop) rather than interleaving with the caller's own work at every await: the
      // Python files are then read after the dbt projects, one at a time, as before workers.
      const done = new Promise<unknown[]>((resolve) => this.background.push({ kind, items: inputs, services, done: resolve }));
      setImmediate(() => void this.lend());
      return done as Promise<TaskOutput<K>[]>;
    }
    this.start(Math.ceil(total / CHUNK));
    const parts: Promise<unknown[]>[] = [];
    const queue = opts.background ? this.background : this.queue;
    for (let i = 0; i < inputs.length; ) {
      let end = i;
      for (let w = 0; end < inputs.length && (w < CHUNK || end === i); end++) w += weights[end];
      const items = inputs.slice(i, end);
      const offset = i;
      parts.push(new Promise((done) => queue.push({ kind, items, services: (n) => services(offset + n), done })));
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

  /**
   * This thread runs the queued background chunks, one at a time, until none is left: for a
   * caller done with its own work that would otherwise only wait for the workers (the table
   * phase: the workers read the Python files while the dbt projects are read here, then this
   * thread joins them). Chunks a worker already holds are still awaited through run().
   */
  async lend(): Promise<void> {
    for (let c = this.background.shift(); c; c = this.background.shift()) c.done(await runInline(c));
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
      const w = new Worker(this.opts.workerScript as string, { resourceLimits: WORKER_LIMITS });
      w.on('message', (msg: WorkerMessage) => {
        if (!Array.isArray(msg)) return this.answerRead(w, msg);
        this.current.get(w)?.done(msg);
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

  // A read that fails answers "no such file"; a worker that has gone meanwhile (its chunk is
  // redone inline) gets no answer.
  private answerRead(w: Worker, req: ReadRequest): void {
    const chunk = this.current.get(w);
    const read = chunk ? chunk.services(req.item).readFile(req.read) : Promise.resolve(undefined);
    const answer = (text: string | undefined) => {
      if (this.workers.includes(w)) w.postMessage({ id: req.id, text });
    };
    read.then(answer, () => answer(undefined));
  }

  private lose(w: Worker): void {
    if (!this.workers.includes(w)) return;
    this.workers = this.workers.filter((x) => x !== w);
    const idleAt = this.idle.indexOf(w);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    const chunk = this.current.get(w);
    this.current.delete(w);
    if (chunk) void runInline(chunk).then(chunk.done);
    if (this.workers.length === 0) this.drainInline();
    else this.dispatch();
  }

  // Each idle worker takes the next chunk, so a slow chunk does not hold the rest; background
  // chunks only when nothing else waits.
  private dispatch(): void {
    while (this.idle.length && (this.queue.length || this.background.length)) {
      const w = this.idle.pop() as Worker;
      const chunk = (this.queue.shift() ?? this.background.shift()) as Chunk;
      this.current.set(w, chunk);
      w.postMessage({ kind: chunk.kind, items: chunk.items });
    }
  }

  private drainInline(): void {
    for (let c = this.queue.shift() ?? this.background.shift(); c; c = this.queue.shift() ?? this.background.shift()) void runInline(c).then(c.done);
  }
}
