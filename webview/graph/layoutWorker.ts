// The layout worker: the page's UI thread never lays out. Each request is answered with the
// quick layout at once and, for small graphs, with ELK's layered layout when it is ready. ELK
// runs here synchronously through its in-process "fake worker" (we are already off the UI thread).
import ELK from 'elkjs/lib/elk-api';
import { Worker as ElkFakeWorker } from 'elkjs/lib/elk-worker.min.js';
import { elkGraph, fromElk, quickLayout } from './layout';
import type { LayoutRequest, LayoutResponse } from './layoutMessages';

// elk-worker.min.js is ELK's GWT build. Loaded inside a worker it also claims `self.onmessage`
// for ELK's own protocol, which is why ours is assigned after it has loaded (below).

const scope = self as unknown as { onmessage: ((e: MessageEvent<LayoutRequest>) => void) | null; postMessage(m: LayoutResponse): void };
const elk = new ELK({ workerFactory: () => new ElkFakeWorker() });
let latest = 0;

scope.onmessage = (e) => {
  const { id, input, refine } = e.data;
  latest = id;
  const t0 = performance.now();
  try {
    scope.postMessage({ id, kind: 'layout', result: quickLayout(input), ms: performance.now() - t0 });
  } catch (err) {
    scope.postMessage({ id, kind: 'error', engine: 'quick', message: String(err) });
  }
  if (!refine) return;
  const t1 = performance.now();
  elk.layout(elkGraph(input)).then(
    // A newer request supersedes this one: its result would only be thrown away.
    (laid) => id === latest && scope.postMessage({ id, kind: 'layout', result: fromElk(input, laid), ms: performance.now() - t1 }),
    (err: unknown) => scope.postMessage({ id, kind: 'error', engine: 'elk', message: String(err) }),
  );
};
