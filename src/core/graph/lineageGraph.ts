// The joined graph: table-level edges between assets and column-level references with their
// usage, confidence and positions. Everything a front end shows is a query over this.
import type { ColumnUsage, Confidence, Location } from '../model';
import { FLOW_USAGES } from '../model';

export interface Edge {
  from: string; // upstream asset id
  to: string; // downstream asset id
  confidence: Confidence;
}

/** One asset's use of one upstream column. */
export interface ColumnReference {
  consumer: string; // asset id
  upstream: string; // asset id
  column: string; // the upstream column's name
  usage: ColumnUsage;
  confidence: Confidence;
  /** For flows: the consumer's output column the value goes into. */
  outputColumn?: string;
  locations: Location[];
}

export class LineageGraph {
  private readonly down = new Map<string, Map<string, Edge>>();
  private readonly up = new Map<string, Map<string, Edge>>();
  private readonly all: ColumnReference[] = [];
  /** References taken back but still in `all`: compacted when the whole list is read. */
  private readonly removed = new Set<ColumnReference>();
  private readonly refsByUpstream = new Map<string, ColumnReference[]>();
  private readonly refsByConsumer = new Map<string, ColumnReference[]>();
  /** References by the files their positions are in (the editor asks per open file). */
  private readonly refsByPath = new Map<string, ColumnReference[]>();
  /**
   * Column edges per consumer, counted on demand and forgotten when the consumer's references
   * change: the status bar's total after an in-place update recounts only what changed.
   */
  private readonly flowCounts = new Map<string, number>();
  /**
   * One string per distinct column name and usage. References get theirs from unpacked analyses,
   * each a fresh copy: `customer_id` was held once per reference to it (about 20 MB of
   * duplicate strings at 10,000 models).
   */
  private readonly names = new Map<string, string>();

  /**
   * How many times each edge was added, explicit and inferred, so an in-place update can take
   * back what one file contributed and the edge goes only when nothing else asserts it.
   */
  private readonly counts = new Map<Edge, [number, number]>();

  addEdge(from: string, to: string, confidence: Confidence): void {
    if (from === to) return;
    let edge = this.down.get(from)?.get(to);
    if (!edge) {
      edge = { from, to, confidence };
      mapOf(this.down, from).set(to, edge);
      mapOf(this.up, to).set(from, edge);
      this.counts.set(edge, [0, 0]);
    }
    const n = this.counts.get(edge)!;
    n[confidence === 'explicit' ? 0 : 1]++;
    // An explicit dependency wins over an inferred one between the same two assets.
    edge.confidence = n[0] > 0 ? 'explicit' : 'inferred';
  }

  /** How many times the edge was added, explicit and inferred (an index snapshot keeps them). */
  countsOf(edge: Edge): [number, number] {
    return this.counts.get(edge) ?? [0, 0];
  }

  /**
   * Sets an existing edge's counts as a snapshot recorded them: restoring adds each edge once
   * and each reference's edge again, but an update takes back exactly what the build added.
   */
  setCounts(from: string, to: string, explicit: number, inferred: number): void {
    const edge = this.down.get(from)?.get(to);
    if (!edge) return;
    this.counts.set(edge, [explicit, inferred]);
    edge.confidence = explicit > 0 ? 'explicit' : 'inferred';
  }

  /** Takes back one addEdge(from, to, confidence); the edge goes when no addition is left. */
  removeEdge(from: string, to: string, confidence: Confidence): void {
    if (from === to) return;
    const edge = this.down.get(from)?.get(to);
    const n = edge && this.counts.get(edge);
    if (!edge || !n) return;
    n[confidence === 'explicit' ? 0 : 1]--;
    if (n[0] > 0 || n[1] > 0) {
      edge.confidence = n[0] > 0 ? 'explicit' : 'inferred';
      return;
    }
    this.counts.delete(edge);
    this.down.get(from)!.delete(to);
    this.up.get(to)!.delete(from);
    if (!this.down.get(from)!.size) this.down.delete(from);
    if (!this.up.get(to)!.size) this.up.delete(to);
  }

  /** Takes back references added earlier (each also takes back its edge). */
  removeReferences(refs: ReadonlySet<ColumnReference>): void {
    if (!refs.size) return;
    const upstreams = new Set<string>();
    const consumers = new Set<string>();
    const paths = new Set<string>();
    for (const r of refs) {
      upstreams.add(r.upstream);
      consumers.add(r.consumer);
      this.flowCounts.delete(r.consumer);
      for (const l of r.locations) paths.add(l.path);
      this.removeEdge(r.upstream, r.consumer, r.confidence);
    }
    const refilter = (m: Map<string, ColumnReference[]>, keys: Set<string>) => {
      for (const k of keys) {
        const list = (m.get(k) ?? []).filter((r) => !refs.has(r));
        if (list.length) m.set(k, list);
        else m.delete(k);
      }
    };
    refilter(this.refsByUpstream, upstreams);
    refilter(this.refsByConsumer, consumers);
    refilter(this.refsByPath, paths);
    for (const r of refs) this.removed.add(r);
  }

  /** Every reference, in the order they were added. */
  get references(): ColumnReference[] {
    if (this.removed.size) {
      let w = 0;
      for (const r of this.all) if (!this.removed.has(r)) this.all[w++] = r;
      this.all.length = w;
      this.removed.clear();
    }
    return this.all;
  }

  addReference(ref: ColumnReference): void {
    ref.column = this.name(ref.column);
    ref.usage = this.name(ref.usage) as ColumnUsage;
    if (ref.outputColumn !== undefined) ref.outputColumn = this.name(ref.outputColumn);
    this.all.push(ref);
    listOf(this.refsByUpstream, ref.upstream).push(ref);
    listOf(this.refsByConsumer, ref.consumer).push(ref);
    this.flowCounts.delete(ref.consumer);
    let lastPath: string | undefined;
    for (const l of ref.locations) {
      if (l.path === lastPath) continue; // positions of one reference are mostly in one file
      lastPath = l.path;
      const list = listOf(this.refsByPath, l.path);
      if (list[list.length - 1] !== ref) list.push(ref);
    }
    this.addEdge(ref.upstream, ref.consumer, ref.confidence);
  }

  private name(s: string): string {
    const known = this.names.get(s);
    if (known !== undefined) return known;
    this.names.set(s, s);
    return s;
  }

  downstreamOf(id: string): Edge[] {
    return [...(this.down.get(id)?.values() ?? [])];
  }

  upstreamOf(id: string): Edge[] {
    return [...(this.up.get(id)?.values() ?? [])];
  }

  /** Every reference to a column of `upstreamId` (all columns when `column` is omitted). */
  referencesTo(upstreamId: string, column?: string): ColumnReference[] {
    const list = this.refsByUpstream.get(upstreamId) ?? [];
    if (column === undefined) return list;
    const c = column.toLowerCase();
    return list.filter((r) => r.column.toLowerCase() === c);
  }

  /** References with a position in `path`. */
  referencesIn(path: string): ColumnReference[] {
    return this.refsByPath.get(path) ?? [];
  }

  /** References whose value flows into an output column (projection lineage). */
  flowsInto(consumerId: string): ColumnReference[] {
    return (this.refsByConsumer.get(consumerId) ?? []).filter((r) => FLOW_USAGES.has(r.usage));
  }

  edges(): Edge[] {
    return [...this.down.values()].flatMap((m) => [...m.values()]);
  }

  get edgeCount(): number {
    let n = 0;
    for (const m of this.down.values()) n += m.size;
    return n;
  }

  /** Distinct (upstream column → output column) flows: the column-level edges. */
  get columnEdgeCount(): number {
    let n = 0;
    for (const [consumer, list] of this.refsByConsumer) {
      let c = this.flowCounts.get(consumer);
      if (c === undefined) {
        const seen = new Set<string>();
        for (const r of list) if (r.outputColumn && FLOW_USAGES.has(r.usage)) seen.add(`${r.upstream}|${r.column.toLowerCase()}|${r.outputColumn.toLowerCase()}`);
        this.flowCounts.set(consumer, (c = seen.size));
      }
      n += c;
    }
    return n;
  }

  /** Asset ids in dependency order (upstream first); members of a cycle come last, in any order. */
  topologicalOrder(ids: string[]): { order: string[]; cyclic: string[] } {
    const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
    for (const id of ids) for (const e of this.downstreamOf(id)) if (indegree.has(e.to)) indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
    const queue = ids.filter((id) => indegree.get(id) === 0);
    const order: string[] = [];
    while (queue.length) {
      const id = queue.pop() as string;
      order.push(id);
      for (const e of this.downstreamOf(id)) {
        const d = indegree.get(e.to);
        if (d === undefined) continue;
        indegree.set(e.to, d - 1);
        if (d - 1 === 0) queue.push(e.to);
      }
    }
    const done = new Set(order);
    const cyclic = ids.filter((id) => !done.has(id));
    return { order: [...order, ...cyclic], cyclic };
  }

  /**
   * Groups of assets that depend on each other in a cycle (strongly connected components of two
   * or more, or an asset feeding itself), found with Tarjan's algorithm, iteratively so a long
   * chain cannot overflow the stack.
   */
  cycles(ids: string[]): string[][] {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const out: string[][] = [];
    let counter = 0;
    for (const start of ids) {
      if (index.has(start)) continue;
      const work: { id: string; next: string[] }[] = [];
      const visit = (id: string) => {
        index.set(id, counter);
        low.set(id, counter++);
        stack.push(id);
        onStack.add(id);
        work.push({ id, next: this.downstreamOf(id).map((e) => e.to) });
      };
      visit(start);
      while (work.length) {
        const top = work[work.length - 1];
        const child = top.next.pop();
        if (child !== undefined) {
          if (!index.has(child)) visit(child);
          else if (onStack.has(child)) low.set(top.id, Math.min(low.get(top.id)!, index.get(child)!));
          continue;
        }
        work.pop();
        if (work.length) low.set(work[work.length - 1].id, Math.min(low.get(work[work.length - 1].id)!, low.get(top.id)!));
        if (low.get(top.id) !== index.get(top.id)) continue;
        const scc: string[] = [];
        let m: string;
        do {
          m = stack.pop()!;
          onStack.delete(m);
          scc.push(m);
        } while (m !== top.id);
        if (scc.length > 1) out.push(scc);
      }
    }
    return out;
  }
}

function listOf<K, V>(m: Map<K, V[]>, k: K): V[] {
  let list = m.get(k);
  if (!list) {
    list = [];
    m.set(k, list);
  }
  return list;
}

function mapOf<K, V>(m: Map<K, Map<string, V>>, k: K): Map<string, V> {
  let inner = m.get(k);
  if (!inner) {
    inner = new Map();
    m.set(k, inner);
  }
  return inner;
}
