import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeMerge } from '../../src/core/sql/mergeStatement';
import type { MergeColumnRef } from '../../src/core/sql/mergeStatement';

/** The ref with its offset checked against the text it points at. */
function ref(text: string, base: number, qualifier: string | undefined, column: string, occurrence = 0): MergeColumnRef {
  const needle = qualifier ? `${qualifier}.${column}` : column;
  let index = -1;
  for (let k = 0; k <= occurrence; k++) index = text.indexOf(needle, index + 1);
  const offset = base + index + (qualifier ? qualifier.length + 1 : 0);
  return qualifier ? { qualifier, column, offset } : { column, offset };
}

test('analyses a Snowflake MERGE with a subquery source', () => {
  const sql = [
    'MERGE INTO analytics.orders AS t',
    'USING (select id, amount, status, updated_at from raw.orders) s',
    'ON t.id = s.id',
    'WHEN MATCHED AND s.updated_at > t.updated_at THEN UPDATE SET',
    "  t.amount = s.amount * 100, status = CASE WHEN s.status = 'x' THEN 'void' ELSE upper(s.status) END",
    'WHEN MATCHED AND s.status IS NULL THEN DELETE',
    'WHEN NOT MATCHED THEN INSERT (id, amount, loaded_at) VALUES (s.id, coalesce(s.amount, 0), current_timestamp)',
  ].join('\n');
  const base = 500;
  const r = (q: string | undefined, c: string, n = 0) => ref(sql, base, q, c, n);
  assert.deepEqual(analyzeMerge(sql, base), {
    target: { relation: { schema: 'analytics', name: 'orders' }, alias: 't' },
    source: {
      subquery: { text: 'select id, amount, status, updated_at from raw.orders', start: base + 40 },
      alias: 's',
    },
    conditionRefs: [r('t', 'id'), r('s', 'id'), r('s', 'updated_at'), r('t', 'updated_at'), r('s', 'status', 2)],
    assignments: [
      { targetColumn: 'amount', refs: [r('s', 'amount')] },
      { targetColumn: 'status', refs: [r('s', 'status'), r('s', 'status', 1)] },
      { targetColumn: 'id', refs: [r('s', 'id', 1)] },
      { targetColumn: 'amount', refs: [r('s', 'amount', 1)] },
      { targetColumn: 'loaded_at', refs: [] },
    ],
  });
  assert.equal(sql.slice(40, 53), 'select id, am');
});

test('analyses a T-SQL style MERGE without INTO and with a plain source table', () => {
  const sql =
    'MERGE [dbo].[Orders] tgt USING staging.orders src ON tgt.[Id] = src.id ' +
    "WHEN NOT MATCHED BY TARGET AND src.kind <> 'test' THEN INSERT (Id, \"Total\") VALUES (src.id, src.qty * price) " +
    'WHEN NOT MATCHED BY SOURCE THEN DELETE';
  const analysis = analyzeMerge(sql, 0);
  assert.deepEqual(analysis, {
    target: { relation: { schema: 'dbo', name: 'Orders' }, alias: 'tgt' },
    source: { relation: { schema: 'staging', name: 'orders' }, alias: 'src' },
    conditionRefs: [
      { qualifier: 'tgt', column: 'Id', offset: 57 },
      { qualifier: 'src', column: 'id', offset: 68 },
      { qualifier: 'src', column: 'kind', offset: 106 },
    ],
    assignments: [
      { targetColumn: 'Id', refs: [{ qualifier: 'src', column: 'id', offset: 159 }] },
      { targetColumn: 'Total', refs: [{ qualifier: 'src', column: 'qty', offset: 167 }, { column: 'price', offset: 173 }] },
    ],
  });
  assert.equal(sql.slice(57, 61), '[Id]');
  assert.equal(sql.slice(173, 178), 'price');
});

test('skips keywords, functions, casts, typed literals and subqueries when collecting refs', () => {
  const sql =
    'merge into t using s on t.k = s.k when matched then update set ' +
    "a = cast(s.a as numeric(10, 2)), b = s.b::date + interval '1 day', c = date '2024-01-01', " +
    'd = extract(year from s.d), e = (select max(x) from other), f = s.f is not null and true, g = t.*';
  const analysis = analyzeMerge(sql, 0);
  assert.deepEqual(
    analysis?.assignments.map((a) => [a.targetColumn, a.refs.map((x) => `${x.qualifier}.${x.column}`)]),
    [
      ['a', ['s.a']],
      ['b', ['s.b']],
      ['c', []],
      ['d', ['s.d']],
      ['e', []],
      ['f', ['s.f']],
      ['g', []],
    ],
  );
});

test('returns undefined for other statements and never throws on broken MERGEs', () => {
  assert.equal(analyzeMerge('select 1', 0), undefined);
  assert.equal(analyzeMerge('merge', 0), undefined);
  assert.equal(analyzeMerge('merge into t', 0), undefined);
  assert.deepEqual(analyzeMerge('merge into t using (select 1', 0), {
    target: { relation: { name: 't' } },
    source: { subquery: { text: 'select 1', start: 20 } },
    conditionRefs: [],
    assignments: [],
  });
  for (const text of ['merge into t using s on', 'merge into t using s on a = b when matched then update set', 'merge into t using s on a when not matched then insert (a, b) values (1', "merge into t using s on x = 'y when matched"]) {
    assert.ok(analyzeMerge(text, 0), text);
  }
  assert.deepEqual(analyzeMerge('merge into t using s on a = b when matched then update set x =', 0)?.assignments, [{ targetColumn: 'x', refs: [] }]);
});
