// The blast radius drawn with d3: the layered graph from blastRadius.ts, left to right when the
// panel is wide enough and top to bottom otherwise, nodes outlined by severity. Labels go
// through d3's .text() (a Text node), never .html().
// d3 is the declared dependency; its ES module re-exports let the bundler keep only these.
import { linkHorizontal, linkVertical, select } from 'd3';
import type { ImpactReport } from '../../src/core/impact/impactAnalysis';
import type { ImpactLocation } from '../../src/protocol/webviewProtocol';
import { NODE, blastRadius, orientationFor, placeNodes } from './blastRadius';
import type { BlastNode, Orientation } from './blastRadius';
import { fitLabel } from '../common/text';

type Point = [number, number];

export function graphOrientation(report: ImpactReport & { changed_assets?: string[] }, availableWidth: number): Orientation {
  return orientationFor(blastRadius(report), availableWidth);
}

/** The graph, laid out for `availableWidth` (see orientationFor). */
export function blastRadiusGraph(report: ImpactReport & { changed_assets?: string[] }, open: (l: ImpactLocation) => void, availableWidth: number): HTMLElement {
  const g = blastRadius(report);
  const o = orientationFor(g, availableWidth);
  const { width, height, at } = placeNodes(g, o);
  const pos = (n: BlastNode) => at.get(n.name) ?? { x: 0, y: 0 };
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  const container = document.createElement('div');
  container.className = `graph ${o}`;

  const svg = select(container).append('svg').attr('width', width).attr('height', height).attr('role', 'img').attr('aria-label', 'Blast radius of the change');
  svg
    .append('defs')
    .append('marker')
    .attr('id', 'arrow')
    .attr('viewBox', '0 0 10 10')
    .attr('refX', 9)
    .attr('refY', 5)
    .attr('markerWidth', 7)
    .attr('markerHeight', 7)
    .attr('orient', 'auto')
    .append('path')
    .attr('class', 'arrow')
    .attr('d', 'M0,0 L10,5 L0,10 z');

  // From the middle of the source's outgoing side to the middle of the target's incoming side.
  const ends = (from: BlastNode, to: BlastNode): { source: Point; target: Point } => {
    const a = pos(from);
    const b = pos(to);
    return o === 'lr'
      ? { source: [a.x + NODE.width, a.y + NODE.height / 2], target: [b.x - 1, b.y + NODE.height / 2] }
      : { source: [a.x + NODE.width / 2, a.y + NODE.height], target: [b.x + NODE.width / 2, b.y - 1] };
  };
  const link = o === 'lr' ? linkHorizontal<{ source: Point; target: Point }, Point>() : linkVertical<{ source: Point; target: Point }, Point>();
  const edges = g.edges
    .map((e) => ({ from: byName.get(e.from), to: byName.get(e.to) }))
    .filter((e): e is { from: BlastNode; to: BlastNode } => !!e.from && !!e.to);
  svg
    .append('g')
    .selectAll('path')
    .data(edges)
    .join('path')
    .attr('class', 'edge')
    .attr('marker-end', 'url(#arrow)')
    .attr('d', (e) => link(ends(e.from, e.to)));

  const nodes = svg
    .append('g')
    .selectAll('g')
    .data(g.nodes)
    .join('g')
    .attr('class', (n) => ['node', n.root ? 'root' : n.severity ?? '', n.asset?.locations.length ? 'openable' : ''].filter(Boolean).join(' '))
    .attr('transform', (n) => `translate(${pos(n).x},${pos(n).y})`)
    .attr('data-name', (n) => n.name);
  nodes.append('title').text((n) => `${n.name}${n.asset ? ` (${n.asset.asset_type}, ${n.severity})` : n.root ? ' (changed)' : ''}`);
  nodes.append('rect').attr('width', NODE.width).attr('height', NODE.height).attr('rx', 4);
  nodes.append('text').attr('x', 8).attr('y', 13).text((n) => fitLabel(n.name, 24));
  nodes
    .append('text')
    .attr('class', 'type')
    .attr('x', 8)
    .attr('y', 28)
    .text((n) => (n.root ? 'changed' : n.asset ? `${n.asset.asset_type} · ${n.severity}` : ''));
  nodes
    .filter((n) => !!n.asset?.locations.length)
    .on('click', (_e, n) => open(n.asset!.locations[0]));
  return container;
}
