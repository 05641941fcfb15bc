// `datalineage index --json`: what the index holds and every file it could not read fully.
import type { Diagnostic } from '../model';
import type { AssetIndex } from '../graph/assetIndex';
import type { LineageGraph } from '../graph/lineageGraph';

export interface IndexStats {
  assets: number;
  by_type: Record<string, number>;
  edges: number;
  column_edges: number;
  diagnostics: { path: string; line: number; message: string; severity: string; code: string }[];
}

export function indexStats(src: { assets: AssetIndex; graph: LineageGraph; diagnostics: Diagnostic[] }): IndexStats {
  const byType: Record<string, number> = {};
  for (const a of src.assets.assets) byType[a.asset_type] = (byType[a.asset_type] ?? 0) + 1;
  const diagnostics = [...src.diagnostics]
    .sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line)
    .map((d) => ({ path: d.path, line: d.line, message: d.message, severity: d.severity, code: d.code }));
  return { assets: src.assets.assets.length, by_type: byType, edges: src.graph.edgeCount, column_edges: src.graph.columnEdgeCount, diagnostics };
}
