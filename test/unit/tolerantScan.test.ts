import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanTableReferences } from '../../src/core/sql/tolerantScan';

/** References as `role name@offset`, with each offset checked against the text. */
function scan(sql: string, base = 0): string[] {
  return scanTableReferences(sql, base).map(({ relation, offset, role }) => {
    const name = [relation.database, relation.schema, relation.name].filter((p) => p !== undefined).join('.');
    return `${role} ${name}@${offset}`;
  });
}

test('finds reads and writes in an INSERT … SELECT, skipping CTE names', () => {
  const sql = [
    'with recent as (select * from raw.orders where ts > now() - interval 1 day),',
    '     totals (id, total) as materialized (select id, sum(x) from recent group by 1)',
    'insert into marts.daily_totals (id, total)',
    'select t.id, t.total from totals t',
    'join "Raw"."Customers" c on c.id = t.id',
    'left join lateral (select 1 from raw.refunds r where r.id = t.id) f on true',
    'cross join unnest(t.tags) as tag',
  ].join('\n');
  assert.deepEqual(scan(sql, 1000), [
    'read raw.orders@1030',
    'write marts.daily_totals@1172',
    'read Raw.Customers@1243',
    'read raw.refunds@1311',
  ]);
  assert.equal(sql.slice(311, 322), 'raw.refunds');
});

test('reads comma-separated FROM lists, skipping aliases, table functions and subqueries', () => {
  assert.deepEqual(scan('select * from a x, b as y (c1, c2), generate_series(1, 3) g, db.s.c where x.id = y.c1'), [
    'read a@14',
    'read b@19',
    'read db.s.c@61',
  ]);
});

test('understands CREATE, INSERT OVERWRITE, UPDATE, DELETE and MERGE forms', () => {
  assert.deepEqual(scan('CREATE OR REPLACE TRANSIENT TABLE IF NOT EXISTS analytics.t AS SELECT * FROM raw.a'), [
    'write analytics.t@48',
    'read raw.a@77',
  ]);
  assert.deepEqual(scan('create materialized view mv as select 1 from `proj.ds.src`'), ['write mv@25', 'read proj.ds.src@45']);
  assert.deepEqual(scan('INSERT OVERWRITE TABLE sales PARTITION (dt) SELECT * FROM stage'), ['write sales@23', 'read stage@58']);
  assert.deepEqual(scan('insert overwrite into t select * from s'), ['write t@22', 'read s@38']);
  assert.deepEqual(scan('UPDATE ONLY raw.orders o SET amount = p.amount FROM payments p WHERE o.id = p.id'), [
    'write raw.orders@12',
    'read payments@52',
  ]);
  assert.deepEqual(scan('DELETE FROM raw.orders USING raw.blocked b WHERE raw.orders.id = b.id'), [
    'write raw.orders@12',
    'read raw.blocked@29',
  ]);
  assert.deepEqual(
    scan('MERGE INTO tgt USING (SELECT * FROM src) s ON tgt.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v'),
    ['write tgt@11', 'read src@36'],
  );
  assert.deepEqual(scan('MERGE dbo.tgt USING dbo.src ON 1 = 1 WHEN NOT MATCHED THEN INSERT (a) VALUES (1)'), [
    'write dbo.tgt@6',
    'read dbo.src@20',
  ]);
});

test('does not mistake FROM, USING and UPDATE in other roles for table references', () => {
  const sql =
    'select extract(year from ts), trim(both \'x\' from name), a is distinct from b, substring(s from 2) ' +
    'from t join u using (id) for update';
  assert.deepEqual(scan(sql), ['read t@103', 'read u@110']);
  assert.deepEqual(scan('create table t (id int) using delta'), ['write t@13']);
  assert.deepEqual(scan('insert into t (a) values (1) on conflict (a) do update set a = excluded.a'), ['write t@12']);
});

test('skips names built by Jinja instead of guessing them', () => {
  const sql = "{{ config(materialized='incremental') }}\nselect * from {{ ref('orders') }} o\njoin {{ target.schema }}.payments p using (id)\njoin raw_{{ var('env') }} e on true\njoin raw.customers c on true";
  assert.deepEqual(scan(sql), ['read raw.customers@165']);
  assert.equal(sql.slice(165, 178), 'raw.customers');
});

test('returns what it can from malformed statements without throwing', () => {
  assert.deepEqual(scan(''), []);
  assert.deepEqual(scan('select * from'), []);
  assert.deepEqual(scan('select * from (select * from inner_t'), ['read inner_t@29']);
  assert.deepEqual(scan("select * from 'oops"), []);
  assert.deepEqual(scan('insert into'), []);
  assert.deepEqual(scan('create table'), []);
  assert.deepEqual(scan('select * from a.'), ['read a@14']);
});

test('reads SQL Server INSERT without INTO but not MERGE or BigQuery insert actions', () => {
  assert.deepEqual(scan('INSERT dbo.t (a) SELECT a FROM dbo.s'), ['write dbo.t@7', 'read dbo.s@31']);
  assert.deepEqual(scan('MERGE INTO t USING s ON t.k = s.k WHEN NOT MATCHED THEN INSERT ROW'), ['write t@11', 'read s@19']);
});
