// The view's controls as plain data (GraphViewState, kept with setState so a reload restores
// them) and the pure transitions the toolbar, the "+N" markers and the type filter make.
import type { GraphQuery } from '../../src/protocol/lineageProtocol';
import type { GraphViewState } from '../../src/protocol/webviewProtocol';

export const MIN_DEPTH = 0;
export const MAX_DEPTH = 10;

export function initialState(focus: string, depth = 2, nodeBudget = 300): GraphViewState {
  return { query: { focus, upstreamDepth: depth, downstreamDepth: depth, nodeBudget, columns: true }, hiddenTypes: [], search: '', expanded: [] };
}

/** The query the state asks for: the type filter is applied by the server (edges bridge it). */
export function queryOf(state: GraphViewState): GraphQuery {
  return { ...state.query, excludeTypes: [...state.hiddenTypes].sort(), columns: true };
}

export function withDepth(state: GraphViewState, direction: 'up' | 'down', delta: number): GraphViewState {
  const key = direction === 'up' ? 'upstreamDepth' : 'downstreamDepth';
  const value = Math.min(MAX_DEPTH, Math.max(MIN_DEPTH, state.query[key] + delta));
  return { ...state, query: { ...state.query, [key]: value } };
}

export function toggleType(state: GraphViewState, type: string): GraphViewState {
  const hidden = state.hiddenTypes.includes(type) ? state.hiddenTypes.filter((t) => t !== type) : [...state.hiddenTypes, type];
  return { ...state, hiddenTypes: hidden.sort() };
}

/**
 * Clicking a "+N" marker centres the view on that node with the same depths, which brings its
 * left-out neighbours in (they are the nearest hops from there). Expanded nodes stay expanded.
 */
export function refocus(state: GraphViewState, nodeId: string): GraphViewState {
  return { ...state, query: { ...state.query, focus: nodeId }, selectedColumn: undefined };
}

export function toggleExpanded(state: GraphViewState, nodeId: string): GraphViewState {
  const expanded = state.expanded.includes(nodeId) ? state.expanded.filter((id) => id !== nodeId) : [...state.expanded, nodeId];
  const selectedColumn = state.selectedColumn && expanded.includes(columnOwner(state.selectedColumn)) ? state.selectedColumn : undefined;
  return { ...state, expanded, selectedColumn };
}

export function selectColumn(state: GraphViewState, nodeId: string, column: string): GraphViewState {
  const key = columnKey(nodeId, column);
  return { ...state, selectedColumn: state.selectedColumn === key ? undefined : key };
}

export function columnKey(nodeId: string, column: string): string {
  return `${nodeId}::${column}`;
}

export function columnOwner(key: string): string {
  return key.slice(0, key.lastIndexOf('::'));
}

export function columnName(key: string): string {
  return key.slice(key.lastIndexOf('::') + 2);
}

/** True when two states ask the server the same question (otherwise the view re-fetches). */
export function sameQuery(a: GraphViewState, b: GraphViewState): boolean {
  return JSON.stringify(queryOf(a)) === JSON.stringify(queryOf(b));
}

/** A state restored from setState may come from an older build: keep only what is well-formed. */
export function sanitizeState(raw: unknown): GraphViewState | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const s = raw as Partial<GraphViewState>;
  const q = s.query;
  if (!q || typeof q.focus !== 'string' || !q.focus) return undefined;
  const depth = (n: unknown, d: number) => (typeof n === 'number' && Number.isFinite(n) ? Math.min(MAX_DEPTH, Math.max(MIN_DEPTH, Math.round(n))) : d);
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    query: { focus: q.focus, upstreamDepth: depth(q.upstreamDepth, 2), downstreamDepth: depth(q.downstreamDepth, 2), nodeBudget: typeof q.nodeBudget === 'number' ? q.nodeBudget : 300, columns: true },
    hiddenTypes: strings(s.hiddenTypes),
    search: typeof s.search === 'string' ? s.search : '',
    expanded: strings(s.expanded),
    ...(typeof s.selectedColumn === 'string' && { selectedColumn: s.selectedColumn }),
  };
}
