// Exact positions of column names in a file. node-sql-parser gives no positions for bare column
// references, so the positions come from our own token scan of the original file (Jinja blocks,
// strings and comments skipped); one scan per file serves every lookup.
import type { Location } from '../model';
import { lineColumnAt, tokenizeSql } from '../sql/tokenizer';

export class IdentifierIndex {
  private readonly byName = new Map<string, { offset: number; line: number; column: number }[]>();

  /**
   * `range` limits the scan to SQL embedded in another file (a string in a DAG or Spark job):
   * the host language's quotes would otherwise swallow the SQL's words as quoted names.
   */
  constructor(readonly path: string, text: string, range?: { start: number; end: number }) {
    const base = range ? lineColumnAt(text, range.start) : { line: 1, column: 1 };
    const start = range?.start ?? 0;
    for (const t of tokenizeSql(range ? text.slice(range.start, range.end) : text)) {
      if (t.kind !== 'word' && t.kind !== 'quoted') continue;
      const key = t.value.toLowerCase();
      const list = this.byName.get(key);
      const line = base.line + t.line - 1;
      const column = t.line === 1 ? base.column + t.column - 1 : t.column;
      const pos = { offset: start + t.start, line, column };
      if (list) list.push(pos);
      else this.byName.set(key, [pos]);
    }
  }

  private readonly found = new Map<string, Location[]>();

  /**
   * Where `name` is written, optionally only inside [from, to). The same answer is shared by
   * every reference that asks (callers never modify it): a model mentions a column many times.
   */
  find(name: string, from = 0, to = Number.MAX_SAFE_INTEGER): Location[] {
    const key = `${name.toLowerCase()}\u0001${from}\u0001${to}`;
    let hit = this.found.get(key);
    if (!hit) {
      const list = this.byName.get(name.toLowerCase()) ?? [];
      hit = list.filter((p) => p.offset >= from && p.offset < to).map((p) => ({ path: this.path, line: p.line, column: p.column }));
      this.found.set(key, hit);
    }
    return hit;
  }
}

/**
 * A line of rendered SQL mapped to the template line it came from. Rendering keeps most lines as
 * written, so the nearest template line with the same text is the source; otherwise the line
 * number is kept, clamped to the template.
 */
export function mapRenderedLine(rendered: string, original: string, line: number): number {
  const renderedLines = rendered.split('\n');
  const target = (renderedLines[line - 1] ?? '').trim();
  const originalLines = original.split('\n');
  if (target) {
    let best = -1;
    originalLines.forEach((l, i) => {
      if (l.trim() === target && (best < 0 || Math.abs(i + 1 - line) < Math.abs(best - line))) best = i + 1;
    });
    if (best > 0) return best;
  }
  return Math.max(1, Math.min(line, originalLines.length));
}
