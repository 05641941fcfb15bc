// The Spark reader on PySpark written the ways teams write it: chains, variables, joins, SQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AssetFact, FileFacts, UpstreamRef } from '../../src/core/model';
import { looksLikeSpark, readSparkFile } from '../../src/core/readers/spark/sparkReader';

async function read(src: string, file = 'jobs/job.py', files: Record<string, string> = {}): Promise<FileFacts> {
  return readSparkFile(file, src, { readFile: async (p) => files[p] });
}

function label(up: UpstreamRef): string {
  if (up.kind === 'relation') return [up.relation.database, up.relation.schema, up.relation.name].filter((p) => p).join('.');
  if (up.kind === 'path') return `path:${up.path}`;
  return up.kind === 'name' ? `name:${up.name}` : up.kind;
}

/** Column references in one line each: upstream column usage confidence [-> output] @line:col… */
function refs(fact: AssetFact): string[] {
  return (fact.declaredColumnRefs ?? []).map((r) =>
    [label(r.upstream), r.column, r.usage, r.confidence, ...(r.outputColumn ? [`-> ${r.outputColumn}`] : []), ...(r.locations?.length ? [`@${r.locations.map((l) => `${l.line}:${l.column}`).join(',')}`] : [])].join(' '),
  );
}

function asset(facts: FileFacts, id: string): AssetFact {
  const a = facts.assets.find((x) => x.id === id);
  assert.ok(a, `no asset ${id} in ${facts.assets.map((x) => x.id).join(', ')}`);
  return a;
}

test('customer_ltv.py: job, upstream table, grouped and aggregated columns, a constant, the written file', async () => {
  const p = 'examples/orders-pipeline/jobs/customer_ltv.py';
  const text = fs.readFileSync(path.join(__dirname, '../..', p), 'utf8');
  assert.ok(looksLikeSpark(text));
  const fct = { kind: 'relation' as const, relation: { schema: 'marts', name: 'fct_orders' } };
  const at = (line: number, column: number) => [{ path: p, line, column }];
  const job = 'spark_job:customer_ltv_model';
  const columns = [{ name: 'customer_id' }, { name: 'lifetime_value' }, { name: 'order_count' }];
  assert.deepEqual(await readSparkFile(p, text, { readFile: async () => undefined }), {
    path: p,
    assets: [
      {
        id: job,
        asset_type: 'spark_job',
        name: 'customer_ltv_model',
        source_ref: p,
        aliases: ['customer_ltv'],
        location: { path: p, line: 8, column: 9 },
        columns,
        upstream: [fct],
        declaredColumnRefs: [
          { upstream: fct, column: 'customer_id', usage: 'group', confidence: 'explicit', locations: at(13, 21) },
          { upstream: fct, column: 'customer_id', usage: 'identity', confidence: 'explicit', outputColumn: 'customer_id', locations: at(13, 21) },
          { upstream: fct, column: 'order_total', usage: 'aggregate', confidence: 'inferred', outputColumn: 'lifetime_value', locations: at(15, 21) },
          { upstream: fct, column: 'order_id', usage: 'aggregate', confidence: 'explicit', outputColumn: 'order_count', locations: at(16, 18) },
        ],
        origin: 'spark',
        meta: { writes: ['file:data/customer_ltv.parquet'] },
      },
      {
        id: 'file:data/customer_ltv.parquet',
        asset_type: 'file',
        name: 'data/customer_ltv.parquet',
        source_ref: 'data/customer_ltv.parquet',
        columns,
        upstream: [{ kind: 'name', name: job }],
        declaredColumnRefs: columns.map(({ name }) => ({ upstream: { kind: 'name' as const, name: job }, column: name, usage: 'identity' as const, confidence: 'explicit' as const, outputColumn: name })),
        origin: 'spark',
      },
    ],
    changes: [],
    queries: [],
    diagnostics: [],
  });
});

test('a method chain: filter strings and expressions, withColumn, withColumnRenamed, drop, a join on a key, df["x"], df.x, orderBy', async () => {
  const facts = await read(`from pyspark.sql import SparkSession, functions as F
from pyspark.sql.functions import col

spark = SparkSession.builder.getOrCreate()

orders = spark.read.table("raw.orders")
customers = spark.table("raw.customers")

paid = (
    orders.filter("status = 'paid' AND amount > 0")
    .where(col("country").isin("US", "CA"))
    .withColumn("amount_usd", F.col("amount") * F.col("fx_rate"))
    .withColumnRenamed("cust_id", "customer_id")
    .drop("fx_rate")
)
joined = paid.join(customers, on="customer_id", how="left")
out = joined.select(paid["order_id"], joined.customer_id, "amount_usd", customers.segment.alias("customer_segment")).orderBy(F.desc("amount_usd"))
out.write.mode("overwrite").saveAsTable("analytics.paid_orders")
`);
  const job = asset(facts, 'spark_job:job');
  assert.equal(job.name, 'job');
  assert.equal(job.aliases, undefined);
  assert.deepEqual(job.location, { path: 'jobs/job.py', line: 1, column: 1 });
  assert.deepEqual(job.upstream, [
    { kind: 'relation', relation: { schema: 'raw', name: 'orders' } },
    { kind: 'relation', relation: { schema: 'raw', name: 'customers' } },
  ]);
  assert.deepEqual(refs(job), [
    'raw.orders status filter explicit @10:20',
    'raw.orders amount filter explicit @10:40',
    'raw.orders country filter explicit @11:17',
    // the join key is the renamed cust_id on the left
    'raw.orders cust_id join explicit @13:25',
    'raw.customers customer_id join explicit @16:35',
    // ordering by a computed column reads what it is computed from
    'raw.orders amount order explicit @12:38',
    'raw.orders fx_rate order explicit @12:56',
    'raw.orders order_id identity explicit -> order_id @17:27',
    'raw.orders cust_id identity explicit -> customer_id @13:25',
    'raw.customers customer_id identity explicit -> customer_id @16:35',
    'raw.orders amount transform explicit -> amount_usd @12:38',
    'raw.orders fx_rate transform explicit -> amount_usd @12:56',
    'raw.customers segment identity explicit -> customer_segment @17:83',
  ]);
  assert.deepEqual(job.meta, { writes: ['table:analytics.paid_orders'] });
  const table = asset(facts, 'table:analytics.paid_orders');
  assert.deepEqual(
    { ...table, declaredColumnRefs: undefined },
    {
      id: 'table:analytics.paid_orders',
      asset_type: 'table',
      name: 'analytics.paid_orders',
      source_ref: 'analytics.paid_orders',
      relation: { schema: 'analytics', name: 'paid_orders' },
      columns: [{ name: 'order_id' }, { name: 'customer_id' }, { name: 'amount_usd' }, { name: 'customer_segment' }],
      upstream: [{ kind: 'name', name: 'spark_job:job' }],
      declaredColumnRefs: undefined,
      origin: 'spark',
    },
  );
  assert.deepEqual(refs(table), [
    'name:spark_job:job order_id identity explicit -> order_id',
    'name:spark_job:job customer_id identity explicit -> customer_id',
    'name:spark_job:job amount_usd identity explicit -> amount_usd',
    'name:spark_job:job customer_segment identity explicit -> customer_segment',
  ]);
});

test('reads of paths, format().load(), JDBC; joins on a key list and on df1.id == df2.id; writes of every kind', async () => {
  const facts = await read(`from pyspark.sql import SparkSession
import pyspark.sql.functions as F
spark = SparkSession.builder.appName("joins").getOrCreate()
a = spark.read.parquet("s3://lake/a/")
b = spark.read.format("delta").load("./data/../data/b")
c = spark.read.format("jdbc").option("url", "jdbc:postgresql://db").option("dbtable", "public.c").load()
ab = a.join(b, ["k1", "k2"])
abc = ab.join(c, a.id == c.a_id, "inner")
res = abc.groupBy("k1").agg(F.sum("v").alias("total"), F.max(c.updated_at).alias("last_update"))
res.write.parquet("out/res.parquet")
abc.write.insertInto("mart.abc")
res.writeTo("cat.mart.res_v2").createOrReplace()
`);
  const job = asset(facts, 'spark_job:joins');
  assert.deepEqual(job.aliases, ['job']);
  assert.deepEqual(job.location, { path: 'jobs/job.py', line: 3, column: 9 });
  assert.deepEqual(job.upstream, [
    { kind: 'path', path: 's3://lake/a/' },
    { kind: 'path', path: 'data/b' },
    { kind: 'relation', relation: { schema: 'public', name: 'c' } },
  ]);
  assert.deepEqual(refs(job), [
    'path:s3://lake/a/ k1 join explicit @7:18',
    'path:data/b k1 join explicit @7:18',
    'path:s3://lake/a/ k2 join explicit @7:24',
    'path:data/b k2 join explicit @7:24',
    'path:s3://lake/a/ id join explicit @8:20',
    'public.c a_id join explicit @8:28',
    'path:s3://lake/a/ k1 group explicit @9:20',
    'path:data/b k1 group explicit @9:20',
    'path:s3://lake/a/ k1 identity explicit -> k1 @9:20',
    'path:data/b k1 identity explicit -> k1 @9:20',
    // "v" may be in any of the three sides: all of them, inferred
    'path:s3://lake/a/ v aggregate inferred -> total @9:36',
    'path:data/b v aggregate inferred -> total @9:36',
    'public.c v aggregate inferred -> total @9:36',
    'public.c updated_at aggregate explicit -> last_update @9:64',
    // abc is written whole: every column of its sources passes through
    'path:s3://lake/a/ * identity inferred -> *',
    'path:data/b * identity inferred -> *',
    'public.c * identity inferred -> *',
  ]);
  assert.deepEqual(job.meta, { writes: ['file:out/res.parquet', 'table:mart.abc', 'table:cat.mart.res_v2'] });
  assert.deepEqual(job.columns, [{ name: 'k1' }, { name: 'total' }, { name: 'last_update' }]);
  assert.equal(asset(facts, 'file:out/res.parquet').asset_type, 'file');
  assert.deepEqual(asset(facts, 'table:cat.mart.res_v2').relation, { database: 'cat', schema: 'mart', name: 'res_v2' });
  assert.deepEqual(refs(asset(facts, 'table:mart.abc')), ['name:spark_job:job * identity inferred -> *'.replace('job:job', 'job:joins')]);
});

const within = (text: string, part: string) => ({ start: text.indexOf(part), end: text.indexOf(part) + part.length });

test('spark.sql: inline, through a variable, a .sql file; SQL that writes', async () => {
  const src = `from pyspark.sql import SparkSession
spark = SparkSession.builder.appName("sql_job").getOrCreate()
QUERY = "select o.id, c.name from raw.orders o join raw.customers c on o.cid = c.id"
df = spark.sql(QUERY)
spark.sql("insert into mart.daily select * from raw.events")
df2 = spark.sql(open("sql/extra.sql").read())
df.write.format("parquet").save("out/names")
`;
  const facts = await read(src, 'jobs/sql_job.py', { 'jobs/sql/extra.sql': 'select x from raw.extra' });
  const id = 'spark_job:sql_job';
  const job = asset(facts, id);
  assert.equal(job.aliases, undefined);
  assert.deepEqual(job.upstream.map(label), ['raw.orders', 'raw.customers', 'raw.events', 'raw.extra']);
  assert.deepEqual(job.meta, { writes: ['table:mart.daily', 'file:out/names'], sqlViaVariable: true });
  // The query's own column lineage comes from the SQL analysis, not from pass-through.
  assert.deepEqual(refs(job), []);
  assert.deepEqual(facts.queries, [
    // Through the QUERY constant: string-built SQL, so its references are inferred (warnings).
    // Each with where its string is, for the positions of its words (of the constant, for QUERY).
    { path: 'jobs/sql_job.py', originalText: src, sql: 'select o.id, c.name from raw.orders o join raw.customers c on o.cid = c.id', dialect: 'spark', ownerId: id, inferred: true, range: within(src, 'select o.id, c.name from raw.orders o join raw.customers c on o.cid = c.id') },
    { path: 'jobs/sql_job.py', originalText: src, sql: 'insert into mart.daily select * from raw.events', dialect: 'spark', ownerId: id, range: within(src, 'insert into mart.daily select * from raw.events') },
    { path: 'jobs/sql/extra.sql', originalText: 'select x from raw.extra', sql: 'select x from raw.extra', dialect: 'spark', ownerId: id },
  ]);
  assert.deepEqual(asset(facts, 'table:mart.daily').upstream, [{ kind: 'name', name: id }]);
  assert.deepEqual(refs(asset(facts, 'file:out/names')), [`name:${id} * identity inferred -> *`]);
});

test('.sql files found through __file__, pathlib and with-open', async () => {
  const src = `import os
from pathlib import Path
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
HERE = os.path.dirname(os.path.abspath(__file__))
spark.sql(Path(__file__).parent.joinpath("a.sql").read_text())
spark.sql(open("missing.sql").read())
q = Path(__file__).parent / "sql" / "b.sql"
spark.sql(q.read_text())
with open(os.path.join(HERE, "c.sql")) as f:
    spark.sql(f.read())
`;
  const facts = await read(src, 'jobs/run.py', { 'jobs/a.sql': 'select 1 from raw.a', 'jobs/sql/b.sql': 'select 1 from raw.b', 'jobs/c.sql': 'select 1 from raw.c' });
  assert.deepEqual(facts.queries.map((q) => [q.path, q.sql]), [
    ['jobs/a.sql', 'select 1 from raw.a'],
    ['jobs/sql/b.sql', 'select 1 from raw.b'],
    ['jobs/c.sql', 'select 1 from raw.c'],
  ]);
  assert.deepEqual(asset(facts, 'spark_job:run').upstream.map(label), ['raw.a', 'raw.b', 'raw.c']);
});

test('windows, withColumns, selectExpr with aliases, agg dicts, a list of keys in a constant, the session in main()', async () => {
  const facts = await read(`from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F

AMOUNT = "amount"
KEYS = ["region", "day"]

def main():
    spark = SparkSession.builder.appName("styles_job").getOrCreate()
    ev = spark.read.option("header", True).csv("data/events.csv")
    w = Window.partitionBy("user_id").orderBy(F.col("ts").desc())
    ranked = ev.withColumn("rn", F.row_number().over(w)).filter(F.col("rn") == 1)
    enriched = ranked.withColumns({"amt2": F.col(AMOUNT) * 2, "flag": F.when(ev.kind == "x", "yes").otherwise("no")})
    sel = enriched.selectExpr("user_id", "amt2 as doubled", "upper(kind) kind_upper")
    agg = enriched.groupBy(*KEYS).agg({"amt2": "sum"}).withColumnRenamed("sum(amt2)", "total")
    agg.write.csv("out/agg")
    sel.write.format("delta").mode("append").option("path", "out/sel").save()

if __name__ == "__main__":
    main()
`);
  const job = asset(facts, 'spark_job:styles_job');
  assert.deepEqual(refs(job), [
    'path:data/events.csv user_id window explicit @10:29',
    'path:data/events.csv ts window explicit @10:54',
    'path:data/events.csv region group inferred @5:10',
    'path:data/events.csv day group inferred @5:20',
    'path:data/events.csv region identity inferred -> region @5:10',
    'path:data/events.csv day identity inferred -> day @5:20',
    'path:data/events.csv amount aggregate inferred -> total @12:50',
    'path:data/events.csv user_id identity explicit -> user_id @13:32',
    'path:data/events.csv amount transform inferred -> doubled @12:50',
    'path:data/events.csv kind transform explicit -> kind_upper @13:68',
  ]);
  assert.deepEqual(job.meta, { writes: ['file:out/agg', 'file:out/sel'] });
  assert.deepEqual(asset(facts, 'file:out/sel').columns, [{ name: 'user_id' }, { name: 'doubled' }, { name: 'kind_upper' }]);
});

test('aliased frames in a join: F.col("o.id"), qualified filter strings, expr()', async () => {
  const facts = await read(`from pyspark.sql import SparkSession
from pyspark.sql.functions import col, expr
spark = SparkSession.builder.getOrCreate()
o = spark.table("raw.orders").alias("o")
c = spark.table("raw.customers").alias("c")
j = o.join(c, col("o.customer_id") == col("c.id")).where("o.status = 'paid' and c.active")
j.select(col("o.id"), col("c.name").alias("customer"), expr("o.amount * 1.1 as gross")).write.saveAsTable("mart.x")
`);
  assert.deepEqual(refs(asset(facts, 'spark_job:job')), [
    'raw.orders customer_id join explicit @6:20',
    'raw.customers id join explicit @6:44',
    'raw.orders status filter explicit @6:59',
    'raw.customers active filter explicit @6:81',
    'raw.orders id identity explicit -> id @7:15',
    'raw.customers name identity explicit -> customer @7:28',
    'raw.orders amount transform explicit -> gross @7:62',
  ]);
});

test('functions returning frames, temp views, JDBC writes, columns computed but never written', async () => {
  const facts = await read(`from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
def load(spark):
    return spark.table("raw.src").select("a", "b", "unused")
df = load(spark)
df.createOrReplaceTempView("v")
res = spark.table("v").drop("unused")
res.write.jdbc("jdbc:pg://h", "public.sink")
`);
  const job = asset(facts, 'spark_job:job');
  assert.deepEqual(job.upstream.map(label), ['raw.src']);
  assert.deepEqual(refs(job), [
    'raw.src a identity explicit -> a @4:43',
    'raw.src b identity explicit -> b @4:48',
    // selected, then dropped: still read by the job, flowing nowhere
    'raw.src unused identity explicit @4:53',
  ]);
  assert.deepEqual(asset(facts, 'table:public.sink').columns, [{ name: 'a' }, { name: 'b' }]);
});

test('JDBC reads (jdbc(), dbtable subquery), load(format=), unions', async () => {
  const facts = await read(`from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
a = spark.read.jdbc("jdbc:pg://h", "public.accounts", properties={})
b = spark.read.format("jdbc").options(url="jdbc:pg://h", dbtable="(select id, x from public.items where x > 1) t").load()
c = spark.read.load("data/parts", format="parquet")
a.union(b).unionByName(c).write.format("jdbc").option("dbtable", "public.all").save()
`);
  assert.deepEqual(asset(facts, 'spark_job:job').upstream.map(label), ['public.accounts', 'public.items', 'path:data/parts']);
  assert.deepEqual(asset(facts, 'spark_job:job').meta, { writes: ['table:public.all'] });
});

test('joins on a list constant are inferred; on= keyword; the same source twice is one upstream', async () => {
  const facts = await read(`from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
JOIN_KEYS = ["a", "b"]
x = spark.table("s.t")
y = spark.table("s.t").withColumnRenamed("v", "v2")
x.join(y, on=JOIN_KEYS).select("a", "v2").write.saveAsTable("s.out")
`);
  const job = asset(facts, 'spark_job:job');
  assert.deepEqual(job.upstream.map(label), ['s.t']);
  assert.deepEqual(refs(job), [
    's.t a join inferred @3:15',
    's.t b join inferred @3:20',
    's.t a identity explicit -> a @6:33',
    's.t v identity explicit -> v2 @5:43',
  ]);
});

test('a .py file that is not a Spark job yields nothing; looksLikeSpark is a cheap filter', async () => {
  const src = 'import pandas as pd\ndf = pd.read_csv("x.csv")\ndf["a"] = df["b"] * 2\n';
  assert.equal(looksLikeSpark(src), false);
  assert.deepEqual(await read(src), { path: 'jobs/job.py', assets: [], changes: [], queries: [], diagnostics: [] });
  // pyspark helpers with no session and nothing read or written are not a job either
  assert.deepEqual((await read('from pyspark.sql import functions as F\ndef amount(c):\n    return F.col(c) * 2\n')).assets, []);
  assert.equal(looksLikeSpark('df = spark.table("x")'), true);
});

test('malformed Python: a diagnostic, what parses is still read, nothing throws', async () => {
  const facts = await read(`from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
df = spark.table("raw.t")
def broken(:
    pass
df.select("a").write.saveAsTable("mart.t")
`);
  assert.deepEqual(facts.diagnostics.map((d) => [d.code, d.severity, d.line]), [['python-parse', 'info', 4]]);
  assert.deepEqual(refs(asset(facts, 'spark_job:job')), ['raw.t a identity explicit -> a @6:12']);
  for (const junk of ['', 'spark.', 'from pyspark import (', ')))(((\u0000', 'spark.table(', 'x = """unterminated pyspark', 'spark.read.format(F).load(1, 2)(3)[4]']) {
    const f = await read(junk);
    assert.ok(Array.isArray(f.assets));
  }
});

// Jobs compute names as often as they write them out: a parameter, a config module, an f-string
// of another module's constant. What is read or written there is not in the lineage, and the
// reader says so at the argument instead of dropping it without a word.
test('tables, SQL and paths known only when the job runs: an information diagnostic at each', async () => {
  const src = [
    'from pyspark.sql import SparkSession',
    'import config',
    'spark = SparkSession.builder.appName("dynjob").getOrCreate()',
    'def load(name):',
    '    return spark.table(name)',
    'orders = load("s.orders")',
    'q = spark.sql(config.QUERY)',
    'p = spark.read.parquet(config.INPUT_PATH, "data/static.parquet")',
    'orders.write.saveAsTable(config.OUT_TABLE)',
    'q.write.parquet(f"{config.BASE}/out.parquet")',
    'p.writeTo(config.TARGET).append()',
    'spark.table("s.known").write.saveAsTable("s.copy")',
  ].join('\n');
  const facts = await read(src);
  assert.deepEqual(
    facts.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`),
    [
      '5:24 info runtime-value the table this read names (`name`) is known only when the code runs, so it is not in the lineage',
      '7:15 info runtime-value the SQL spark.sql() runs (`config.QUERY`) is known only when the code runs, so it is not in the lineage',
      '8:24 info runtime-value the path this read loads (`config.INPUT_PATH`) is known only when the code runs, so it is not in the lineage',
      '9:26 info runtime-value the table this write names (`config.OUT_TABLE`) is known only when the code runs, so it is not in the lineage',
      '10:17 info runtime-value the path this write saves to (`f"{config.BASE}/out.parquet"`) is known only when the code runs, so it is not in the lineage',
      '11:11 info runtime-value the table writeTo() writes (`config.TARGET`) is known only when the code runs, so it is not in the lineage',
    ],
  );
  // What is constant is still read, also through a function given it (load("s.orders")).
  const job = asset(facts, 'spark_job:dynjob');
  assert.deepEqual(job.upstream.map(label), ['s.orders', 'path:data/static.parquet', 's.known']);
  assert.deepEqual(job.meta?.writes, ['table:s.copy']);
});

test('reads by json/orc/delta/format().load(); writes by json/orc and format("delta").save()', async () => {
  const facts = await read(`from pyspark.sql import SparkSession
from pyspark.sql.functions import col

spark = SparkSession.builder.appName("clickstream_daily").getOrCreate()
clicks = spark.read.json("s3a://events/clicks/2024/")
users = spark.read.orc("data/users.orc")
geo = spark.read.delta("data/geo")
fx = spark.read.format("delta").load("data/fx_rates")
daily = clicks.join(users, "user_id").join(geo, "country_code").join(fx, "currency")
daily.select("user_id", col("country_name"), (col("amount") * col("rate")).alias("amount_eur")).write.mode("overwrite").json("out/daily_clicks.json")
users.select("user_id", "signup_date").write.orc("out/users_slim.orc")
fx.write.format("delta").mode("append").save("out/fx_history")
`);
  const job = asset(facts, 'spark_job:clickstream_daily');
  assert.deepEqual(job.upstream.map(label), ['path:s3a://events/clicks/2024/', 'path:data/users.orc', 'path:data/geo', 'path:data/fx_rates']);
  assert.deepEqual(job.meta, { writes: ['file:out/daily_clicks.json', 'file:out/users_slim.orc', 'file:out/fx_history'] });
  assert.deepEqual(asset(facts, 'file:out/daily_clicks.json').columns, [{ name: 'user_id' }, { name: 'country_name' }, { name: 'amount_eur' }]);
  assert.deepEqual(asset(facts, 'file:out/users_slim.orc').columns, [{ name: 'user_id' }, { name: 'signup_date' }]);
  // signup_date can only come from users: written whole from the orc file, explicitly.
  assert.ok(refs(job).includes('path:data/users.orc signup_date identity explicit -> signup_date @11:26'), refs(job).join('\n'));
});

// Jobs that copy a list of tables loop over it: each pass reads and writes its own table.
test('a loop over a constant list is read once per item; a loop over a call is reported', async () => {
  const facts = await read(
    [
      'from pyspark.sql import SparkSession',
      'from pyspark.sql import functions as F',
      'spark = SparkSession.builder.appName("bronze_loader").getOrCreate()',
      'TABLES = ["orders", "customers"]',
      'for table in TABLES:',
      '    df = spark.table(f"raw.{table}").withColumn("loaded_at", F.current_timestamp())',
      '    df.select("id", "loaded_at").write.mode("overwrite").saveAsTable(f"bronze.{table}")',
      'for path in list_paths():',
      '    spark.read.parquet(path).write.saveAsTable("bronze.misc")',
    ].join('\n'),
  );
  const job = asset(facts, 'spark_job:bronze_loader');
  assert.deepEqual(job.upstream.map(label), ['raw.orders', 'raw.customers']);
  assert.deepEqual(job.meta?.writes, ['table:bronze.orders', 'table:bronze.customers', 'table:bronze.misc']);
  // Each written table has the columns its pass selected.
  assert.deepEqual(asset(facts, 'table:bronze.customers').columns, [{ name: 'id' }, { name: 'loaded_at' }]);
  assert.deepEqual(
    refs(job).filter((r) => r.includes(' id ')),
    ['raw.orders id identity explicit -> id @7:16', 'raw.customers id identity explicit -> id @7:16'],
  );
  assert.deepEqual(facts.diagnostics.map((d) => `${d.line} ${d.code}`), ['9 runtime-value']);
});

// Lakehouse jobs write Delta tables through DeltaTable's API rather than df.write.
test('Delta Lake: a merge writes the target with the source frame; update, delete and toDF', async () => {
  const facts = await read(
    [
      'from pyspark.sql import SparkSession',
      'import delta.tables',
      'from delta.tables import DeltaTable',
      'spark = SparkSession.builder.appName("upsert_customers").getOrCreate()',
      'updates = spark.table("staging.customer_updates").select("customer_id", "email")',
      'target = DeltaTable.forName(spark, "silver.customers")',
      '(target.alias("t")',
      '    .merge(updates.alias("s"), "t.customer_id = s.customer_id")',
      '    .whenMatchedUpdateAll()',
      '    .whenNotMatchedInsertAll()',
      '    .execute())',
      'events = delta.tables.DeltaTable.forPath(spark, "s3://lake/events")',
      'events.delete("event_date < \'2020-01-01\'")',
      'history = DeltaTable.forName(spark, "silver.orders").toDF()',
      'history.select("order_id").write.saveAsTable("gold.order_ids")',
      'DeltaTable.forName(spark, TABLE_FROM_CONFIG).update(set={"x": "1"})',
    ].join('\n'),
  );
  const job = asset(facts, 'spark_job:upsert_customers');
  assert.deepEqual(job.upstream.map(label), ['staging.customer_updates', 'silver.orders']);
  assert.deepEqual(job.meta?.writes, ['table:silver.customers', 'file:s3://lake/events', 'table:gold.order_ids']);
  assert.deepEqual(asset(facts, 'table:silver.customers').columns, [{ name: 'customer_id' }, { name: 'email' }]);
  assert.deepEqual(facts.diagnostics.map((d) => `${d.line} ${d.code} ${d.message}`), [
    '16 runtime-value the Delta table this job names (`TABLE_FROM_CONFIG`) is known only when the code runs, so it is not in the lineage',
  ]);
});
