import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChangeStatement } from '../../src/core/sql/changeStatements';
import { splitStatements } from '../../src/core/sql/tokenizer';
import type { MigrationChange } from '../../src/core/model';

const PATH = 'migrations/V42__orders.sql';

/** Parses every statement of a migration file the way the SQL reader will. */
function changesIn(text: string): (MigrationChange[] | undefined)[] {
  return splitStatements(text).map((s) => parseChangeStatement(s.text, s.start, text, PATH));
}

function one(statement: string): MigrationChange[] | undefined {
  return parseChangeStatement(statement, 0, statement, PATH);
}

const at = (line: number, column: number) => ({ path: PATH, line, column });
const orders = { schema: 'raw', name: 'orders' };

test('reads a Postgres migration file with positions in the full text', () => {
  const text = [
    '-- V42: rename and retype order columns',
    'ALTER TABLE raw.orders RENAME COLUMN amount TO amount_usd;',
    '',
    'ALTER TABLE IF EXISTS ONLY raw.orders',
    '  DROP COLUMN IF EXISTS legacy_flag CASCADE,',
    '  ADD COLUMN note text,',
    '  ALTER COLUMN status SET DEFAULT \'new\',',
    '  ALTER COLUMN total TYPE numeric(12,  2) USING total::numeric(12, 2);',
    'create index orders_ix on raw.orders (id);',
  ].join('\n');
  assert.deepEqual(changesIn(text), [
    [{ relation: orders, change: { type: 'column_rename', from: 'amount', to: 'amount_usd' }, location: at(2, 38) }],
    [
      { relation: orders, change: { type: 'column_drop', column: 'legacy_flag' }, location: at(5, 25) },
      { relation: orders, change: { type: 'column_type_change', column: 'total', to: 'numeric(12, 2)' }, location: at(8, 16) },
    ],
    undefined,
  ]);
});

test('keeps quoted names unquoted and splits up to three relation parts', () => {
  assert.deepEqual(one('ALTER TABLE "Analytics"."Raw"."Orders" RENAME "Amount" TO "amount_usd"'), [
    {
      relation: { database: 'Analytics', schema: 'Raw', name: 'Orders' },
      change: { type: 'column_rename', from: 'Amount', to: 'amount_usd' },
      location: at(1, 47),
    },
  ]);
});

test('reads BigQuery and Snowflake column forms', () => {
  assert.deepEqual(one('ALTER TABLE `proj.raw.orders` ALTER COLUMN amount SET DATA TYPE NUMERIC'), [
    {
      relation: { database: 'proj', schema: 'raw', name: 'orders' },
      change: { type: 'column_type_change', column: 'amount', to: 'NUMERIC' },
      location: at(1, 44),
    },
  ]);
  assert.deepEqual(
    (one('alter table raw.orders drop column a, b') ?? []).map((c) => [c.change, c.location.column]),
    [
      [{ type: 'column_drop', column: 'a' }, 36],
      [{ type: 'column_drop', column: 'b' }, 39],
    ],
  );
  assert.deepEqual(one('ALTER TABLE raw.orders MODIFY COLUMN amount SET DATA TYPE number(38, 2)')?.[0].change, {
    type: 'column_type_change',
    column: 'amount',
    to: 'number(38, 2)',
  });
});

test('reads MySQL MODIFY and CHANGE, where CHANGE with a new name is a rename plus a type change', () => {
  assert.deepEqual(one('ALTER TABLE shop.orders MODIFY amount DECIMAL(12,2) NOT NULL AFTER id'), [
    { relation: { schema: 'shop', name: 'orders' }, change: { type: 'column_type_change', column: 'amount', to: 'DECIMAL(12,2)' }, location: at(1, 32) },
  ]);
  assert.deepEqual(one('ALTER TABLE shop.orders CHANGE COLUMN amount total bigint unsigned DEFAULT 0'), [
    { relation: { schema: 'shop', name: 'orders' }, change: { type: 'column_rename', from: 'amount', to: 'total' }, location: at(1, 39) },
    { relation: { schema: 'shop', name: 'orders' }, change: { type: 'column_type_change', column: 'amount', to: 'bigint unsigned' }, location: at(1, 39) },
  ]);
  assert.deepEqual(one('ALTER TABLE orders CHANGE amount Amount int')?.map((c) => c.change), [
    { type: 'column_type_change', column: 'amount', to: 'int' },
  ]);
});

test('reads SQL Server ALTER COLUMN without the TYPE keyword', () => {
  assert.deepEqual(one('ALTER TABLE [dbo].[orders] ALTER COLUMN [amount] money NOT NULL')?.map((c) => [c.relation, c.change, c.location.column]), [
    [{ schema: 'dbo', name: 'orders' }, { type: 'column_type_change', column: 'amount', to: 'money' }, 41],
  ]);
});

test('reads table renames and drops with the table name as the location', () => {
  const text = [
    'ALTER TABLE raw.orders RENAME TO orders_old;',
    'ALTER VIEW IF EXISTS marts.v_orders RENAME TO v_orders_2;',
    'RENAME TABLE shop.a TO shop.b, c TO d;',
    'DROP TABLE IF EXISTS raw.orders, "Raw"."Payments" CASCADE;',
    'drop materialized view marts.mv;',
  ].join('\n');
  assert.deepEqual(changesIn(text), [
    [{ relation: orders, change: { type: 'table_rename', to: 'orders_old' }, location: at(1, 13) }],
    [{ relation: { schema: 'marts', name: 'v_orders' }, change: { type: 'table_rename', to: 'v_orders_2' }, location: at(2, 22) }],
    [
      { relation: { schema: 'shop', name: 'a' }, change: { type: 'table_rename', to: 'shop.b' }, location: at(3, 14) },
      { relation: { name: 'c' }, change: { type: 'table_rename', to: 'd' }, location: at(3, 32) },
    ],
    [
      { relation: orders, change: { type: 'table_drop' }, location: at(4, 22) },
      { relation: { schema: 'Raw', name: 'Payments' }, change: { type: 'table_drop' }, location: at(4, 34) },
    ],
    [{ relation: { schema: 'marts', name: 'mv' }, change: { type: 'table_drop' }, location: at(5, 24) }],
  ]);
});

test('additive ALTERs give no changes and other statements are not schema changes', () => {
  assert.deepEqual(one('ALTER TABLE raw.orders ADD COLUMN note text, ADD CONSTRAINT pk PRIMARY KEY (id)'), []);
  assert.deepEqual(one('ALTER TABLE raw.orders DROP CONSTRAINT pk, RENAME CONSTRAINT a TO b, ALTER COLUMN x DROP NOT NULL'), []);
  assert.equal(one('select * from raw.orders'), undefined);
  assert.equal(one('drop index orders_ix'), undefined);
  assert.equal(one('alter sequence s restart'), undefined);
  assert.equal(one(''), undefined);
});

test('malformed statements return without throwing', () => {
  for (const text of ['ALTER TABLE', 'ALTER TABLE t RENAME', 'ALTER TABLE t RENAME COLUMN a TO', 'ALTER TABLE t ALTER COLUMN a TYPE numeric(12', "ALTER TABLE t DROP COLUMN 'x", 'RENAME TABLE a TO', 'DROP TABLE IF EXISTS', 'ALTER TABLE t CHANGE a']) {
    assert.ok(Array.isArray(one(text)), text);
  }
  assert.deepEqual(one('ALTER TABLE t ALTER COLUMN a TYPE numeric(12')?.[0].change, { type: 'column_type_change', column: 'a', to: 'numeric(12' });
});

test('a DROP of a non-column object does not start a list of dropped columns', () => {
  assert.deepEqual(one('ALTER TABLE sales DROP PARTITION p1, p2, DROP COLUMN x, y')?.map((c) => c.change), [
    { type: 'column_drop', column: 'x' },
    { type: 'column_drop', column: 'y' },
  ]);
});
