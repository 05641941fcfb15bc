// The persisted parse cache: entries survive a save and a new process, are kept serialised after a
// save (read back on each get), and a damaged file is an empty cache, never an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileAnalysisCache } from '../../src/core/cache/fileAnalysisCache';
import type { CachedAnalysis } from '../../src/core/cache/analysisCache';

const entry = (name: string): CachedAnalysis => ({ analysis: { statements: [] }, renderedRelations: [{ relation: { schema: 'raw', name }, upstream: { kind: 'ref', name } }] });

test('entries written by one cache are read by the next, and unused ones are dropped on save', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cache-')), 'c.cache');
  const first = new FileAnalysisCache(file);
  await first.prepare();
  first.set('a', entry('orders'));
  first.set('b', entry('customers'));
  await first.save();
  // After the save the entries are buffers; each get gives an equal, separate object.
  assert.deepEqual(first.get('a'), entry('orders'));
  assert.notEqual(first.get('a'), first.get('a'));
  assert.equal(first.has('b'), true);

  const second = new FileAnalysisCache(file);
  await second.prepare();
  assert.equal(second.has('a'), true);
  assert.deepEqual(second.get('a'), entry('orders'));
  await second.save(); // only 'a' was used by this run
  const third = new FileAnalysisCache(file);
  await third.prepare();
  assert.deepEqual([third.has('a'), third.has('b')], [true, false]);
});

test('saving before any entry was read (an index restored from its snapshot) keeps the entries for the next build', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cache-')), 'c.cache');
  const first = new FileAnalysisCache(file);
  await first.prepare();
  first.set('a', entry('orders'));
  await first.save();
  const restored = new FileAnalysisCache(file);
  await restored.save(); // the snapshot is written again; the entries were never needed
  await restored.prepare(); // the background build that follows the restore
  assert.deepEqual(restored.get('a'), entry('orders'));
  const next = new FileAnalysisCache(file);
  await next.prepare();
  assert.equal(next.has('a'), true);
});

test('a truncated cache file is an empty cache', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cache-')), 'c.cache');
  const c = new FileAnalysisCache(file);
  c.set('a', entry('orders'));
  await c.save();
  fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 10));
  const again = new FileAnalysisCache(file);
  await again.prepare();
  assert.equal(again.get('a'), undefined);
  assert.equal(again.has('a'), false);
});
