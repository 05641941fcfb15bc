// Keyboard navigation between nodes: one tab stop in the graph (roving tabindex), arrows move to
// the nearest node in that direction, Enter opens, Space shows or hides columns, F centres the
// graph on the node, Escape clears a column highlight. The geometry is pure (tested in node).
import type { Box } from './layout';

export type Direction = 'left' | 'right' | 'up' | 'down';

const KEYS: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

export function arrowDirection(key: string): Direction | undefined {
  return KEYS[key];
}

/**
 * The node to move to from `current`: among the nodes whose centre lies in that direction, the
 * one nearest along it, with sideways distance counting double (so Right stays in the row).
 */
export function nextInDirection(boxes: Record<string, Box>, current: string, dir: Direction): string | undefined {
  const from = boxes[current];
  if (!from) return undefined;
  const cx = from.x + from.width / 2;
  const cy = from.y + from.height / 2;
  let best: string | undefined;
  let bestScore = Infinity;
  for (const [id, b] of Object.entries(boxes)) {
    if (id === current) continue;
    const dx = b.x + b.width / 2 - cx;
    const dy = b.y + b.height / 2 - cy;
    const along = dir === 'left' ? -dx : dir === 'right' ? dx : dir === 'up' ? -dy : dy;
    const across = dir === 'left' || dir === 'right' ? Math.abs(dy) : Math.abs(dx);
    if (along <= 1) continue;
    const score = along + 2 * across;
    if (score < bestScore) {
      bestScore = score;
      best = id;
    }
  }
  return best;
}

export interface KeyActions {
  move(dir: Direction): void;
  open(): void;
  toggleColumns(): void;
  refocus(): void;
  clear(): void;
}

/** Handles a key on the graph; true when it was one of ours (the caller prevents the default). */
export function handleGraphKey(key: string, actions: KeyActions): boolean {
  const dir = arrowDirection(key);
  if (dir) actions.move(dir);
  else if (key === 'Enter') actions.open();
  else if (key === ' ') actions.toggleColumns();
  else if (key === 'f' || key === 'F') actions.refocus();
  else if (key === 'Escape') actions.clear();
  else return false;
  return true;
}
