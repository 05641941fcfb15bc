/// <reference types="mocha" />
// The extension in a real VS Code on a copy of examples/orders-pipeline, through the public
// VS Code API only: activation, CodeLens, hover, diagnostics, commands, an unsaved edit. Every
// wait polls a condition with a deadline; nothing sleeps for a fixed time.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { DataLineageApi } from '../../../src/client/extension';
import { file, screenshot, until } from './helpers';

async function lensTitles(rel: string): Promise<string[]> {
  await vscode.workspace.openTextDocument(file(rel)); // the provider command needs the document loaded
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file(rel))) ?? [];
  return lenses.filter((l) => l.command?.command.startsWith('datalineage.')).map((l) => `${l.range.start.line + 1}: ${l.command!.title}`);
}

/** Waits until the file's lenses are exactly `expected` (the index may still be settling). */
async function expectLenses(rel: string, expected: string[]): Promise<void> {
  let seen: string[] = [];
  await until(`lenses on ${rel}: ${JSON.stringify(expected)}`, async () => {
    seen = await lensTitles(rel);
    return JSON.stringify(seen) === JSON.stringify(expected) || undefined;
  }).catch((e) => {
    throw new Error(`${(e as Error).message}; last seen ${JSON.stringify(seen)}`);
  });
}

async function openAt(rel: string, line0: number, character = 0): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(file(rel), { preview: false, viewColumn: vscode.ViewColumn.One });
  const pos = new vscode.Position(line0, character);
  editor.selection = new vscode.Selection(pos, pos);
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}

function lineOf(doc: vscode.TextDocument, pattern: RegExp): number {
  for (let i = 0; i < doc.lineCount; i++) if (pattern.test(doc.lineAt(i).text)) return i;
  throw new Error(`no line matches ${pattern} in ${doc.uri.path}`);
}

function reportText(name: RegExp): string | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'datalineage-report' && name.test(d.uri.path))?.getText();
}

suite('DataLineage in VS Code', () => {
  let api: DataLineageApi;
  /** The impact panel's first render after `seq` with this title, read back from the webview. */
  const newRender = (seq: number, title: string) => {
    const r = api.impactPanel.lastRendered();
    return r && r.seq > seq && r.title === title ? r : undefined;
  };

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<DataLineageApi>('datalineage.datalineage');
    assert.ok(ext, 'the extension is installed');
    api = await ext.activate();
    await api.indexed;
  });

  test('activates on the dbt workspace and registers its commands', async () => {
    const ext = vscode.extensions.getExtension('datalineage.datalineage')!;
    assert.equal(ext.isActive, true);
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['showLineageGraph', 'showLineageTree', 'analyzeImpact', 'analyzeMigration', 'reindex', 'showOutput', 'showNeighbours', 'pickNeighbour']) {
      assert.ok(commands.includes(`datalineage.${c}`), `datalineage.${c} is registered`);
    }
  });

  test('CodeLens on the model, the source, the DAG, the Spark job, the DVC stage and the migration', async () => {
    await expectLenses('models/staging/stg_orders.sql', ['1: ↓ 1 downstream · ↑ 1 upstream']);
    await expectLenses('models/marts/fct_orders.sql', ['1: ↓ 3 downstream · ↑ 1 upstream']);
    await expectLenses('models/staging/sources.yml', ['8: ↓ 1 downstream · ↑ 0 upstream']);
    await expectLenses('dags/daily_revenue_report.py', ['7: ↓ 0 downstream · ↑ 1 upstream', '14: ↓ 0 downstream · ↑ 0 upstream']);
    await expectLenses('jobs/customer_ltv.py', ['8: ↓ 1 downstream · ↑ 1 upstream']);
    await expectLenses('dvc.yaml', ['2: ↓ 2 downstream · ↑ 3 upstream']);
    await expectLenses('migrations/V002__rename_order_total.sql', ['2: ⚠ breaks 3 · warns 1', '3: ⚠ breaks 1 · warns 0']);
    await openAt('models/marts/fct_orders.sql', 0);
    await until('the lens to render', async () => (await lensTitles('models/marts/fct_orders.sql')).length > 0 || undefined);
    await screenshot('codelens', '.codelens-decoration a');
  });

  test('hover on order_total shows its upstream chain and downstream readers', async () => {
    const doc = await vscode.workspace.openTextDocument(file('models/marts/fct_orders.sql'));
    const line = lineOf(doc, /^\s+order_total,?\s*$/);
    const pos = new vscode.Position(line, doc.lineAt(line).text.indexOf('order_total') + 3);
    const hovers = await until('a DataLineage hover', async () => {
      const list = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
      return list.find((h) => h.contents.some((c) => (c as vscode.MarkdownString).value?.includes('Comes from')));
    });
    const text = hovers.contents.map((c) => (c as vscode.MarkdownString).value).join('\n');
    assert.match(text, /order\\_total.*column of \[\*\*fct\\_orders\*\*\]/);
    assert.match(text, /stg\\_orders[\s\S]*raw\\_orders/);
    assert.match(text, /daily\\_revenue\\_report[\s\S]*→ revenue/);
    assert.match(text, /customer\\_ltv\\_model[\s\S]*inferred/);
    const editor = await openAt('models/marts/fct_orders.sql', line, pos.character);
    await vscode.commands.executeCommand('editor.action.showHover');
    assert.equal(editor.document.uri.toString(), doc.uri.toString());
    await screenshot('hover', '.monaco-hover .rendered-markdown');
    await vscode.commands.executeCommand('editor.action.hideHover').then(undefined, () => undefined);
  });

  // Python read from its code: the Spark job names the column through a constant, and the DAG's
  // task SQL is a string inside an operator call.
  test('hover in the Spark job and the DAG: the column a constant names, the column in task SQL', async () => {
    const job = await vscode.workspace.openTextDocument(file('jobs/customer_ltv.py'));
    const line = lineOf(job, /F\.col\(AMOUNT_COLUMN\)/);
    const pos = new vscode.Position(line, job.lineAt(line).text.indexOf('AMOUNT_COLUMN') + 2);
    const hover = await until('a DataLineage hover on AMOUNT_COLUMN', async () => {
      const list = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', job.uri, pos);
      return list.find((h) => h.contents.some((c) => (c as vscode.MarkdownString).value?.includes('Comes from')));
    });
    const text = hover.contents.map((c) => (c as vscode.MarkdownString).value).join('\n');
    assert.match(text, /^\*\*lifetime\\_value\*\* — column of \[\*\*customer\\_ltv\\_model\*\*\]/);
    assert.match(text, /Here: reads .*fct\\_orders.*\.order\\_total \(aggregate, inferred\)/);
    await openAt('jobs/customer_ltv.py', line, pos.character);
    await vscode.commands.executeCommand('editor.action.showHover');
    await screenshot('spark-hover', '.monaco-hover .rendered-markdown');
    await vscode.commands.executeCommand('editor.action.hideHover').then(undefined, () => undefined);

    const dag = await vscode.workspace.openTextDocument(file('dags/daily_revenue_report.py'));
    const sqlLine = lineOf(dag, /sum\(order_total\) as revenue/);
    const at = new vscode.Position(sqlLine, dag.lineAt(sqlLine).text.indexOf('order_total') + 3);
    const dagHover = await until('a DataLineage hover on order_total in the task SQL', async () => {
      const list = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', dag.uri, at);
      return list.find((h) => h.contents.some((c) => (c as vscode.MarkdownString).value?.includes('Comes from')));
    });
    const dagText = dagHover.contents.map((c) => (c as vscode.MarkdownString).value).join('\n');
    assert.match(dagText, /^\*\*revenue\*\* — column of \[\*\*daily\\_revenue\\_report\*\*\]/);
    assert.match(dagText, /Here: reads .*fct\\_orders.*\.order\\_total \(aggregate\)/);
    await openAt('dags/daily_revenue_report.py', sqlLine, at.character);
    await vscode.commands.executeCommand('editor.action.showHover');
    await screenshot('dag-hover', '.monaco-hover .rendered-markdown');
    await vscode.commands.executeCommand('editor.action.hideHover').then(undefined, () => undefined);
  });

  test('a ref() to a model that does not exist gets an error diagnostic', async () => {
    const uri = file('models/marts/orders_broken.sql');
    await vscode.workspace.fs.writeFile(uri, Buffer.from("select order_id from {{ ref('stg_ordrs') }}\n"));
    const diag = await until('the unknown-ref diagnostic', () => vscode.languages.getDiagnostics(uri).find((d) => d.source === 'datalineage' && String(d.code) === 'unknown-ref'));
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diag.message, /ref\('stg_ordrs'\) points to no model/);
    await vscode.workspace.fs.delete(uri);
    await until('the diagnostic to go away', () => vscode.languages.getDiagnostics(uri).length === 0 || undefined);
  });

  test('an unsaved edit that adds a downstream model updates the CodeLens counts', async () => {
    const uri = file('models/marts/orders_by_status.sql');
    await vscode.workspace.fs.writeFile(uri, new Uint8Array());
    const editor = await vscode.window.showTextDocument(uri);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), "select status, count(*) as orders\nfrom {{ ref('stg_orders') }}\ngroup by status\n"));
    assert.equal(editor.document.isDirty, true, 'the edit is not saved');
    await expectLenses('models/staging/stg_orders.sql', ['1: ↓ 2 downstream · ↑ 1 upstream']);
    await expectLenses('models/marts/orders_by_status.sql', ['1: ↓ 0 downstream · ↑ 1 upstream']);
    assert.equal(fs.readFileSync(uri.fsPath, 'utf8'), '', 'nothing was written to disk');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.workspace.fs.delete(uri);
    await expectLenses('models/staging/stg_orders.sql', ['1: ↓ 1 downstream · ↑ 1 upstream']);
  });

  test('Analyze Impact of This Migration opens the tutorial report in the impact panel', async () => {
    await openAt('migrations/V002__rename_order_total.sql', 2);
    const before = api.impactPanel.lastRendered()?.seq ?? 0;
    await vscode.commands.executeCommand('datalineage.analyzeMigration');
    const shown = await until('the impact panel', () => newRender(before, 'V002__rename_order_total.sql'));
    assert.equal(shown.risk, 'RISK HIGH');
    assert.deepEqual(
      shown.affected.map((a) => `${a.name} | ${a.type} | ${a.severity}`),
      ['stg_orders | dbt_model | breaking', 'fct_orders | dbt_model | breaking', 'daily_revenue_report | dag | breaking', 'customer_ltv_model | spark_job | warning'],
    );
    await screenshot('migration-impact', '.risk-badge');
  });

  test('Analyze Impact of a Change, Show Lineage as Text, Reindex and the neighbours pick list', async () => {
    const before = api.impactPanel.lastRendered()?.seq ?? 0;
    await vscode.commands.executeCommand('datalineage.analyzeImpact', 'fct_orders', [{ type: 'column_drop', column: 'is_large_order' }]);
    const impact = await until('the fct_orders report', () => newRender(before, 'fct_orders'));
    assert.deepEqual(impact.affected, [{ name: 'finance_large_orders', type: 'dashboard', severity: 'breaking' }]);
    await vscode.commands.executeCommand('datalineage.showLineageTree', 'stg_orders');
    const tree = await until('the lineage document', () => reportText(/lineage-stg_orders/));
    assert.match(tree, /\[DBT_MODEL\] stg_orders\n └── \[DBT_MODEL\] fct_orders/);
    const status = await vscode.commands.executeCommand<{ state: string; assets: number }>('datalineage.reindex');
    assert.equal(status.state, 'ready');
    assert.equal(status.assets, 15);
    // The quick pick waits for the user: close it, then the command finishes.
    let done = false;
    const shown = Promise.resolve(vscode.commands.executeCommand('datalineage.pickNeighbour', 'model.orders_pipeline.stg_orders')).then(() => (done = true));
    await until('the neighbours pick list to close', async () => {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      return done || undefined;
    });
    await shown;
  });
});
