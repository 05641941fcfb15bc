// The graph webview's real bundles in headless Chromium under the extension's CSP (see
// graphPage.mjs): hostile names stay text, the keyboard opens nodes, "+N" refocuses, big graphs
// switch to canvas, state survives a reload, and bad input gives a message instead of a crash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGraphPages, generateGraph, stateFor } from './graphPage.mjs';

const EVIL = '<img src=x onerror=alert(1)>';
let pages;

before(async () => {
  pages = await startGraphPages();
});
after(async () => {
  await pages?.close();
});

function small() {
  const n = (id, name, depth, more = {}) => ({ id, name, asset_type: 'dbt_model', depth, columns: [], hiddenUpstream: 0, hiddenDownstream: 0, ...more });
  return {
    focus: 'fct',
    truncated: false,
    nodes: [
      n('fct', 'fct_orders', 0, { uri: 'file:///ws/fct.sql', line: 0, character: 0, columns: [{ name: 'order_total', line: 14, character: 8 }, { name: EVIL }] }),
      n('stg', 'stg_orders', -1, { uri: 'file:///ws/stg.sql', line: 2, character: 0, hiddenUpstream: 4, columns: [{ name: 'order_total' }] }),
      n('evil', EVIL, 1, { asset_type: '<script>alert(2)</script>' }),
      n('stage', 'train', 1, { asset_type: 'dvc_stage', stale: true }),
    ],
    edges: [
      { from: 'stg', to: 'fct', confidence: 'explicit' },
      { from: 'fct', to: 'evil', confidence: 'explicit' },
      { from: 'fct', to: 'stage', confidence: 'inferred' },
    ],
    columnEdges: [{ from: 'stg', fromColumn: 'order_total', to: 'fct', toColumn: 'order_total', usage: 'identity', confidence: 'explicit' }],
  };
}

test('hostile names and types are drawn as text, never as markup', async () => {
  const g = await pages.open();
  const data = small();
  const r = await g.send({ type: 'graph/data', data, state: stateFor(data, { expanded: ['fct'] }) });
  assert.deepEqual(r.nodeIds, ['fct', 'stg', 'evil', 'stage']);
  const dom = await g.page.evaluate(() => ({
    imgs: document.querySelectorAll('img, script:not([src])').length,
    alerts: window.__alerts,
    evilName: document.querySelector('[data-asset-id="evil"] .node-name').textContent,
    evilTitle: document.querySelector('[data-asset-id="evil"] title').textContent,
    evilColumn: document.querySelector('[data-asset-id="fct"] [data-column="<img src=x onerror=alert(1)>"] text').textContent,
    legend: [...document.querySelectorAll('.legend vscode-checkbox')].map((c) => c.textContent),
  }));
  assert.equal(dom.imgs, 0);
  assert.equal(dom.alerts, 0);
  assert.ok(EVIL.startsWith(dom.evilName.replace('…', '')), dom.evilName);
  assert.match(dom.evilTitle, /^<img src=x onerror=alert\(1\)> \(<script>alert\(2\)<\/script>\)/);
  assert.equal(dom.evilColumn, EVIL);
  assert.ok(dom.legend.some((t) => t.includes('<script>alert(2)</script>')), 'an unknown type is listed by its name, as text');
  assert.deepEqual(g.errors.filter((e) => !/404/.test(e)), []);
});

test('the focus, the stale stage and the +N marker are marked; clicking +N asks for a new focus', async () => {
  const g = await pages.open();
  const data = small();
  await g.send({ type: 'graph/data', data, state: stateFor(data) });
  const marks = await g.page.evaluate(() => ({
    focus: document.querySelector('.node.focus').getAttribute('data-asset-id'),
    stale: document.querySelector('.node.stale').getAttribute('data-asset-id'),
    staleLabel: document.querySelector('.node.stale').getAttribute('aria-label'),
    more: document.querySelector('[data-more="stg::up"] text').textContent,
  }));
  assert.deepEqual([marks.focus, marks.stale, marks.more], ['fct', 'stage', '+4']);
  assert.match(marks.staleLabel, /DVC stage train, 1 hop downstream, stale/);
  const from = await g.count();
  await g.page.click('[data-more="stg::up"]');
  const q = await g.next('graph/query', from);
  assert.equal(q.query.focus, 'stg');
  assert.equal(q.query.upstreamDepth, 6, 'depths are kept');
});

test('keyboard: from the focus node arrows move, Enter opens, Space shows columns; clicks light a column', async () => {
  const g = await pages.open({ width: 1200, height: 600 });
  const data = small();
  await g.send({ type: 'graph/data', data, state: stateFor(data) });
  await g.page.focus('[data-asset-id="fct"]');
  assert.equal(await g.page.evaluate(() => document.activeElement.getAttribute('data-asset-id')), 'fct');
  await g.page.keyboard.press('ArrowLeft');
  assert.equal(await g.page.evaluate(() => document.activeElement.getAttribute('data-asset-id')), 'stg');
  let from = await g.count();
  await g.page.keyboard.press('Enter');
  const open = await g.next('graph/open', from);
  assert.deepEqual(open.target, { uri: 'file:///ws/stg.sql', line: 2, character: 0 });
  from = await g.count();
  await g.page.keyboard.press(' ');
  const r = await g.next('graph/rendered', from);
  assert.deepEqual(r.detail.expanded, ['stg']);
  // Clicking a column highlights its lineage and opens where it is defined, keeping focus here.
  from = await g.count();
  await g.page.click('[data-expand="fct"]');
  assert.deepEqual((await g.next('graph/rendered', from)).detail.expanded, ['stg', 'fct']);
  from = await g.count();
  await g.page.click('[data-asset-id="fct"] [data-column="order_total"]');
  const lit = await g.next('graph/rendered', from);
  assert.deepEqual(lit.detail.highlighted.sort(), ['fct::order_total', 'stg::order_total']);
  const colOpen = await g.next('graph/open', from);
  assert.deepEqual(colOpen, { type: 'graph/open', target: { uri: 'file:///ws/fct.sql', line: 14, character: 8 }, preserveFocus: true });
});

test('search marks matches and the view state is saved for a reload', async () => {
  const g = await pages.open();
  const data = small();
  await g.send({ type: 'graph/data', data, state: stateFor(data) });
  const from = await g.count();
  await g.page.locator('vscode-textfield.search input').fill('stg');
  // The render the search causes: a refined layout of the data can still post its own render (no
  // matches) after `from` on a slow machine, so the first render after it is not necessarily the
  // search's. A search that marked nothing never posts one with matches, and this times out.
  const handle = await g.page.waitForFunction((i) => window.__posted.slice(i).find((m) => m.type === 'graph/rendered' && m.detail.matches.length), from, { timeout: 20_000 });
  const r = await handle.jsonValue();
  assert.deepEqual(r.detail.matches, ['stg']);
  const saved = await g.page.evaluate(() => window.__savedState);
  assert.equal(saved.search, 'stg');
  const again = await pages.open({ state: saved });
  const ready = (await again.posted()).find((m) => m.type === 'graph/ready');
  assert.equal(ready.state.query.focus, 'fct', 'the restored state goes back to the extension');
  assert.equal(ready.state.search, 'stg');
});

test('unknown asset and empty graphs give a message; a 2,000-node graph is drawn on canvas', async () => {
  const g = await pages.open();
  await g.send({ type: 'graph/empty', message: 'no asset named "nope"' });
  assert.equal(await g.page.textContent('.message'), 'no asset named "nope"');
  const empty = { focus: 'x', nodes: [], edges: [], truncated: false };
  await g.send({ type: 'graph/data', data: empty, state: stateFor(empty) }, { waitFor: null });
  await g.page.waitForFunction(() => document.querySelector('.message').textContent.startsWith('Nothing to draw'));
  const big = generateGraph(2000);
  const r = await g.send({ type: 'graph/data', data: big, state: stateFor(big) });
  assert.equal(r.nodeIds.length, 2000);
  assert.equal(r.detail.renderer, 'canvas');
  assert.equal(r.detail.layout, 'quick');
  assert.ok(r.ms < 5000, `${r.ms} ms`);
  assert.equal(await g.page.evaluate(() => document.querySelectorAll('.node').length), 0, 'no SVG nodes in canvas mode');
  assert.deepEqual(g.errors.filter((e) => !/404/.test(e)), []);
});

test('export: an SVG with the theme resolved and a PNG data URL', async () => {
  const g = await pages.open();
  const data = small();
  await g.send({ type: 'graph/data', data, state: stateFor(data) });
  let from = await g.count();
  await g.page.click('vscode-toolbar-button[title="Export as SVG…"]');
  const svg = await g.next('graph/export', from);
  assert.equal(svg.format, 'svg');
  assert.match(svg.data, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(!svg.data.includes('var(--vscode'), 'colours are resolved');
  assert.ok(svg.data.includes('&lt;img src=x onerror=alert(1)&gt;'), 'names are escaped in the file');
  assert.match(svg.data, /@font-face \{ font-family: codicon; src: url\(data:font\/truetype;base64,/);
  from = await g.count();
  await g.page.click('vscode-toolbar-button[title="Export as PNG…"]');
  const png = await g.next('graph/export', from);
  assert.match(png.data, /^data:image\/png;base64,iVBOR/);
});
