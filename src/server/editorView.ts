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
  /** Documented columns' positions by file; built on the first hover (not every edit asks). */
  private columnSpots?: Map<string, ColumnSpot[]>;
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

  private columnSpotsByPath(): Map<string, ColumnSpot[]> {
    if (this.columnSpots) return this.columnSpots;
    this.columnSpots = new Map();
    // A documented column's position may be in a file that is not among the asset's paths (a
    // model's YAML), so column positions are indexed by their own file.
    for (const asset of this.index.assets.assets) for (const c of asset.columns) if (c.location) push(this.columnSpots, c.location.path, { kind: 'column', asset, column: c.name, location: c.location });
    return this.columnSpots;
  }

  /** Column spots whose name starts at (line, column), both 1-based. */
  spotsAt(path: string, line: number, column: number): ColumnSpot[] {
    const at = (l: Location) => l.path === path && l.line === line && l.column === column;
    const spots: ColumnSpot[] = (this.columnSpotsByPath().get(path) ?? []).filter((s) => at(s.location));
    for (const ref of this.index.graph.referencesIn(path)) {
      const location = ref.locations.find(at);
      if (location) spots.push({ kind: 'reference', ref, location });
    }
    return spots;
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
