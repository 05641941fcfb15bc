// A finished index saved whole, keyed by the workspace's content fingerprint: an unchanged
// workspace (a re-run in CI, a reopened editor) is ready after one read instead of a re-index.
import type { Confidence, Diagnostic, Location, MigrationChange } from '../model';
import type { Asset } from '../graph/assetIndex';
import type { ColumnReference } from '../graph/lineageGraph';

export const SNAPSHOT_VERSION = 1;

/** References as tuples: 200,000 of them as objects with named keys cost seconds to read back. */
type RefTuple = [consumer: string, upstream: string, column: string, usage: ColumnReference['usage'], confidence: Confidence, output: string | null, locations: number[], paths: string[]];

export interface IndexSnapshot {
  version: number;
  fingerprint: string;
  assets: Asset[];
  edges: [string, string, Confidence][];
  references: RefTuple[];
  diagnostics: Diagnostic[];
  changes: [string, MigrationChange[]][];
}

export interface SnapshotSource {
  assets: { assets: Asset[] };
  graph: { edges(): { from: string; to: string; confidence: Confidence }[]; references: ColumnReference[] };
  diagnostics: Diagnostic[];
  changes: Map<string, MigrationChange[]>;
}

export function takeSnapshot(src: SnapshotSource, fingerprint: string): IndexSnapshot {
  return {
    version: SNAPSHOT_VERSION,
    fingerprint,
    assets: src.assets.assets,
    edges: src.graph.edges().map((e) => [e.from, e.to, e.confidence]),
    references: src.graph.references.map(packReference),
    diagnostics: src.diagnostics,
    changes: [...src.changes],
  };
}

export function unpackReference(t: RefTuple): ColumnReference {
  const [consumer, upstream, column, usage, confidence, output, flat, paths] = t;
  const locations: Location[] = [];
  for (let i = 0; i < flat.length; i += 3) locations.push({ path: paths[flat[i]], line: flat[i + 1], column: flat[i + 2] });
  const ref: ColumnReference = { consumer, upstream, column, usage, confidence, locations };
  if (output !== null) ref.outputColumn = output;
  return ref;
}

function packReference(r: ColumnReference): RefTuple {
  const paths: string[] = [];
  const flat: number[] = [];
  for (const l of r.locations) {
    let p = paths.indexOf(l.path);
    if (p < 0) p = paths.push(l.path) - 1;
    flat.push(p, l.line, l.column);
  }
  return [r.consumer, r.upstream, r.column, r.usage, r.confidence, r.outputColumn ?? null, flat, paths];
}
