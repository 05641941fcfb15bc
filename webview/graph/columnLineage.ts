// Column mode: the full lineage of one column through the drawn graph, both ways. Upstream
// follows the columns that flow into it (and from there further up); downstream follows where it
// flows, and marks the assets that only read it (filters, joins) without going past them, since
// nothing flows on from a read.
import type { ColumnEdge } from '../../src/protocol/lineageProtocol';
import { columnKey } from './viewState';

export interface ColumnHighlight {
  /** Every column on the lineage, as `${nodeId}::${column}` (the selected one included). */
  columns: Set<string>;
  /** Indices into the column edges that are on the lineage. */
  edges: Set<number>;
  /** Nodes that hold a highlighted column or read one. */
  nodes: Set<string>;
}

export function columnClosure(edges: readonly ColumnEdge[], nodeId: string, column: string): ColumnHighlight {
  const lower = (n: string, c: string) => columnKey(n, c.toLowerCase());
  const into = new Map<string, number[]>();
  const outOf = new Map<string, number[]>();
  edges.forEach((e, i) => {
    if (e.toColumn !== undefined) push(into, lower(e.to, e.toColumn), i);
    push(outOf, lower(e.from, e.fromColumn), i);
  });
  const out: ColumnHighlight = { columns: new Set([columnKey(nodeId, column)]), edges: new Set(), nodes: new Set([nodeId]) };
  const walk = (start: string, step: (key: string) => { edge: number; next?: [string, string] }[]) => {
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length) {
      for (const { edge, next } of step(queue.shift()!)) {
        out.edges.add(edge);
        const e = edges[edge];
        out.nodes.add(e.from).add(e.to);
        if (!next) continue;
        out.columns.add(columnKey(next[0], next[1]));
        const key = lower(next[0], next[1]);
        if (!seen.has(key)) {
          seen.add(key);
          queue.push(key);
        }
      }
    }
  };
  const start = lower(nodeId, column);
  walk(start, (key) => (into.get(key) ?? []).map((i) => ({ edge: i, next: [edges[i].from, edges[i].fromColumn] })));
  walk(start, (key) =>
    (outOf.get(key) ?? []).map((i) => {
      const e = edges[i];
      return e.toColumn === undefined ? { edge: i } : { edge: i, next: [e.to, e.toColumn] as [string, string] };
    }),
  );
  return out;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
