// The impact panel's pure parts: the blast-radius layering, the risk and severity badges, the
// JSON export (byte for byte the CLI's `impact --json`), what a save of a migration leads to, and
// hostile names passing through every step as the text they are. The DOM side is checked in a
// real VS Code by test/integration/suite/impactPanel.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLineageIndex } from '../../src/core/lineageIndex';
import { MemoryFileSystem } from '../../src/core/io/fileSystem';
import { NodeFileSystem } from '../../src/core/io/nodeFileSystem';
import { EditorView } from '../../src/server/editorView';
import { migrationImpactOf, impactOf } from '../../src/server/requests';
import { impactJson } from '../../src/core/impact/impactJson';
import type { ImpactResult, MigrationLookupError, LookupError } from '../../src/protocol/lineageProtocol';
import type { AffectedAsset, ImpactReport } from '../../src/core/impact/impactAnalysis';
import { NODE, blastRadius, orientationFor, placeNodes } from '../../webview/impact/blastRadius';
import { byFile, isOpenable, riskBadge, severityBadge, summaryLine, viaLabel } from '../../webview/impact/presentation';
import { fitLabel } from '../../webview/common/text';
import { noteworthy, notificationText, readMode, saveAction } from '../../src/client/saveDecision';

const repo = path.join(__dirname, '..', '..');
const example = path.join(repo, 'examples', 'orders-pipeline');
const MIGRATION = 'migrations/V002__rename_order_total.sql';
const HOSTILE = '<img src=x onerror=alert(1)>';

/** What reaches the extension: the server's answer after a trip through JSON-RPC. */
function overTheWire<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

function isResult(r: ImpactResult | LookupError): r is ImpactResult {
  assert.ok(!('error' in r), `expected a report, got ${JSON.stringify(r)}`);
  return true;
}

let tutorial: Promise<ImpactResult> | undefined;
/** The tutorial's migration, analysed by the server's own handler on the example workspace. */
function tutorialResult(): Promise<ImpactResult> {
  return (tutorial ??= (async () => {
    const view = new EditorView(await createLineageIndex(new NodeFileSystem(example)));
    const r = migrationImpactOf(view, MIGRATION, fs.readFileSync(path.join(example, MIGRATION), 'utf8'), 'postgres');
    assert.ok(isResult(r));
    return overTheWire(r);
  })());
}

function affected(name: string, via: string[], severity: 'breaking' | 'warning' = 'breaking'): AffectedAsset {
  return { id: `x.${name}`, name, asset_type: 'dbt_model', source_ref: `${name}.sql`, affected_references: ['c'], severity, locations: [{ path: `${name}.sql`, line: 1, column: 1 }], via, reasons: [] };
}

function report(assets: AffectedAsset[], root = 'raw'): ImpactReport {
  return { asset: { id: `t.${root}`, name: root, asset_type: 'table', source_ref: '' }, proposed_changes: [{ type: 'column_drop', column: 'c' }], risk_level: 'high', affected_count: assets.length, affected_assets: assets };
}

test('blast radius of the tutorial: the changed table, then each hop of the via paths, left to right', async () => {
  const g = blastRadius((await tutorialResult()).report);
  const at = Object.fromEntries(g.nodes.map((n) => [n.name, [n.layer, n.order]]));
  assert.deepEqual(at, { raw_orders: [0, 0], stg_orders: [1, 0], fct_orders: [2, 0], daily_revenue_report: [3, 0], customer_ltv_model: [3, 1] });
  assert.deepEqual(g.edges, [
    { from: 'raw_orders', to: 'stg_orders' },
    { from: 'stg_orders', to: 'fct_orders' },
    { from: 'fct_orders', to: 'daily_revenue_report' },
    { from: 'fct_orders', to: 'customer_ltv_model' },
  ]);
  assert.equal(g.layers, 4);
  assert.equal(g.widest, 2);
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  assert.equal(byName.get('raw_orders')?.root, true);
  assert.equal(byName.get('raw_orders')?.asset, undefined, 'the changed table is not an affected asset');
  assert.equal(byName.get('customer_ltv_model')?.severity, 'warning');
  assert.equal(byName.get('daily_revenue_report')?.severity, 'breaking');
  assert.deepEqual(byName.get('daily_revenue_report')?.asset?.locations, [{ path: 'dags/daily_revenue_report.py', line: 18, column: 36 }]);
});

test('blast radius: a node reached directly and through another sits after both, so every edge points right', () => {
  const g = blastRadius(report([affected('b', ['raw', 'b']), affected('c', ['raw', 'c']), affected('d', ['raw', 'b', 'c', 'd'])]));
  const layer = Object.fromEntries(g.nodes.map((n) => [n.name, n.layer]));
  assert.deepEqual(layer, { raw: 0, b: 1, c: 2, d: 3 });
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  for (const e of g.edges) assert.ok(byName.get(e.from)!.layer < byName.get(e.to)!.layer, `${e.from} → ${e.to} points right`);
});

test('blast radius: a cycle neither hangs nor loses nodes; several changed tables all start at the left', () => {
  const cyc = blastRadius(report([affected('a', ['raw', 'a']), affected('b', ['raw', 'a', 'b']), affected('a2', ['raw', 'a', 'b', 'a', 'a2'])]));
  assert.deepEqual(cyc.nodes.map((n) => n.name).sort(), ['a', 'a2', 'b', 'raw']);
  for (const n of cyc.nodes) assert.ok(Number.isInteger(n.layer) && n.layer >= 0);
  const multi = blastRadius({ ...report([affected('x', ['t1', 'x']), affected('y', ['t2', 'y'])], 't1'), changed_assets: ['t1', 't2'] });
  const at = Object.fromEntries(multi.nodes.map((n) => [n.name, [n.layer, n.order, n.root]]));
  assert.deepEqual(at, { t1: [0, 0, true], t2: [0, 1, true], x: [1, 0, false], y: [1, 1, false] });
  assert.deepEqual(blastRadius(report([])), { nodes: [{ name: 'raw', layer: 0, order: 0, root: true }], edges: [], layers: 1, widest: 1 });
});

test('blast radius drawing: left to right when it fits, top to bottom in a narrow panel, layers centred', async () => {
  const g = blastRadius((await tutorialResult()).report);
  const lrWidth = NODE.pad * 2 + 4 * NODE.width + 3 * NODE.layerGap;
  assert.equal(orientationFor(g, lrWidth), 'lr');
  assert.equal(orientationFor(g, lrWidth - 1), 'tb');
  const lr = placeNodes(g, 'lr');
  assert.equal(lr.width, lrWidth);
  assert.deepEqual(lr.at.get('raw_orders'), { x: NODE.pad, y: NODE.pad + (NODE.height + NODE.siblingGap) / 2 }, 'a one-node layer sits in the middle of the widest');
  assert.ok(lr.at.get('daily_revenue_report')!.x > lr.at.get('fct_orders')!.x);
  const tb = placeNodes(g, 'tb');
  assert.equal(tb.width, NODE.pad * 2 + 2 * NODE.width + NODE.tbSiblingGap, 'as wide as the widest layer');
  assert.ok(tb.width < lrWidth);
  assert.ok(tb.at.get('stg_orders')!.y > tb.at.get('raw_orders')!.y && tb.at.get('customer_ltv_model')!.x > tb.at.get('daily_revenue_report')!.x);
  for (const p of [lr, tb]) for (const { x, y } of p.at.values()) assert.ok(x >= 0 && y >= 0 && x + NODE.width <= p.width && y + NODE.height <= p.height);
});

test('risk and severity badges: label, codicon and theme tone for each level', () => {
  assert.deepEqual(['high', 'medium', 'low', 'none'].map((r) => [riskBadge(r).label, riskBadge(r).icon, riskBadge(r).tone]), [
    ['HIGH', 'error', 'error'],
    ['MEDIUM', 'warning', 'warning'],
    ['LOW', 'info', 'info'],
    ['NONE', 'pass', 'ok'],
  ]);
  assert.deepEqual([severityBadge('breaking').tone, severityBadge('warning').tone], ['error', 'warning']);
  assert.equal(riskBadge('extreme').label, 'EXTREME', 'an unknown level still shows its own text');
  assert.equal(viaLabel(['raw', 'a']), 'direct');
  assert.equal(viaLabel(['raw', 'a', 'b', 'c']), 'a → b');
  assert.deepEqual(byFile([{ path: 'm/a.sql', line: 1, column: 2 }, { path: 'b.py', line: 3, column: 1 }, { path: 'm/a.sql', line: 5, column: 1 }]).map((g) => [g.file, g.at.map((l) => l.line)]), [['a.sql', [1, 5]], ['b.py', [3]]]);
});

test('the summary line of the tutorial report, and which positions become links', async () => {
  assert.equal(summaryLine(await tutorialResult()), '4 affected assets · 3 breaking · 1 warning');
  assert.equal(isOpenable({ path: 'models/marts/fct_orders.sql', line: 15, column: 9 }), true);
  for (const p of ['../outside.sql', '/etc/passwd', 'file:///etc/passwd', 'a/../../b.sql', '']) assert.equal(isOpenable({ path: p, line: 1, column: 1 }), false, p);
});

test('Export JSON writes exactly what `impact --migration … --json` prints', async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-impact-json-'));
  const cli = spawnSync(process.execPath, [path.join(repo, 'bin', 'datalineage.js'), 'impact', '--migration', MIGRATION, '--workspace', example, '--json'], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, DATALINEAGE_CACHE_DIR: cacheDir },
  });
  assert.equal(cli.status, 1, 'the tutorial migration fails the gate');
  const exported = impactJson((await tutorialResult()).report) + '\n';
  assert.equal(exported, cli.stdout);
  const doc = JSON.parse(exported);
  assert.deepEqual(Object.keys(doc), ['asset', 'proposed_changes', 'risk_level', 'affected_count', 'affected_assets', 'migration', 'changed_assets']);
  assert.deepEqual(Object.keys(doc.affected_assets[0]), ['id', 'name', 'asset_type', 'source_ref', 'affected_references', 'severity', 'locations', 'via', 'reasons']);
});

test('a hostile asset name stays the same text through the report, the graph, the JSON, and is escaped in Markdown', async () => {
  const files = {
    'models/orders.sql': 'create table orders (id int, total int);\n',
    'lineage.yml': `assets:\n  - asset_type: dashboard\n    name: "${HOSTILE}"\n    upstream_assets: [orders]\n    column_references:\n      - { asset: orders, column: total, usage: identity }\n`,
  };
  const view = new EditorView(await createLineageIndex(new MemoryFileSystem(files)));
  const r = overTheWire(impactOf(view, 'orders', [{ type: 'column_drop', column: 'total' }]));
  assert.ok(isResult(r));
  assert.deepEqual(r.report.affected_assets.map((a) => a.name), [HOSTILE]);
  const node = blastRadius(r.report).nodes.find((n) => n.layer === 1);
  assert.equal(node?.name, HOSTILE, 'the graph labels the node with the name as written');
  assert.equal(fitLabel(HOSTILE, 40), HOSTILE);
  assert.equal(fitLabel(HOSTILE, 10), '<img src=…');
  assert.equal(JSON.parse(impactJson(r.report)).affected_assets[0].name, HOSTILE);
  assert.doesNotMatch(r.markdown, /(?<!\\)<img/, 'Copy as Markdown never carries an unescaped tag');
  assert.match(r.markdown, /\\<img src=x onerror=alert\(1\)\\>/);
});

test('on save: the panel opens for affected assets or unknown tables, a notification by setting, nothing when off', async () => {
  const result = await tutorialResult();
  const none: ImpactResult = { ...result, report: { ...result.report, affected_count: 0, affected_assets: [], risk_level: 'none' } };
  const unknownOnly: MigrationLookupError = { error: 'no table this migration changes is known in the workspace: raw.nope (line 1)', unknownTargets: ['raw.nope (line 1)'] };
  const noChanges: MigrationLookupError = { error: 'no schema changes (ALTER … RENAME/DROP/TYPE, DROP TABLE) in V001.sql' };
  const failed = { failed: 'connection closed' };
  assert.deepEqual([result, unknownOnly, failed, none, noChanges].map(noteworthy), [true, true, true, false, false]);
  assert.equal(saveAction('panel', result, true), 'open');
  assert.equal(saveAction('panel', unknownOnly, true), 'open');
  assert.equal(saveAction('panel', none, true), 'update', 'nothing affected: only an open panel is refreshed');
  assert.equal(saveAction('panel', noChanges, true), 'update');
  assert.equal(saveAction('panel', result, false), 'update', 'an auto-save never pops the panel up');
  assert.equal(saveAction('notify', result, true), 'notify');
  assert.equal(saveAction('off', result, true), 'none');
  assert.deepEqual([readMode('notify'), readMode('off'), readMode(undefined), readMode('bogus')], ['notify', 'off', 'panel', 'panel']);
  assert.equal(notificationText('V002.sql', result), 'DataLineage: V002.sql — risk HIGH: 4 affected assets (3 breaking)');
  assert.equal(notificationText('V009.sql', failed), 'DataLineage: could not analyse V009.sql: connection closed');
});
