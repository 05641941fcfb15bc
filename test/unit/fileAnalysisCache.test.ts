// The persisted parse cache: entries survive a save and a new process, are read from their place
// in the file on each get (not held in memory), and a damaged file is an empty cache, never an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileAnalysisCache } from '../../src/core/cache/fileAnalysisCache';
import type { CachedAnalysis } from '../../src/core/cache/analysisCache';
import { EMPTY_ANALYSIS, packAnalysis, unpackAnalysis } from '../../src/core/cache/packedAnalysis';

const entry = (name: string): CachedAnalysis => ({ analysis: EMPTY_ANALYSIS, renderedRelations: [{ relation: { schema: 'raw', name }, upstream: { kind: 'ref', name } }] });

test('entries written by one cache are read by the next, and unused ones are dropped on save', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cache-')), 'c.cache');
  const first = new FileAnalysisCache(file);
  await first.prepare();
  first.set('a', entry('orders'));
  first.set('b', entry('customers'));
  await first.save();
  // After the save the entries are in the file; each get reads an equal, separate object.
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

test('entries are read from their place in the file, across saves that rewrite it, even while a save runs', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cache-')), 'c.cache');
  const first = new FileAnalysisCache(file);
  await first.prepare();
  for (let i = 0; i < 50; i++) first.set(`k${i}`, entry(`t${i}`));
  await first.save();
  const c = new FileAnalysisCache(file);
  await c.prepare();
  assert.deepEqual(c.get('k1'), entry('t1'));
  c.set('new', entry('new'));
  // A build keeps reading and adding entries while the save writes the file.
  let done = false;
  const saved = c.save().then(() => (done = true));
  let during = 0; // turns taken while the save was still running
  for (let i = 2; !done || i < 10; i++) {
    if (!done) during++;
    assert.deepEqual(c.get(`k${i % 50}`), entry(`t${i % 50}`));
    if (i % 7 === 0) c.set(`late${i}`, entry(`late${i}`));
    await new Promise((r) => setImmediate(r));
  }
  await saved;
  assert.ok(during > 1);
  for (let i = 0; i < 50; i++) assert.deepEqual(c.get(`k${i}`), entry(`t${i}`));
  assert.deepEqual(c.get('new'), entry('new'));
  await c.save();
  const next = new FileAnalysisCache(file);
  await next.prepare();
  assert.deepEqual(next.get('new'), entry('new'));
  assert.deepEqual(next.get('late7'), entry('late7'));
  assert.deepEqual(next.get('k49'), entry('t49'));
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

test('update records are saved apart from the snapshot and found only under its id; retainAll keeps unread entries', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cache-')), 'c.cache');
  const first = new FileAnalysisCache(file);
  await first.prepare();
  first.set('a', entry('orders'));
  first.set('b', entry('customers'));
  const updates = { facts: [], base: [], slots: [], cyclic: true };
  first.writeSnapshot((out) => {
    out.updates([['head', { id: 'id-1' }], ['cyclic', true]]);
    out.index([['head', { version: 1, fingerprint: 'f', extraFiles: [], updatesId: 'id-1' }]]);
  });
  await first.save();
  const second = new FileAnalysisCache(file);
  const snap = await second.readSnapshot();
  assert.equal(snap?.updatesId, 'id-1');
  assert.deepEqual(await second.readUpdates('id-1'), updates);
  assert.equal(await second.readUpdates('id-2'), undefined);
  // A restored index may ask for any entry later: a save after one update keeps the others.
  second.retainAll();
  assert.deepEqual(second.get('a'), entry('orders'));
  second.set('c', entry('payments'));
  await second.save();
  const third = new FileAnalysisCache(file);
  await third.prepare();
  assert.deepEqual([third.has('a'), third.has('b'), third.has('c')], [true, true, true]);
});

test('an entry with every field comes back as it was saved', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cache-')), 'c.cache');
  const full: CachedAnalysis = {
    analysis: packAnalysis({ statements: [{ failure: { message: 'bad', line: 2, column: 3, tables: [] } }] }),
    incrementalAnalysis: packAnalysis({ statements: [] }),
    sql: 'select from where (',
    renderedRelations: [{ relation: { schema: 'raw', name: 'orders' }, upstream: { kind: 'ref', name: 'orders' } }],
    renderDiagnostics: [{ path: 'models/a.sql', line: 1, severity: 'warning', code: 'jinja-render', message: 'x' }],
  };
  const first = new FileAnalysisCache(file);
  await first.prepare();
  first.set('full', full);
  first.set('plain', entry('customers'));
  await first.save();
  const second = new FileAnalysisCache(file);
  await second.prepare();
  const back = second.get('full')!;
  assert.deepEqual(unpackAnalysis(back.analysis), unpackAnalysis(full.analysis));
  assert.deepEqual(unpackAnalysis(back.incrementalAnalysis!), { statements: [] });
  assert.deepEqual({ ...back, analysis: undefined, incrementalAnalysis: undefined }, { ...full, analysis: undefined, incrementalAnalysis: undefined });
  assert.equal(second.get('plain')!.incrementalAnalysis, undefined);
});
