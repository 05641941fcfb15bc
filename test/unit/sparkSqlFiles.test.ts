// isOpener skips building a call's dotted name unless its last part can name an opener; it must
// answer as the full check (the name built, then looked up) for any callee.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initPython, parsePython } from '../../src/core/python/pythonParser';
import { callName } from '../../src/core/python/pyValues';
import { OPENERS, isOpener } from '../../src/core/readers/spark/sparkSqlFiles';

test('isOpener answers as looking up the whole call name', async () => {
  await initPython();
  const parts = ['open', 'Path', 'io', 'codecs', 'pathlib', 'os', 'x', 'open()', 'Path()', 'io()', 'a[0]', '(open)', '(io.open)', 'self'];
  const callees: string[] = [];
  for (const a of parts) {
    callees.push(a);
    for (const b of parts) {
      callees.push(`${a}.${b}`);
      for (const c of ['open', 'Path', 'read_text', 'cwd']) callees.push(`${a}.${b}.${c}`);
    }
  }
  let openers = 0;
  for (const callee of callees) {
    const root = parsePython(`${callee}("q.sql")\nwith ${callee}(p) as f: pass\n`)!.rootNode;
    for (const call of root.descendantsOfType('call')) {
      const full = OPENERS.has(callName(call));
      if (full) openers++;
      assert.equal(isOpener(call), full, `${callee}: ${call.text}`);
    }
  }
  assert.ok(openers >= 10);
});
