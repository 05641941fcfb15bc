// DAGs and Spark jobs built from a YAML or JSON config file beside them: the file is read (never
// run) and the code's loops and lookups over its data are followed as over a dict in the code.
// A missing, malformed or oversized config file gets a note, never a guess.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLineageIndex } from '../../src/core/lineageIndex';
import { MemoryFileSystem } from '../../src/core/io/fileSystem';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const DAG = lines(
  'import os',
  'import yaml',
  'from airflow import DAG',
  'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
  'my_dir = os.path.dirname(os.path.abspath(__file__))',
  'with open(os.path.join(my_dir, "config", "tables.yaml")) as yaml_file:',
  '    configuration = yaml.safe_load(yaml_file)',
  'for name, conf in configuration["dags"].items():',
  '    with DAG(f"load_{name}", schedule=conf["schedule"]) as dag:',
  '        for table in conf.get("tables", []):',
  '            SQLExecuteQueryOperator(task_id=f"load_{table}", sql=f"insert into {conf[\'target\']}.{table} select * from landing.{table}")',
);

const YAML = lines(
  'dags:',
  '  shop:',
  '    schedule: "@daily"',
  '    target: raw',
  '    tables: [orders, payments]',
  '  crm:',
  '    schedule: "@hourly"',
  '    target: crm',
  '    tables:',
  '      - contacts',
);

test('a DAG factory over a YAML config opened beside the DAG file: a DAG per entry, its tasks and tables', async () => {
  const index = await createLineageIndex(new MemoryFileSystem({ 'dags/dynamic.py': DAG, 'dags/config/tables.yaml': YAML }));
  assert.deepEqual(index.diagnostics, []);
  const tasks = index.assets.assets.filter((a) => a.asset_type === 'airflow_task').map((a) => a.name).sort();
  // Before: the DAG id was a runtime-value note, and no DAG at all.
  assert.deepEqual(tasks, ['load_crm.load_contacts', 'load_shop.load_orders', 'load_shop.load_payments']);
  assert.deepEqual(index.get('dag:load_crm')?.meta?.schedule, '@hourly');
  const written = index.graph.downstreamOf('dag:load_shop').map((e) => index.get(e.to)!.name).sort();
  assert.deepEqual(written, ['raw.orders', 'raw.payments']);
});

test('a Spark job over a JSON config read with Path(...).read_text(): its tables, per item', async () => {
  const job = lines(
    'import json',
    'from pathlib import Path',
    'from pyspark.sql import SparkSession',
    'spark = SparkSession.builder.appName("copy_tables").getOrCreate()',
    'config = json.loads((Path(__file__).parent / "config.json").read_text())',
    'for t in config["tables"]:',
    '    spark.table(f"raw.{t}").write.saveAsTable(f"{config[\'target_schema\']}.{t}")',
  );
  const index = await createLineageIndex(new MemoryFileSystem({ 'jobs/copy.py': job, 'jobs/config.json': '{"tables": ["orders", "payments"], "target_schema": "mart"}' }));
  assert.deepEqual(index.diagnostics, []);
  assert.deepEqual(index.graph.downstreamOf('spark_job:copy_tables').map((e) => index.get(e.to)!.name).sort(), ['mart.orders', 'mart.payments']);
  assert.deepEqual(index.graph.upstreamOf('spark_job:copy_tables').map((e) => index.get(e.from)!.name).sort(), ['raw.orders', 'raw.payments']);
});

test('a missing, malformed or oversized config file: a note at the load, and no DAG under a guessed name', { timeout: 60_000 }, async () => {
  const dag = (file: string) => DAG.replace('"config", "tables.yaml"', `"config", "${file}"`);
  const files = {
    'dags/missing.py': dag('nope.yaml'),
    'dags/broken.py': dag('broken.yaml'),
    'dags/huge.py': dag('huge.yaml'),
    'dags/laughs.py': dag('laughs.yaml'),
    'dags/config/broken.yaml': 'dags: [unclosed\n',
    'dags/config/huge.yaml': `dags: {}\n#${'x'.repeat(300 * 1024)}\n`,
    // 1 KB of YAML whose aliases stand for 10^9 strings ("billion laughs").
    'dags/config/laughs.yaml': ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(',')}]`), 'dags: *i'].join('\n'),
  };
  const index = await createLineageIndex(new MemoryFileSystem(files));
  assert.deepEqual(index.assets.assets.filter((a) => a.asset_type === 'dag'), []);
  const notes = index.diagnostics.filter((d) => d.code === 'config-file').map((d) => `${d.path}:${d.line} ${d.message}`).sort();
  assert.equal(notes.length, 4, notes.join('\n'));
  assert.match(notes[0], /^dags\/broken\.py:7 config file "dags\/config\/broken\.yaml" could not be read: unexpected end/);
  assert.match(notes[1], /^dags\/huge\.py:7 config file "dags\/config\/huge\.yaml" is larger than 256 KB and was not read$/);
  assert.match(notes[2], /^dags\/laughs\.py:7 config file "dags\/config\/laughs\.yaml" holds more data than is read/);
  assert.match(notes[3], /^dags\/missing\.py:7 config file "dags\/config\/nope\.yaml" not found in the workspace, so what is built from it is not in the lineage$/);
  // What is built from the data is unknown, and said so.
  assert.ok(index.diagnostics.some((d) => d.path === 'dags/missing.py' && d.code === 'runtime-value'));
});
