// Draws a Scene as SVG with d3: nodes with their type icon and colour, edges, "+N" markers,
// expanded nodes' columns and column edges. Every name from the data goes in with `.text()` or
// an attribute — never as markup — so a model named `<img src=x onerror=…>` is just text.
import * as d3 from 'd3';
import type { GraphNode } from '../../src/protocol/lineageProtocol';
import { GLYPH, typeStyle } from './assetTypes';
import { columnEnds, columnRow, link, moreMarker, rowTop, tableEnds } from './geometry';
import type { Box } from './layout';
import { edgeKey, HEADER_HEIGHT, MAX_COLUMN_ROWS, NODE_WIDTH, ROW_HEIGHT } from './layout';
import type { FlowDirection } from './layout';
import type { Scene } from './scene';
import { nodeLabel } from './scene';
import { fitLabel } from '../common/text';
import { columnKey } from './viewState';

export interface SceneEvents {
  openNode(node: GraphNode): void;
  clickColumn(node: GraphNode, column: string): void;
  toggleExpanded(id: string): void;
  refocus(id: string): void;
  /** A node got focus by mouse or keyboard (keeps the roving tab stop in step). */
  focused(id: string): void;
}

const NAME_CHARS = 23;

export function drawSvgScene(root: d3.Selection<SVGGElement, unknown, null, undefined>, scene: Scene, events: SceneEvents, tabStop: string | undefined): void {
  root.selectAll('*').remove();
  const defs = root.append('defs');
  defs
    .append('marker')
    .attr('id', 'dl-arrow')
    .attr('viewBox', '0 0 10 10')
    .attr('refX', 9)
    .attr('refY', 5)
    .attr('markerWidth', 7)
    .attr('markerHeight', 7)
    .attr('orient', 'auto-start-reverse')
    .append('path')
    .attr('class', 'arrow')
    .attr('d', 'M0,0 L10,5 L0,10 z');
  drawEdges(root.append('g').attr('class', 'edges'), scene);
  drawColumnEdges(root.append('g').attr('class', 'col-edges'), scene);
  const nodes = root.append('g').attr('class', 'nodes');
  for (const n of scene.data.nodes) {
    const box = scene.layout.nodes[n.id];
    if (box) drawNode(nodes, n, box, scene, events, n.id === tabStop);
  }
}

function drawEdges(g: d3.Selection<SVGGElement, unknown, null, undefined>, scene: Scene): void {
  const line = d3.line<{ x: number; y: number }>().x((p) => p.x).y((p) => p.y).curve(d3.curveBasis);
  const hl = scene.highlight;
  for (const e of scene.data.edges) {
    const a = scene.layout.nodes[e.from];
    const b = scene.layout.nodes[e.to];
    if (!a || !b) continue;
    const route = scene.layout.routes[edgeKey(e.from, e.to)];
    // ELK's routes avoid nodes, but end mid-height: with expanded nodes, header anchors read better.
    const plain = !route || scene.expanded.has(e.from) || scene.expanded.has(e.to);
    const near = e.from === scene.data.focus || e.to === scene.data.focus;
    const dim = (hl && !(hl.nodes.has(e.from) && hl.nodes.has(e.to))) || (scene.searching && !scene.matches.has(e.from) && !scene.matches.has(e.to));
    g.append('path')
      .attr('class', `edge${e.confidence === 'inferred' ? ' inferred' : ''}${near ? ' near' : ''}${dim ? ' dim' : ''}`)
      .attr('d', plain ? link(...tableEnds(a, b, scene.layout.direction)) : (line(route) ?? ''))
      .attr('marker-end', 'url(#dl-arrow)');
  }
}

function drawColumnEdges(g: d3.Selection<SVGGElement, unknown, null, undefined>, scene: Scene): void {
  const hl = scene.highlight;
  (scene.data.columnEdges ?? []).forEach((e, i) => {
    // Column edges are drawn where at least one end shows its columns; otherwise the table
    // edge already says it.
    const lit = hl?.edges.has(i) ?? false;
    if (!lit && !scene.expanded.has(e.from) && !scene.expanded.has(e.to)) return;
    const from = scene.byId.get(e.from);
    const to = scene.byId.get(e.to);
    const a = scene.layout.nodes[e.from];
    const b = scene.layout.nodes[e.to];
    if (!from || !to || !a || !b) return;
    const fromRow = scene.expanded.has(e.from) ? columnRow(from, e.fromColumn) : undefined;
    const toRow = scene.expanded.has(e.to) && e.toColumn !== undefined ? columnRow(to, e.toColumn) : undefined;
    g.append('path')
      .attr('class', `col-edge${e.toColumn === undefined ? ' read' : ''}${lit ? ' lit' : hl ? ' dim' : ''}`)
      .attr('d', link(...columnEnds(a, fromRow, b, toRow, scene.layout.direction)))
      .append('title')
      .text(`${from.name}.${e.fromColumn} → ${to.name}${e.toColumn ? `.${e.toColumn}` : ''} (${e.usage}${e.confidence === 'inferred' ? ', inferred' : ''})`);
  });
}

function drawNode(parent: d3.Selection<SVGGElement, unknown, null, undefined>, n: GraphNode, box: Box, scene: Scene, events: SceneEvents, tabStop: boolean): void {
  const style = typeStyle(n.asset_type);
  const expanded = scene.expanded.has(n.id);
  const dim = (scene.highlight && !scene.highlight.nodes.has(n.id)) || (scene.searching && !scene.matches.has(n.id));
  const classes = ['node', n.depth === 0 && 'focus', n.stale && 'stale', dim && 'dim', scene.searching && scene.matches.has(n.id) && 'match'].filter(Boolean).join(' ');
  const g = parent
    .append('g')
    .attr('class', classes)
    .attr('transform', `translate(${box.x},${box.y})`)
    .attr('data-asset-id', n.id)
    .attr('tabindex', tabStop ? 0 : -1)
    .attr('role', 'button')
    .attr('aria-label', nodeLabel(n, style.label))
    .on('click', (ev: MouseEvent) => {
      ev.stopPropagation();
      events.focused(n.id);
      events.openNode(n);
    })
    .on('focus', () => events.focused(n.id));
  g.append('title').text(`${n.name} (${style.label})${n.stale ? ' — stale' : ''}\n${n.id}`);
  g.append('rect').attr('class', 'node-box').attr('width', box.width).attr('height', box.height).attr('rx', 4);
  g.append('rect').attr('width', 4).attr('height', HEADER_HEIGHT).attr('rx', 2).style('fill', style.color);
  g.append('text').attr('class', 'node-icon').attr('x', 12).attr('y', 23).style('fill', style.color).text(style.glyph);
  g.append('text').attr('class', 'node-name').attr('x', 34).attr('y', 15).text(fitLabel(n.name, NAME_CHARS));
  g.append('text').attr('class', 'node-type').attr('x', 34).attr('y', 28).text(n.stale ? `${style.label} · stale` : style.label);
  if (n.stale) g.append('text').attr('class', 'stale-mark').attr('x', NODE_WIDTH - (n.columns.length ? 40 : 22)).attr('y', 23).text(GLYPH.warning);
  if (n.columns.length) drawExpander(g, n, expanded, events);
  if (n.hiddenUpstream) drawMore(g, n, 'up', box, scene.layout.direction, events);
  if (n.hiddenDownstream) drawMore(g, n, 'down', box, scene.layout.direction, events);
  if (expanded) drawColumns(g, n, box, scene, events);
}

function drawExpander(g: d3.Selection<SVGGElement, unknown, null, undefined>, n: GraphNode, expanded: boolean, events: SceneEvents): void {
  const x = NODE_WIDTH - 22;
  const btn = g
    .append('g')
    .attr('class', 'expander-group')
    .attr('role', 'button')
    .attr('aria-label', `${expanded ? 'Hide' : 'Show'} the ${n.columns.length} columns of ${n.name}`)
    .attr('aria-expanded', String(expanded))
    .attr('data-expand', n.id)
    .on('click', (ev: MouseEvent) => {
      ev.stopPropagation();
      events.toggleExpanded(n.id);
    });
  btn.append('rect').attr('class', 'expander-hit').attr('x', x - 3).attr('y', 7).attr('width', 20).attr('height', 20).attr('rx', 3);
  btn.append('text').attr('class', 'expander').attr('x', x).attr('y', 23).text(expanded ? GLYPH.chevronDown : GLYPH.chevronRight);
  btn.append('title').text(`${expanded ? 'Hide' : 'Show'} columns (${n.columns.length})`);
}

function drawMore(g: d3.Selection<SVGGElement, unknown, null, undefined>, n: GraphNode, dir: 'up' | 'down', box: Box, flow: FlowDirection, events: SceneEvents): void {
  const count = dir === 'up' ? n.hiddenUpstream : n.hiddenDownstream;
  const at = moreMarker(count, dir, box, flow);
  const m = g
    .append('g')
    .attr('class', `more more-${dir}`)
    .attr('role', 'button')
    .attr('aria-label', `${count} more ${dir === 'up' ? 'upstream' : 'downstream'} of ${n.name}: centre the graph on it`)
    .attr('data-more', `${n.id}::${dir}`)
    .attr('transform', `translate(${at.x},${at.y})`)
    .on('click', (ev: MouseEvent) => {
      ev.stopPropagation();
      events.refocus(n.id);
    });
  m.append('rect').attr('width', at.width).attr('height', at.height).attr('rx', 8);
  m.append('text').attr('x', at.width / 2).attr('y', 12).attr('text-anchor', 'middle').text(at.text);
  m.append('title').text(`${count} more ${dir === 'up' ? 'upstream' : 'downstream'} — click to centre the graph on ${n.name}`);
}

function drawColumns(g: d3.Selection<SVGGElement, unknown, null, undefined>, n: GraphNode, box: Box, scene: Scene, events: SceneEvents): void {
  g.append('line').attr('class', 'col-sep').attr('x1', 0).attr('x2', box.width).attr('y1', HEADER_HEIGHT).attr('y2', HEADER_HEIGHT);
  const shown = n.columns.slice(0, MAX_COLUMN_ROWS);
  shown.forEach((c, i) => {
    const key = columnKey(n.id, c.name);
    const cls = ['col', scene.selectedColumn === key && 'selected', scene.highlight?.columns.has(key) && 'lit', scene.matchedColumns.has(key) && 'match'].filter(Boolean).join(' ');
    const row = g
      .append('g')
      .attr('class', cls)
      .attr('transform', `translate(0,${rowTop(i)})`)
      .attr('data-column', c.name)
      .attr('role', 'button')
      .attr('aria-label', `column ${c.name}${c.type ? ` ${c.type}` : ''} of ${n.name}: highlight its lineage`)
      .on('click', (ev: MouseEvent) => {
        ev.stopPropagation();
        events.clickColumn(n, c.name);
      });
    row.append('rect').attr('x', 1).attr('width', box.width - 2).attr('height', ROW_HEIGHT);
    row.append('text').attr('x', 12).attr('y', 14).text(fitLabel(c.name, c.type ? 20 : 30));
    if (c.type) row.append('text').attr('class', 'col-type').attr('x', box.width - 8).attr('y', 14).attr('text-anchor', 'end').text(fitLabel(c.type, 12));
    row.append('title').text(`${c.name}${c.type ? `: ${c.type}` : ''}`);
  });
  if (n.columns.length > MAX_COLUMN_ROWS) {
    g.append('text').attr('class', 'node-type').attr('x', 12).attr('y', rowTop(MAX_COLUMN_ROWS) + 14).text(`+${n.columns.length - MAX_COLUMN_ROWS} more columns`);
  }
}
