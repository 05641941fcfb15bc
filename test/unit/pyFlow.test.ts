// A name assigned more than once is read as the code runs: each use sees the assignment that last
// ran before it, pass by pass in loops over lists written in the code, and nothing where that
// depends on a branch or on a loop we cannot follow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initPython, parsePython } from '../../src/core/python/pythonParser';
import type { PyNode } from '../../src/core/python/pythonParser';
import { PyScopes, callName, stringValue } from '../../src/core/python/pyValues';
import { loopPasses } from '../../src/core/python/pyLoops';

/** What each `use(x)` reads, in source order: one value per pass of the loops around it ('?' when unknown). */
async function uses(...lines: string[]): Promise<string[][]> {
  await initPython();
  const root = parsePython(lines.join('\n') + '\n')!.rootNode;
  const scopes = new PyScopes(root);
  return root
    .descendantsOfType('call')
    .filter((c): c is PyNode => !!c && callName(c) === 'use')
    .map((c) => {
      const arg = c.childForFieldName('arguments')!.namedChildren[0]!;
      return (loopPasses(c, scopes) ?? [scopes]).map((pass) => stringValue(arg, pass)?.value ?? '?');
    });
}

test('straight-line code: each use reads the assignment before it; += appends; x = x + … reads the one before', async () => {
  assert.deepEqual(await uses('sql = "select 1"', 'use(sql)', 'sql = "select 2"', 'use(sql)'), [['select 1'], ['select 2']]);
  assert.deepEqual(await uses('sql = "select a"', 'sql += " from t"', 'use(sql)', 'sql = sql + " where x"', 'use(sql)'), [['select a from t'], ['select a from t where x']]);
  // In a function the same, and a module name read from a function has the module's last value.
  assert.deepEqual(
    await uses('t = "a"', 'def f():', '    x = "1"', '    use(x)', '    x = "2"', '    use(x)', '    use(t)', 't = "b"'),
    [['1'], ['2'], ['b']],
  );
  // Read before any of its assignments: nothing (Python would raise NameError).
  assert.deepEqual(await uses('use(x)', 'x = "a"', 'x = "b"'), [['?']]);
});

test('an assignment that may not have run makes the value unknown; one in the same branch as the use does not', async () => {
  assert.deepEqual(await uses('s = "prod"', 'if dev:', '    s = "dev"', 'use(s)'), [['?']]);
  assert.deepEqual(await uses('if dev:', '    s = "dev"', 'else:', '    s = "prod"', 'use(s)'), [['?']]);
  assert.deepEqual(await uses('try:', '    s = "a"', 'except E:', '    s = "b"', 'use(s)'), [['?']]);
  assert.deepEqual(await uses('s = "a"', 'while more():', '    s = "b"', 'use(s)'), [['?']]);
  assert.deepEqual(await uses('s = "a"', 'if dev:', '    s = "dev"', '    use(s)', 'with open(p) as f:', '    s = "w"', 'use(s)'), [['dev'], ['w']]);
  // A try body and a finally clause run.
  assert.deepEqual(await uses('s = "a"', 'try:', '    s = "b"', 'finally:', '    s += "!"', 'use(s)'), [['b!']]);
});

test('loops over lists in the code: a value carried from the previous pass, and what the last pass left', async () => {
  // `previous = t` at the end of the body is what the next pass reads; the first reads the value from before the loop.
  assert.deepEqual(await uses('p = "start"', 'for t in ["a", "b", "c"]:', '    use(p)', '    p = t', 'use(p)'), [['start', 'a', 'b'], ['c']]);
  // Set inside a loop, read after it: the last pass's value, read in that pass.
  assert.deepEqual(await uses('x = "none"', 'for t in ["a", "b"]:', '    x = f"{t}!"', 'use(x)'), [['b!']]);
  // Nested loops: the inner loop's first pass reads what the previous outer pass's last inner pass left.
  assert.deepEqual(await uses('p = "s"', 'for a in ["1", "2"]:', '    for b in ["x", "y"]:', '        use(p)', '        p = a + b'), [['s', '1x', '1y', '2x']]);
  // A loop over something not in the code, or an empty list, may not have run at all.
  assert.deepEqual(await uses('x = "a"', 'for t in names():', '    x = t', 'use(x)'), [['?']]);
  assert.deepEqual(await uses('x = "a"', 'for t in []:', '    x = "b"', 'use(x)'), [['?']]);
  // A carried value under a branch, or in a while loop, is never known.
  assert.deepEqual(await uses('p = "s"', 'for t in ["a", "b"]:', '    use(p)', '    if t:', '        p = t'), [['s', '?']]);
  assert.deepEqual(await uses('p = "s"', 'while more():', '    use(p)', '    p = "t"'), [['?']]);
  // A break or continue may end a pass early: which assignment ran last is known only at run time
  // (a loop inside the body keeps its jumps to itself).
  assert.deepEqual(await uses('x = "a"', 'for t in ["b", "c"]:', '    x = t', '    if done(t):', '        break', 'use(x)'), [['?']]);
  assert.deepEqual(await uses('p = "s"', 'for t in ["a", "b"]:', '    use(p)', '    if skip(t):', '        continue', '    p = t'), [['s', '?']]);
  assert.deepEqual(await uses('x = "a"', 'for t in ["b", "c"]:', '    x = t', '    for u in rows():', '        break', 'use(x)'), [['c']]);
});

test('a loop-carried value read without knowing the pass is unknown, not the last assignment', async () => {
  await initPython();
  const root = parsePython('p = "start"\nfor t in ["a", "b"]:\n    use(p)\n    p = t\n')!.rootNode;
  const scopes = new PyScopes(root);
  const arg = root.descendantsOfType('call').find((c) => c && callName(c) === 'use')!.childForFieldName('arguments')!.namedChildren[0]!;
  assert.equal(stringValue(arg, scopes), undefined);
  assert.equal(scopes.lookup('p', arg), undefined);
  // lookup() answers only in the view the binding is read in: the previous pass's is another view.
  const [first, second] = loopPasses(arg, scopes)!;
  assert.equal(first.lookup('p', arg)?.text, '"start"');
  assert.equal(second.lookup('p', arg), undefined);
  assert.equal(second.binding('p', arg)?.value.text, 't');
});
