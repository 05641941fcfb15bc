// The Python layer on real tree-sitter parses: values, constants and call names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initPython, parsePython, pythonUnavailable, syntaxErrors } from '../../src/core/python/pythonParser';
import type { PyNode } from '../../src/core/python/pythonParser';
import { PyScopes, callArguments, callName, stringValue } from '../../src/core/python/pyValues';

function calls(root: PyNode): PyNode[] {
  return root.descendantsOfType('call').filter((n): n is PyNode => !!n);
}

test('the Python grammar loads from the bundled wasm', async () => {
  await initPython();
  assert.equal(pythonUnavailable(), undefined);
});

test('string values: literals, constants, concatenation, f-strings, os.path.join', async () => {
  await initPython();
  const src = [
    'import os',
    'BASE = "sql"',
    'TABLE = "marts." + "fct_orders"',
    'def task():',
    '    local = f"{BASE}/daily.sql"',
    '    run(local, os.path.join(BASE, "x.sql"), r"a\\nb", """multi',
    'line""", "a" \'b\', TABLE, f"{unknown}/x")',
  ].join('\n');
  const tree = parsePython(src)!;
  const scopes = new PyScopes(tree.rootNode);
  const run = calls(tree.rootNode).find((c) => callName(c) === 'run')!;
  const { positional } = callArguments(run);
  const values = positional.map((a) => stringValue(a, scopes));
  assert.deepEqual(values, [
    { value: 'sql/daily.sql', viaVariable: true },
    { value: 'sql/x.sql', viaVariable: true },
    { value: 'a\\nb', viaVariable: false },
    { value: 'multi\nline', viaVariable: false },
    { value: 'ab', viaVariable: false },
    { value: 'marts.fct_orders', viaVariable: true },
    undefined,
  ]);
});

test('call names follow method chains; keyword arguments are found', async () => {
  await initPython();
  const tree = parsePython('spark.read.format("delta").load(path, mergeSchema=True)\nOp(task_id="t1", sql="select 1")')!;
  assert.deepEqual(calls(tree.rootNode).map(callName), ['spark.read.format().load', 'spark.read.format', 'Op']);
  const op = calls(tree.rootNode).find((c) => callName(c) === 'Op')!;
  assert.deepEqual([...callArguments(op).keywords.keys()], ['task_id', 'sql']);
});

test('syntax errors are reported with positions, and parsing never throws', async () => {
  await initPython();
  const tree = parsePython('def broken(:\n    pass\nx = (1,\n')!;
  const errs = syntaxErrors(tree);
  assert.ok(errs.length >= 1);
  assert.equal(errs[0].line, 1);
  for (const junk of ['', '\u0000\u0001', ')))(((', 'x = """unterminated']) assert.ok(parsePython(junk));
});
