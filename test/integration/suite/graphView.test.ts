/// <reference types="mocha" />
// The Lineage Graph side view in a real VS Code, on a copy of examples/orders-pipeline: what it
// draws (read back from the webview's `graph/rendered` message), real mouse clicks inside the
// webview (the code-server harness), column mode, themes, and a hostile asset name shown as text.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { DataLineageApi } from '../../../src/client/extension';
import type { GraphRendered } from '../../../src/client/graphView';
import { file, harnessClick, screenshot, until } from './helpers';

const FCT = 'model.orders_pipeline.fct_orders';
const STG = 'model.orders_pipeline.stg_orders';
const EVIL = '<img src=x onerror=alert(1)>';

suite('Lineage Graph view', () => {
  let api: DataLineageApi;
  const theme = (name: string) => vscode.workspace.getConfiguration('workbench').update('colorTheme', name, vscode.ConfigurationTarget.Global);

  /** Waits for a render that satisfies `check` (the view re-renders on every change). */
  function rendered(what: string, check: (r: GraphRendered) => boolean): Promise<GraphRendered> {
    return until(what, () => {
      const r = api.graph.lastRendered();
      return r && check(r) ? r : undefined;
    }).catch((e) => {
      throw new Error(`${(e as Error).message}; last render: ${JSON.stringify(api.graph.lastRendered())}`);
    });
  }

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<DataLineageApi>('datalineage.datalineage');
    assert.ok(ext);
    api = await ext.activate();
    await api.indexed;
    await theme('Default Light Modern');
  });

  suiteTeardown(async () => {
    await theme(undefined as unknown as string); // back to the default
  });

  test('focused on fct_orders it shows the pipeline around it', async () => {
    await vscode.commands.executeCommand('datalineage.showLineageGraph', 'fct_orders');
    // The side bar is narrow by default: widen it so the screenshots show the graph, not a sliver.
    for (let i = 0; i < 8; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
    const r = await rendered('the graph around fct_orders', (x) => x.focus === FCT && x.nodeIds.length > 1);
    const ids = new Set(r.nodeIds);
    for (const id of [STG, 'dag:daily_revenue_report', 'spark_job:customer_ltv_model', 'dashboard:finance_large_orders']) assert.ok(ids.has(id), `${id} is drawn: ${r.nodeIds.join(', ')}`);
    assert.ok(r.nodeIds.some((id) => id.includes('raw') && id.includes('orders')), 'raw_orders, two hops upstream');
    assert.equal(r.detail.renderer, 'svg');
    assert.ok(r.detail.edges >= r.nodeIds.length - 1, 'the nodes are connected');
    await screenshot('graph-light', `[data-asset-id="${FCT}"]`);
  });

  test('the dark theme applies to the view', async () => {
    await theme('Default Dark Modern');
    await until('a dark theme', () => vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.Dark || undefined);
    await screenshot('graph-dark', `[data-asset-id="${FCT}"]`);
    await theme('Default Light Modern');
    await until('the light theme', () => vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.Light || undefined);
  });

  test('clicking a node opens the file that defines it', async function () {
    if (!(await harnessClick('graph-click-stg', `[data-asset-id="${STG}"]`))) return this.skip();
    const editor = await until('stg_orders.sql in the editor', () => (vscode.window.activeTextEditor?.document.uri.path.endsWith('models/staging/stg_orders.sql') ? vscode.window.activeTextEditor : undefined));
    assert.equal(editor.selection.active.line, 0);
    // Opening a file from the graph does not pull the graph's focus along with it.
    assert.equal(api.graph.lastRendered()?.focus, FCT);
  });

  test('column mode: expand two models and click order_total to light its lineage both ways', async function () {
    if (!(await harnessClick('graph-expand-fct', `[data-expand="${FCT}"]`))) return this.skip();
    await rendered('fct_orders expanded', (r) => r.detail.expanded.includes(FCT));
    await harnessClick('graph-expand-stg', `[data-expand="${STG}"]`);
    await rendered('stg_orders expanded', (r) => r.detail.expanded.includes(STG) && r.detail.expanded.includes(FCT));
    await harnessClick('graph-click-column', `[data-asset-id="${FCT}"] [data-column="order_total"]`);
    const r = await rendered('order_total highlighted', (x) => x.detail.highlighted.length > 1);
    const lit = new Set(r.detail.highlighted);
    assert.ok(lit.has(`${FCT}::order_total`), 'the clicked column');
    assert.ok(lit.has(`${STG}::order_total`), 'where it comes from');
    assert.ok([...lit].some((k) => /raw.*orders::order_total$/.test(k)), `and from further up: ${[...lit].join(', ')}`);
    assert.ok(lit.has('dag:daily_revenue_report::revenue'), 'where it flows: the DAG sums it into revenue');
    assert.ok(lit.has('spark_job:customer_ltv_model::lifetime_value'), 'and the Spark job into lifetime_value');
    await screenshot('graph-columns', `[data-asset-id="${FCT}"] [data-column="order_total"]`);
  });

  test('a hostile asset name is drawn as text, not markup', async function () {
    const yml = file('lineage.yml');
    const text = fs.readFileSync(yml.fsPath, 'utf8');
    fs.writeFileSync(yml.fsPath, `${text}\n  - asset_type: dashboard\n    name: "${EVIL}"\n    source_ref: https://bi.example.com/x\n    upstream_assets: [fct_orders]\n`);
    // The suite files share one workspace: the next ones must see the example as it was.
    try {
      await vscode.commands.executeCommand('datalineage.reindex');
      const r = await rendered('the hostile dashboard in the graph', (x) => x.focus === FCT && x.nodeIds.some((id) => id.includes('onerror')));
      assert.ok(r.nodeIds.length > 5);
      // :has-text matches rendered text: had the name become an <img> element, there would be no
      // such text to click (the node shows it cut to its width, hence a prefix).
      const shown = `.node-name:has-text("${EVIL.slice(0, 20)}")`;
      if (!(await harnessClick('graph-evil-text', shown))) return this.skip();
      await screenshot('graph-hostile-name', shown);
    } finally {
      fs.writeFileSync(yml.fsPath, text);
      await vscode.commands.executeCommand('datalineage.reindex');
    }
  });
});
