// A PySpark job that reuses a variable for the table it reads and the table it writes: each call
// reads the name as it is when the line runs (see pyFlow.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSparkFile } from '../../src/core/readers/spark/sparkReader';

test('a table name reassigned between the read and the write: the job reads the first and writes the second', async () => {
  const src = [
    'from pyspark.sql import SparkSession',
    'spark = SparkSession.builder.appName("orders_clean").getOrCreate()',
    'table = "raw.orders"',
    'df = spark.table(table)',
    'table = "analytics.orders"',
    'df.write.mode("overwrite").saveAsTable(table)',
    'for name in ["eu", "us"]:',
    '    path = f"data/{name}.parquet"',
    '    df.write.parquet(path)',
    '    path = None',
  ].join('\n');
  const facts = await readSparkFile('jobs/orders_clean.py', src, { readFile: async () => undefined });
  const job = facts.assets.find((a) => a.asset_type === 'spark_job');
  assert.ok(job);
  // Before, both calls read the last assignment: the job read and wrote analytics.orders.
  assert.deepEqual(job.upstream.map((u) => (u.kind === 'relation' ? `${u.relation.schema}.${u.relation.name}` : u.kind)), ['raw.orders']);
  assert.deepEqual(
    facts.assets.filter((a) => a.id !== job.id).map((a) => a.name).sort(),
    ['analytics.orders', 'data/eu.parquet', 'data/us.parquet'],
  );
  assert.deepEqual(facts.diagnostics, []);
});

test('a read from Kafka is said, and what is written from it has unknown columns, not none', async () => {
  const src = [
    'from pyspark.sql import SparkSession',
    'spark = SparkSession.builder.appName("events").getOrCreate()',
    'stream = spark.readStream.format("kafka").option("subscribe", "events").load()',
    'stream.selectExpr("CAST(value AS STRING) AS body").writeStream.format("delta").start("data/events")',
  ].join('\n');
  const facts = await readSparkFile('jobs/events.py', src, { readFile: async () => undefined });
  // Before: no diagnostic, and data/events was written with no columns at all.
  assert.deepEqual(
    facts.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`),
    ['3:10 info spark-source this read from kafka is not traced (only tables, files and JDBC queries are), so what it brings is not in the lineage'],
  );
  const written = facts.assets.find((a) => a.name === 'data/events');
  assert.ok(written);
  assert.deepEqual(facts.assets.find((a) => a.asset_type === 'spark_job')?.upstream, []);
  assert.deepEqual(
    written.declaredColumnRefs?.map((r) => `${r.column} ${r.usage} ${r.confidence} ${r.outputColumn}`),
    ['* identity inferred *'],
  );
});

test('a DataFrame bound in both branches of an if: what is written from it has the columns of both', async () => {
  const src = [
    'import sys',
    'from pyspark.sql import SparkSession, functions as F',
    'spark = SparkSession.builder.appName("branches").getOrCreate()',
    'if sys.argv[1] == "full":',
    '    df = spark.table("raw.full").select("id", "a")',
    'elif sys.argv[1] == "replay":',
    '    df = spark.table("raw.replay").select("id", "a")',
    'else:',
    '    df = spark.table("raw.delta").select("id", F.col("b").alias("a"))',
    'df.write.saveAsTable("mart.br")',
    'extra = spark.table("raw.base")',
    'if sys.argv[2] == "x":',
    '    extra = extra.withColumn("flag", F.col("x"))',
    'extra.write.saveAsTable("mart.extra")',
  ].join('\n');
  const facts = await readSparkFile('jobs/branches.py', src, { readFile: async () => undefined });
  const flows = (output: string) =>
    (facts.assets.find((a) => a.asset_type === 'spark_job')?.declaredColumnRefs ?? [])
      .filter((r) => r.outputColumn === output && r.upstream.kind === 'relation')
      .map((r) => `${r.upstream.kind === 'relation' ? r.upstream.relation.name : ''}.${r.column}`)
      .sort();
  // Before: only the else branch's frame was written (raw.full and raw.replay reached nothing).
  assert.deepEqual(flows('a'), ['delta.b', 'full.a', 'replay.a']);
  assert.deepEqual(flows('id'), ['delta.id', 'full.id', 'replay.id']);
  // Without an else, the frame from before the if is one of the two: flag from x, the rest passed through.
  assert.deepEqual(flows('flag'), ['base.x']);
});
