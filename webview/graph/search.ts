// The search box: which nodes match a typed text. Names, ids, types and column names are
// matched case-insensitively; several words must all match (e.g. "model order").
import type { GraphNode } from '../../src/protocol/lineageProtocol';

export interface SearchResult {
  /** Matching nodes, nearest to the focus first (the first is where Enter jumps). */
  ids: string[];
  /** Columns that matched, as `${nodeId}::${column}`. */
  columns: string[];
}

export function searchNodes(nodes: readonly GraphNode[], text: string): SearchResult {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return { ids: [], columns: [] };
  const ids: { id: string; depth: number }[] = [];
  const columns: string[] = [];
  for (const n of nodes) {
    const hay = `${n.name} ${n.id} ${n.asset_type}`.toLowerCase();
    const colHits = n.columns.filter((c) => words.every((w) => c.name.toLowerCase().includes(w)));
    for (const c of colHits) columns.push(`${n.id}::${c.name}`);
    if (words.every((w) => hay.includes(w)) || colHits.length) ids.push({ id: n.id, depth: Math.abs(n.depth) });
  }
  ids.sort((a, b) => a.depth - b.depth);
  return { ids: ids.map((x) => x.id), columns };
}
