// The index snapshot is written as frames made one at a time (see frames.ts): a large index spans
// many chunks of edges and references, and must come back exactly, whatever the chunk borders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileAnalysisCache } from '../../src/core/cache/fileAnalysisCache';
import { MissingReference, restoreSnapshot, takeSnapshot } from '../../src/core/cache/indexSnapshot';
import type { SnapshotSource } from '../../src/core/cache/indexSnapshot';
import type { Asset } from '../../src/core/graph/assetIndex';
import type { ColumnReference, Edge } from '../../src/core/graph/lineageGraph';
import type { Frame } from '../../src/core/cache/frames';
import { readFrames } from '../../src/core/cache/frames';
import type { Diagnostic } from '../../src/core/model';

const asset = (i: number): Asset => ({ id: `model:m${i}`, name: `m${i}`, asset_type: 'model', source_ref: `m${i}`, aliases: [], paths: [`models/m${i}.sql`], locations: [], columns: [{ name: `c${i}` }], columnsComplete: true, facts: [], meta: {} });

/** An index larger than one chunk of everything: 2,500 assets, 30,000 edges, 40,000 references, one with 30,000 locations. */
function bigSource(updateFrames?: SnapshotSource['updateFrames']): SnapshotSource & { edgeList: Edge[]; counts: Map<Edge, [number, number]> } {
  const assets = Array.from({ length: 2500 }, (_, i) => asset(i));
  const edgeList: Edge[] = [];
  const counts = new Map<Edge, [number, number]>();
  for (let i = 0; i < 30_000; i++) {
    const e: Edge = { from: `model:m${i % 2500}`, to: `model:m${(i * 7 + 1) % 2500}#${i}`, confidence: i % 3 ? 'explicit' : 'inferred' };
    edgeList.push(e);
    counts.set(e, [i % 3 ? 1 : 0, i % 5]);
  }
  const references: ColumnReference[] = [];
  for (let i = 0; i < 40_000; i++) {
    const n = i === 12_345 ? 30_000 : i % 4;
    const locations = Array.from({ length: n }, (_, k) => ({ path: `models/m${(i + k) % 2500}.sql`, line: k, column: i % 80 }));
    const r: ColumnReference = { consumer: `model:m${i % 2500}`, upstream: `model:m${(i + 1) % 2500}`, column: `col_${i}`, usage: i % 2 ? 'identity' : 'filter', confidence: i % 7 ? 'explicit' : 'inferred', locations };
    if (i % 3 === 0) r.outputColumn = `out_${i}`;
    references.push(r);
  }
  const diagnostics: Diagnostic[] = Array.from({ length: 1500 }, (_, i) => ({ path: `models/m${i}.sql`, line: 1, column: 1, severity: 'warning', code: 'test', message: `d${i}` }));
  return {
    assets: { assets },
    graph: { edges: () => edgeList, countsOf: (e) => counts.get(e)!, references },
    diagnostics,
    changes: new Map([['migrations/1.sql', []]]),
    updateFrames,
    edgeList,
    counts,
  };
}

function restored(snap: Awaited<ReturnType<FileAnalysisCache['readSnapshot']>>) {
  const out = { assets: [] as Asset[], edges: [] as [string, string, string][], refs: [] as ColumnReference[], counts: [] as [string, string, number, number][] };
  restoreSnapshot(snap!, {
    restoreAsset: (a) => out.assets.push(a),
    addEdge: (from, to, confidence) => out.edges.push([from, to, confidence]),
    addReference: (r) => out.refs.push(r),
    setCounts: (from, to, explicit, inferred) => out.counts.push([from, to, explicit, inferred]),
  });
  return out;
}

const tempCache = () => new FileAnalysisCache(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dl-snap-')), 'c.cache'));

test('a snapshot many chunks long comes back exactly, update records under the id it names', async () => {
  const updates: Frame[] = [['cyclic', false], ['facts', [{ path: 'models/m1.sql' }]]];
  const src = bigSource(() => updates);
  const cache = tempCache();
  cache.writeSnapshot((out) => takeSnapshot(src, 'fp', [['x.yml', 'h']], out));
  await cache.save();
  const snap = await new FileAnalysisCache(cache.file).readSnapshot();
  assert.ok(snap && snap.references.length > 5 && snap.edges.length > 1, 'references and edges span several chunks');
  assert.equal(snap.fingerprint, 'fp');
  assert.deepEqual(snap.extraFiles, [['x.yml', 'h']]);
  assert.deepEqual(snap.diagnostics, src.diagnostics);
  assert.deepEqual(snap.changes, [['migrations/1.sql', []]]);
  const back = restored(snap);
  assert.deepEqual(back.assets, src.assets.assets);
  assert.deepEqual(back.edges, src.edgeList.map((e) => [e.from, e.to, src.counts.get(e)![0] > 0 ? 'explicit' : 'inferred']));
  assert.deepEqual(back.counts, src.edgeList.map((e) => [e.from, e.to, ...src.counts.get(e)!]));
  assert.deepEqual(back.refs, src.graph.references);
  const packed = await new FileAnalysisCache(cache.file).readUpdates(snap.updatesId!);
  assert.deepEqual(packed, { cyclic: false, facts: [{ path: 'models/m1.sql' }], base: [], slots: [] });
  assert.equal(await new FileAnalysisCache(cache.file).readUpdates('another id'), undefined);
});

test('a snapshot file cut short, even between two frames, is no snapshot', async () => {
  const cache = tempCache();
  cache.writeSnapshot((out) => takeSnapshot(bigSource(), 'fp', [], out));
  await cache.save();
  const file = `${cache.file}.snapshot`;
  const whole = fs.readFileSync(file);
  // The border before the last frame (the end frame): every frame of the snapshot is there.
  let border = 0;
  for (let at = 0; at < whole.length; at += 4 + whole.readUInt32LE(at)) if (at + 4 + whole.readUInt32LE(at) < whole.length) border = at + 4 + whole.readUInt32LE(at);
  assert.ok([...readFrames(whole)].length > 10);
  for (const cut of [border, Math.floor(whole.length / 2), 3]) {
    fs.writeFileSync(file, whole.subarray(0, cut));
    assert.equal(await new FileAnalysisCache(cache.file).readSnapshot(), undefined, `cut at ${cut} of ${whole.length}`);
  }
});

test('update records naming a reference the snapshot lacks are not saved, and the snapshot names none', async () => {
  const cache = tempCache();
  const src = bigSource(function* () {
    yield ['cyclic', false];
    throw new MissingReference('not in the snapshot');
  });
  cache.writeSnapshot((out) => takeSnapshot(src, 'fp', [], out));
  await cache.save();
  const snap = await new FileAnalysisCache(cache.file).readSnapshot();
  assert.equal(snap?.fingerprint, 'fp');
  assert.equal(snap?.updatesId, undefined);
  assert.deepEqual(fs.readdirSync(path.dirname(cache.file)).sort(), ['c.cache.snapshot']);
});
