// What one frame shows, derived from the data, the layout and the view state: which nodes are
// expanded, matched by the search or on a highlighted column's lineage. Both renderers (SVG and
// canvas) draw a Scene; keeping it pure keeps them thin.
import type { GraphData, GraphNode } from '../../src/protocol/lineageProtocol';
import type { GraphViewState } from '../../src/protocol/webviewProtocol';
import type { ColumnHighlight } from './columnLineage';
import { columnClosure } from './columnLineage';
import type { LayoutResult } from './layout';
import { searchNodes } from './search';
import { columnName, columnOwner } from './viewState';

export interface Scene {
  data: GraphData;
  layout: LayoutResult;
  byId: Map<string, GraphNode>;
  expanded: Set<string>;
  /** Search hits; empty when the search box is empty. */
  matches: Set<string>;
  matchedColumns: Set<string>;
  searching: boolean;
  highlight?: ColumnHighlight;
  selectedColumn?: string;
}

export function buildScene(data: GraphData, layout: LayoutResult, state: GraphViewState): Scene {
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const expanded = new Set(state.expanded.filter((id) => byId.get(id)?.columns.length));
  const hits = searchNodes(data.nodes, state.search);
  const scene: Scene = { data, layout, byId, expanded, matches: new Set(hits.ids), matchedColumns: new Set(hits.columns), searching: !!state.search.trim() };
  const sel = state.selectedColumn;
  if (sel && byId.has(columnOwner(sel))) {
    scene.selectedColumn = sel;
    scene.highlight = columnClosure(data.columnEdges ?? [], columnOwner(sel), columnName(sel));
  }
  return scene;
}

/** A node's accessible name: its type, name, where it sits and what is hidden around it. */
export function nodeLabel(n: GraphNode, typeLabel: string): string {
  const where = n.depth === 0 ? 'focus' : `${Math.abs(n.depth)} ${Math.abs(n.depth) === 1 ? 'hop' : 'hops'} ${n.depth < 0 ? 'upstream' : 'downstream'}`;
  const parts = [`${typeLabel} ${n.name}`, where];
  if (n.columns.length) parts.push(`${n.columns.length} columns`);
  if (n.stale) parts.push('stale');
  if (n.hiddenUpstream) parts.push(`${n.hiddenUpstream} more upstream`);
  if (n.hiddenDownstream) parts.push(`${n.hiddenDownstream} more downstream`);
  return parts.join(', ');
}
