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

test('spark.sql in a string: references point into the string, and a view of a join is not checked against the job', async () => {
  const sqlLine = 'res = spark.sql("SELECT customer_id, SUM(amount) AS total FROM v GROUP BY customer_id")';
  const index = await createLineageIndex(
    new MemoryFileSystem({
      'jobs/one.py': lines(
        'from pyspark.sql import SparkSession',
        'spark = SparkSession.builder.appName("one").getOrCreate()',
        'spark.table("raw.orders").createOrReplaceTempView("v")',
        sqlLine,
        'res.write.saveAsTable("mart.one")',
      ),
      'jobs/two.py': lines(
        'from pyspark.sql import SparkSession',
        'spark = SparkSession.builder.appName("two").getOrCreate()',
        'spark.table("raw.orders").join(spark.table("raw.customers"), "customer_id").createOrReplaceTempView("v")',
        sqlLine,
        'res.write.saveAsTable("mart.two")',
      ),
      'jobs/three.py': lines(
        'from pyspark.sql import SparkSession',
        'spark = SparkSession.builder.appName("three").getOrCreate()',
        'spark.table("raw.orders").join(spark.table("raw.customers"), "customer_id").createOrReplaceTempView("v")',
        'spark.sql("SELECT a.customer_id, b.amount FROM v a JOIN v b ON a.referrer = b.customer_id").write.saveAsTable("mart.three")',
      ),
    }),
  );
  // A view read twice (a self-join) reads its tables like any other view.
  assert.deepEqual(index.diagnostics.filter((d) => d.path === 'jobs/three.py'), []);
  assert.ok(index.graph.referencesTo('table:raw.orders').some((r) => r.consumer === 'spark_job:three' && r.column === 'amount' && r.outputColumn === 'amount'));
  // Before, the words were searched in the whole Python file, whose quotes made the SQL one quoted
  // name: the reference fell back to the appName line (2:9).
  const amount = index.graph.referencesTo('table:raw.orders').find((r) => r.consumer === 'spark_job:one' && r.column === 'amount');
  assert.deepEqual(amount?.locations, [{ path: 'jobs/one.py', line: 4, column: sqlLine.indexOf('amount') + 1 }]);
  // The view of the join was once the job itself, whose columns are this query's outputs:
  // "amount" is not one of them, which was reported as 'column "amount" does not exist in two'.
  assert.deepEqual(index.diagnostics.filter((d) => d.code === 'unknown-column'), []);
  // Now it reads its two tables as a join written in SQL does: a column neither is known to have
  // may come from either. Before, the reference was dropped and the job was only a warning.
  const via = (table: string) => index.graph.referencesTo(table).filter((r) => r.consumer === 'spark_job:two' && r.column === 'amount');
  assert.deepEqual(via('table:raw.orders').map((r) => [r.outputColumn, r.usage, r.confidence, r.locations[0].line]), [['total', 'aggregate', 'explicit', 4]]);
  assert.equal(via('table:raw.customers').length, 1);
  const affected = index.impact(index.get('table:raw.orders')!, [{ type: 'column_rename', from: 'amount', to: 'amt' }]).affected_assets;
  assert.equal(affected.find((a) => a.id === 'spark_job:two')?.severity, 'breaking');
  assert.ok(!index.assets.assets.some((a) => a.name.startsWith('datalineage_view')), 'the names the view is parsed with are not assets');
});
