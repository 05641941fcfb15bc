// The lineage graph webview: wires the toolbar, the drawing stage and the layout worker to the
// extension's messages (webviewProtocol.ts). The extension fetches graph data; this page lays it
// out off the UI thread, draws it, and keeps its controls in setState so a reload restores them.
import type { GraphData, GraphNode } from '../../src/protocol/lineageProtocol';
import type { FromGraphView, GraphViewState, ToGraphView } from '../../src/protocol/webviewProtocol';
import { directionFor, ELK_MAX_NODES, layoutInput } from './layout';
import type { LayoutResult } from './layout';
import { LayoutClient } from './layoutClient';
import type { LayoutAnswer } from './layoutClient';
import { buildScene } from './scene';
import { searchNodes } from './search';
import { GraphStage } from './stage';
import { GRAPH_CSS } from './styles';
import { installStyles } from '../common/styles';
import { ThemeColors } from './themeColors';
import { Toolbar } from './toolbar';
import { queryOf, refocus, sameQuery, sanitizeState, selectColumn, toggleExpanded, toggleType, withDepth } from './viewState';

declare function acquireVsCodeApi(): { postMessage(message: FromGraphView): void; getState(): unknown; setState(state: unknown): void };

/** How long a small graph's quick layout waits for ELK's before it is shown anyway. */
const ELK_GRACE_MS = 200;

const vscode = acquireVsCodeApi();
const post = (m: FromGraphView) => vscode.postMessage(m);
installStyles(GRAPH_CSS);
const app = document.getElementById('app')!;
const workers = parseWorkers(app.dataset.workers);
const layouts = new LayoutClient(workers['graphLayout.js']);

let state: GraphViewState | undefined = sanitizeState(vscode.getState());
let data: GraphData | undefined;
let laidOut: LayoutResult | undefined;
let generation = 0;

const toolbar = new Toolbar(app, {
  search: (text) => state && change({ ...state, search: text }),
  searchEnter: () => {
    const first = state && data && laidOut ? searchNodes(data.nodes, state.search).ids[0] : undefined;
    if (first) stage.focusNode(first);
  },
  depth: (dir, delta) => state && change(withDepth(state, dir, delta)),
  fit: () => stage.fit(),
  collapseColumns: () => state && change({ ...state, expanded: [], selectedColumn: undefined }),
  exportAs: (format) => void exportAs(format),
  toggleType: (type) => state && change(toggleType(state, type)),
});
const stage = new GraphStage(
  app,
  {
    openNode: (n) => open(n),
    clickColumn: (n, column) => {
      if (!state) return;
      const next = selectColumn(state, n.id, column);
      change(next);
      const c = n.columns.find((x) => x.name === column);
      // Opening keeps the keyboard here, so the user can go on exploring the lineage.
      if (next.selectedColumn && n.uri && c?.line !== undefined) post({ type: 'graph/open', target: { uri: n.uri, line: c.line, character: c.character }, preserveFocus: true });
    },
    toggleExpanded: (id) => state && change(toggleExpanded(state, id)),
    refocus: (id) => state && change(refocus(state, id)),
    clearSelection: () => state && change({ ...state, selectedColumn: undefined }),
  },
  new ThemeColors(),
);
stage.message('Loading the lineage graph…');

window.addEventListener('message', (e: MessageEvent<ToGraphView>) => {
  const m = e.data;
  if (m.type === 'graph/data') showData(m.data, m.state);
  else if (m.type === 'graph/empty') {
    data = undefined;
    laidOut = undefined;
    generation++;
    stage.message(m.message);
    toolbar.status('');
    post({ type: 'graph/rendered', focus: '', nodeIds: [], ms: 0, detail: { layout: 'quick', renderer: stage.mode, layoutMs: 0, edges: 0, expanded: [], highlighted: [], matches: [] } });
  } else if (m.type === 'graph/exported') toolbar.status(m.path ? `Saved ${m.path}` : `Export failed: ${m.error ?? 'cancelled'}`, !m.path);
});

// VS Code switches themes by rewriting the variables on <html> and the classes on <body>.
const themeWatch = new MutationObserver(() => stage.themeChanged());
themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class'] });

// Turning the view from tall to wide (moving it to the panel, resizing) turns the flow with it.
new ResizeObserver(() => {
  const { width, height } = stage.element.getBoundingClientRect();
  if (laidOut && width && height && directionFor(width, height) !== laidOut.direction) relayout(true, performance.now());
}).observe(stage.element);

post({ type: 'graph/ready', state });

function showData(next: GraphData, nextState: GraphViewState): void {
  const received = performance.now();
  // A refresh after re-indexing answers the question already on screen: keep the columns the
  // user expanded and the zoom, unless the set of nodes changed.
  const same = !!state && sameQuery(state, nextState) && !!data && data.focus === next.focus && sameIds(data, next);
  data = next;
  state = state && sameQuery(state, nextState) ? state : { ...nextState, search: state?.search ?? nextState.search };
  vscode.setState(state);
  toolbar.update(state, presentTypes(next));
  if (!next.nodes.length) {
    stage.message('Nothing to draw: every asset around this one is filtered out.');
    return;
  }
  relayout(!same, received);
}

/** The asset types in the graph, for the toolbar's type filter. */
function presentTypes(d: GraphData): string[] {
  return [...new Set(d.nodes.map((n) => n.asset_type))];
}

function sameIds(a: GraphData, b: GraphData): boolean {
  return a.nodes.length === b.nodes.length && a.nodes.every((n, i) => n.id === b.nodes[i].id);
}

/** Applies a change of the controls: a new question for the server, a new layout, or a redraw. */
function change(next: GraphViewState): void {
  const before = state;
  state = next;
  vscode.setState(state);
  toolbar.update(state, data ? presentTypes(data) : []);
  if (!before || !sameQuery(before, next)) {
    toolbar.status('Loading…');
    post({ type: 'graph/query', query: queryOf(next), state: next });
  } else if (JSON.stringify(before.expanded) !== JSON.stringify(next.expanded)) relayout(false, performance.now());
  else if (data && laidOut) draw(laidOut, false, performance.now(), 0);
}

function relayout(fit: boolean, started: number): void {
  if (!data || !state) return;
  const gen = ++generation;
  const graph = data;
  const size = stage.element.getBoundingClientRect();
  const input = layoutInput(graph, new Set(state.expanded), directionFor(size.width, size.height));
  const waitsForElk = input.nodes.length <= ELK_MAX_NODES;
  let shown = false;
  let grace: ReturnType<typeof setTimeout> | undefined;
  const paint = (a: LayoutAnswer, refit: boolean) => {
    shown = true;
    draw(a.result, refit, started, a.ms);
  };
  void layouts.layout(
    input,
    (a) => {
      if (gen !== generation) return;
      if (a.result.engine === 'elk') {
        clearTimeout(grace);
        // A new graph is framed again on ELK's layout; an expand keeps the user's zoom.
        return paint(a, fit);
      }
      if (!waitsForElk || layouts.problem) return paint(a, fit);
      grace = setTimeout(() => gen === generation && !shown && paint(a, fit), ELK_GRACE_MS);
    },
    (message) => gen === generation && stage.message(`The graph could not be laid out: ${message}`),
  );
}

function draw(result: LayoutResult, fit: boolean, started: number, layoutMs: number): void {
  if (!data || !state) return;
  laidOut = result;
  const scene = buildScene(data, result, state);
  stage.render(scene, fit);
  const hidden = data.nodes.reduce((s, n) => s + n.hiddenUpstream + n.hiddenDownstream, 0);
  const focus = scene.byId.get(data.focus)?.name ?? data.focus;
  const parts = [focus, `${data.nodes.length} assets`, `${data.edges.length} edges`];
  if (hidden) parts.push(`${hidden} more behind +N`);
  if (data.truncated) parts.push('node budget reached');
  if (stage.mode === 'canvas') parts.push('large graph: canvas, no column rows');
  if (layouts.problem) parts.push(layouts.problem);
  toolbar.status(parts.join(' · '), !!layouts.problem);
  // Reported after the browser has painted: that is what "first paint" means in the benchmark.
  const graph = data;
  requestAnimationFrame(() =>
    setTimeout(() =>
      post({
        type: 'graph/rendered',
        focus: graph.focus,
        nodeIds: graph.nodes.map((n) => n.id),
        ms: performance.now() - started,
        detail: {
          layout: result.engine,
          renderer: stage.mode,
          layoutMs,
          edges: graph.edges.length,
          expanded: [...scene.expanded],
          highlighted: [...(scene.highlight?.columns ?? [])],
          matches: [...scene.matches],
        },
      }),
    ),
  );
}

function open(n: GraphNode): void {
  if (!n.uri) return toolbar.status(`${n.name} is not defined in a workspace file`, true);
  post({ type: 'graph/open', target: { uri: n.uri, line: n.line, character: n.character } });
}

async function exportAs(format: 'svg' | 'png'): Promise<void> {
  try {
    toolbar.status(`Exporting ${format.toUpperCase()}…`);
    post({ type: 'graph/export', format, data: await stage.exportAs(format) });
  } catch (e) {
    toolbar.status(`Export failed: ${e instanceof Error ? e.message : String(e)}`, true);
  }
}

function parseWorkers(text: string | undefined): Record<string, string> {
  try {
    const v: unknown = JSON.parse(text ?? '{}');
    return v && typeof v === 'object' ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}
