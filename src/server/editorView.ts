// The index seen from an open file: which assets a file defines and where, which column
// references and output columns sit at which positions. Built once per index build, so every
// CodeLens or hover request is a map lookup, not a scan of the graph.
import type { Location, MigrationChange } from '../core/model';
import type { Asset } from '../core/graph/assetIndex';
import type { ColumnReference } from '../core/graph/lineageGraph';
import type { LineageIndex } from '../core/lineageIndex';

export interface PlacedAsset {
  asset: Asset;
  location: Location;
}

/** Something about a column written at one position of a file. */
export type ColumnSpot =
  | { kind: 'reference'; ref: ColumnReference; location: Location }
  | { kind: 'column'; asset: Asset; column: string; location: Location };

export class EditorView {
  private readonly placed = new Map<string, PlacedAsset[]>();
  private readonly describing = new Map<string, Asset[]>();
  private spots?: Map<string, Map<number, ColumnSpot[]>>;
  private statsCache?: { assets: number; edges: number; columnEdges: number; diagnostics: number };

  /** `complete` is false for the first build's early view: table graph only, no column references yet. */
  constructor(readonly index: LineageIndex, readonly complete = true) {
    for (const asset of index.assets.assets) {
      for (const location of asset.locations) push(this.placed, location.path, { asset, location });
      for (const p of asset.paths) push(this.describing, p, asset);
    }
    for (const list of this.placed.values()) list.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
  }

  /** What the status bar shows; counting column edges walks every reference, so only on demand. */
  get stats(): { assets: number; edges: number; columnEdges: number; diagnostics: number } {
    this.statsCache ??= { assets: this.index.assets.assets.length, edges: this.index.graph.edgeCount, columnEdges: this.index.graph.columnEdgeCount, diagnostics: this.index.diagnostics.length };
    return this.statsCache;
  }

  /** Assets whose definition sits in `path`, in line order (one CodeLens each). */
  placedIn(path: string): PlacedAsset[] {
    return this.placed.get(path) ?? [];
  }

  /** Every asset a file describes: the ones it defines and the ones its YAML documents. */
  describedBy(path: string): Asset[] {
    return this.describing.get(path) ?? [];
  }

  changesIn(path: string): MigrationChange[] {
    return this.index.changes.get(path) ?? [];
  }

  /** Column spots whose name starts at (line, column), both 1-based. */
  spotsAt(path: string, line: number, column: number): ColumnSpot[] {
    return (this.spotIndex().get(path)?.get(line) ?? []).filter((s) => s.location.column === column);
  }

  // A large workspace has over a million reference positions: indexed on the first hover, not
  // before the first CodeLens (which needs none of them).
  private spotIndex(): Map<string, Map<number, ColumnSpot[]>> {
    if (this.spots) return this.spots;
    const spots = new Map<string, Map<number, ColumnSpot[]>>();
    const add = (spot: ColumnSpot) => {
      let byLine = spots.get(spot.location.path);
      if (!byLine) spots.set(spot.location.path, (byLine = new Map()));
      push(byLine, spot.location.line, spot);
    };
    for (const asset of this.index.assets.assets) {
      for (const c of asset.columns) if (c.location) add({ kind: 'column', asset, column: c.name, location: c.location });
    }
    for (const ref of this.index.graph.references) for (const location of ref.locations) add({ kind: 'reference', ref, location });
    this.spots = spots;
    return spots;
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
