// Scope resolution on real parser output: each case is SQL in, exact column lineage out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSql } from '../../src/core/sql/sqlParser';
import { buildStatement } from '../../src/core/sql/scopeBuilder';
import { resolveQuery } from '../../src/core/sql/columnResolver';
import type { ResolvedSource } from '../../src/core/sql/columnResolver';
import { analyzeSql } from '../../src/core/sql/sqlAnalysis';

const SCHEMAS: Record<string, string[]> = {
  'raw.orders': ['id', 'customer_id', 'order_total', 'status', 'created_at'],
  'raw.customers': ['id', 'name', 'country'],
};

function resolve(sql: string) {
  const parsed = parseSql(sql, 'postgres');
  assert.ok(parsed.ok, `parse failed: ${!parsed.ok && parsed.message}`);
  const st = buildStatement(parsed.statements[0], 0, sql.length);
  return resolveQuery(st.query!, (r) => SCHEMAS[[r.schema, r.name].filter(Boolean).join('.')]);
}

const fmt = (s: ResolvedSource) => `${s.relation.schema ? s.relation.schema + '.' : ''}${s.relation.name}.${s.column}:${s.usage}${s.inferred ? '?' : ''}`;
const outputs = (sql: string) => Object.fromEntries(resolve(sql).outputs.map((o) => [o.name, o.unresolvedStar ? `*${o.unresolvedStar.name}` : o.sources.map(fmt).sort()]));
const refs = (sql: string) => resolve(sql).references.map(fmt).sort();

test('chained CTEs with renames carry lineage through every scope', () => {
  assert.deepEqual(outputs(`with a as (select id, order_total as amount from raw.orders), b as (select id, amount * 2 as doubled from a) select doubled from b`), {
    doubled: ['raw.orders.order_total:transform'],
  });
});

test('an import CTE with select * keeps explicitly named columns explicit', () => {
  const sql = `with src as (select * from raw.orders) select order_total, status from src`;
  assert.deepEqual(outputs(sql), { order_total: ['raw.orders.order_total:identity'], status: ['raw.orders.status:identity'] });
});

test('a final select * over an upstream relation is inferred; over a CTE it is not', () => {
  assert.deepEqual(outputs(`select * from raw.customers`), {
    id: ['raw.customers.id:identity?'],
    name: ['raw.customers.name:identity?'],
    country: ['raw.customers.country:identity?'],
  });
  assert.deepEqual(outputs(`with c as (select id, name from raw.customers) select * from c`), {
    id: ['raw.customers.id:identity'],
    name: ['raw.customers.name:identity'],
  });
});

test('select * over a table with unknown columns stays as a marked star, never dropped', () => {
  assert.deepEqual(outputs(`select o.id, x.* from raw.orders o join ext.things x on x.id = o.id`), { id: ['raw.orders.id:identity'], '*': '*things' });
});

test('joins: unqualified names resolve by known schemas; join keys are reads', () => {
  const sql = `select o.id, name, order_total from raw.orders o join raw.customers c on c.id = o.customer_id where country = 'NL'`;
  assert.deepEqual(outputs(sql), { id: ['raw.orders.id:identity'], name: ['raw.customers.name:identity'], order_total: ['raw.orders.order_total:identity'] });
  assert.deepEqual(refs(sql), [
    'raw.customers.country:filter',
    'raw.customers.id:join',
    'raw.customers.name:identity',
    'raw.orders.customer_id:join',
    'raw.orders.id:identity',
    'raw.orders.order_total:identity',
  ]);
});

test('unions map columns by position; the first branch names them', () => {
  assert.deepEqual(outputs(`select id, name from raw.customers union all select customer_id, status from raw.orders`), {
    id: ['raw.customers.id:identity', 'raw.orders.customer_id:identity'],
    name: ['raw.customers.name:identity', 'raw.orders.status:identity'],
  });
});

test('aggregates, window functions, CASE and scalar subqueries', () => {
  const sql = `select customer_id, sum(order_total) as total,
      row_number() over (partition by status order by created_at) as rn,
      case when status = 'paid' then 1 else 0 end as paid,
      (select max(name) from raw.customers) as top_name
    from raw.orders group by customer_id, status, created_at order by total desc`;
  assert.deepEqual(outputs(sql), {
    customer_id: ['raw.orders.customer_id:identity'],
    total: ['raw.orders.order_total:aggregate'],
    rn: [],
    paid: ['raw.orders.status:transform'],
    top_name: ['raw.customers.name:aggregate'],
  });
  const r = refs(sql);
  assert.ok(r.includes('raw.orders.status:window') && r.includes('raw.orders.created_at:window'), 'window partition/order are reads');
  assert.ok(r.includes('raw.orders.order_total:order'), 'ORDER BY an output alias reads what the alias is made of');
});

test('an unknown column in a single-table query is still attributed to that table', () => {
  assert.deepEqual(outputs(`select colour from raw.orders`), { colour: ['raw.orders.colour:identity'] });
});

test('analyzeSql: a statement the parser rejects keeps its tables and a position', () => {
  const sql = `create view v as select a from good_table;\nselect a frm broken_table join other on true;`;
  const a = analyzeSql(sql, 'postgres');
  assert.equal(a.statements.length, 2);
  assert.equal(a.statements[0].ir?.kind, 'create_view');
  const f = a.statements[1].failure;
  assert.ok(f, 'second statement fails');
  assert.equal(f.line, 2);
  assert.deepEqual(f.tables.map((t) => t.relation.name), ['other']);
});

test('analyzeSql: schema changes are recognised even where node-sql-parser rejects them', () => {
  const a = analyzeSql(`ALTER TABLE raw.orders RENAME COLUMN order_total TO total_amount;`, 'postgres');
  assert.deepEqual(a.statements[0].changes?.map((c) => c.change), [{ type: 'column_rename', from: 'order_total', to: 'total_amount' }]);
});

test('analyzeSql: MERGE maps source columns into target columns', () => {
  const a = analyzeSql(`merge into dw.customers t using raw.customers s on t.id = s.id when matched then update set name = s.name when not matched then insert (id, name) values (s.id, s.name)`, 'postgres');
  const ir = a.statements[0].ir;
  assert.equal(ir?.kind, 'merge');
  const res = resolveQuery(ir!.query!, (r) => SCHEMAS[[r.schema, r.name].filter(Boolean).join('.')]);
  assert.deepEqual(Object.fromEntries(res.outputs.map((o) => [o.name, o.sources.map(fmt).sort()])), {
    name: ['raw.customers.name:transform'],
    id: ['raw.customers.id:transform'],
  });
  assert.ok(res.references.some((r) => r.column === 'id' && r.usage === 'join'), 'the ON condition is a join read');
});

function resolveIn(dialect: string, sql: string) {
  const parsed = parseSql(sql, dialect);
  assert.ok(parsed.ok, `parse failed: ${!parsed.ok && parsed.message}`);
  const st = buildStatement(parsed.statements[0], 0, sql.length);
  const res = resolveQuery(st.query!, (r) => SCHEMAS[[r.schema, r.name].filter(Boolean).join('.')]);
  return Object.fromEntries(res.outputs.map((o) => [o.name, o.sources.map(fmt).sort()]));
}

test('BigQuery * EXCEPT / REPLACE and Snowflake * EXCLUDE leave the named columns out', () => {
  assert.deepEqual(Object.keys(resolveIn('bigquery', 'select * except (status, created_at) from raw.orders')), ['id', 'customer_id', 'order_total']);
  assert.deepEqual(resolveIn('bigquery', 'select c.* except (country), 1 as one from raw.customers c'), { id: ['raw.customers.id:identity?'], name: ['raw.customers.name:identity?'], one: [] });
  assert.deepEqual(resolveIn('bigquery', 'select * replace (upper(name) as name) from raw.customers'), {
    id: ['raw.customers.id:identity?'],
    country: ['raw.customers.country:identity?'],
    name: ['raw.customers.name:transform'],
  });
  assert.deepEqual(Object.keys(resolveIn('snowflake', 'select * exclude (status) from raw.orders')), ['id', 'customer_id', 'order_total', 'created_at']);
});

test('Snowflake lateral column aliases and variant paths', () => {
  assert.deepEqual(resolveIn('snowflake', "select status as s, s || '!' as shout, max(s) over (partition by customer_id) as top from raw.orders"), {
    s: ['raw.orders.status:identity'],
    shout: ['raw.orders.status:transform'],
    top: ['raw.orders.status:aggregate'],
  });
  // A from-item column of the alias's name wins over the alias.
  assert.deepEqual(resolveIn('snowflake', 'select status as id, id + 1 as next_id from raw.orders'), { id: ['raw.orders.status:identity'], next_id: ['raw.orders.id:transform'] });
  assert.deepEqual(resolveIn('snowflake', 'select name:first as first_name, lower(country:code:iso) as iso from raw.customers'), {
    first_name: ['raw.customers.name:identity'],
    iso: ['raw.customers.country:transform'],
  });
});
