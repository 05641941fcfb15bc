// `lineage/graphData`: the neighbourhood of one asset as the graph view draws it. A breadth-first
// walk upstream and downstream, nearest hops first, so that when the node budget runs out it is
// the far assets that are left out; every left-out neighbour is counted on the node that leads
// to it (the view's "+N" markers), so nothing disappears silently.
import type { Asset } from '../core/graph/assetIndex';
import type { ColumnReference } from '../core/graph/lineageGraph';
import { FLOW_USAGES } from '../core/model';
import type { ColumnEdge, GraphData, GraphEdge, GraphNode, GraphQuery, LookupError } from '../protocol/lineageProtocol';
import type { EditorView } from './editorView';
import { assetLink, findAsset } from './requests';
import type { WorkspacePaths } from './workspacePaths';
import { editorPosition } from './workspacePaths';

/** Used when the query names no budget: the setting's default. */
export const DEFAULT_NODE_BUDGET = 300;
/** The view never asks for more; a bigger neighbourhood is drawn as "+N" markers. */
export const MAX_NODE_BUDGET = 5000;

type Dir = 'up' | 'down';

export function graphData(view: EditorView, paths: WorkspacePaths, q: GraphQuery): GraphData | LookupError {
  const focus = findAsset(view, q.focus);
  if ('error' in focus) return focus;
  const g = view.index.graph;
  const budget = clamp(q.nodeBudget ?? DEFAULT_NODE_BUDGET, 1, MAX_NODE_BUDGET);
  const excluded = new Set(q.excludeTypes ?? []);
  const hiddenType = (id: string) => id !== focus.id && excluded.has(view.index.get(id)?.asset_type ?? '');
  const next = (id: string, dir: Dir) => (dir === 'up' ? g.upstreamOf(id).map((e) => e.from) : g.downstreamOf(id).map((e) => e.to));

  // Walked: every asset reached within the depths (filtered types included, so the walk goes
  // through them); kept: the ones drawn, in the order they were reached.
  const depthOf = new Map<string, number>([[focus.id, 0]]);
  const kept: string[] = [focus.id];
  let truncated = false;
  let frontier: Record<Dir, string[]> = { up: [focus.id], down: [focus.id] };
  const limit: Record<Dir, number> = { up: Math.max(0, q.upstreamDepth), down: Math.max(0, q.downstreamDepth) };
  for (let hop = 1; hop <= Math.max(limit.up, limit.down); hop++) {
    const reached: Record<Dir, string[]> = { up: [], down: [] };
    for (const dir of ['up', 'down'] as const) {
      if (hop > limit[dir]) continue;
      for (const id of frontier[dir]) {
        for (const n of next(id, dir)) {
          if (depthOf.has(n)) continue;
          if (!hiddenType(n)) {
            if (kept.length >= budget) {
              truncated = true;
              continue;
            }
            kept.push(n);
          }
          depthOf.set(n, dir === 'up' ? -hop : hop);
          reached[dir].push(n);
        }
      }
    }
    frontier = reached;
  }

  const keptSet = new Set(kept);
  const nodes = kept.map((id) => graphNode(view.index.get(id)!, depthOf.get(id)!, paths));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const n of nodes) {
    n.hiddenUpstream = countHidden(n.id, 'up');
    n.hiddenDownstream = countHidden(n.id, 'down');
  }
  const edges = keptEdges();
  const data: GraphData = { focus: focus.id, nodes, edges, truncated };
  // Only the drawn assets' references: the whole list is every column reference in the workspace.
  if (q.columns) data.columnEdges = columnEdges(kept.flatMap((id) => g.referencesTo(id)), keptSet, byId);
  return data;

  // Neighbours not drawn, reached through filtered-out assets too: a filter hides types, the
  // "+N" counts what the depth limit or the budget left out.
  function countHidden(id: string, dir: Dir): number {
    const visited = new Set<string>([id]);
    const hidden = new Set<string>();
    const stack = next(id, dir);
    while (stack.length) {
      const n = stack.pop()!;
      if (visited.has(n) || keptSet.has(n)) continue;
      visited.add(n);
      if (hiddenType(n)) stack.push(...next(n, dir));
      else hidden.add(n);
    }
    return hidden.size;
  }

  // Edges between drawn nodes; an edge through filtered-out assets becomes one inferred edge, so
  // hiding `file` assets still shows that the DVC stage depends on the Spark job.
  function keptEdges(): GraphEdge[] {
    const out = new Map<string, GraphEdge>();
    for (const from of kept) {
      const stack = g.downstreamOf(from).map((e) => ({ id: e.to, confidence: e.confidence }));
      const seen = new Set<string>();
      while (stack.length) {
        const { id, confidence } = stack.pop()!;
        if (seen.has(id)) continue;
        seen.add(id);
        if (keptSet.has(id)) {
          const key = `${from}\u0000${id}`;
          if (!out.has(key)) out.set(key, { from, to: id, confidence });
        } else if (hiddenType(id) && depthOf.has(id)) {
          for (const e of g.downstreamOf(id)) stack.push({ id: e.to, confidence: 'inferred' });
        }
      }
    }
    return [...out.values()];
  }
}

function graphNode(a: Asset, depth: number, paths: WorkspacePaths): GraphNode {
  const columns = a.columns.map((c) => ({
    name: c.name,
    ...(c.type && { type: c.type }),
    ...(c.location && editorPosition(c.location)),
  }));
  const stale = a.meta.stale === true || a.meta.dataStale === true;
  return { ...assetLink(a, paths), depth, columns, hiddenUpstream: 0, hiddenDownstream: 0, ...(stale && { stale }) };
}

/**
 * Column references between drawn nodes, one edge per (upstream column, consumer, output column,
 * usage). A column the asset does not list (an output a Spark job computes, a column only a
 * reader names) is added to the node, so every column edge has both of its ends drawn.
 */
function columnEdges(refs: ColumnReference[], kept: Set<string>, byId: Map<string, GraphNode>): ColumnEdge[] {
  const out = new Map<string, ColumnEdge>();
  for (const r of refs) {
    if (!kept.has(r.upstream) || !kept.has(r.consumer) || r.column === '*') continue;
    const flows = FLOW_USAGES.has(r.usage) && r.outputColumn && r.outputColumn !== '*';
    const toColumn = flows ? addColumn(byId.get(r.consumer)!, r.outputColumn!) : undefined;
    const fromColumn = addColumn(byId.get(r.upstream)!, r.column);
    const key = [r.upstream, fromColumn, r.consumer, toColumn ?? '', r.usage].join('\u0000');
    const existing = out.get(key);
    if (existing) {
      if (r.confidence === 'explicit') existing.confidence = 'explicit';
      continue;
    }
    out.set(key, { from: r.upstream, fromColumn, to: r.consumer, ...(toColumn !== undefined && { toColumn }), usage: r.usage, confidence: r.confidence });
  }
  return [...out.values()];
}

/** The node's own spelling of a column, added when missing. */
function addColumn(node: GraphNode, name: string): string {
  const lower = name.toLowerCase();
  const found = node.columns.find((c) => c.name.toLowerCase() === lower);
  if (found) return found.name;
  node.columns.push({ name });
  return name;
}

function clamp(n: number, lo: number, hi: number): number {
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, Math.floor(n))) : lo;
}
