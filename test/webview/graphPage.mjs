// The graph webview's real bundles (dist/webview) in headless Chromium, outside VS Code: served
// from a loopback HTTP server under the same CSP the extension sets (nonce scripts, blob: worker),
// with a stand-in for acquireVsCodeApi that records what the page posts. Used by the webview
// tests and by the benchmark (bench/graphBench.mjs).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { execSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = join(repo, 'dist/webview');
const NONCE = 'dGVzdC1ub25jZQ';

// A few theme variables, as VS Code's Dark Modern sets them on <html>.
const DARK = {
  '--vscode-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d', '--vscode-sideBar-background': '#181818',
  '--vscode-editor-background': '#1f1f1f', '--vscode-editorWidget-background': '#202020', '--vscode-editorWidget-border': '#313131',
  '--vscode-focusBorder': '#0078d4', '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7', '--vscode-charts-yellow': '#cca700', '--vscode-badge-background': '#616161',
  '--vscode-badge-foreground': '#f8f8f8', '--vscode-editorWarning-foreground': '#cca700', '--vscode-editorLineNumber-foreground': '#6e7681',
  '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px', '--vscode-editor-font-family': 'monospace',
};

const stub = `
window.__posted = [];
window.__alerts = 0;
window.alert = () => { window.__alerts++; };
let saved = window.__initialState;
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(m),
  getState: () => saved,
  setState: (s) => { saved = s; window.__savedState = s; },
});
for (const [k, v] of Object.entries(${JSON.stringify(DARK)})) document.documentElement.style.setProperty(k, v);
`;

function page(origin, initialState) {
  const csp = [
    "default-src 'none'", `script-src 'nonce-${NONCE}'`, `worker-src ${origin} blob:`, `style-src ${origin} 'nonce-${NONCE}'`,
    `font-src ${origin}`, `img-src ${origin} data: blob:`, `connect-src ${origin}`,
  ].join('; ');
  const workers = JSON.stringify({ 'graphLayout.js': `${origin}/graphLayout.js` }).replace(/"/g, '&quot;');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="${origin}/codicon.css" id="vscode-codicon-stylesheet"></head>
<body class="vscode-dark"><div id="app" data-workers="${workers}"></div>
<script nonce="${NONCE}" src="${origin}/stub.js?state=${encodeURIComponent(JSON.stringify(initialState ?? null))}"></script>
<script nonce="${NONCE}" src="${origin}/graph.js"></script></body></html>`;
}

/** Starts the server and the browser; `open()` loads a fresh page. Call `close()` at the end. */
export async function startGraphPages() {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const origin = `http://127.0.0.1:${server.address().port}`;
    try {
      if (url.pathname === '/') return send(res, 'text/html', page(origin, JSON.parse(url.searchParams.get('state') ?? 'null')));
      if (url.pathname === '/stub.js') return send(res, 'text/javascript', `window.__initialState = ${url.searchParams.get('state') ?? 'null'};${stub}`);
      const file = join(dist, url.pathname.replace(/^\/+/, ''));
      if (!file.startsWith(dist)) throw new Error('outside dist');
      const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'font/ttf';
      send(res, type, await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const executablePath = process.env.CHROMIUM_PATH ?? execSync('command -v chromium', { shell: '/bin/sh' }).toString().trim();
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--headless'] });
  return {
    origin,
    async open({ width = 1000, height = 700, state } = {}) {
      const p = await browser.newPage({ viewport: { width, height } });
      const errors = [];
      p.on('pageerror', (e) => errors.push(e.message));
      p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await p.goto(`${origin}/?state=${encodeURIComponent(JSON.stringify(state ?? null))}`);
      await p.waitForFunction(() => window.__posted.some((m) => m.type === 'graph/ready'));
      return wrap(p, errors);
    },
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}

function send(res, type, body) {
  res.writeHead(200, { 'content-type': type, 'access-control-allow-origin': '*' });
  res.end(body);
}

function wrap(p, errors) {
  return {
    page: p,
    errors,
    /** Posts a message to the page as the extension would and waits for the render it causes. */
    async send(message, { waitFor = 'graph/rendered' } = {}) {
      const before = await p.evaluate(() => window.__posted.length);
      await p.evaluate((m) => window.postMessage(m, '*'), message);
      return waitFor ? this.next(waitFor, before) : undefined;
    },
    /** The first message of `type` posted after index `from`. */
    async next(type, from = 0, timeout = 20_000) {
      const handle = await p.waitForFunction(([t, i]) => window.__posted.slice(i).find((m) => m.type === t), [type, from], { timeout });
      return handle.jsonValue();
    },
    posted: () => p.evaluate(() => window.__posted),
    count: () => p.evaluate(() => window.__posted.length),
  };
}

/**
 * A generated neighbourhood of `n` nodes around a focus: `levels` hops each way, each node fed by
 * one or two nodes of the previous hop, five columns each and a column edge per flowing column.
 */
export function generateGraph(n, levels = 6) {
  const types = ['table', 'dbt_model', 'view', 'dag', 'spark_job', 'dvc_stage', 'file', 'mlflow_run'];
  const perLevel = Math.ceil((n - 1) / (2 * levels));
  const nodes = [{ id: 'n0', name: 'focus_model', asset_type: 'dbt_model', depth: 0 }];
  for (let i = 1; i < n; i++) {
    const level = Math.floor((i - 1) / perLevel);
    const depth = level < levels ? -(levels - level) : level - levels + 1;
    nodes.push({ id: `n${i}`, name: `asset_${i}_${types[i % types.length]}`, asset_type: types[i % types.length], depth });
  }
  const byDepth = new Map();
  for (const node of nodes) byDepth.set(node.depth, [...(byDepth.get(node.depth) ?? []), node]);
  const edges = [];
  const columnEdges = [];
  for (const node of nodes) {
    node.columns = ['id', 'amount', 'customer_id', 'created_at', 'status'].map((name) => ({ name, type: 'text' }));
    node.hiddenUpstream = 0;
    node.hiddenDownstream = 0;
    if (node.depth === 0) continue;
    const toward = node.depth < 0 ? node.depth + 1 : node.depth - 1;
    const others = byDepth.get(toward);
    const k = Number(node.id.slice(1));
    for (const j of new Set([k % others.length, (k * 7) % others.length])) {
      const other = others[j];
      const [from, to] = node.depth < 0 ? [node, other] : [other, node];
      edges.push({ from: from.id, to: to.id, confidence: 'explicit' });
      columnEdges.push({ from: from.id, fromColumn: 'amount', to: to.id, toColumn: 'amount', usage: 'identity', confidence: 'explicit' });
    }
    if (Math.abs(node.depth) === levels) node[node.depth < 0 ? 'hiddenUpstream' : 'hiddenDownstream'] = 2;
  }
  return { focus: 'n0', nodes, edges, columnEdges, truncated: false };
}

export function stateFor(data, more = {}) {
  return { query: { focus: data.focus, upstreamDepth: 6, downstreamDepth: 6, nodeBudget: 5000, columns: true }, hiddenTypes: [], search: '', expanded: [], ...more };
}
