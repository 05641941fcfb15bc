// A finished index saved whole, keyed by the workspace's content fingerprint: an unchanged
// workspace (a re-run in CI, a reopened editor) is ready after one read instead of a re-index.
// Edges and column references — hundreds of thousands on a large project — are stored as
// Int32Arrays of indexes into a string table: v8 writes a typed array as raw bytes, while the same
// data as objects with repeated id strings made an 82 MB file that took 1.6 s to read back.
// The snapshot is written as frames (see frames.ts), each made as it is written.
import { randomUUID } from 'node:crypto';
import type { ColumnUsage, Confidence, Diagnostic, Location, MigrationChange } from '../model';
import type { Asset } from '../graph/assetIndex';
import type { ColumnReference, Edge } from '../graph/lineageGraph';
import type { Frame } from './frames';
import { chunks } from './frames';

// 6: written as frames; edges and references in chunks.
export const SNAPSHOT_VERSION = 6;

export interface IndexSnapshot {
  version: number;
  fingerprint: string;
  assets: Asset[];
  strings: string[];
  /** [from, to, times added as explicit, times added as inferred] per edge; an edge is never split between chunks. */
  edges: Int32Array[];
  /**
   * Per reference: consumer, upstream, column, usage, confidence, output (-1: none), n, then
   * n × (path, line, column); a reference is never split between chunks.
   */
  references: Int32Array[];
  diagnostics: Diagnostic[];
  changes: [string, MigrationChange[]][];
  /** Files read beyond the fingerprinted ones, with their content hashes: checked on restore. */
  extraFiles: [string, string][];
  /**
   * Names the update records taken with this snapshot, from an index built for in-place updates
   * (see inPlaceUpdate.ts): a restored language server patches edits without indexing the
   * workspace again first. A cache stores them apart (see readUpdates): they are not needed to
   * answer, and are read after.
   */
  updatesId?: string;
}

export interface SnapshotSource {
  assets: { assets: Asset[] };
  graph: { edges(): Edge[]; countsOf(edge: Edge): [number, number]; references: ColumnReference[] };
  diagnostics: Diagnostic[];
  changes: Map<string, MigrationChange[]>;
  /**
   * The update records' frames, naming references and diagnostics by their place in these
   * lists; undefined when the index keeps none. Throws MissingReference when a reference an
   * update would take back is not among them.
   */
  updateFrames?(references: ColumnReference[], diagnostics: Diagnostic[]): Iterable<Frame> | undefined;
}

/** Where a snapshot's two files go; each call consumes its frames before it returns. */
export interface SnapshotOutput {
  updates(frames: Iterable<Frame>): void;
  index(frames: Iterable<Frame>): void;
}

/** A reference the update records name is not in the snapshot: they are not saved. */
export class MissingReference extends Error {}

export interface SnapshotTarget {
  restoreAsset(a: Asset): void;
  addEdge(from: string, to: string, confidence: Confidence): void;
  addReference(r: ColumnReference): void;
  setCounts(from: string, to: string, explicit: number, inferred: number): void;
}

const CONFIDENCE: Confidence[] = ['explicit', 'inferred'];

class StringTable {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.push(s) - 1;
      this.index.set(s, i);
    }
    return i;
  }
}

/** Records of integers gathered into one reused array and handed on as frames of whole records. */
class IntFrames {
  private data = new Int32Array(1 << 16);
  private length = 0;
  constructor(private readonly kind: string) {}
  /** Room for a record of `n` integers; the frame to write first when the chunk is full. */
  *reserve(n: number): Generator<Frame> {
    if (this.length + n > this.data.length) yield* this.flush();
    if (n > this.data.length) this.data = new Int32Array(n);
  }
  push(n: number): void {
    this.data[this.length++] = n;
  }
  *flush(): Generator<Frame> {
    if (this.length) yield [this.kind, this.data.subarray(0, this.length)];
    this.length = 0;
  }
}

/**
 * Writes the update records (when the index keeps them) and then the snapshot naming them to
 * `out`. Records that cannot be saved leave the snapshot without them: the server indexes the
 * workspace again on the first edit.
 */
export function takeSnapshot(src: SnapshotSource, fingerprint: string, extraFiles: [string, string][], out: SnapshotOutput): void {
  let updatesId: string | undefined;
  const frames = src.updateFrames?.(src.graph.references, src.diagnostics);
  if (frames) {
    const id = randomUUID();
    try {
      out.updates(withHead({ id }, frames));
      updatesId = id;
    } catch (e) {
      if (!(e instanceof MissingReference)) throw e;
    }
  }
  out.index(indexFrames(src, { version: SNAPSHOT_VERSION, fingerprint, extraFiles, updatesId }));
}

function* withHead(head: object, frames: Iterable<Frame>): Generator<Frame> {
  yield ['head', head];
  yield* frames;
}

function* indexFrames(src: SnapshotSource, head: Pick<IndexSnapshot, 'version' | 'fingerprint' | 'extraFiles' | 'updatesId'>): Generator<Frame> {
  yield ['head', head];
  for (const c of chunks(src.assets.assets, 1000)) yield ['assets', c];
  const t = new StringTable();
  const edges = new IntFrames('edges');
  for (const e of src.graph.edges()) {
    yield* edges.reserve(4);
    const [explicit, inferred] = src.graph.countsOf(e);
    edges.push(t.id(e.from));
    edges.push(t.id(e.to));
    edges.push(explicit);
    edges.push(inferred);
  }
  yield* edges.flush();
  const refs = new IntFrames('references');
  for (const r of src.graph.references) {
    yield* refs.reserve(7 + 3 * r.locations.length);
    refs.push(t.id(r.consumer));
    refs.push(t.id(r.upstream));
    refs.push(t.id(r.column));
    refs.push(t.id(r.usage));
    refs.push(CONFIDENCE.indexOf(r.confidence));
    refs.push(r.outputColumn === undefined ? -1 : t.id(r.outputColumn));
    refs.push(r.locations.length);
    for (const l of r.locations) {
      refs.push(t.id(l.path));
      refs.push(l.line);
      refs.push(l.column);
    }
  }
  yield* refs.flush();
  for (const c of chunks(src.diagnostics, 1000)) yield ['diagnostics', c];
  yield ['changes', [...src.changes]];
  for (const c of chunks(t.list, 10_000)) yield ['strings', c];
}

/** The snapshot in `frames` (see readFrames); throws when they are not one. */
export function assembleSnapshot(frames: Iterable<Frame>): IndexSnapshot {
  let snap: IndexSnapshot | undefined;
  for (const [kind, value] of frames) {
    if (kind === 'head') {
      snap = { ...(value as IndexSnapshot), assets: [], strings: [], edges: [], references: [], diagnostics: [], changes: [] };
      continue;
    }
    if (!snap) throw new Error('a snapshot starts with its head');
    switch (kind) {
      case 'assets':
      case 'strings':
      case 'diagnostics':
      case 'changes':
        for (const v of value as unknown[]) (snap[kind] as unknown[]).push(v);
        break;
      case 'edges':
      case 'references':
        if (!(value instanceof Int32Array)) throw new Error(`${kind} are not integers`);
        snap[kind].push(value);
        break;
      default:
        throw new Error(`unknown snapshot frame ${kind}`);
    }
  }
  if (!snap) throw new Error('an empty snapshot');
  return snap;
}

/** Restores the index; the references come back in the snapshot's order (update records name them by it). */
export function restoreSnapshot(snap: IndexSnapshot, into: SnapshotTarget): void {
  const s = snap.strings;
  for (const a of snap.assets) into.restoreAsset(a);
  for (const e of snap.edges) for (let i = 0; i < e.length; i += 4) into.addEdge(s[e[i]], s[e[i + 1]], e[i + 2] > 0 ? 'explicit' : 'inferred');
  // A built index shares positions: the references to one column of a file get the same found
  // positions (see identifierIndex.ts). Restored one by one they were 2.5 times as many objects
  // (1.3 million at 10,000 models, 62 MB), so equal positions, and one-position lists, are shared.
  const positions = new Map<number, Map<number, Location>>();
  const lists = new Map<Location, Location[]>();
  const position = (path: number, line: number, column: number): Location => {
    let inPath = positions.get(path);
    if (!inPath) positions.set(path, (inPath = new Map()));
    const key = line * 100_000 + column;
    let at = inPath.get(key);
    if (!at) inPath.set(key, (at = { path: s[path], line, column }));
    return at;
  };
  for (const r of snap.references) {
    for (let i = 0; i < r.length; ) {
      const n = r[i + 6];
      let locations: Location[];
      if (n === 1) {
        const only = position(r[i + 7], r[i + 8], r[i + 9]);
        locations = lists.get(only) ?? [only];
        lists.set(only, locations);
      } else {
        locations = [];
        for (let k = 0, at = i + 7; k < n; k++, at += 3) locations.push(position(r[at], r[at + 1], r[at + 2]));
      }
      const consumer = s[r[i]];
      const upstream = s[r[i + 1]];
      const column = s[r[i + 2]];
      const usage = s[r[i + 3]] as ColumnUsage;
      const confidence = CONFIDENCE[r[i + 4]];
      // Two literals, not a field added after (or a spread, see columnPhase.ts): every reference
      // keeps its fields inside the object and shares its hidden class.
      const ref: ColumnReference = r[i + 5] >= 0 ? { consumer, upstream, column, usage, confidence, outputColumn: s[r[i + 5]], locations } : { consumer, upstream, column, usage, confidence, locations };
      into.addReference(ref);
      i += 7 + 3 * n;
    }
  }
  for (const e of snap.edges) for (let i = 0; i < e.length; i += 4) into.setCounts(s[e[i]], s[e[i + 1]], e[i + 2], e[i + 3]);
}
