// A finished index saved whole, keyed by the workspace's content fingerprint: an unchanged
// workspace (a re-run in CI, a reopened editor) is ready after one read instead of a re-index.
// Edges and column references — hundreds of thousands on a large project — are stored as one
// Int32Array of indexes into a string table: v8 writes a typed array as raw bytes, while the same
// data as objects with repeated id strings made an 82 MB file that took 1.6 s to read back.
import { randomUUID } from 'node:crypto';
import type { ColumnUsage, Confidence, Diagnostic, Location, MigrationChange } from '../model';
import type { Asset } from '../graph/assetIndex';
import type { ColumnReference, Edge } from '../graph/lineageGraph';
import type { PackedUpdates } from '../graph/inPlaceUpdate';

// 5: with the language server's update records (see inPlaceUpdate.ts).
export const SNAPSHOT_VERSION = 5;

export interface IndexSnapshot {
  version: number;
  fingerprint: string;
  assets: Asset[];
  strings: string[];
  /** [from, to, times added as explicit, times added as inferred] per edge. */
  edges: Int32Array;
  /** Per reference: consumer, upstream, column, usage, confidence, output (-1: none), n, then n × (path, line, column). */
  references: Int32Array;
  diagnostics: Diagnostic[];
  changes: [string, MigrationChange[]][];
  /** Files read beyond the fingerprinted ones, with their content hashes: checked on restore. */
  extraFiles: [string, string][];
  /**
   * How each file and column job contributed, from an index built for in-place updates: a
   * restored language server patches edits without indexing the workspace again first. A cache
   * may store them apart (see readUpdates): they are not needed to answer, and read after.
   */
  updates?: PackedUpdates;
  /** Names the update records taken with this snapshot. */
  updatesId?: string;
}

export interface SnapshotSource {
  assets: { assets: Asset[] };
  graph: { edges(): Edge[]; countsOf(edge: Edge): [number, number]; references: ColumnReference[] };
  diagnostics: Diagnostic[];
  changes: Map<string, MigrationChange[]>;
  /** Whether the index has update records to pack (see packUpdates). */
  updatable?: boolean;
  /** The update records, with references and diagnostics given by their place in the snapshot's lists. */
  packUpdates?(refs: Map<ColumnReference, number>, diagnostics: Map<Diagnostic, number>): PackedUpdates | undefined;
}

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

/**
 * Integers appended to a typed array that doubles as needed. Packing into a plain array first
 * held millions of numbers as a JS array, and a copy of it, in the heap of a server that is
 * otherwise idle when it saves.
 */
class IntWriter {
  private data: Int32Array;
  private length = 0;
  /** `expected`: the number of integers to come, as well as it is known (no doubling then). */
  constructor(expected: number) {
    this.data = new Int32Array(Math.max(1 << 16, expected));
  }
  push(n: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = n;
  }
  /** A view of what was written: v8 serialises a view's own bytes, so nothing is copied here. */
  result(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export function takeSnapshot(src: SnapshotSource, fingerprint: string, extraFiles: [string, string][]): IndexSnapshot {
  const t = new StringTable();
  const edges = src.graph.edges();
  const edgeData = new Int32Array(edges.length * 4);
  edges.forEach((e, i) => {
    const [explicit, inferred] = src.graph.countsOf(e);
    edgeData[i * 4] = t.id(e.from);
    edgeData[i * 4 + 1] = t.id(e.to);
    edgeData[i * 4 + 2] = explicit;
    edgeData[i * 4 + 3] = inferred;
  });
  const references = src.graph.references;
  // Seven integers per reference and three per location; most have one or two locations.
  const refs = new IntWriter(references.length * 12);
  // Only an index with update records (the language server's) numbers its references for them.
  const refIndex = src.packUpdates && src.updatable ? new Map<ColumnReference, number>() : undefined;
  for (const r of references) {
    refIndex?.set(r, refIndex.size);
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
  const updates = refIndex && src.packUpdates?.(refIndex, new Map(src.diagnostics.map((d, i) => [d, i])));
  return {
    version: SNAPSHOT_VERSION,
    fingerprint,
    assets: src.assets.assets,
    strings: t.list,
    edges: edgeData,
    references: refs.result(),
    diagnostics: src.diagnostics,
    changes: [...src.changes],
    extraFiles,
    updates,
    updatesId: updates ? randomUUID() : undefined,
  };
}

/** Restores the index; the references come back in the snapshot's order (update records name them by it). */
export function restoreSnapshot(snap: IndexSnapshot, into: SnapshotTarget): void {
  const s = snap.strings;
  for (const a of snap.assets) into.restoreAsset(a);
  const e = snap.edges;
  for (let i = 0; i < e.length; i += 4) into.addEdge(s[e[i]], s[e[i + 1]], e[i + 2] > 0 ? 'explicit' : 'inferred');
  const r = snap.references;
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
  for (let i = 0; i < e.length; i += 4) into.setCounts(s[e[i]], s[e[i + 1]], e[i + 2], e[i + 3]);
}
