// Talks to the layout worker. Webviews cannot start a worker from their resource URL (another
// origin), so the script is fetched and started from a blob: URL, which the CSP allows. If no
// worker can be started the quick layout runs on the page instead and the view says so.
import { ELK_MAX_NODES, quickLayout } from './layout';
import type { LayoutInput, LayoutResult } from './layout';
import type { LayoutRequest, LayoutResponse } from './layoutMessages';

export interface LayoutAnswer {
  result: LayoutResult;
  ms: number;
}

export class LayoutClient {
  private worker: Promise<Worker | undefined>;
  private nextId = 1;
  private readonly waiting = new Map<number, (r: LayoutResponse) => void>();
  /** Set when the worker could not start (shown in the status line). */
  problem?: string;

  constructor(workerUrl: string | undefined) {
    this.worker = this.start(workerUrl);
  }

  /**
   * Lays out `input`: `onLayout` gets the quick layout first and, for small graphs, ELK's
   * refinement later. Calls for an older request are dropped once a newer one is made.
   */
  async layout(input: LayoutInput, onLayout: (a: LayoutAnswer) => void, onError: (message: string) => void): Promise<void> {
    const id = this.nextId++;
    const worker = await this.worker;
    if (!worker) {
      const t0 = performance.now();
      onLayout({ result: quickLayout(input), ms: performance.now() - t0 });
      return;
    }
    const refine = input.nodes.length <= ELK_MAX_NODES;
    let pending = refine ? 2 : 1;
    this.waiting.set(id, (r) => {
      if (id !== this.nextId - 1) return void this.waiting.delete(id);
      if (--pending <= 0) this.waiting.delete(id);
      if (r.kind === 'layout') onLayout({ result: r.result, ms: r.ms });
      else if (r.engine === 'quick') onError(r.message);
      // An ELK failure keeps the quick layout on screen; nothing else to do.
    });
    const request: LayoutRequest = { id, input, refine };
    worker.postMessage(request);
  }

  private async start(url: string | undefined): Promise<Worker | undefined> {
    if (!url) return this.fail('no layout worker was given');
    try {
      const text = await (await fetch(url)).text();
      const worker = new Worker(URL.createObjectURL(new Blob([text], { type: 'text/javascript' })));
      worker.onmessage = (e: MessageEvent<LayoutResponse>) => this.waiting.get(e.data.id)?.(e.data);
      worker.onerror = (e) => {
        this.problem = `layout worker failed: ${e.message}`;
      };
      return worker;
    } catch (e) {
      return this.fail(`could not start the layout worker (${String(e)})`);
    }
  }

  private fail(why: string): undefined {
    this.problem = `${why}; laying out on the page`;
    return undefined;
  }
}
