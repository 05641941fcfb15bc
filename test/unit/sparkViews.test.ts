// spark.sql over a temporary view: the view's name is not a table. A view of one dataset passed
// through is that dataset for the query's column lineage; any other view is the job's own frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLineageIndex } from '../../src/core/lineageIndex';
import { MemoryFileSystem } from '../../src/core/io/fileSystem';
import { formatTree } from '../../src/core/query/lineageTree';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

test('spark.sql reading temporary views: no table is invented, and a view of one dataset carries its columns', async () => {
  const index = await createLineageIndex(
    new MemoryFileSystem({
      'jobs/totals.py': lines(
        'from pyspark.sql import SparkSession',
        'spark = SparkSession.builder.appName("totals").getOrCreate()',
        'df = spark.read.option("header", True).csv("data/raw/orders.csv")',
        'df.createOrReplaceTempView("orders_v")',
        'res = spark.sql("SELECT customer_id, SUM(amount) AS total FROM orders_v GROUP BY customer_id")',
        'res.write.parquet("data/out/totals")',
      ),
      'jobs/joined.py': lines(
        'from pyspark.sql import SparkSession',
        'spark = SparkSession.builder.appName("joined").getOrCreate()',
        'o = spark.table("raw.orders")',
        'c = spark.table("raw.customers")',
        'o.join(c, "customer_id").createOrReplaceTempView("joined_v")',
        'spark.sql("SELECT customer_id, amount FROM joined_v").write.saveAsTable("mart.joined")',
      ),
    }),
  );
  // Before, each view became a table of its own name upstream of its job (orders_v, joined_v).
  assert.deepEqual(
    index.assets.assets.map((a) => a.name).sort(),
    ['data/out/totals', 'data/raw/orders.csv', 'joined', 'mart.joined', 'raw.customers', 'raw.orders', 'totals'],
  );
  assert.deepEqual(formatTree(index.lineage(index.get('spark_job:totals')!, 'upstream', 3).graph, 'upstream'), ['[SPARK_JOB] totals', ' └── [FILE] data/raw/orders.csv']);
  // The query's columns come from the csv the view was made from.
  const reads = index.graph
    .referencesTo('file:data/raw/orders.csv')
    .filter((r) => r.consumer === 'spark_job:totals')
    .map((r) => `${r.column}→${r.outputColumn ?? ''}`)
    .sort();
  assert.ok(reads.includes('amount→total') && reads.includes('customer_id→customer_id'), reads.join(', '));
  assert.deepEqual(formatTree(index.lineage(index.get('spark_job:joined')!, 'upstream', 3).graph, 'upstream'), ['[SPARK_JOB] joined', ' └── [TABLE] raw.customers', ' └── [TABLE] raw.orders']);
});
