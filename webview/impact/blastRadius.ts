// The blast radius of a report as a small layered graph, left to right: the changed tables in
// the first layer, each affected asset in a later one. Pure data (no DOM) so it is unit-tested.
//
// The report gives every affected asset one `via` path (the first way the change reached it,
// nearest first). The union of those paths is the graph. A node's layer is the longest path to
// it from a changed table, so every edge points right even when one asset is reached both
// directly and through another (raw → c and raw → b → c puts c after b). Cycles, which lineage
// should not have but a workspace can, fall back to the node's shortest via depth.
import type { ImpactReport, AffectedAsset } from '../../src/core/impact/impactAnalysis';

export interface BlastNode {
  name: string;
  layer: number;
  /** Position within its layer, 0 at the top. */
  order: number;
  /** A changed table (the start of the paths). */
  root: boolean;
  severity?: 'breaking' | 'warning';
  /** The affected asset the node stands for (absent for roots and plain pass-through names). */
  asset?: Pick<AffectedAsset, 'id' | 'name' | 'asset_type' | 'locations'>;
}

export interface BlastRadius {
  nodes: BlastNode[];
  edges: { from: string; to: string }[];
  layers: number;
  /** Most nodes in one layer (the drawing's height). */
  widest: number;
}

export function blastRadius(report: Pick<ImpactReport, 'asset' | 'affected_assets'> & { changed_assets?: string[] }): BlastRadius {
  const names: string[] = [];
  const viaDepth = new Map<string, number>();
  const seen = (name: string, depth: number) => {
    if (!viaDepth.has(name)) names.push(name);
    viaDepth.set(name, Math.min(depth, viaDepth.get(name) ?? depth));
  };
  const roots = new Set(report.changed_assets?.length ? report.changed_assets : [report.asset.name]);
  for (const r of roots) seen(r, 0);
  const edgeKeys = new Set<string>();
  const edges: { from: string; to: string }[] = [];
  for (const a of report.affected_assets) {
    const path = a.via.length ? a.via : [report.asset.name, a.name];
    path.forEach((name, i) => seen(name, i));
    for (let i = 1; i < path.length; i++) {
      const key = `${path[i - 1]}\u0000${path[i]}`;
      if (path[i - 1] === path[i] || edgeKeys.has(key)) continue;
      edgeKeys.add(key);
      edges.push({ from: path[i - 1], to: path[i] });
    }
    if (path.length) roots.add(path[0]);
  }
  const layer = longestPathLayers(names, edges, roots, viaDepth);
  const byName = new Map<string, AffectedAsset>();
  for (const a of report.affected_assets) {
    const prev = byName.get(a.name);
    if (!prev || (a.severity === 'breaking' && prev.severity !== 'breaking')) byName.set(a.name, a);
  }
  const nodes: BlastNode[] = names.map((name) => {
    const a = byName.get(name);
    const root = roots.has(name) && (layer.get(name) ?? 0) === 0;
    return { name, layer: layer.get(name) ?? 0, order: 0, root, ...(a && !root && { severity: a.severity, asset: { id: a.id, name: a.name, asset_type: a.asset_type, locations: a.locations } }) };
  });
  const layers = orderLayers(nodes, edges);
  return { nodes, edges, layers: layers.length, widest: Math.max(0, ...layers.map((l) => l.length)) };
}

/** Longest path from the roots over the edges (Kahn's order); nodes on a cycle keep their via depth. */
function longestPathLayers(names: string[], edges: { from: string; to: string }[], roots: Set<string>, viaDepth: Map<string, number>): Map<string, number> {
  const incoming = new Map<string, number>(names.map((n) => [n, 0]));
  const out = new Map<string, string[]>();
  for (const e of edges) {
    incoming.set(e.to, (incoming.get(e.to) ?? 0) + 1);
    out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  }
  const layer = new Map<string, number>();
  const queue = names.filter((n) => incoming.get(n) === 0);
  for (const n of queue) layer.set(n, roots.has(n) ? 0 : (viaDepth.get(n) ?? 0));
  while (queue.length) {
    const n = queue.shift() as string;
    for (const m of out.get(n) ?? []) {
      layer.set(m, Math.max(layer.get(m) ?? 0, (layer.get(n) ?? 0) + 1));
      const left = (incoming.get(m) ?? 0) - 1;
      incoming.set(m, left);
      if (left === 0) queue.push(m);
    }
  }
  for (const n of names) if ((incoming.get(n) ?? 0) > 0) layer.set(n, viaDepth.get(n) ?? 0);
  return layer;
}

/**
 * Orders each layer by the mean position of the node's parents (one barycentre pass, enough to
 * keep a blast radius of a few dozen nodes readable), keeping report order on ties.
 */
function orderLayers(nodes: BlastNode[], edges: { from: string; to: string }[]): BlastNode[][] {
  const layers: BlastNode[][] = [];
  for (const n of nodes) (layers[n.layer] ??= []).push(n);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const parents = new Map<string, string[]>();
  for (const e of edges) parents.set(e.to, [...(parents.get(e.to) ?? []), e.from]);
  const filled = layers.map((l) => l ?? []);
  filled.forEach((layer, i) => {
    const rank = (n: BlastNode) => {
      const ps = (parents.get(n.name) ?? []).map((p) => byName.get(p)).filter((p): p is BlastNode => !!p && p.layer < i);
      return ps.length ? ps.reduce((s, p) => s + p.order, 0) / ps.length : -1;
    };
    const ranked = layer.map((n, at) => ({ n, at, r: i === 0 ? at : rank(n) }));
    ranked.sort((a, b) => a.r - b.r || a.at - b.at);
    ranked.forEach(({ n }, order) => (n.order = order));
  });
  return filled;
}

/** Node box and gaps of the drawing, shared by the layout choice below and the d3 drawing. */
export const NODE = { width: 168, height: 38, layerGap: 56, siblingGap: 14, tbLayerGap: 36, tbSiblingGap: 20, pad: 6 } as const;

export type Orientation = 'lr' | 'tb';

/**
 * Left to right when it fits the width the panel has; top to bottom otherwise. A blast radius is
 * usually deeper than it is wide, so a panel beside the editor (half the window) often needs it.
 */
export function orientationFor(g: Pick<BlastRadius, 'layers' | 'widest'>, availableWidth: number): Orientation {
  const lr = NODE.pad * 2 + g.layers * NODE.width + Math.max(0, g.layers - 1) * NODE.layerGap;
  return lr <= availableWidth ? 'lr' : 'tb';
}

/** Top-left corner of each node, layers centred on the widest one. */
export function placeNodes(g: BlastRadius, o: Orientation): { width: number; height: number; at: Map<string, { x: number; y: number }> } {
  const perLayer = new Map<number, number>();
  for (const n of g.nodes) perLayer.set(n.layer, (perLayer.get(n.layer) ?? 0) + 1);
  const at = new Map<string, { x: number; y: number }>();
  const lr = o === 'lr';
  const layerStep = lr ? NODE.width + NODE.layerGap : NODE.height + NODE.tbLayerGap;
  const siblingStep = lr ? NODE.height + NODE.siblingGap : NODE.width + NODE.tbSiblingGap;
  for (const n of g.nodes) {
    const shift = ((g.widest - (perLayer.get(n.layer) ?? 1)) * siblingStep) / 2;
    const along = NODE.pad + n.layer * layerStep;
    const across = NODE.pad + shift + n.order * siblingStep;
    at.set(n.name, lr ? { x: along, y: across } : { x: across, y: along });
  }
  const depth = NODE.pad * 2 + g.layers * layerStep - (lr ? NODE.layerGap : NODE.tbLayerGap);
  const breadth = NODE.pad * 2 + g.widest * siblingStep - (lr ? NODE.siblingGap : NODE.tbSiblingGap);
  return lr ? { width: depth, height: breadth, at } : { width: breadth, height: depth, at };
}
