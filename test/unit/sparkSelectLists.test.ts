// Columns selected through Python lists: literals, sums of lists, comprehensions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asset, columnsOf, flows, read } from './sparkTestKit';

test('a comprehension in select passes the frame\'s columns through instead of naming a column after its code', async () => {
  const facts = await read(`from pyspark.sql import SparkSession, functions as F
spark = SparkSession.builder.getOrCreate()
df = spark.table("raw.t")
cols = ["a", "b"]
df.select([F.col(c).cast("string") for c in cols] + [F.col("c").alias("c2")]).write.saveAsTable("mart.lc")
df.select(*[F.trim(F.col(c)).alias(c) for c in df.columns]).write.saveAsTable("mart.lc2")
df.select(["id"] + ["v"]).write.saveAsTable("mart.sum")
`);
  assert.deepEqual(columnsOf(facts, 'table:mart.lc'), ['c2']);
  assert.deepEqual(columnsOf(facts, 'table:mart.lc2'), []);
  assert.deepEqual(columnsOf(facts, 'table:mart.sum'), ['id', 'v']);
  const job = flows(asset(facts, 'spark_job:job'));
  assert.ok(job.includes('raw.t c identity explicit -> c2'), job.join('\n'));
  assert.ok(job.includes('raw.t * identity inferred -> *'), job.join('\n'));
});
