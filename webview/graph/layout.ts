// Layout as pure data, importable from the worker, the page and node tests: the graph → node
// boxes and edges to place; that → ELK's input and ELK's answer → boxes; and a quick layered
// layout of our own for graphs too big for ELK to answer in time.
//
// Why two engines: ELK layered (even with its fastest settings) took 2.5–9 s on a 2,000-node
// neighbourhood here, cold JIT included, and ~0.3–1.5 s on 300 nodes. The quick layout
// (longest-path layering, barycentre ordering, aligned placement: what d3-dag calls its fast
// settings) takes milliseconds, so the view paints it first and ELK refines small graphs.
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { GraphData } from '../../src/protocol/lineageProtocol';

export const NODE_WIDTH = 200;
export const HEADER_HEIGHT = 34;
export const ROW_HEIGHT = 20;
/** Columns drawn per expanded node; the rest are summed up in one "+K more" row. */
export const MAX_COLUMN_ROWS = 60;
const LAYER_GAP = 90;
const NODE_GAP = 18;
/** Above this many nodes ELK is not asked at all: the quick layout is final. */
export const ELK_MAX_NODES = 250;

export interface Point {
  x: number;
  y: number;
}
export interface Box extends Point {
  width: number;
  height: number;
}
/** Upstream to downstream: left to right in wide views, top to bottom in tall ones (the side bar). */
export type FlowDirection = 'RIGHT' | 'DOWN';

export interface LayoutInput {
  nodes: { id: string; width: number; height: number }[];
  edges: { from: string; to: string }[];
  direction: FlowDirection;
}
export interface LayoutResult {
  nodes: Record<string, Box>;
  /** Bend points per edge `${from}\0${to}` (ELK only; the quick layout draws plain curves). */
  routes: Record<string, Point[]>;
  width: number;
  height: number;
  engine: 'quick' | 'elk';
  direction: FlowDirection;
}

/** Rows an expanded node shows: its columns, capped, plus a "+K more" row when capped. */
export function columnRows(columnCount: number): number {
  return columnCount > MAX_COLUMN_ROWS ? MAX_COLUMN_ROWS + 1 : columnCount;
}

export function nodeHeight(columnCount: number, expanded: boolean): number {
  return expanded && columnCount ? HEADER_HEIGHT + columnRows(columnCount) * ROW_HEIGHT + 6 : HEADER_HEIGHT;
}

/** The flow direction that suits a view of this size. */
export function directionFor(width: number, height: number): FlowDirection {
  return width >= height ? 'RIGHT' : 'DOWN';
}

export function layoutInput(data: GraphData, expanded: ReadonlySet<string>, direction: FlowDirection = 'RIGHT'): LayoutInput {
  const ids = new Set(data.nodes.map((n) => n.id));
  return {
    direction,
    nodes: data.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: nodeHeight(n.columns.length, expanded.has(n.id)) })),
    edges: data.edges.filter((e) => e.from !== e.to && ids.has(e.from) && ids.has(e.to)).map((e) => ({ from: e.from, to: e.to })),
  };
}

export const edgeKey = (from: string, to: string) => `${from}\u0000${to}`;

/** ELK layered, left to right, settings chosen for speed (one crossing-minimisation pass). */
export function elkGraph(input: LayoutInput): ElkNode {
  return {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': input.direction,
      'elk.edgeRouting': 'POLYLINE',
      'elk.layered.thoroughness': '2',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.spacing.nodeNode': String(NODE_GAP),
      'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_GAP),
      'elk.spacing.componentComponent': String(LAYER_GAP / 2),
    },
    children: input.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: input.edges.map((e, i): ElkExtendedEdge => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
  };
}

export function fromElk(input: LayoutInput, laid: ElkNode): LayoutResult {
  const nodes: Record<string, Box> = {};
  for (const c of laid.children ?? []) nodes[c.id] = { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 };
  const routes: Record<string, Point[]> = {};
  for (const e of (laid.edges ?? []) as ElkExtendedEdge[]) {
    const s = e.sections?.[0];
    const i = Number(e.id.slice(1));
    const src = input.edges[i];
    if (s && src) routes[edgeKey(src.from, src.to)] = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint];
  }
  return { nodes, routes, width: laid.width ?? 0, height: laid.height ?? 0, engine: 'elk', direction: input.direction };
}

/**
 * Layered layout in O((nodes + edges) × sweeps): longest-path layers (cycles broken at DFS back
 * edges, sources pulled next to their first consumer), barycentre ordering, and each node placed
 * at the mean height of its upstream nodes where the layer's order allows.
 */
export function quickLayout(input: LayoutInput): LayoutResult {
  if (input.direction === 'RIGHT') return quickLayoutRight(input);
  // Top to bottom is left to right with the axes swapped.
  const swapped = quickLayoutRight({ ...input, nodes: input.nodes.map((n) => ({ id: n.id, width: n.height, height: n.width })) });
  const nodes: Record<string, Box> = {};
  for (const [id, b] of Object.entries(swapped.nodes)) nodes[id] = { x: b.y, y: b.x, width: b.height, height: b.width };
  return { nodes, routes: {}, width: swapped.height, height: swapped.width, engine: 'quick', direction: 'DOWN' };
}

function quickLayoutRight(input: LayoutInput): LayoutResult {
  const n = input.nodes.length;
  const index = new Map(input.nodes.map((node, i) => [node.id, i]));
  const succ: number[][] = Array.from({ length: n }, () => []);
  const pred: number[][] = Array.from({ length: n }, () => []);
  const seen = new Set<string>();
  for (const e of input.edges) {
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (a === undefined || b === undefined || a === b || seen.has(edgeKey(e.from, e.to))) continue;
    seen.add(edgeKey(e.from, e.to));
    succ[a].push(b);
    pred[b].push(a);
  }
  const back = backEdges(succ);
  const fwd = (a: number) => succ[a].filter((b) => !back.has(a * n + b));
  const bwd = (b: number) => pred[b].filter((a) => !back.has(a * n + b));
  const layer = longestPathLayers(n, fwd, bwd);
  const layers = orderLayers(n, layer, fwd, bwd);
  return place(input, layers, bwd, fwd);
}

/** Edges that close a cycle, as `a * n + b`, found by an iterative depth-first search. */
function backEdges(succ: number[][]): Set<number> {
  const n = succ.length;
  const state = new Uint8Array(n); // 0 new, 1 on the stack, 2 done
  const back = new Set<number>();
  for (let s = 0; s < n; s++) {
    if (state[s]) continue;
    const stack: [number, number][] = [[s, 0]];
    state[s] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [v, i] = top;
      if (i < succ[v].length) {
        top[1]++;
        const w = succ[v][i];
        if (state[w] === 1) back.add(v * n + w);
        else if (state[w] === 0) {
          state[w] = 1;
          stack.push([w, 0]);
        }
      } else {
        state[v] = 2;
        stack.pop();
      }
    }
  }
  return back;
}

function longestPathLayers(n: number, fwd: (a: number) => number[], bwd: (b: number) => number[]): Int32Array {
  const indeg = new Int32Array(n);
  for (let a = 0; a < n; a++) for (const b of fwd(a)) indeg[b]++;
  const order: number[] = [];
  for (let v = 0; v < n; v++) if (!indeg[v]) order.push(v);
  const layer = new Int32Array(n);
  for (let i = 0; i < order.length; i++) {
    const a = order[i];
    for (const b of fwd(a)) {
      layer[b] = Math.max(layer[b], layer[a] + 1);
      if (--indeg[b] === 0) order.push(b);
    }
  }
  // A source feeding only far layers (raw tables read late in a pipeline) sits just left of its
  // nearest consumer instead of in the first column, shortening its edges.
  for (let i = order.length - 1; i >= 0; i--) {
    const v = order[i];
    const out = fwd(v);
    if (bwd(v).length || !out.length) continue;
    layer[v] = Math.min(...out.map((b) => layer[b])) - 1;
  }
  return layer;
}

function orderLayers(n: number, layer: Int32Array, fwd: (a: number) => number[], bwd: (b: number) => number[]): number[][] {
  const depth = n ? Math.max(...layer) + 1 : 0;
  const layers: number[][] = Array.from({ length: depth }, () => []);
  for (let v = 0; v < n; v++) layers[layer[v]].push(v);
  const pos = new Float64Array(n);
  const number = (l: number[]) => l.forEach((v, i) => (pos[v] = i));
  layers.forEach(number);
  const sweep = (l: number[], neighbours: (v: number) => number[]) => {
    const bary = new Map<number, number>();
    for (const v of l) {
      const ns = neighbours(v);
      bary.set(v, ns.length ? ns.reduce((s, w) => s + pos[w], 0) / ns.length : pos[v]);
    }
    l.sort((a, b) => bary.get(a)! - bary.get(b)! || pos[a] - pos[b]);
    number(l);
  };
  for (let round = 0; round < 4; round++) {
    for (let i = 1; i < depth; i++) sweep(layers[i], bwd);
    for (let i = depth - 2; i >= 0; i--) sweep(layers[i], fwd);
  }
  return layers;
}

function place(input: LayoutInput, layers: number[][], bwd: (b: number) => number[], fwd: (a: number) => number[]): LayoutResult {
  const boxes: Box[] = input.nodes.map((node) => ({ x: 0, y: 0, width: node.width, height: node.height }));
  const centre = (v: number) => boxes[v].y + boxes[v].height / 2;
  let x = 0;
  const stack = (l: number[], desired: (v: number) => number | undefined) => {
    // Each node as near its desired centre as the order allows, then the whole layer shifted
    // so that on average nodes sit where they want to.
    let bottom = -Infinity;
    let wanted = 0;
    let got = 0;
    for (const v of l) {
      const d = desired(v);
      const top = Math.max(d === undefined ? bottom + NODE_GAP : d - boxes[v].height / 2, bottom + NODE_GAP);
      boxes[v].y = Number.isFinite(top) ? top : 0;
      bottom = boxes[v].y + boxes[v].height;
      if (d !== undefined) {
        wanted += d;
        got += centre(v);
      }
    }
    const shift = l.length ? (wanted - got) / l.length : 0;
    for (const v of l) boxes[v].y += shift;
  };
  const mean = (ns: number[]) => (ns.length ? ns.reduce((s, w) => s + centre(w), 0) / ns.length : undefined);
  layers.forEach((l, i) => {
    const width = Math.max(0, ...l.map((v) => boxes[v].width));
    for (const v of l) boxes[v].x = x;
    x += width + LAYER_GAP;
    stack(l, i === 0 ? () => undefined : (v) => mean(bwd(v)));
  });
  // A second pass from the right lets the first layers line up with what they feed.
  for (let i = layers.length - 2; i >= 0; i--) stack(layers[i], (v) => mean(fwd(v)) ?? centre(v));
  const minY = Math.min(0, ...boxes.map((b) => b.y));
  let width = 0;
  let height = 0;
  for (const b of boxes) {
    b.y -= minY;
    width = Math.max(width, b.x + b.width);
    height = Math.max(height, b.y + b.height);
  }
  const nodes: Record<string, Box> = {};
  input.nodes.forEach((node, i) => (nodes[node.id] = boxes[i]));
  return { nodes, routes: {}, width, height, engine: 'quick', direction: 'RIGHT' };
}
