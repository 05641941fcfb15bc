// The SQL a Spark query over temporary views is parsed as (sparkViewSql.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { viewSql } from '../../src/core/readers/spark/sparkViewSql';
import type { UpstreamRef } from '../../src/core/model';
import { read } from './sparkTestKit';

const table = (schema: string, name: string): UpstreamRef => ({ kind: 'relation', relation: { schema, name } });
const file: UpstreamRef = { kind: 'path', path: 'data/events.parquet' };
const job: UpstreamRef = { kind: 'name', name: 'spark_job:j' };

test('a view of several datasets becomes a CTE over names mapped to them; a view of one is that dataset', () => {
  const out = viewSql('-- totals\nselect id, sum(x) from both_v join one_v using (id) group by id', [
    { relation: { name: 'both_v' }, sources: [table('raw', 'a'), file] },
    { relation: { name: 'one_v' }, sources: [table('raw', 'c')] },
  ], job);
  assert.equal(out.sql, 'WITH both_v AS (SELECT * FROM datalineage_view_1, datalineage_view_2) -- totals\nselect id, sum(x) from both_v join one_v using (id) group by id');
  assert.deepEqual(out.relations, [
    { relation: { name: 'datalineage_view_1' }, upstream: table('raw', 'a') },
    { relation: { name: 'datalineage_view_2' }, upstream: file },
    { relation: { name: 'one_v' }, upstream: table('raw', 'c') },
  ]);
});

test('a query with its own WITH gets the view first in that list, on the same line', () => {
  const out = viewSql('WITH t AS (select * from v) select * from t', [{ relation: { name: 'v' }, sources: [table('s', 'a'), table('s', 'b')] }], job);
  assert.equal(out.sql, 'WITH v AS (SELECT * FROM datalineage_view_1, datalineage_view_2), t AS (select * from v) select * from t');
});

test('where no CTE can go, or the name needs quoting, the view stands for the job, and the SQL is unchanged', () => {
  const views = [{ relation: { name: 'v' }, sources: [table('s', 'a'), table('s', 'b')] }];
  const insert = 'insert into mart.t select * from v';
  assert.deepEqual(viewSql(insert, views, job), { sql: insert, relations: [{ relation: { name: 'v' }, upstream: job }] });
  const quoted = 'select * from `my view`';
  assert.deepEqual(viewSql(quoted, [{ relation: { name: 'my view' }, sources: views[0].sources }], job).sql, quoted);
  assert.deepEqual(viewSql('select 1 from g.v', [{ relation: { schema: 'g', name: 'v' }, sources: views[0].sources }], job).relations, [{ relation: { schema: 'g', name: 'v' }, upstream: job }]);
  // A view the reader could not trace to any dataset is the job's own frame.
  assert.deepEqual(viewSql('select 1 from v', [{ relation: { name: 'v' }, sources: [] }], job).relations, [{ relation: { name: 'v' }, upstream: job }]);
});

test('the Spark reader gives a view read twice (a self-join) one CTE', async () => {
  const facts = await read(
    [
      'from pyspark.sql import SparkSession',
      'spark = SparkSession.builder.appName("j").getOrCreate()',
      'spark.table("raw.a").join(spark.table("raw.b"), "id").createOrReplaceTempView("v")',
      'spark.sql("SELECT x.id, y.n FROM v x JOIN v y ON x.p = y.id").write.saveAsTable("mart.s")',
    ].join('\n'),
  );
  assert.deepEqual(
    facts.queries.map((q) => [q.sql, q.relations?.map((r) => r.relation.name)]),
    [['WITH v AS (SELECT * FROM datalineage_view_1, datalineage_view_2) SELECT x.id, y.n FROM v x JOIN v y ON x.p = y.id', ['datalineage_view_1', 'datalineage_view_2']]],
  );
});
