// Where things attach on a laid-out node: table edges at the header (its sides when the graph
// flows left to right, top and bottom when it flows down), column edges at the sides of column
// rows, facing the other end.
import type { GraphNode } from '../../src/protocol/lineageProtocol';
import type { Box, FlowDirection, Point } from './layout';
import { HEADER_HEIGHT, MAX_COLUMN_ROWS, ROW_HEIGHT } from './layout';

export type Side = 'left' | 'right' | 'top' | 'bottom';
export interface End {
  at: Point;
  side: Side;
}

/** The row a column is drawn in (columns past the cap share the "+K more" row). */
export function columnRow(node: GraphNode, column: string): number {
  const lower = column.toLowerCase();
  const i = node.columns.findIndex((c) => c.name.toLowerCase() === lower);
  return i < 0 || i >= MAX_COLUMN_ROWS ? Math.min(node.columns.length, MAX_COLUMN_ROWS) : i;
}

export function rowTop(row: number): number {
  return HEADER_HEIGHT + 3 + row * ROW_HEIGHT;
}

/** A point on a node's side: at a column row's middle, or at the header's middle. */
export function port(box: Box, side: Side, row?: number): Point {
  if (side === 'top') return { x: box.x + box.width / 2, y: box.y };
  if (side === 'bottom') return { x: box.x + box.width / 2, y: box.y + box.height };
  const y = box.y + (row === undefined ? HEADER_HEIGHT / 2 : rowTop(row) + ROW_HEIGHT / 2);
  return { x: side === 'right' ? box.x + box.width : box.x, y };
}

/** The ends of a table edge from `a` to `b`. */
export function tableEnds(a: Box, b: Box, direction: FlowDirection): [End, End] {
  return direction === 'RIGHT'
    ? [{ at: port(a, 'right'), side: 'right' }, { at: port(b, 'left'), side: 'left' }]
    : [{ at: port(a, 'bottom'), side: 'bottom' }, { at: port(b, 'top'), side: 'top' }];
}

/** The ends of a column edge; a row is undefined where that node's columns are not shown. */
export function columnEnds(a: Box, rowA: number | undefined, b: Box, rowB: number | undefined, direction: FlowDirection): [End, End] {
  const [ta, tb] = tableEnds(a, b, direction);
  if (direction === 'RIGHT') {
    return [rowA === undefined ? ta : { at: port(a, 'right', rowA), side: 'right' }, rowB === undefined ? tb : { at: port(b, 'left', rowB), side: 'left' }];
  }
  // Flowing down, a row connects on the side facing the other node (the right one when aligned).
  const ax = a.x + a.width / 2;
  const bx = b.x + b.width / 2;
  const sideA: Side = bx < ax - 1 ? 'left' : 'right';
  const sideB: Side = ax < bx - 1 ? 'left' : 'right';
  return [rowA === undefined ? ta : { at: port(a, sideA, rowA), side: sideA }, rowB === undefined ? tb : { at: port(b, sideB, rowB), side: sideB }];
}

const OUT: Record<Side, Point> = { left: { x: -1, y: 0 }, right: { x: 1, y: 0 }, top: { x: 0, y: -1 }, bottom: { x: 0, y: 1 } };

/** A cubic curve leaving `a` and entering `b` perpendicular to their sides. */
export function link(a: End, b: End): string {
  const [c1, c2] = linkControls(a, b);
  return `M${a.at.x},${a.at.y} C${c1.x},${c1.y} ${c2.x},${c2.y} ${b.at.x},${b.at.y}`;
}

/** Controls of the same curve, for the canvas (which draws with bezierCurveTo). */
export function linkControls(a: End, b: End): [Point, Point] {
  const reach = Math.max(40, Math.hypot(b.at.x - a.at.x, b.at.y - a.at.y) / 2.5);
  return [
    { x: a.at.x + OUT[a.side].x * reach, y: a.at.y + OUT[a.side].y * reach },
    { x: b.at.x + OUT[b.side].x * reach, y: b.at.y + OUT[b.side].y * reach },
  ];
}

/**
 * A "+N" marker (N hidden neighbours), relative to its node: beside the header on the side its
 * hidden neighbours are (left/right flow), or above and below the node (downward flow).
 */
export function moreMarker(count: number, dir: 'up' | 'down', box: { width: number; height: number }, flow: FlowDirection): { x: number; y: number; width: number; height: number; text: string } {
  const text = `+${count}`;
  const width = 10 + text.length * 6.5;
  const at = flow === 'RIGHT' ? { x: dir === 'up' ? -6 - width : box.width + 6, y: HEADER_HEIGHT / 2 - 8 } : { x: box.width / 2 - width / 2, y: dir === 'up' ? -20 : box.height + 4 };
  return { ...at, width, height: 16, text };
}
