// Frames the Spark reader cannot follow (an RDD round trip, a library's frame) are still written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asset, flows, read } from './sparkTestKit';

test('a write of a frame the reader cannot follow is a write, its columns unresolved', async () => {
  const facts = await read(`from pyspark.sql import SparkSession
from mylib import load_frame
spark = SparkSession.builder.getOrCreate()
df = spark.table("raw.t")
out = df.rdd.map(lambda r: (r.a, r.b)).toDF(["a", "b"])
out.write.mode("overwrite").saveAsTable("mart.from_rdd")
load_frame(spark).writeTo("mart.from_lib").createOrReplace()
`);
  const job = asset(facts, 'spark_job:job');
  assert.deepEqual(job.meta?.writes, ['table:mart.from_rdd', 'table:mart.from_lib']);
  // Nothing is claimed about the columns but that there are some.
  assert.deepEqual(flows(asset(facts, 'table:mart.from_rdd')), ['name:spark_job:job * identity inferred -> *']);
  assert.equal(asset(facts, 'table:mart.from_rdd').columns, undefined);
  assert.deepEqual(facts.diagnostics, []);
});

test("a file handle's write() is not a Spark write", async () => {
  const facts = await read(`from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
spark.table("raw.t").write.saveAsTable("mart.t")
with open("report.txt", "w") as f:
    f.write("done")
`);
  assert.deepEqual(asset(facts, 'spark_job:job').meta?.writes, ['table:mart.t']);
});
