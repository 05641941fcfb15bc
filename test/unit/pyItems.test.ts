// Values DAG factories are built from: items of dicts and lists written in the code
// (`CONFIG["orders"]["table"]`, `conf.get("schedule", "@daily")`, `TABLES[-1]`), loops over
// `range()` of numbers, and numbers in f-strings. What Python would format differently (`{n:02d}`,
// `{x!r}`) stays unknown rather than guessed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initPython, parsePython } from '../../src/core/python/pythonParser';
import { PyScopes, stringValue } from '../../src/core/python/pyValues';
import { loopPasses } from '../../src/core/python/pyLoops';
import { readDag as read, src, taskGraph } from './airflowTestKit';

/** The value of the right side of `name = …` (its last binding) in `code`. */
async function valueOf(code: string, name: string): Promise<string | undefined> {
  await initPython();
  const root = parsePython(code)!.rootNode;
  const scopes = new PyScopes(root);
  const assignment = root.descendantsOfType('assignment').filter((a) => a?.childForFieldName('left')?.text === name).pop()!;
  return stringValue(assignment.childForFieldName('right'), scopes)?.value;
}

test('items of dicts, dict() calls, lists and tuples written in the code, by a key or index written there too', async () => {
  const config = 'CONFIG = {"orders": {"table": "raw.orders", "cols": ["id", "total"]}, "n": dict(schema="mart")}\nTABLES = ("a", "b", "c")\n';
  assert.equal(await valueOf(`${config}x = CONFIG["orders"]["table"]\n`, 'x'), 'raw.orders');
  assert.equal(await valueOf(`${config}x = CONFIG["orders"]["cols"][1]\n`, 'x'), 'total');
  assert.equal(await valueOf(`${config}x = CONFIG["n"]["schema"] + "." + TABLES[-1]\n`, 'x'), 'mart.c');
  assert.equal(await valueOf(`${config}o = CONFIG["orders"]\nx = o.get("table")\n`, 'x'), 'raw.orders');
  assert.equal(await valueOf(`${config}x = CONFIG.get("missing", "fallback")\n`, 'x'), 'fallback');
  assert.equal(await valueOf(`${config}x = f"select * from {CONFIG['orders']['table']}"\n`, 'x'), 'select * from raw.orders');
  // Unknown keys, indexes out of range, slices, other objects' get(): unknown, never a guess.
  assert.equal(await valueOf(`${config}x = CONFIG["missing"]\n`, 'x'), undefined);
  assert.equal(await valueOf(`${config}x = CONFIG.get("missing")\n`, 'x'), undefined);
  assert.equal(await valueOf(`${config}x = TABLES[5]\n`, 'x'), undefined);
  assert.equal(await valueOf(`${config}x = TABLES[0:1]\n`, 'x'), undefined);
  assert.equal(await valueOf('import os\nx = os.environ.get("TABLE")\n', 'x'), undefined);
  assert.equal(await valueOf('a = [1]\na = a[0]\nx = a[0]\n', 'x'), undefined); // a cycle ends
});

test('numbers in f-strings read as str() writes them; a conversion or format spec leaves the value unknown', async () => {
  assert.equal(await valueOf('N = 7\nx = f"part_{N}_{2}"\n', 'x'), 'part_7_2');
  assert.equal(await valueOf('N = 7\nx = f"part_{N:02d}"\n', 'x'), undefined);
  assert.equal(await valueOf('T = "t"\nx = f"part_{T!r}"\n', 'x'), undefined);
});

test('loops over range() of numbers written in the code have a pass per number; range(n + 1) has none', async () => {
  await initPython();
  const passes = async (loop: string) => {
    const root = parsePython(`N = 3\n${loop}\n    x = f"p_{i}"\n`)!.rootNode;
    const scopes = new PyScopes(root);
    const s = root.descendantsOfType('string').pop()!;
    return loopPasses(s, scopes)?.map((p) => stringValue(s, p)?.value);
  };
  assert.deepEqual(await passes('for i in range(3):'), ['p_0', 'p_1', 'p_2']);
  assert.deepEqual(await passes('for i in range(1, N + 0):'), undefined);
  assert.deepEqual(await passes('for i in range(1, N):'), ['p_1', 'p_2']);
  assert.deepEqual(await passes('for i in range(10, 0, -4):'), ['p_10', 'p_6', 'p_2']);
  assert.deepEqual(await passes('for i in range(0, 100000):'), undefined); // more passes than are unrolled
});

test('DAG factories driven by a config dict and by range(): a DAG per entry with its own schedule and SQL', async () => {
  const facts = await read(
    src(
      'from airflow import DAG',
      'from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator',
      'CONFIGS = {',
      '    "orders": {"schedule": "@daily", "source": "landing.orders", "target": "raw.orders"},',
      '    "customers": {"schedule": "@hourly", "source": "landing.customers", "target": "raw.customers"},',
      '}',
      'for name, conf in CONFIGS.items():',
      '    with DAG(f"load_{name}", schedule=conf["schedule"]) as dag:',
      '        SQLExecuteQueryOperator(task_id="load", sql=f"insert into {conf[\'target\']} select * from {conf.get(\'source\')}")',
      'def create_dag(dag_id, n):',
      '    with DAG(dag_id) as dag:',
      '        SQLExecuteQueryOperator(task_id=f"part_{n}", sql=f"select * from raw.part_{n}")',
      '    return dag',
      'for n in range(1, 3):',
      '    globals()[f"loop_{n}"] = create_dag(f"parts_{n}", n)',
    ),
  );
  // Before: the config factory's SQL was unknown (a note per task), and range() made no DAG.
  assert.deepEqual(Object.keys(taskGraph(facts)), ['load_orders.load', 'load_customers.load', 'parts_1.part_1', 'parts_2.part_2']);
  assert.deepEqual(facts.queries.map((q) => q.sql), [
    'insert into raw.orders select * from landing.orders',
    'insert into raw.customers select * from landing.customers',
    'select * from raw.part_1',
    'select * from raw.part_2',
  ]);
  assert.deepEqual(facts.assets.filter((a) => a.asset_type === 'dag').map((a) => a.meta?.schedule), ['@daily', '@hourly', undefined, undefined]);
  assert.deepEqual(facts.diagnostics, []);
});
