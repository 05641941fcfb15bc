// Jobs split into functions that take DataFrames: each call is followed with its arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asset, columnsOf, flows, label, read } from './sparkTestKit';

test('a function given a frame: what it writes and returns is that frame\'s', async () => {
  const facts = await read(`from pyspark.sql import SparkSession, DataFrame, functions as F

def clean(df: DataFrame) -> DataFrame:
    return df.dropDuplicates().filter(F.col("id").isNotNull())

def enrich(df, dim):
    return df.join(dim, "id").withColumn("x2", F.col("x") * 2)

def save(df, table, mode="overwrite"):
    df.write.mode(mode).saveAsTable(table)

def load(session, name):
    return session.read.table(name)

def main():
    spark = SparkSession.builder.appName("fn").getOrCreate()
    raw = load(spark, "raw.t")
    dim = spark.table("raw.dim").select("id", "label")
    out = enrich(clean(raw), dim).select("id", "x2", "label")
    save(out, "mart.fn")

if __name__ == "__main__":
    main()
`);
  const job = asset(facts, 'spark_job:fn');
  assert.deepEqual(job.upstream.map(label), ['raw.t', 'raw.dim']);
  assert.deepEqual(job.meta?.writes, ['table:mart.fn']);
  assert.deepEqual(columnsOf(facts, 'table:mart.fn'), ['id', 'x2', 'label']);
  const refs = flows(job);
  for (const r of ['raw.t x transform explicit -> x2', 'raw.dim label identity explicit -> label', 'raw.t id filter explicit', 'raw.t id identity explicit -> id']) {
    assert.ok(refs.includes(r), `${r} missing from\n${refs.join('\n')}`);
  }
  // The tables are known at the calls; the body of save() read where it is defined still notes
  // that its parameter names the table (a call from elsewhere may pass anything).
  assert.deepEqual(facts.diagnostics.map((d) => d.line), [10]);
});

test('df.transform(fn), a lambda, and foreachBatch hand the frame to the function', async () => {
  const facts = await read(`from pyspark.sql import SparkSession, functions as F
spark = SparkSession.builder.appName("tf").getOrCreate()

def with_total(df):
    return df.withColumn("total", F.col("price") * F.col("qty"))

def upsert(batch_df, batch_id):
    batch_df.select("id", "total").write.mode("append").saveAsTable("bronze.events")

orders = spark.table("raw.orders").transform(with_total).transform(lambda d: d.filter("total > 0"))
orders.select("id", "total").write.saveAsTable("mart.orders")
stream = spark.readStream.table("raw.stream").transform(with_total)
stream.writeStream.foreachBatch(upsert).option("checkpointLocation", "/chk/x").start()
`);
  const job = flows(asset(facts, 'spark_job:tf'));
  for (const r of ['raw.orders price transform explicit -> total', 'raw.orders qty filter explicit', 'raw.stream qty transform explicit -> total']) {
    assert.ok(job.includes(r), `${r} missing from\n${job.join('\n')}`);
  }
  assert.deepEqual(asset(facts, 'spark_job:tf').meta?.writes, ['table:bronze.events', 'table:mart.orders']);
  assert.deepEqual(columnsOf(facts, 'table:bronze.events'), ['id', 'total']);
});

test('a recursive function and a function called with no frame are read once, nothing lost', async () => {
  const facts = await read(`from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
def again(df, n):
    return df if n == 0 else again(df.limit(10), n - 1)
def report():
    spark.sql("INSERT INTO mart.log SELECT * FROM raw.events")
again(spark.table("raw.a"), 3).write.saveAsTable("mart.a")
report()
report()
`);
  assert.deepEqual(facts.queries.length, 1);
  assert.deepEqual(asset(facts, 'spark_job:job').meta?.writes, ['table:mart.log', 'table:mart.a']);
});
