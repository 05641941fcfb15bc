// The graph webview's DOM-free logic, in node: layout input and the quick layered layout, the
// view-state transitions, the column highlight closure, search and keyboard moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ColumnEdge, GraphData, GraphNode } from '../../src/protocol/lineageProtocol';
import { directionFor, elkGraph, HEADER_HEIGHT, layoutInput, nodeHeight, quickLayout, ROW_HEIGHT } from '../../webview/graph/layout';
import type { Box, LayoutResult } from '../../webview/graph/layout';
import { columnClosure } from '../../webview/graph/columnLineage';
import { searchNodes } from '../../webview/graph/search';
import { nextInDirection, handleGraphKey } from '../../webview/graph/keyboard';
import { initialState, queryOf, refocus, sameQuery, sanitizeState, selectColumn, toggleExpanded, toggleType, withDepth } from '../../webview/graph/viewState';

const node = (id: string, depth: number, columns: string[] = [], more: Partial<GraphNode> = {}): GraphNode => ({
  id,
  name: id,
  asset_type: 'dbt_model',
  depth,
  columns: columns.map((name) => ({ name })),
  hiddenUpstream: 0,
  hiddenDownstream: 0,
  ...more,
});
const graph = (nodes: GraphNode[], edges: [string, string][], columnEdges: ColumnEdge[] = []): GraphData => ({
  focus: nodes.find((n) => n.depth === 0)!.id,
  nodes,
  edges: edges.map(([from, to]) => ({ from, to, confidence: 'explicit' })),
  columnEdges,
  truncated: false,
});

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
function assertNoOverlap(r: LayoutResult): void {
  const boxes = Object.entries(r.nodes);
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlaps(boxes[i][1], boxes[j][1]), `${boxes[i][0]} overlaps ${boxes[j][0]}`);
}

const chain = graph([node('raw', -2), node('stg', -1, ['a', 'b']), node('fct', 0, ['a', 'b', 'c']), node('dag', 1), node('job', 1)], [['raw', 'stg'], ['stg', 'fct'], ['fct', 'dag'], ['fct', 'job'], ['raw', 'fct']]);

test('layout input: expanded nodes grow by their column rows; edges to unknown nodes are dropped', () => {
  const input = layoutInput({ ...chain, edges: [...chain.edges, { from: 'fct', to: 'ghost', confidence: 'explicit' }] }, new Set(['fct']), 'DOWN');
  assert.equal(input.direction, 'DOWN');
  assert.equal(input.nodes.find((n) => n.id === 'fct')!.height, HEADER_HEIGHT + 3 * ROW_HEIGHT + 6);
  assert.equal(input.nodes.find((n) => n.id === 'stg')!.height, HEADER_HEIGHT, 'not expanded');
  assert.equal(input.edges.length, 5);
  assert.equal(nodeHeight(500, true), HEADER_HEIGHT + 61 * ROW_HEIGHT + 6, 'capped at 60 rows plus "+K more"');
  const elk = elkGraph(input);
  assert.equal(elk.layoutOptions?.['elk.direction'], 'DOWN');
  assert.deepEqual(elk.edges?.map((e) => [e.sources[0], e.targets[0]]), input.edges.map((e) => [e.from, e.to]));
  assert.equal(directionFor(300, 800), 'DOWN');
  assert.equal(directionFor(1200, 500), 'RIGHT');
});

test('quick layout: upstream left of downstream, a long edge spans layers, nothing overlaps', () => {
  const r = quickLayout(layoutInput(chain, new Set(['fct']), 'RIGHT'));
  const x = (id: string) => r.nodes[id].x;
  assert.ok(x('raw') < x('stg') && x('stg') < x('fct') && x('fct') < x('dag'));
  assert.equal(x('dag'), x('job'), 'siblings share a layer');
  assertNoOverlap(r);
  assert.ok(r.width >= x('dag') + r.nodes.dag.width && r.height > 0);
  const down = quickLayout(layoutInput(chain, new Set(), 'DOWN'));
  assert.ok(down.nodes.raw.y < down.nodes.stg.y && down.nodes.fct.y < down.nodes.dag.y, 'top to bottom');
  assertNoOverlap(down);
});

test('quick layout survives cycles, self edges, isolated nodes and a 2,000-node graph', () => {
  const cyc = quickLayout(layoutInput(graph([node('a', 0), node('b', 1), node('c', 2), node('lonely', 1)], [['a', 'b'], ['b', 'c'], ['c', 'a'], ['b', 'b']]), new Set(), 'RIGHT'));
  assert.equal(Object.keys(cyc.nodes).length, 4);
  assertNoOverlap(cyc);
  const nodes = [node('n0', 0)];
  const edges: [string, string][] = [];
  for (let i = 1; i < 2000; i++) {
    nodes.push(node(`n${i}`, 1));
    edges.push([`n${Math.floor((i - 1) / 3)}`, `n${i}`]);
  }
  const t0 = performance.now();
  const big = quickLayout(layoutInput(graph(nodes, edges), new Set(), 'RIGHT'));
  const ms = performance.now() - t0;
  assert.equal(Object.keys(big.nodes).length, 2000);
  assert.ok(ms < 1000, `2,000 nodes laid out in ${ms.toFixed(0)} ms`);
  for (const [a, b] of edges) assert.ok(big.nodes[a].x < big.nodes[b].x);
});

test('view state: depths stay in range, types toggle, refocus keeps depths, a column toggles', () => {
  let s = initialState('fct', 2, 300);
  s = withDepth(withDepth(s, 'up', -5), 'down', 20);
  assert.deepEqual([s.query.upstreamDepth, s.query.downstreamDepth], [0, 10]);
  s = toggleType(toggleType(s, 'file'), 'dag');
  assert.deepEqual(queryOf(s).excludeTypes, ['dag', 'file']);
  assert.deepEqual(toggleType(s, 'file').hiddenTypes, ['dag']);
  const moved = refocus(selectColumn(s, 'fct', 'a'), 'stg');
  assert.equal(moved.query.focus, 'stg');
  assert.equal(moved.query.upstreamDepth, 0);
  assert.equal(moved.selectedColumn, undefined, 'a new focus clears the highlight');
  assert.equal(sameQuery(s, { ...s, search: 'x', expanded: ['fct'] }), true, 'search and expansion are local');
  assert.equal(sameQuery(s, moved), false);
  const picked = selectColumn(toggleExpanded(s, 'fct'), 'fct', 'a');
  assert.equal(picked.selectedColumn, 'fct::a');
  assert.equal(selectColumn(picked, 'fct', 'a').selectedColumn, undefined, 'a second click clears it');
  assert.equal(toggleExpanded(picked, 'fct').selectedColumn, undefined, 'collapsing its node clears it');
});

test('a restored state is checked: junk is dropped, depths clamped', () => {
  assert.equal(sanitizeState(null), undefined);
  assert.equal(sanitizeState({ query: { focus: 3 } }), undefined);
  const s = sanitizeState({ query: { focus: 'fct', upstreamDepth: 99, downstreamDepth: 'x' }, hiddenTypes: ['file', 7], expanded: 'no', selectedColumn: 'fct::a' })!;
  assert.deepEqual(s.query, { focus: 'fct', upstreamDepth: 10, downstreamDepth: 2, nodeBudget: 300, columns: true });
  assert.deepEqual(s.hiddenTypes, ['file']);
  assert.deepEqual(s.expanded, []);
  assert.equal(s.selectedColumn, 'fct::a');
});

test('column closure follows flows both ways and stops at reads', () => {
  const e = (from: string, fromColumn: string, to: string, toColumn: string | undefined, usage = 'identity'): ColumnEdge => ({ from, fromColumn, to, ...(toColumn && { toColumn }), usage, confidence: 'explicit' });
  const edges = [
    e('raw', 'order_total', 'stg', 'order_total'),
    e('stg', 'order_total', 'fct', 'order_total'),
    e('stg', 'order_total', 'fct', 'is_large_order', 'transform'),
    e('fct', 'order_total', 'dag', 'revenue', 'aggregate'),
    e('fct', 'ORDER_TOTAL', 'dash', undefined, 'filter'),
    e('dag', 'revenue', 'report', 'total'),
    e('raw', 'status', 'stg', 'status'),
  ];
  const h = columnClosure(edges, 'fct', 'order_total');
  assert.deepEqual([...h.columns].sort(), ['dag::revenue', 'fct::order_total', 'raw::order_total', 'report::total', 'stg::order_total']);
  assert.deepEqual([...h.nodes].sort(), ['dag', 'dash', 'fct', 'raw', 'report', 'stg'], 'the dashboard reads it');
  assert.ok(!h.columns.has('fct::is_large_order'), 'a sibling computed from the same upstream is not on this lineage');
  assert.deepEqual([...h.edges].sort(), [0, 1, 3, 4, 5]);
  assert.deepEqual([...columnClosure(edges, 'fct', 'nothing').columns], ['fct::nothing']);
});

test('search matches names, types and columns, nearest first; every word must match', () => {
  const nodes = [node('stg_orders', -1, ['order_total']), node('fct_orders', 0), node('revenue_dag', 2, [], { asset_type: 'dag' })];
  assert.deepEqual(searchNodes(nodes, 'orders').ids, ['fct_orders', 'stg_orders']);
  assert.deepEqual(searchNodes(nodes, 'DAG').ids, ['revenue_dag']);
  assert.deepEqual(searchNodes(nodes, 'order total'), { ids: ['stg_orders'], columns: ['stg_orders::order_total'] });
  assert.deepEqual(searchNodes(nodes, '   ').ids, []);
  assert.deepEqual(searchNodes([node('<img src=x onerror=alert(1)>', 0)], '<img').ids, ['<img src=x onerror=alert(1)>']);
});

test('arrow keys move to the nearest node in that direction; other keys are not ours', () => {
  const b = (x: number, y: number): Box => ({ x, y, width: 100, height: 30 });
  const boxes = { a: b(0, 0), right: b(200, 10), farRight: b(400, 0), below: b(0, 100), diag: b(150, 200) };
  assert.equal(nextInDirection(boxes, 'a', 'right'), 'right');
  assert.equal(nextInDirection(boxes, 'right', 'right'), 'farRight');
  assert.equal(nextInDirection(boxes, 'a', 'down'), 'below');
  assert.equal(nextInDirection(boxes, 'a', 'left'), undefined);
  assert.equal(nextInDirection(boxes, 'missing', 'left'), undefined);
  const calls: string[] = [];
  const actions = { move: (d: string) => calls.push(`move ${d}`), open: () => calls.push('open'), toggleColumns: () => calls.push('columns'), refocus: () => calls.push('refocus'), clear: () => calls.push('clear') };
  for (const key of ['ArrowUp', 'Enter', ' ', 'f', 'Escape']) assert.equal(handleGraphKey(key, actions), true);
  assert.equal(handleGraphKey('x', actions), false);
  assert.deepEqual(calls, ['move up', 'open', 'columns', 'refocus', 'clear']);
});
