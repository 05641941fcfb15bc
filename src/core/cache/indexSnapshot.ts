// A finished index saved whole, keyed by the workspace's content fingerprint: an unchanged
// workspace (a re-run in CI, a reopened editor) is ready after one read instead of a re-index.
// Edges and column references — hundreds of thousands on a large project — are stored as one
// Int32Array of indexes into a string table: v8 writes a typed array as raw bytes, while the same
// data as objects with repeated id strings made an 82 MB file that took 1.6 s to read back.
import type { ColumnUsage, Confidence, Diagnostic, MigrationChange } from '../model';
import type { Asset } from '../graph/assetIndex';
import type { ColumnReference } from '../graph/lineageGraph';

export const SNAPSHOT_VERSION = 4;

export interface IndexSnapshot {
  version: number;
  fingerprint: string;
  assets: Asset[];
  strings: string[];
  /** [from, to, confidence] per edge. */
  edges: Int32Array;
  /** Per reference: consumer, upstream, column, usage, confidence, output (-1: none), n, then n × (path, line, column). */
  references: Int32Array;
  diagnostics: Diagnostic[];
  changes: [string, MigrationChange[]][];
  /** Files read beyond the fingerprinted ones, with their content hashes: checked on restore. */
  extraFiles: [string, string][];
}

export interface SnapshotSource {
  assets: { assets: Asset[] };
  graph: { edges(): { from: string; to: string; confidence: Confidence }[]; references: ColumnReference[] };
  diagnostics: Diagnostic[];
  changes: Map<string, MigrationChange[]>;
}

export interface SnapshotTarget {
  restoreAsset(a: Asset): void;
  addEdge(from: string, to: string, confidence: Confidence): void;
  addReference(r: ColumnReference): void;
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

export function takeSnapshot(src: SnapshotSource, fingerprint: string, extraFiles: [string, string][]): IndexSnapshot {
  const t = new StringTable();
  const edges = src.graph.edges();
  const edgeData = new Int32Array(edges.length * 3);
  edges.forEach((e, i) => edgeData.set([t.id(e.from), t.id(e.to), CONFIDENCE.indexOf(e.confidence)], i * 3));
  const refs: number[] = [];
  for (const r of src.graph.references) {
    refs.push(t.id(r.consumer), t.id(r.upstream), t.id(r.column), t.id(r.usage), CONFIDENCE.indexOf(r.confidence), r.outputColumn === undefined ? -1 : t.id(r.outputColumn), r.locations.length);
    for (const l of r.locations) refs.push(t.id(l.path), l.line, l.column);
  }
  return {
    version: SNAPSHOT_VERSION,
    fingerprint,
    assets: src.assets.assets,
    strings: t.list,
    edges: edgeData,
    references: Int32Array.from(refs),
    diagnostics: src.diagnostics,
    changes: [...src.changes],
    extraFiles,
  };
}

export function restoreSnapshot(snap: IndexSnapshot, into: SnapshotTarget): void {
  const s = snap.strings;
  for (const a of snap.assets) into.restoreAsset(a);
  const e = snap.edges;
  for (let i = 0; i < e.length; i += 3) into.addEdge(s[e[i]], s[e[i + 1]], CONFIDENCE[e[i + 2]]);
  const r = snap.references;
  for (let i = 0; i < r.length; ) {
    const ref: ColumnReference = { consumer: s[r[i]], upstream: s[r[i + 1]], column: s[r[i + 2]], usage: s[r[i + 3]] as ColumnUsage, confidence: CONFIDENCE[r[i + 4]], locations: [] };
    if (r[i + 5] >= 0) ref.outputColumn = s[r[i + 5]];
    const n = r[i + 6];
    i += 7;
    for (let k = 0; k < n; k++, i += 3) ref.locations.push({ path: s[r[i]], line: r[i + 1], column: r[i + 2] });
    into.addReference(ref);
  }
}
