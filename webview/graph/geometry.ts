// Where things attach on a laid-out node: edge ends at the header's sides, column rows below it.
import type { GraphNode } from '../../src/protocol/lineageProtocol';
import type { Box, Point } from './layout';
import { HEADER_HEIGHT, MAX_COLUMN_ROWS, ROW_HEIGHT } from './layout';

/** The row a column is drawn in (columns past the cap share the "+K more" row). */
export function columnRow(node: GraphNode, column: string): number {
  const lower = column.toLowerCase();
  const i = node.columns.findIndex((c) => c.name.toLowerCase() === lower);
  return i < 0 || i >= MAX_COLUMN_ROWS ? Math.min(node.columns.length, MAX_COLUMN_ROWS) : i;
}

export function rowTop(row: number): number {
  return HEADER_HEIGHT + 3 + row * ROW_HEIGHT;
}

/** Where an edge leaves (`side` right) or enters (left) a node, at a column row or the header. */
export function anchor(box: Box, side: 'left' | 'right', row?: number): Point {
  const x = side === 'right' ? box.x + box.width : box.x;
  return { x, y: box.y + (row === undefined ? HEADER_HEIGHT / 2 : rowTop(row) + ROW_HEIGHT / 2) };
}

/** A left-to-right S curve between two anchors (a backwards edge loops round). */
export function curve(a: Point, b: Point): string {
  const dx = Math.max(40, Math.abs(b.x - a.x) / 2);
  return `M${a.x},${a.y} C${a.x + dx},${a.y} ${b.x - dx},${b.y} ${b.x},${b.y}`;
}
