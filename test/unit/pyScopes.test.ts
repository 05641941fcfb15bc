// PyScopes finds bindings by scanning the tree's preorder list; it must find what the walk down
// each node's children (the original, kept here) found, for every name looked up anywhere.
// Which of several bindings a use sees is tested in pyFlow.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initPython, parsePython } from '../../src/core/python/pythonParser';
import type { PyNode } from '../../src/core/python/pythonParser';
import { PyScopes } from '../../src/core/python/pyValues';

/** The original collection: a recursive walk over named children (every binding, in order). */
function walkedScopes(root: PyNode): Map<number, Map<string, PyNode[]>> {
  const scopes = new Map<number, Map<string, PyNode[]>>();
  const collect = (node: PyNode, scopeId: number): void => {
    for (const child of node.children) {
      if (!child.isNamed) continue;
      if (child.type === 'function_definition') {
        collect(child, child.id);
        continue;
      }
      if (child.type === 'assignment' || child.type === 'augmented_assignment') {
        const left = child.childForFieldName('left');
        const right = child.childForFieldName('right');
        if (left?.type === 'identifier' && right) {
          if (!scopes.has(scopeId)) scopes.set(scopeId, new Map());
          const names = scopes.get(scopeId)!;
          names.set(left.text, [...(names.get(left.text) ?? []), child.type === 'assignment' ? right : child]);
        }
      }
      if (child.type !== 'class_definition') collect(child, scopeId);
    }
  };
  collect(root, root.id);
  return scopes;
}

function walkedBindings(scopes: Map<number, Map<string, PyNode[]>>, name: string, at: PyNode): PyNode[] {
  for (let n: PyNode | null = at; n; n = n.parent) {
    if (n.type === 'function_definition' || n.type === 'module') {
      const hit = scopes.get(n.id)?.get(name);
      if (hit) return hit;
    }
  }
  return [];
}

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

// Statements nested at random: functions, classes (with methods), with/if/for blocks, chained and
// nested assignments, lambdas, comprehensions, and now and then a syntax error.
function randomSource(next: () => number): string {
  const names = ['a', 'b', 'spark', 'df', 'path', 'x'];
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)];
  const lines: string[] = [];
  const block = (indent: string, depth: number): void => {
    const n = 1 + Math.floor(next() * 4);
    for (let i = 0; i < n; i++) {
      const r = next();
      const name = pick(names);
      if (depth < 4 && r < 0.15) {
        lines.push(`${indent}def ${pick(['f', 'g', 'h'])}(${pick(['', 'a', 'spark, b=1'])}):`);
        block(indent + '    ', depth + 1);
      } else if (depth < 4 && r < 0.25) {
        lines.push(`${indent}class ${pick(['C', 'D'])}:`);
        block(indent + '    ', depth + 1);
      } else if (depth < 4 && r < 0.35) {
        lines.push(`${indent}${pick(['with open(p) as f:', 'if a:', 'for k in b:', 'try:'])}`);
        block(indent + '    ', depth + 1);
        if (r > 0.33) lines.push(`${indent}except E:`, `${indent}    ${name} = 0`);
      } else if (r < 0.6) lines.push(`${indent}${name} = ${pick(['"s"', `${pick(names)}`, 'g(1)', `${pick(names)} = "t"`, 'lambda y: (z := y)', '[w for w in a]'])}`);
      else if (r < 0.7) lines.push(`${indent}${name}, ${pick(names)} = 1, 2`);
      else if (r < 0.8) lines.push(`${indent}${name} += 1`);
      else if (r < 0.97) lines.push(`${indent}print(${pick(names)}, ${pick(names)}.y)`);
      else lines.push(`${indent}${name} = (`);
    }
  };
  block('', 0);
  return lines.join('\n') + '\n';
}

test('bindings found in preorder are the bindings the walk over children found', async () => {
  await initPython();
  const sources = [
    'x = 1\ndef f():\n    x = 2\n    class C:\n        x = 3\n        def m(self):\n            x = 4\n    return x\ny = x\n',
    'a = b = "q"\nwith open(p) as f:\n    sql = f.read()\nif a:\n    def g(spark):\n        df = spark.table(sql)\n',
    'def broken(:\n    pass\nx = (1,\ny = x\n',
  ];
  const next = random(5);
  for (let k = 0; k < 2000; k++) sources.push(randomSource(next));
  let looked = 0;
  for (const src of sources) {
    const root = parsePython(src)!.rootNode;
    const scopes = new PyScopes(root);
    const walked = walkedScopes(root);
    for (const id of root.descendantsOfType('identifier')) {
      looked++;
      const all = walkedBindings(walked, id.text, id);
      assert.deepEqual(scopes.bindingsOf(id.text, id), all, `${JSON.stringify(src)} ${id.text}@${id.startIndex}`);
      // A name bound once is that binding wherever it is read.
      if (all.length === 1) assert.equal(scopes.lookup(id.text, id), all[0]);
    }
  }
  assert.ok(looked > 10000);
});
