// The index on in-memory workspaces (the way the language server will feed it unsaved buffers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLineageIndex } from '../../src/core/lineageIndex';
import { MemoryFileSystem } from '../../src/core/io/fileSystem';
import { MemoryAnalysisCache } from '../../src/core/cache/analysisCache';

test('cycles are reported on their members only, not on what they feed', async () => {
  const index = await createLineageIndex(new MemoryFileSystem({ 'v.sql': 'create view a as select x from b;\ncreate view b as select x from a;\ncreate view c as select x from a;\n' }));
  const cyc = index.diagnostics.filter((d) => d.code === 'cycle');
  assert.deepEqual(cyc.map((d) => d.line).sort(), [1, 2]);
  assert.match(cyc[0].message, /a → b/);
});

test('oversized and binary files become diagnostics, the rest still indexes', async () => {
  const big = 'select 1;\n'.repeat(50_000);
  const index = await createLineageIndex(
    new MemoryFileSystem({ 'big.sql': big, 'bin.sql': 'create table t (a int);\u0000\u0001', 'ok.sql': 'create table t2 (a int);' }),
    { maxFileSize: 100_000 },
  );
  const codes = index.diagnostics.map((d) => `${d.path}:${d.code}`).sort();
  assert.deepEqual(codes, ['big.sql:file-too-large', 'bin.sql:binary-file']);
  assert.equal(index.lookup('t2').kind, 'found');
});

test('garbage in every reader never throws', async () => {
  const fs = new MemoryFileSystem({
    'dbt_project.yml': 'name: [unclosed',
    'lineage.yml': '{{{{ not yaml',
    'a.sql': "select ((( from where 'unterminated",
    'b.sql': '\u00ff\u00fe binary-ish but no NUL',
    'c.sql': '',
  });
  const index = await createLineageIndex(fs);
  assert.ok(index.diagnostics.some((d) => d.path === 'lineage.yml' && d.code === 'yaml-parse'));
  assert.ok(index.diagnostics.some((d) => d.path === 'dbt_project.yml'));
});

test('a changed buffer changes the answer; an unchanged one comes from the cache', async () => {
  const fs = new MemoryFileSystem({
    'ddl.sql': 'create table raw.orders (id int, amount numeric);',
    'views.sql': 'create view rpt.totals as select id, amount from raw.orders;',
  });
  const cache = new MemoryAnalysisCache();
  const first = await createLineageIndex(fs, { cache });
  assert.deepEqual(first.columns(first.assets.lookup('rpt.totals')[0]).columns.map((c) => c.name), ['id', 'amount']);
  fs.set('views.sql', 'create view rpt.totals as select id, amount, amount * 2 as doubled from raw.orders;');
  const second = await createLineageIndex(fs, { cache });
  assert.equal(second.timings.cached, 1, 'ddl.sql is unchanged');
  assert.equal(second.timings.parsed, 1, 'views.sql changed');
  const cols = second.columns(second.assets.lookup('rpt.totals')[0]).columns;
  assert.deepEqual(cols.find((c) => c.name === 'doubled')?.upstream, ['raw.orders.amount']);
});

test('a reference to a column the upstream does not have is a diagnostic', async () => {
  const index = await createLineageIndex(new MemoryFileSystem({ 'a.sql': 'create table s.t (id int, amount int);\ncreate view s.v as select id, amout from s.t;\n' }));
  const d = index.diagnostics.find((x) => x.code === 'unknown-column');
  assert.ok(d, JSON.stringify(index.diagnostics));
  assert.equal(d.line, 2);
  assert.match(d.message, /"amout" does not exist in s\.t/);
});

test('an unchanged workspace is restored from the snapshot with identical answers; a change re-indexes', async () => {
  const files = {
    'ddl.sql': 'create table raw.orders (id int, amount numeric, status text);',
    'views.sql': "create view rpt.paid as select id, amount from raw.orders where status = 'paid';\ncreate view rpt.total as select sum(amount) as total from rpt.paid;",
  };
  const cache = new MemoryAnalysisCache();
  const first = await createLineageIndex(new MemoryFileSystem(files), { cache });
  const again = await createLineageIndex(new MemoryFileSystem(files), { cache });
  assert.equal(first.timings.restored, false);
  assert.equal(again.timings.restored, true);
  const answers = (ix: typeof first) => {
    const orders = ix.assets.lookup('raw.orders')[0];
    return {
      stats: ix.stats(),
      impact: ix.impact(orders, [{ type: 'column_rename', from: 'amount', to: 'amount_eur' }]),
      lineage: ix.lineage(orders, 'both', 5),
      columns: ix.columns(ix.assets.lookup('rpt.total')[0]),
    };
  };
  assert.deepEqual(answers(again), answers(first));
  const changed = await createLineageIndex(new MemoryFileSystem({ ...files, 'ddl.sql': files['ddl.sql'].replace('status text', 'state text') }), { cache });
  assert.equal(changed.timings.restored, false);
  assert.ok(changed.diagnostics.some((d) => d.code === 'unknown-column'), 'the edit is seen: status no longer exists');
});

test('a relation described three times (sources YAML, manifest, DDL) stays one asset', async () => {
  const manifest = JSON.stringify({
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json' },
    nodes: {},
    sources: { 'source.shop.raw.orders': { unique_id: 'source.shop.raw.orders', resource_type: 'source', name: 'orders', source_name: 'raw', package_name: 'shop', database: 'warehouse', schema: 'raw', identifier: 'orders', columns: {} } },
    exposures: {},
    parent_map: {},
  });
  const index = await createLineageIndex(new MemoryFileSystem({
    'dbt_project.yml': 'name: shop\nconfig-version: 2\n',
    'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    database: warehouse\n    tables:\n      - name: orders\n',
    'target/manifest.json': manifest,
    'migrations/V1.sql': 'create table raw.orders (id int, total numeric);',
  }));
  assert.equal(index.stats().by_type.table, 1);
  assert.equal(index.assets.findRelation({ schema: 'raw', name: 'orders' })?.id, 'source.shop.raw.orders');
});

test('a relation in another database is another table', async () => {
  const index = await createLineageIndex(new MemoryFileSystem({
    'ddl.sql': 'create table warehouse.raw.orders (id int, total numeric);\ncreate view rpt.archived as select total from archive.raw.orders;\n',
  }));
  const archived = index.assets.findRelation({ database: 'archive', schema: 'raw', name: 'orders' });
  assert.ok(archived);
  assert.notEqual(archived.id, index.assets.findRelation({ database: 'warehouse', schema: 'raw', name: 'orders' })?.id);
});

test('a statement too deeply nested to analyse keeps its table edges and becomes a diagnostic', async () => {
  const terms = Array.from({ length: 5000 }, (_, i) => `a = ${i}`).join(' or ');
  const index = await createLineageIndex(new MemoryFileSystem({ 'v.sql': `create table s.t (a int);\ncreate view s.v as select a from s.t where ${terms};\n` }));
  assert.ok(index.diagnostics.some((d) => d.code === 'sql-parse' && d.line === 2 && /too deeply nested/.test(d.message)));
  assert.deepEqual(index.graph.downstreamOf(index.assets.lookup('s.t')[0].id).map((e) => e.to), ['view:s.v']);
});

test('the snapshot is not restored when a file a reader reached beyond the fingerprint changed', async () => {
  const files = {
    'ddl.sql': 'create table raw.orders (id int, total numeric);',
    'lineage.yml': 'assets:\n  - {asset_type: spark_job, name: legacy, source_ref: jobs/Legacy.scala, upstream_assets: [raw.orders], column_references: [{asset: raw.orders, column: total}]}\n',
    'jobs/Legacy.scala': 'val t = df.col("total")\n',
  };
  const cache = new MemoryAnalysisCache();
  await createLineageIndex(new MemoryFileSystem(files), { cache });
  const same = await createLineageIndex(new MemoryFileSystem(files), { cache });
  assert.equal(same.timings.restored, true);
  const edited = await createLineageIndex(new MemoryFileSystem({ ...files, 'jobs/Legacy.scala': '\n\nval t = df.col("total")\n' }), { cache });
  assert.equal(edited.timings.restored, false, 'the Scala file is read for positions, so its edit must be seen');
  assert.equal(edited.graph.referencesTo(edited.assets.lookup('raw.orders')[0].id, 'total')[0].locations[0].line, 3);
});
