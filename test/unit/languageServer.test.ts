// The language server as the editor meets it: the bundled dist/server.js in its own process,
// spoken to over LSP (stdio) on a copy of the example workspace. Editor-side behaviour is
// covered again in a real VS Code by test/integration.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import type { CodeLens, Hover, Location, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { ColumnsRequest, MigrationImpactRequest, StatusNotification, ImpactRequest, NeighboursRequest } from '../../src/protocol/lineageProtocol';
import type { IndexStatus } from '../../src/protocol/lineageProtocol';

const example = path.join(__dirname, '../../examples/orders-pipeline');
let root: string;
let server: ChildProcess;
let conn: MessageConnection;
const statuses: IndexStatus[] = [];
const logs: string[] = [];
const diagnostics = new Map<string, PublishDiagnosticsParams>();
const uri = (rel: string) => pathToFileURL(path.join(root, rel)).href;

/** Polls until `check` returns a value (no fixed sleeps: the server answers when it is ready). */
async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-lsp-'));
  fs.cpSync(example, root, { recursive: true });
  server = spawn(process.execPath, [path.join(__dirname, '../server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  conn = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  conn.onNotification(StatusNotification.method, (s: IndexStatus) => void statuses.push(s));
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => void diagnostics.set(p.uri, p));
  conn.onRequest('workspace/codeLens/refresh', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onNotification('window/logMessage', (m: { message: string }) => void logs.push(m.message));
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(root).href,
    workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'orders' }],
    capabilities: { workspace: { codeLens: { refreshSupport: true } }, window: { workDoneProgress: true } },
    initializationOptions: { settings: {}, storagePath: path.join(root, '..', `${path.basename(root)}-storage`) },
  });
  await conn.sendNotification('initialized', {});
  await until('the first index', () => statuses.find((s) => s.state === 'ready'));
});

after(async () => {
  await conn.sendRequest('shutdown').catch(() => undefined);
  await conn.sendNotification('exit').catch(() => undefined);
  conn.dispose();
  server.kill();
  fs.rmSync(root, { recursive: true, force: true });
});

function open(rel: string): string {
  const text = fs.readFileSync(path.join(root, rel), 'utf8');
  void conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(rel), languageId: rel.endsWith('.py') ? 'python' : rel.endsWith('.sql') ? 'sql' : 'yaml', version: 1, text } });
  return text;
}

const lenses = (rel: string) => conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri(rel) } });
const titles = async (rel: string) => (await lenses(rel)).map((l) => `${l.range.start.line + 1}: ${l.command?.title}`);

test('the first index reports the example pipeline in the status', () => {
  const ready = statuses.find((s) => s.state === 'ready')!;
  assert.equal(ready.assets, 15);
  assert.equal(ready.edges, 14);
  assert.equal(statuses[0].state, 'indexing');
});

test('CodeLens on a model, a source in YAML, a DAG and its task, a Spark job, a DVC stage and a migration', async () => {
  assert.deepEqual(await titles('models/staging/stg_orders.sql'), ['1: ↓ 1 downstream · ↑ 1 upstream']);
  assert.deepEqual(await titles('models/marts/fct_orders.sql'), ['1: ↓ 3 downstream · ↑ 1 upstream']);
  assert.deepEqual(await titles('models/staging/sources.yml'), ['8: ↓ 1 downstream · ↑ 0 upstream']);
  assert.deepEqual(await titles('migrations/V001__create_raw_orders.sql'), ['2: ↓ 1 downstream · ↑ 0 upstream']);
  assert.deepEqual(await titles('dags/daily_revenue_report.py'), ['7: ↓ 0 downstream · ↑ 1 upstream', '14: ↓ 0 downstream · ↑ 0 upstream']);
  assert.deepEqual(await titles('jobs/customer_ltv.py'), ['8: ↓ 1 downstream · ↑ 1 upstream']);
  assert.deepEqual(await titles('dvc.yaml'), ['2: ↓ 2 downstream · ↑ 3 upstream']);
  const migration = await lenses('migrations/V002__rename_order_total.sql');
  assert.deepEqual(
    migration.map((l) => l.command?.title),
    ['⚠ breaks 3 · warns 1', '⚠ breaks 1 · warns 0'],
  );
  assert.equal(migration[0].command?.command, 'datalineage.analyzeMigration');
});

test('hover on order_total in a select list shows where it comes from and who reads it', async () => {
  const text = open('models/marts/fct_orders.sql');
  const line = text.split('\n').findIndex((l) => /^\s+order_total,?$/.test(l));
  const hover = await conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: uri('models/marts/fct_orders.sql') }, position: { line, character: 12 } });
  const value = (hover.contents as { value: string }).value;
  assert.match(value, /order\\_total.*column of \[\*\*fct\\_orders\*\*\]/);
  assert.match(value, /Comes from[\s\S]*stg\\_orders[\s\S]*raw\\_orders/);
  assert.match(value, /\*\*Used by\*\* \(2\)/);
  assert.match(value, /customer\\_ltv\\_model\*\*\]\([^)]*jobs\/customer_ltv\.py#L8\) → lifetime\\_value \*\(aggregate, inferred\)\*/);
  assert.match(value, /daily\\_revenue\\_report\*\*\]\([^)]*#L7\) → revenue \*\(aggregate\)\*/);
});

test('hover on a PySpark column name held in a constant', async () => {
  const text = open('jobs/customer_ltv.py');
  const line = text.split('\n').findIndex((l) => l.includes('F.col(AMOUNT_COLUMN)'));
  const character = text.split('\n')[line].indexOf('AMOUNT_COLUMN') + 2;
  const hover = await conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: uri('jobs/customer_ltv.py') }, position: { line, character } });
  const value = (hover.contents as { value: string }).value;
  assert.ok(value.startsWith('**lifetime\\_value** — column of [**customer\\_ltv\\_model**]'), value);
  assert.match(value, /reads \[\*\*fct\\_orders\*\*\].*order\\_total \(aggregate, inferred\)/);
});

test('hover on a column in the SQL string of a DAG task', async () => {
  const text = open('dags/daily_revenue_report.py');
  const line = text.split('\n').findIndex((l) => l.includes('sum(order_total) as revenue'));
  const character = text.split('\n')[line].indexOf('order_total') + 3;
  const hover = await conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: uri('dags/daily_revenue_report.py') }, position: { line, character } });
  const value = (hover.contents as { value: string }).value;
  // The task's output column is what the cursor's reference flows into.
  assert.ok(value.startsWith('**revenue** — column of [**daily\\_revenue\\_report**]'), value);
  assert.match(value, /Here: reads \[\*\*fct\\_orders\*\*\]\([^)]*\)\.order\\_total \(aggregate\)/);
  assert.match(value, /Comes from[\s\S]*fct\\_orders[\s\S]*stg\\_orders[\s\S]*raw\\_orders/);
});

test('hover on a column entry in a model YAML', async () => {
  const rel = 'models/staging/stg_orders.yml';
  const text = open(rel);
  const line = text.split('\n').findIndex((l) => l.includes('- name: order_total'));
  const character = text.split('\n')[line].indexOf('order_total') + 1;
  const hover = await conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: uri(rel) }, position: { line, character } });
  const value = (hover.contents as { value: string }).value;
  assert.ok(value.startsWith('**order\\_total** — column of [**stg\\_orders**]'), value);
  assert.match(value, /Order amount in EUR\./);
  assert.match(value, /raw\\_orders\*\*\]\([^)]*\)\.order\\_total/);
  assert.match(value, /fct\\_orders\*\*\]\([^)]*\) → order\\_total \*\(identity\)\*/);
});

test('go to definition on ref() and source()', async () => {
  const text = open('models/marts/fct_orders.sql');
  const line = text.split('\n').findIndex((l) => l.includes("ref('stg_orders')"));
  const character = text.split('\n')[line].indexOf('stg_orders');
  const defs = await conn.sendRequest<Location[]>('textDocument/definition', { textDocument: { uri: uri('models/marts/fct_orders.sql') }, position: { line, character } });
  assert.deepEqual(defs.map((d) => [d.uri, d.range.start.line]), [[uri('models/staging/stg_orders.sql'), 0]]);
  const stg = open('models/staging/stg_orders.sql');
  const sline = stg.split('\n').findIndex((l) => l.includes('source('));
  const sdefs = await conn.sendRequest<Location[]>('textDocument/definition', { textDocument: { uri: uri('models/staging/stg_orders.sql') }, position: { line: sline, character: stg.split('\n')[sline].indexOf('raw_orders') } });
  assert.deepEqual(sdefs.map((d) => [d.uri, d.range.start.line]).sort(), [[uri('migrations/V001__create_raw_orders.sql'), 1], [uri('models/staging/sources.yml'), 7]].sort());
});

test('the migration report from an unsaved buffer matches the tutorial', async () => {
  const r = await conn.sendRequest(MigrationImpactRequest.method, { uri: uri('migrations/V002__rename_order_total.sql') });
  assert.ok(!('error' in (r as object)));
  const { report, markdown } = r as { report: { risk_level: string; affected_assets: { name: string; severity: string }[] }; markdown: string };
  assert.equal(report.risk_level, 'high');
  assert.deepEqual(report.affected_assets.map((a) => `${a.name}:${a.severity}`), ['stg_orders:breaking', 'fct_orders:breaking', 'daily_revenue_report:breaking', 'customer_ltv_model:warning']);
  assert.match(markdown, /\*\*Risk: HIGH\*\* · 4 affected assets/);
  const unknown = await conn.sendRequest(ImpactRequest.method, { asset: 'no_such_model', changes: [{ type: 'column_drop', column: 'x' }] });
  assert.match((unknown as { error: string }).error, /no asset named "no_such_model"/);
});

test('an unsaved edit that adds a downstream model updates the counts; closing it restores them', async () => {
  const rel = 'models/marts/orders_by_status.sql';
  fs.writeFileSync(path.join(root, rel), '');
  await conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(rel), type: 1 }] });
  const body = "select status, count(*) as orders from {{ ref('stg_orders') }} group by status\n";
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(rel), languageId: 'sql', version: 1, text: body } });
  await until('stg_orders to have 2 downstream', async () => ((await titles('models/staging/stg_orders.sql'))[0] === '1: ↓ 2 downstream · ↑ 1 upstream' ? true : undefined));
  const n = await conn.sendRequest(NeighboursRequest.method, { asset: 'stg_orders' });
  assert.deepEqual((n as { downstream: { name: string }[] }).downstream.map((d) => d.name).sort(), ['fct_orders', 'orders_by_status']);
  await conn.sendNotification('textDocument/didClose', { textDocument: { uri: uri(rel) } });
  await until('the empty file on disk to count again', async () => ((await titles('models/staging/stg_orders.sql'))[0] === '1: ↓ 1 downstream · ↑ 1 upstream' ? true : undefined));
});

test('tasks made in a loop: one lens per task on the operator line, each naming its task', async () => {
  const rel = 'dags/load_raw.py';
  fs.writeFileSync(path.join(root, rel), '');
  await conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(rel), type: 1 }] });
  const body = [
    'from airflow import DAG',
    'from airflow.providers.postgres.operators.postgres import PostgresOperator',
    'with DAG("load_raw", schedule="@daily") as dag:',
    '    for table in ["orders", "customers"]:',
    '        PostgresOperator(task_id=f"load_{table}", sql=f"select * from marts.fct_{table}")',
    '',
  ].join('\n');
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(rel), languageId: 'python', version: 1, text: body } });
  const expected = ['3: ↓ 0 downstream · ↑ 2 upstream', '5: load_raw.load_orders: ↓ 0 downstream · ↑ 0 upstream', '5: load_raw.load_customers: ↓ 0 downstream · ↑ 0 upstream'];
  let seen: string[] = [];
  await until('the loop tasks lenses', async () => {
    seen = await titles(rel);
    return JSON.stringify(seen) === JSON.stringify(expected) ? true : undefined;
  }).catch((e) => assert.fail(`${(e as Error).message}; last seen ${JSON.stringify(seen)}`));
  await conn.sendNotification('textDocument/didClose', { textDocument: { uri: uri(rel) } });
  // The file on disk is empty: once the index is built without the buffer, the lenses are gone
  // (the next tests edit in place, which must not meet this build half-way).
  await until('the lenses to go with the buffer', async () => ((await titles(rel)).length === 0 ? true : undefined));
});

test('an unsaved edit to a model is patched in place: the model downstream resolves again', async () => {
  const rel = 'models/staging/stg_orders.sql';
  const text = open(rel);
  // Where fct_orders.customer_id comes from, as the columns request tells it.
  const origin = async () => {
    const answer = (await conn.sendRequest(ColumnsRequest.method, { asset: 'fct_orders' })) as { columns: { name: string; upstream: string[] }[] };
    return answer.columns.find((c) => c.name === 'customer_id')?.upstream.join(',');
  };
  assert.equal(await origin(), 'stg_orders.customer_id');
  const renamed = text.replace('        customer_id,', '        customer_id as customer_key,');
  assert.notEqual(renamed, text);
  await conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(rel), version: 2 }, contentChanges: [{ text: renamed }] });
  await until('fct_orders.customer_id to lose its origin', async () => ((await origin()) === '' ? true : undefined));
  assert.ok(logs.some((l) => l.startsWith(`updated ${rel} in place: 2 models resolved again`)), logs.filter((l) => /updated|indexing again/.test(l)).join('\n'));
  await conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(rel), version: 3 }, contentChanges: [{ text }] });
  await until('the origin to come back', async () => ((await origin()) === 'stg_orders.customer_id' ? true : undefined));
  await conn.sendNotification('textDocument/didClose', { textDocument: { uri: uri(rel) } });
});

test('a broken ref() is an error diagnostic on its file; a SQL parse failure is information', async () => {
  const rel = 'models/marts/broken.sql';
  fs.writeFileSync(path.join(root, rel), "select order_id from {{ ref('stg_ordrs') }}\n");
  await conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(rel), type: 1 }] });
  const d = await until('a diagnostic on broken.sql', () => diagnostics.get(uri(rel))?.diagnostics.find((x) => x.code === 'unknown-ref'));
  assert.equal(d.severity, 1);
  assert.match(String(d.message), /ref\('stg_ordrs'\) points to no model/);
  fs.writeFileSync(path.join(root, rel), 'select order_id frm {{ ref("stg_orders") }} where (\n');
  await conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(rel), type: 2 }] });
  const parse = await until('a parse diagnostic', () => diagnostics.get(uri(rel))?.diagnostics.find((x) => x.code === 'sql-parse'));
  assert.equal(parse.severity, 3);
  fs.rmSync(path.join(root, rel));
  await conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(rel), type: 3 }] });
  await until('the diagnostics to clear', () => (diagnostics.get(uri(rel))?.diagnostics.length === 0 ? true : undefined));
});

test('after a full build the server collects its garbage once it is quiet', async () => {
  const line = await until('a collection in the log', () => logs.find((l) => l.startsWith('heap collected')));
  const m = /^heap collected(?: and compacted| \(not compacted: the copy would raise the peak\))? in \d+ ms: (\d+) MB → (\d+) MB committed, (\d+) MB used$/.exec(line);
  assert.ok(m, line);
  assert.ok(Number(m[3]) <= Number(m[2]), line);
});

test('changed settings index the workspace again in a new session', async () => {
  const readyBefore = statuses.filter((s) => s.state === 'ready').length;
  const assets = statuses.filter((s) => s.state === 'ready').at(-1)!.assets;
  await conn.sendNotification('workspace/didChangeConfiguration', { settings: { datalineage: { sqlDialect: 'postgres' } } });
  const ready = await until('a new index', () => statuses.filter((s) => s.state === 'ready')[readyBefore]);
  assert.equal(ready.assets, assets);
  // The old session saves its cache before it closes the file: no "cache not saved" in the log.
  assert.deepEqual(logs.filter((l) => l.startsWith('cache not saved')), []);
  assert.ok((await titles('models/staging/stg_orders.sql')).length > 0);
});
