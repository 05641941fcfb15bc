// The Python layer on real tree-sitter parses: values, constants and call names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node as TsNode } from '@vscode/tree-sitter-wasm';
import { initPython, parsePython, parseTreeSitter, pythonUnavailable, syntaxErrors } from '../../src/core/python/pythonParser';
import type { PyNode } from '../../src/core/python/pythonParser';
import { PyScopes, callArguments, callName, stringValue } from '../../src/core/python/pyValues';
import { loopScopes } from '../../src/core/python/pyLoops';
import { directStepsAvailable, dropBinding, restoreBinding, stepsFor } from '../../src/core/python/cursorSteps';

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

// A sum is nested on the left as deep as it is long; an 8-level limit on that nesting once gave
// up on any SQL built from more than 9 pieces, and the task's SQL was then silently not read.
test('a string summed from many pieces (constants, literals, parentheses) has its whole value', async () => {
  await initPython();
  const cols = Array.from({ length: 25 }, (_, i) => `c${i}`);
  const src = [
    'SCHEMA = "marts"',
    `SQL = "select " + ${cols.map((c) => `"${c}, "`).join(' + ')} + "x from " + SCHEMA + "." + ("fct_" + "orders")`,
    `BIG = ${Array.from({ length: 3000 }, (_, i) => `"p${i} "`).join(' + ')}`,
    'BROKEN = "select " + "a" + unknown_name + " from t"',
    'run(SQL, BIG, BROKEN, "a" - "b")',
  ].join('\n');
  const tree = parsePython(src)!;
  const scopes = new PyScopes(tree.rootNode);
  const run = calls(tree.rootNode).find((c) => callName(c) === 'run')!;
  const values = callArguments(run).positional.map((a) => stringValue(a, scopes));
  assert.deepEqual(values[0], { value: `select ${cols.map((c) => `${c}, `).join('')}x from marts.fct_orders`, viaVariable: true });
  assert.equal(values[1]?.value, Array.from({ length: 3000 }, (_, i) => `p${i} `).join(''));
  // One piece that cannot be known makes the whole string unknown; so does another operator.
  assert.equal(values[2], undefined);
  assert.equal(values[3], undefined);
});

// SQL built with str.format() or %: the plain cases have a value; anything else stays unknown
// rather than guessed (a format spec, a conversion, a %-code other than s/d/i, a missing argument).
test('str.format() and % formatting of constants', async () => {
  await initPython();
  const src = [
    'SCHEMA = "marts"',
    'TABLE = "fct_orders"',
    'run(',
    '  "select id from {}.{}".format(SCHEMA, TABLE),',
    '  "select {0}, {0} from {t} where n > {1}".format("id", 10, t=TABLE),',
    '  "select x from %s.%s" % (SCHEMA, TABLE),',
    '  "select x from %(s)s.t limit %d" % {"s": SCHEMA, "n": 5} if False else "a %s b" % TABLE + "!",',
    '  "100%% of {{}} in %s" % SCHEMA,',
    '  "{:>10}".format(TABLE),',
    '  "{!r}".format(TABLE),',
    '  "%r" % TABLE,',
    '  "%s %s" % (TABLE,),',
    '  "%s" % (TABLE, SCHEMA),',
    '  "{}".format(unknown_name),',
    '  "{a.b}".format(a=TABLE),',
    ')',
  ].join('\n');
  const tree = parsePython(src)!;
  const scopes = new PyScopes(tree.rootNode);
  const run = calls(tree.rootNode).find((c) => callName(c) === 'run')!;
  const values = callArguments(run).positional.map((a) => stringValue(a, scopes)?.value);
  assert.deepEqual(values, [
    'select id from marts.fct_orders',
    'select id, id from fct_orders where n > 10',
    'select x from marts.fct_orders',
    undefined, // a conditional expression is not followed
    '100% of {{}} in marts',
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
  ]);
  const sum = parsePython('X = "a %s b" % "t" + "!"\n')!;
  const assigned = sum.rootNode.descendantsOfType('assignment')[0]!.childForFieldName('right');
  assert.deepEqual(stringValue(assigned, new PyScopes(sum.rootNode)), { value: 'a t b!', viaVariable: false });
  const dict = parsePython('X = "select x from %(s)s.t limit %(n)d" % {"s": "m", "n": 5}\n')!;
  assert.deepEqual(stringValue(dict.rootNode.descendantsOfType('assignment')[0]!.childForFieldName('right'), new PyScopes(dict.rootNode))?.value, 'select x from m.t limit 5');
});

// A node's subtree is ids id..last, the last included: the loop variable as the body's very last
// node (`x = t`) is bound too.
test('a loop pass binds its variable everywhere in the body, its last node included', async () => {
  await initPython();
  const tree = parsePython('for t in ["a", "b"]:\n    x = t\n')!;
  const loop = tree.rootNode.descendantsOfType('for_statement')[0]!;
  const use = loop.childForFieldName('body')!.descendantsOfType('identifier').find((n) => n?.text === 't')!;
  assert.equal(use.id, loop.childForFieldName('body')!.last);
  const passes = loopScopes(loop, new PyScopes(tree.rootNode))!;
  assert.deepEqual(passes.map((p) => stringValue(use, p)?.value), ['a', 'b']);
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

// The readers work on a plain-object copy of tree-sitter's tree; it must answer every question
// the readers ask exactly as web-tree-sitter's own nodes do, whether the copy calls the binding
// directly (the default) or goes through web-tree-sitter's public cursor (the fallback).
for (const direct of [true, false]) {
  test(`the copied syntax tree matches web-tree-sitter node for node (${direct ? 'direct binding calls' : 'public cursor'})`, async () => {
    await initPython();
    assert.ok(directStepsAvailable(), 'the runtime offers the binding calls the copy relies on');
    if (!direct) dropBinding();
    try {
      sameTrees();
    } finally {
      restoreBinding();
    }
  });
}

// The direct calls move the cursor inside WebAssembly only; finish() must hand its state (the
// stack pointer, which a deep walk reallocates, and the depth) back to web-tree-sitter's cursor
// object, whose delete() frees that pointer.
test('a direct walk leaves the cursor object where the walk ended', async () => {
  await initPython();
  const tree = parseTreeSitter(`${'['.repeat(100)}1${']'.repeat(100)}\n`)!;
  const cursor = tree.walk();
  try {
    const steps = stepsFor(tree, cursor, false);
    let depth = 0;
    // Down the nested lists: each list's first child is its `[`, the next one the inner list.
    while (steps.firstChild()) {
      depth++;
      while (!steps.isNamed() && steps.nextSibling());
    }
    const type = tree.language.types[steps.typeId()];
    steps.finish();
    assert.ok(depth > 100);
    assert.equal(cursor.currentDepth, depth);
    assert.equal(cursor.nodeType, type);
    assert.ok(cursor.gotoParent());
  } finally {
    cursor.delete();
    tree.delete();
  }
});

function sameTrees(): void {
  const sources = [
    [
      'from airflow import DAG',
      '@dag(schedule=None)',
      'def flow():',
      '    @task(task_id="x")',
      '    def extract(a, *args, b: int = 2, **kw) -> dict:',
      '        return {"k": [i for i in range(3) if i], **kw}',
      '    with TaskGroup("g") as tg, open("q.sql") as f:',
      '        Op(task_id="t", sql=f"select {TABLE!r:>10} from x" + \'y\' "z", n=-1 ** 2)',
      '    a >> [b, c] << d; x = lambda y: y.z[1:2]',
      'class C(Base):',
      '    """doc"""',
      '    async def m(self): await g(yield_ := 1)',
    ].join('\n'),
    'spark = SparkSession.builder.appName("ü — 𝒳 job").getOrCreate()\r\ndf = spark.table("a.b")  # 注释\r\n',
    'def broken(:\n    pass\nx = (1,\nOp(task_id="t"\n',
    'x = """unterminated',
    // Hidden tokens (string text before an escape, a format spec's text) take up room in a node
    // without being its children: positions cannot be derived from the children, they are asked.
    'x = "ab\\ncd" + f"{a:>10}\\t"\n',
    '',
    '\u0000\u0001',
    ')))(((',
    // Deep enough that the cursor's stack is reallocated during the walk (the copy must hand the
    // moved stack back to web-tree-sitter's cursor object, which frees it).
    `x = ${'['.repeat(300)}1${']'.repeat(300)}\ny = f(${'g('.repeat(200)}z${')'.repeat(200)})\n`,
  ];
  for (const src of sources) {
    const raw = parseTreeSitter(src)!;
    const copy = parsePython(src)!;
    const fields = raw.language.fields.filter((f): f is string => !!f);
    let visited = 0;
    const same = (r: TsNode, c: PyNode, where: string): void => {
      visited++;
      const at = `${JSON.stringify(src.slice(0, 20))} ${where} ${r.type}`;
      assert.deepEqual(
        [c.type, c.isNamed, c.isMissing, c.hasError, c.startIndex, c.endIndex, c.startPosition, c.text],
        [r.type, r.isNamed, r.isMissing, r.hasError, r.startIndex, r.endIndex, r.startPosition, r.text],
        at,
      );
      assert.equal(c.children.length, r.childCount, at);
      assert.deepEqual(c.namedChildren.map((n) => n.startIndex), r.namedChildren.map((n) => n!.startIndex), at);
      for (const f of fields) assert.deepEqual(key(c.childForFieldName(f)), key(r.childForFieldName(f)), `${at} field ${f}`);
      assert.deepEqual(c.descendantsOfType(['call', 'identifier']).map(key), r.descendantsOfType(['call', 'identifier']).map(key), `${at} descendants`);
      r.children.forEach((rc, i) => same(rc!, c.children[i], `${where}/${i}`));
    };
    same(raw.rootNode, copy.rootNode, '');
    assert.equal(visited, raw.rootNode.descendantCount, 'every node is copied');
    assert.deepEqual(copy.rootNode.descendantsOfType(['call', 'identifier']).map(key), raw.rootNode.descendantsOfType(['call', 'identifier']).map(key));
    raw.delete();
  }
}

function key(n: { type: string; startIndex: number; endIndex: number } | null): string | null {
  return n ? `${n.type}@${n.startIndex}-${n.endIndex}` : null;
}
