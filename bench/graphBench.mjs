// `npm run bench:graph`: layout + first paint of the graph webview on generated neighbourhoods,
// in headless Chromium with the real bundles (dist/webview) under the extension's CSP. The time
// is the page's own: from the `graph/data` message arriving to the frame after the draw
// (what `graph/rendered.ms` reports). Each size runs in a fresh page (cold worker, cold JIT),
// then twice more in the same page (warm). Fails when 2,000 nodes take a second or more cold.
import { startGraphPages, generateGraph, stateFor } from '../test/webview/graphPage.mjs';

const sizes = (process.env.GRAPH_BENCH_SIZES ?? '50,300,2000,5000').split(',').map(Number);
const pages = await startGraphPages();
const rows = [];
let failed = false;
try {
  for (const n of sizes) {
    const g = await pages.open({ width: 1400, height: 900 });
    const data = generateGraph(n);
    const runs = [];
    for (let i = 0; i < 3; i++) {
      // Each run is a new focus (fresh ids), so nothing is reused between runs.
      const d = i === 0 ? data : { ...data, nodes: data.nodes.map((x) => ({ ...x })) };
      const from = await g.count();
      await g.send({ type: 'graph/data', data: d, state: stateFor(d, { query: { ...stateFor(d).query, upstreamDepth: 6 + i } }) }, { waitFor: null });
      const first = await g.next('graph/rendered', from, 60_000);
      runs.push(first);
      // Small graphs are redrawn once ELK's refinement arrives: wait for it, so it does not
      // overlap the next run, and report it.
      if (first.detail.layout === 'quick' && n <= 250) runs[runs.length - 1].elk = await g.page.waitForFunction(([f]) => window.__posted.slice(f).find((m) => m.type === 'graph/rendered' && m.detail.layout === 'elk'), [from], { timeout: 60_000 }).then((h) => h.jsonValue()).catch(() => undefined);
    }
    const cold = runs[0];
    rows.push({
      nodes: n,
      edges: data.edges.length,
      renderer: cold.detail.renderer,
      'first paint cold (ms)': Math.round(cold.ms),
      'layout cold (ms)': Math.round(cold.detail.layoutMs),
      'first paint warm (ms)': Math.round(Math.min(runs[1].ms, runs[2].ms)),
      'first layout': cold.detail.layout,
      'ELK refined after (ms)': cold.elk ? Math.round(cold.elk.ms) : '',
    });
    if (n === 2000 && cold.ms >= 1000) failed = true;
    if (g.errors.some((e) => !/404/.test(e))) console.error(`errors at ${n} nodes:`, g.errors);
    await g.page.close();
  }
} finally {
  await pages.close();
}
console.table(rows);
if (failed) {
  console.error('graph bench: 2,000 nodes took 1 s or more to lay out and paint');
  process.exit(1);
}
