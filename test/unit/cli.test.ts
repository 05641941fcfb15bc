// The CLI contract, checked by running bin/datalineage.js as CI would: exit codes, one JSON
// document on stdout, one line on stderr for bad input, the tutorial's text output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.join(__dirname, '..', '..');
const example = path.join(repo, 'examples', 'orders-pipeline');
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cli-cache-'));

function cli(args: string[], cwd = example) {
  const r = spawnSync(process.execPath, [path.join(repo, 'bin', 'datalineage.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, DATALINEAGE_CACHE_DIR: cacheDir } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const TUTORIAL_CHANGES = ['--rename-column', 'order_total=total_amount', '--drop-column', 'legacy_discount_code'];

test('lineage prints the tutorial tree', () => {
  const r = cli(['lineage', 'raw_orders']);
  assert.equal(r.code, 0);
  // The tutorial's tree, with what the code adds downstream: the Spark job's output, the DVC
  // stage and MLflow run trained on it, and the BI dashboard.
  assert.deepEqual(r.out.trimEnd().split('\n'), [
    '[TABLE] raw_orders',
    ' └── [DBT_MODEL] stg_orders',
    '  └── [DBT_MODEL] fct_orders',
    '   └── [DAG] daily_revenue_report',
    '   └── [SPARK_JOB] customer_ltv_model',
    '    └── [FILE] data/customer_ltv.parquet',
    '     └── [DVC_STAGE] train_ltv_model',
    '      └── [FILE] metrics/ltv.json',
    '      └── [FILE] models/ltv_model.pkl',
    '     └── [MLFLOW_RUN] ltv-gbr',
    '      └── [MLFLOW_MODEL] customer_ltv',
    '   └── [DASHBOARD] finance_large_orders',
  ]);
});

test('lineage --json has the contract shape, and a source answers to source_name.table_name', () => {
  const r = cli(['lineage', 'raw.raw_orders', '--json', '--direction', 'both']);
  assert.equal(r.code, 0);
  const doc = JSON.parse(r.out);
  assert.deepEqual(Object.keys(doc.graph).sort(), ['asset_type', 'downstream', 'id', 'name', 'source_ref', 'upstream']);
  assert.equal(doc.graph.name, 'raw_orders');
  assert.equal(doc.graph.source_ref, 'postgres://warehouse/raw/orders');
  assert.equal(doc.graph.downstream[0].name, 'stg_orders');
  assert.deepEqual(doc.graph.upstream, []);
});

test('impact gives the tutorial report and exits 1 on breaking findings', () => {
  const r = cli(['impact', 'raw_orders', ...TUTORIAL_CHANGES]);
  assert.equal(r.code, 1);
  assert.match(r.out, /Risk level: HIGH\nAffected assets: 4\n/);
  assert.match(r.out, /⚠ stg_orders \(dbt_model\)\n {4}References: order_total, legacy_discount_code\n {4}Severity: breaking/);
  assert.match(r.out, /⚠ customer_ltv_model \(spark_job\)\n {4}References: order_total\n {4}Severity: warning/);
  assert.match(r.out, /\[BLOCKED\] 3 breaking change\(s\) detected/);
});

test('impact --json is one document with the contract fields; --migration gives the same result', () => {
  const flags = cli(['impact', 'raw_orders', ...TUTORIAL_CHANGES, '--json']);
  const mig = cli(['impact', '--migration', 'migrations/V002__rename_order_total.sql', '--json']);
  assert.equal(flags.code, 1);
  assert.equal(mig.code, 1);
  const a = JSON.parse(flags.out);
  const b = JSON.parse(mig.out);
  assert.deepEqual(Object.keys(a).sort(), ['affected_assets', 'affected_count', 'asset', 'proposed_changes', 'risk_level']);
  assert.deepEqual(a.proposed_changes, [
    { type: 'column_rename', from: 'order_total', to: 'total_amount' },
    { type: 'column_drop', column: 'legacy_discount_code' },
  ]);
  for (const x of a.affected_assets) {
    for (const k of ['id', 'name', 'asset_type', 'source_ref', 'affected_references', 'severity', 'locations', 'via']) assert.ok(k in x, `affected asset lacks ${k}`);
    assert.ok(x.locations.every((l: { path: string; line: number; column: number }) => typeof l.path === 'string' && l.line >= 1 && l.column >= 1));
  }
  const summary = (r: { affected_assets: { name: string; severity: string; affected_references: string[] }[] }) => r.affected_assets.map((x) => [x.name, x.severity, x.affected_references.join(',')]);
  assert.deepEqual(summary(b), summary(a));
  assert.equal(b.risk_level, 'high');
  assert.deepEqual(a.affected_assets[1].via, ['raw_orders', 'stg_orders', 'fct_orders']);
});

test('--fail-on decides the exit code', () => {
  assert.equal(cli(['impact', 'raw_orders', ...TUTORIAL_CHANGES, '--fail-on', 'never']).code, 0);
  // Only the Spark job reads customer_id's sibling through a constant; dropping order_id affects warnings and breaks.
  const warnOnly = cli(['impact', 'fct_orders', '--change-type', 'order_total=bigint', '--json']);
  assert.equal(warnOnly.code, 0, 'a type change only warns, so the default gate passes');
  assert.ok(JSON.parse(warnOnly.out).affected_count > 0);
  assert.equal(cli(['impact', 'fct_orders', '--change-type', 'order_total=bigint', '--fail-on', 'warning']).code, 1);
});

test('columns --json lists each column with its direct upstream columns', () => {
  const r = cli(['columns', 'fct_orders', '--json']);
  assert.equal(r.code, 0);
  const doc = JSON.parse(r.out);
  assert.equal(doc.asset.name, 'fct_orders');
  assert.deepEqual(doc.columns.find((c: { name: string }) => c.name === 'is_large_order').upstream, ['stg_orders.order_total']);
});

test('index --json reports counts and diagnostics', () => {
  const r = cli(['index', '--json']);
  assert.equal(r.code, 0);
  const doc = JSON.parse(r.out);
  assert.deepEqual(Object.keys(doc).sort(), ['assets', 'by_type', 'column_edges', 'diagnostics', 'edges']);
  assert.equal(doc.assets, 15);
  assert.deepEqual(doc.diagnostics.map((d: { code: string }) => d.code), ['dvc-stale']);
  assert.ok(doc.column_edges >= 10);
});

test('bad usage and unknown names exit 2 with one line on stderr', () => {
  const cases: string[][] = [
    ['lineage', 'no_such_model'],
    ['impact', 'raw_orders', '--rename-column', 'order_total'],
    ['impact', 'raw_orders'],
    ['impact', 'raw_orders', '--fail-on', 'sometimes', '--drop-column', 'x'],
    ['lineage', 'raw_orders', '--depth', 'zero'],
    ['frobnicate'],
    ['lineage', 'raw_orders', '--workspace', '/no/such/folder'],
    ['impact', '--migration', 'missing.sql'],
    ['impact', 'raw_orders', '--drop-column', 'legacy_discount'],
    ['lineage', 'raw_orders', '--bogus-flag'],
  ];
  for (const args of cases) {
    const r = cli(args);
    assert.equal(r.code, 2, `exit code for ${args.join(' ')}`);
    assert.equal(r.err.trimEnd().split('\n').length, 1, `one stderr line for ${args.join(' ')}: ${r.err}`);
    assert.equal(r.out, '', `nothing on stdout for ${args.join(' ')}`);
  }
  assert.match(cli(['lineage', 'stg_order']).err, /did you mean: stg_orders/);
});

test('DAG ids, task ids, Spark job names, DVC stages and MLflow models are asset names', () => {
  for (const name of ['daily_revenue_report', 'daily_revenue_report.compute_daily_revenue', 'customer_ltv_model', 'train_ltv_model', 'customer_ltv', 'ltv-gbr']) {
    const r = cli(['lineage', name, '--json']);
    assert.equal(r.code, 0, `${name}: ${r.err}`);
    assert.equal(JSON.parse(r.out).graph.name, name);
  }
});

test('an ambiguous name lists the candidates', () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-ambiguous-'));
  fs.writeFileSync(path.join(ws, 'a.sql'), 'create table sales.orders (id int);\ncreate table archive.orders (id int);\n');
  const r = cli(['lineage', 'orders', '--workspace', ws]);
  assert.equal(r.code, 2);
  assert.match(r.err, /ambiguous; candidates: .*sales\.orders.*archive\.orders|ambiguous; candidates: .*archive\.orders.*sales\.orders/);
  assert.equal(cli(['lineage', 'sales.orders', '--workspace', ws]).code, 0);
});

test('a migration that only touches tables the workspace does not know passes with a warning', () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-benign-'));
  fs.writeFileSync(path.join(ws, 'ddl.sql'), 'create table sales.orders (id int);\n');
  fs.writeFileSync(path.join(ws, 'cleanup.sql'), 'DROP TABLE IF EXISTS tmp_import;\n');
  const r = cli(['impact', '--migration', 'cleanup.sql', '--workspace', ws]);
  assert.equal(r.code, 0);
  assert.match(r.err, /table "tmp_import" is not known/);
  assert.match(r.out, /nothing affected/);
});

test('impact takes a Spark job, a DVC stage, a DAG and a dag_id.task_id as the changed asset', () => {
  const job = cli(['impact', 'customer_ltv_model', '--rename-column', 'lifetime_value=ltv', '--json']);
  assert.equal(job.code, 1, job.err);
  const doc = JSON.parse(job.out);
  assert.equal(doc.asset.name, 'customer_ltv_model');
  // The parquet file names the column; the DVC stage and the MLflow run read the file only.
  assert.deepEqual(
    doc.affected_assets.map((a: { name: string; severity: string }) => [a.name, a.severity]),
    [['data/customer_ltv.parquet', 'breaking'], ['train_ltv_model', 'warning'], ['ltv-gbr', 'warning']],
  );
  for (const name of ['train_ltv_model', 'daily_revenue_report', 'daily_revenue_report.compute_daily_revenue']) {
    const r = cli(['impact', name, '--drop-column', 'revenue', '--json']);
    assert.equal(r.code, 0, `${name}: ${r.err}`);
    assert.equal(JSON.parse(r.out).asset.name, name);
  }
});
