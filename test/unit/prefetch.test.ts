// The prefetch reads every relevant file once; with a host that takes turns (the language
// server's yielder), concurrent readers must still read each file exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../src/core/io/fileSystem';
import { PrefetchedFileSystem } from '../../src/core/io/prefetch';

test('prefetch with a pause after every file reads each file once and nothing else', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) files[`models/m${i}.sql`] = `select ${i} as x`;
  files['README.md'] = 'not relevant';
  const inner = new MemoryFileSystem(files);
  const reads: string[] = [];
  const counting = { ...inner, listFiles: () => inner.listFiles(), fileSize: (p: string) => inner.fileSize(p), md5: (p: string) => inner.md5(p), readFile: (p: string) => (reads.push(p), inner.readFile(p)) };
  const fs = new PrefetchedFileSystem(counting, 1 << 20);
  await fs.prefetch(() => new Promise<void>((r) => setImmediate(r)));
  assert.deepEqual([...reads].sort(), Object.keys(files).filter((f) => f.endsWith('.sql')).sort());
  assert.equal(await fs.readFile('models/m299.sql'), 'select 299 as x');
  assert.equal(reads.length, 300, 'served from the prefetch, not read again');
  assert.match(fs.fingerprint(''), /^[\w-]+$/); // threw when a reader took a path past the end
});

test('files read beyond the prefetch stay recorded after release, and an update re-fingerprints', async () => {
  const inner = new MemoryFileSystem({ 'models/a.sql': 'select 1 as x', 'templates/query.txt': 'select 2' });
  const fs = new PrefetchedFileSystem(inner, 1 << 20);
  await fs.prefetch();
  const before = fs.fingerprint('v');
  assert.equal(await fs.readFile('templates/query.txt'), 'select 2');
  fs.release();
  // A snapshot offered after an in-place update (the texts are released by then) must still
  // record the extra file, or a restore would not notice it changed.
  assert.deepEqual(fs.extraFiles().map(([p]) => p), ['templates/query.txt']);
  fs.changed('models/a.sql', 'select 3 as x');
  assert.notEqual(fs.fingerprint('v'), before);
  fs.changed('models/a.sql', 'select 1 as x');
  assert.equal(fs.fingerprint('v'), before);
});
