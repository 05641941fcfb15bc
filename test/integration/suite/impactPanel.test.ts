/// <reference types="mocha" />
// The impact panel in a real VS Code: saving the tutorial's migration opens it with the
// tutorial's report, the save itself completes, a real click on a reported position opens the
// file there, hostile names render as text, and bad input gives a message, not a crash. What the
// webview shows is read from its `impact/rendered` message (taken from its DOM). Every file this
// suite changes is restored, so suites after it see the example as it was.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DataLineageApi } from '../../../src/client/extension';
import type { ImpactRendered } from '../../../src/protocol/webviewProtocol';
import { file, harnessClick, screenshot, until } from './helpers';

const MIGRATION = 'migrations/V002__rename_order_total.sql';
const HOSTILE = '<img src=x onerror=alert(1)>';

suite('Impact panel', () => {
  let api: DataLineageApi;
  const restore: (() => Promise<void>)[] = [];

  /** The panel's first render after `seq` with this title. */
  const rendered = (seq: number, title: string, timeoutMs?: number) =>
    until(
      `the impact panel to show ${title}`,
      () => {
        const r = api.impactPanel.lastRendered();
        return r && r.seq > seq && r.title === title ? r : undefined;
      },
      timeoutMs,
    );
  const lastSeq = () => api.impactPanel.lastRendered()?.seq ?? 0;

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<DataLineageApi>('datalineage.datalineage')!.activate();
    await api.indexed;
  });

  suiteTeardown(async () => {
    for (const r of restore.reverse()) await r();
  });

  test('saving the tutorial migration opens the panel with its 4 assets, and the save completes', async () => {
    const uri = file(MIGRATION);
    const original = fs.readFileSync(uri.fsPath, 'utf8');
    restore.push(async () => {
      const doc = await vscode.workspace.openTextDocument(uri);
      if (doc.getText() !== original) {
        const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
        await editor.edit((b) => b.replace(new vscode.Range(0, 0, doc.lineCount, 0), original));
        await doc.save();
      }
      assert.equal(fs.readFileSync(uri.fsPath, 'utf8'), original, `${MIGRATION} is restored`);
    });
    const editor = await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preview: false });
    const note = '-- Reviewed with the impact panel.\n';
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), note));
    assert.equal(editor.document.isDirty, true);
    const before = lastSeq();

    assert.equal(await editor.document.save(), true, 'the save went through');
    assert.equal(editor.document.isDirty, false);
    assert.equal(fs.readFileSync(uri.fsPath, 'utf8'), note + original, 'the edit is on disk');

    const shown = await rendered(before, 'V002__rename_order_total.sql');
    assert.equal(shown.risk, 'RISK HIGH');
    assert.deepEqual(shown.affected, [
      { name: 'stg_orders', type: 'dbt_model', severity: 'breaking' },
      { name: 'fct_orders', type: 'dbt_model', severity: 'breaking' },
      { name: 'daily_revenue_report', type: 'dag', severity: 'breaking' },
      { name: 'customer_ltv_model', type: 'spark_job', severity: 'warning' },
    ]);
    assert.equal(shown.links, 6, 'one link per reported position');
    assert.equal(shown.graphNodes, 5, 'raw_orders and the four affected assets');
    assert.equal(shown.graphOrientation, 'tb', 'beside the editor, the four layers stack top to bottom');
    assert.equal(shown.unexpectedElements, 0);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString(), 'the panel did not take the focus from the editor');
    await setTheme('Default Light Modern');
    await screenshot('impact-light', 'body.vscode-light .graph svg');
  });

  test('a click on a reported position opens the file at that line and column', async function () {
    const clicked = await harnessClick('impact-open-fct-orders', 'a.location[data-path="models/marts/fct_orders.sql"]');
    if (!clicked) this.skip(); // no harness (desktop VS Code): the click needs a browser
    const editor = await until('fct_orders.sql to open', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.path.endsWith('/models/marts/fct_orders.sql') ? e : undefined;
    });
    assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [14, 8], 'models/marts/fct_orders.sql:15:9');
    assert.equal(editor.document.lineAt(14).text.slice(8, 19), 'order_total');
  });

  test('the panel follows the theme: dark', async () => {
    await setTheme('Default Dark Modern');
    await screenshot('impact-dark', 'body.vscode-dark .graph svg');
    await setTheme('Default Light Modern');
  });

  test('maximized, the panel draws the blast radius left to right', async () => {
    const seq = api.impactPanel.lastRendered()!.seq;
    await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
    await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
    try {
      const wide = await until('a left-to-right render', () => {
        const r = api.impactPanel.lastRendered();
        return r?.seq === seq && r.graphOrientation === 'lr' ? r : undefined;
      });
      assert.equal(wide.graphNodes, 5);
      await screenshot('impact-wide', 'body.vscode-light .graph.lr svg');
    } finally {
      await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
    }
    await until('the panel beside the editor again', () => api.impactPanel.lastRendered()?.graphOrientation === 'tb' || undefined);
  });

  test('Copy as Markdown puts the report on the clipboard', async function () {
    const view = api.impactPanel.current();
    assert.equal(view?.kind, 'report');
    await vscode.env.clipboard.writeText('');
    if (!(await harnessClick('impact-copy-markdown', 'vscode-button[data-action="copy-markdown"]'))) this.skip();
    const copied = await until('the Markdown on the clipboard', async () => (await vscode.env.clipboard.readText()) || undefined);
    assert.equal(copied, view.kind === 'report' ? view.result.markdown : '');
    assert.match(copied, /^# Impact of `migrations\/V002__rename_order_total\.sql`/);
  });

  test('Export JSON writes the CLI schema for the report on screen', async () => {
    const target = vscode.Uri.file(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dl-export-')), 'impact.json'));
    const said = await api.impactPanel.exportJson(target);
    assert.match(said ?? '', /^Saved /);
    const text = fs.readFileSync(target.fsPath, 'utf8');
    assert.ok(text.endsWith('}\n'), 'ends as the CLI output does');
    const doc = JSON.parse(text);
    assert.deepEqual(Object.keys(doc), ['asset', 'proposed_changes', 'risk_level', 'affected_count', 'affected_assets', 'migration', 'changed_assets']);
    assert.equal(doc.risk_level, 'high');
    assert.equal(doc.affected_count, 4);
    assert.equal(doc.migration, MIGRATION);
  });

  test('an asset named like HTML shows as text, and no element comes from its name', async () => {
    const yml = file('lineage.yml');
    const original = fs.readFileSync(yml.fsPath, 'utf8');
    restore.push(async () => {
      fs.writeFileSync(yml.fsPath, original);
      await untilImpactOf('fct_orders', (r) => !r.affected.some((a) => a.name === HOSTILE));
    });
    const extra = `  - asset_type: dashboard\n    name: "${HOSTILE}"\n    upstream_assets: [fct_orders]\n    column_references:\n      - { asset: fct_orders, column: order_total, usage: identity }\n`;
    fs.writeFileSync(yml.fsPath, original.replace(/\n*$/, '\n') + extra);
    const shown = await untilImpactOf('fct_orders', (r) => r.affected.some((a) => a.name === HOSTILE));
    assert.deepEqual(shown.affected.find((a) => a.name === HOSTILE), { name: HOSTILE, type: 'dashboard', severity: 'breaking' });
    assert.equal(shown.unexpectedElements, 0, 'the name made no <img>');
    await screenshot('impact-hostile-name', 'text=<img src=x onerror=alert(1)>');
  });

  test('a migration of unknown tables, one without schema changes: a message in the panel', async () => {
    const unknown = file('migrations/V900__unknown_table.sql');
    const plain = file('migrations/V901__no_changes.sql');
    restore.push(async () => {
      for (const u of [unknown, plain]) await vscode.workspace.fs.delete(u).then(undefined, () => undefined);
    });
    await vscode.workspace.fs.writeFile(unknown, new TextEncoder().encode('ALTER TABLE audit.nowhere DROP COLUMN note;\n'));
    await vscode.workspace.fs.writeFile(plain, new TextEncoder().encode('CREATE TABLE raw.events (id int);\n'));

    let before = lastSeq();
    await vscode.commands.executeCommand('datalineage.analyzeMigration', unknown);
    let shown = await rendered(before, 'V900__unknown_table.sql');
    assert.match(shown.message ?? '', /^No table this migration changes is known in the workspace: audit\.nowhere \(line 1\)/);
    assert.equal(shown.risk, '');

    // Saved in an editor, it opens the panel too (an unknown table is worth a look), and saves.
    const editor = await vscode.window.showTextDocument(unknown, { viewColumn: vscode.ViewColumn.One });
    await editor.edit((b) => b.insert(new vscode.Position(1, 0), 'ALTER TABLE audit.nowhere DROP COLUMN other;\n'));
    before = lastSeq();
    assert.equal(await editor.document.save(), true);
    shown = await rendered(before, 'V900__unknown_table.sql');
    assert.match(shown.message ?? '', /audit\.nowhere \(line 1\), audit\.nowhere \(line 2\)/);
    assert.equal(editor.document.isDirty, false, 'the save went through');
    await screenshot('impact-unknown-table', '.notice');

    before = lastSeq();
    await vscode.commands.executeCommand('datalineage.analyzeMigration', plain);
    shown = await rendered(before, 'V901__no_changes.sql');
    assert.match(shown.message ?? '', /^No schema changes \(ALTER … RENAME\/DROP\/TYPE, DROP TABLE\) in migrations\/V901__no_changes\.sql/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  /** Runs Analyze Impact (drop order_total on `asset`) until the panel's render passes `ok` (the index may still be rebuilding). */
  async function untilImpactOf(asset: string, ok: (r: ImpactRendered) => boolean): Promise<ImpactRendered> {
    return until(`the impact of dropping ${asset}.order_total`, async () => {
      const before = lastSeq();
      await vscode.commands.executeCommand('datalineage.analyzeImpact', asset, [{ type: 'column_drop', column: 'order_total' }]);
      const r = await rendered(before, asset, 10_000);
      return ok(r) ? r : undefined;
    });
  }
});

/** Switches the colour theme and waits until the workbench uses it. */
async function setTheme(name: string): Promise<void> {
  const dark = /dark/i.test(name);
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', name, vscode.ConfigurationTarget.Global);
  await until(`the ${name} theme`, () => (vscode.window.activeColorTheme.kind === (dark ? vscode.ColorThemeKind.Dark : vscode.ColorThemeKind.Light)) || undefined);
}
