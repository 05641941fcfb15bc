// How joins and unions shape the columns a Spark job writes: what comes out, and from where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asset, columnsOf, flows, read } from './sparkTestKit';

test('union and unionAll match columns by position and keep the left side\'s names; unionByName by name', async () => {
  const facts = await read(`from pyspark.sql import SparkSession, functions as F
spark = SparkSession.builder.getOrCreate()
a = spark.table("raw.a").select("id", "v")
b = spark.table("raw.b").select("id", "value")
a.union(b).write.saveAsTable("mart.by_position")
a.unionAll(b.select(F.col("id").alias("key"), "value")).write.saveAsTable("mart.by_position_all")
a.unionByName(b.withColumnRenamed("value", "v")).write.saveAsTable("mart.by_name")
`);
  // raw.b.value lands in v: there is no column "value" in the result.
  assert.deepEqual(columnsOf(facts, 'table:mart.by_position'), ['id', 'v']);
  assert.deepEqual(columnsOf(facts, 'table:mart.by_position_all'), ['id', 'v']);
  assert.deepEqual(columnsOf(facts, 'table:mart.by_name'), ['id', 'v']);
  const job = flows(asset(facts, 'spark_job:job'));
  assert.ok(job.includes('raw.b value identity explicit -> v'), job.join('\n'));
  assert.ok(!job.some((r) => r.endsWith('-> value')), job.join('\n'));
});

test('a union whose left side passes columns through keeps them; the right side cannot add columns', async () => {
  const facts = await read(`from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
a = spark.table("raw.a")
b = spark.table("raw.b").select("id", "extra")
a.union(b).write.saveAsTable("mart.u")
`);
  // The columns of raw.a are unknown, so which of them id and extra land in is unknown too:
  // they are read by the job, not written under names of their own.
  assert.deepEqual(columnsOf(facts, 'table:mart.u'), []);
  assert.deepEqual(flows(asset(facts, 'spark_job:job')), ['raw.a * identity inferred -> *', 'raw.b id identity explicit', 'raw.b extra identity explicit']);
});

test('semi and anti joins return the left side only: the right side is read by the key, never written', async () => {
  const facts = await read(`from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
a = spark.table("raw.a")
b = spark.table("raw.b").select("id", "flag")
a.join(b, "id", "left_anti").write.saveAsTable("mart.anti")
a.join(b, on=["id"], how="leftsemi").write.saveAsTable("mart.semi")
a.join(b, a.id == b.id, how="semi").select("x").write.saveAsTable("mart.semi_expr")
`);
  const job = flows(asset(facts, 'spark_job:job'));
  assert.ok(job.includes('raw.b id join explicit'), job.join('\n'));
  assert.ok(!job.some((r) => r.startsWith('raw.b') && r.includes('->')), job.join('\n'));
  assert.ok(job.includes('raw.a * identity inferred -> *'), job.join('\n'));
  assert.deepEqual(columnsOf(facts, 'table:mart.anti'), []);
  assert.deepEqual(columnsOf(facts, 'table:mart.semi_expr'), ['x']);
});
