// The prefetch reads every relevant file once; with a host that takes turns (the language
// server's yielder), concurrent readers must still read each file exactly once. On disk it reads
// through NodeFileSystem.readBounded, which must give what the stat-and-read path gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../src/core/io/fileSystem';
import { PrefetchedFileSystem } from '../../src/core/io/prefetch';
import { NodeFileSystem } from '../../src/core/io/nodeFileSystem';
import { OverlayFileSystem } from '../../src/core/io/overlayFileSystem';
import { FilteredFileSystem } from '../../src/server/filteredFileSystem';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

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

// readBounded is the prefetch's fast path on disk: it must give what a stat and
// readFileSync(path, 'utf8') give (the full path, still used by wrappers without it).
test('NodeFileSystem.readBounded matches stat + readFileSync on every kind of file', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bounded-'));
  const chunk = 64 * 1024;
  const files: Record<string, Buffer> = {
    'a.sql': Buffer.from('select 1 as x\n'),
    'empty.sql': Buffer.alloc(0),
    'bom.yml': Buffer.from('\uFEFFmodels: []\n'),
    'invalid.sql': Buffer.from([0x73, 0xc3, 0x28, 0xff, 0xe2, 0x82, 0x0a]),
    // Multi-byte characters across the first read's end, and files right at its size.
    'long.sql': Buffer.from('é'.repeat(chunk) + 'x'),
    'exact.sql': Buffer.alloc(chunk, 0x61),
    'short.sql': Buffer.alloc(chunk - 1, 0x62),
    'over.csv': Buffer.alloc(3 * chunk, 0x63),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(root, name), bytes);
  const disk = new NodeFileSystem(root);
  try {
    for (const maxSize of [4 * chunk, 2 * chunk, 10, chunk - 1, chunk]) {
      for (const name of [...Object.keys(files), 'missing.sql']) {
        const size = await disk.fileSize(name);
        const expected = { size, text: size !== undefined && size > maxSize ? undefined : await disk.readFile(name) };
        assert.deepEqual(disk.readBounded(name, maxSize), expected, `${name} at ${maxSize}`);
      }
    }
    // The server's wrappers pass it on, an unsaved buffer taking the place of the file.
    const overlay = new OverlayFileSystem(disk);
    overlay.set('a.sql', 'select 2 as y');
    const filtered = new FilteredFileSystem(overlay, [], []);
    assert.deepEqual(filtered.readBounded?.('a.sql', 100), { size: 13, text: 'select 2 as y' });
    assert.deepEqual(filtered.readBounded?.('a.sql', 5), { size: 13, text: undefined });
    assert.equal(filtered.readBounded?.('bom.yml', 100)?.text, readFileSync(path.join(root, 'bom.yml'), 'utf8'));
    assert.equal(new OverlayFileSystem(new MemoryFileSystem()).readBounded, undefined);
    // The prefetch gives the same texts, sizes and fingerprint through either path.
    const fast = new PrefetchedFileSystem(disk, 4 * chunk);
    const full = new PrefetchedFileSystem({ listFiles: () => disk.listFiles(), readFile: (p) => disk.readFile(p), fileSize: (p) => disk.fileSize(p), md5: (p) => disk.md5(p) }, 4 * chunk);
    await fast.prefetch();
    await full.prefetch();
    for (const name of Object.keys(files)) {
      assert.equal(await fast.readFile(name), await full.readFile(name), name);
      assert.equal(await fast.fileSize(name), await full.fileSize(name), name);
    }
    assert.equal(fast.fingerprint('v'), full.fingerprint('v'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
