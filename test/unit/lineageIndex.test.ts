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
