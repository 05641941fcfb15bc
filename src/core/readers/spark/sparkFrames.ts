// DataFrames as the Spark reader tracks them: which datasets an unknown column may come from,
// which columns are known and what each one is made of, and the column references they add up
// to. Spark resolves column names case-insensitively, so frames key columns by lower case.
import type { Confidence, DeclaredColumnRef, Location, UpstreamRef } from '../../model';

export type FlowUsage = 'identity' | 'transform' | 'aggregate';
export type ReadUsage = 'filter' | 'join' | 'group' | 'order' | 'window';

/** One upstream column an output column (or an intermediate one) is made of. */
export interface Lineage {
  upstream: UpstreamRef;
  column: string;
  usage: FlowUsage;
  confidence: Confidence;
  locations: Location[];
}

/** A dataset read by the job. Frames derived from one read share it, and what was seen in it. */
export interface Source {
  ref: UpstreamRef;
  /** Columns known to exist in it (named on a frame that had only this source). */
  seen: Set<string>;
  /** Read by `spark.sql`: the query's own column lineage comes from the SQL analysis. */
  viaSql?: boolean;
}

export interface OutColumn {
  name: string;
  from: Lineage[];
}

export interface Frame {
  /** Datasets whose columns pass through unchanged; empty once a select or agg closed the list. */
  sources: Source[];
  /** Columns known by name, in output order. */
  cols: Map<string, OutColumn>;
  /** Pass-through names that no longer exist (dropped, or renamed away). */
  hidden: Set<string>;
  /** `df.alias("o")` names, so `F.col("o.id")` and `"o.id = …"` resolve in that side of a join. */
  aliases: Map<string, Frame>;
}

/** A column named in the code: a string, `df.x`, `df["x"]`, `F.col(NAME)`, a word in a SQL string. */
export interface Mention {
  name: string;
  /** The frame it is qualified by (`df.x`, `df["x"]`), when it is. */
  frame?: Frame;
  confidence: Confidence;
  location: Location;
}

export function newFrame(sources: Source[] = []): Frame {
  return { sources, cols: new Map(), hidden: new Set(), aliases: new Map() };
}

export function copyFrame(f: Frame): Frame {
  return { sources: [...f.sources], cols: new Map(f.cols), hidden: new Set(f.hidden), aliases: new Map(f.aliases) };
}

const RANK: Record<FlowUsage, number> = { identity: 0, transform: 1, aggregate: 2 };

/** The lineage `m` stands for in `frame`: a known column's, or a pass-through from the source(s). */
export function resolve(frame: Frame, m: Mention): Lineage[] {
  let f = m.frame ?? frame;
  let name = m.name;
  const dot = name.indexOf('.');
  if (dot > 0) {
    // `o.id` names a column of the frame aliased `o`; `address.city` a field of column `address`.
    const aliased = f.aliases.get(name.slice(0, dot).toLowerCase());
    if (aliased) f = aliased;
    name = aliased ? name.slice(dot + 1) : name.slice(0, dot);
  }
  const key = name.toLowerCase();
  const known = f.cols.get(key);
  if (known) return m.confidence === 'inferred' ? known.from.map((l) => ({ ...l, confidence: 'inferred' })) : known.from;
  if (f.hidden.has(key) || !f.sources.length) return [];
  let owners = f.sources.filter((s) => s.seen.has(key));
  let confidence = m.confidence;
  if (!owners.length) {
    owners = f.sources;
    // A column of a join whose sides' columns are unknown: it is in one of them, but which?
    if (new Set(owners.map((s) => upstreamKey(s.ref))).size > 1) confidence = 'inferred';
  }
  if (owners.length === 1) owners[0].seen.add(key);
  // A column of a query's result is only probably the same-named column of a table it reads.
  return owners.map((s) => ({ upstream: s.ref, column: name, usage: 'identity', confidence: s.viaSql ? 'inferred' : confidence, locations: [m.location] }));
}

/** Lineage used inside an expression: a bare column keeps its usage, others become at least `usage`. */
export function flowAs(lineage: Lineage[], usage: FlowUsage): Lineage[] {
  return lineage.map((l) => (RANK[l.usage] >= RANK[usage] ? l : { ...l, usage }));
}

/** Two frames side by side (join, union): known columns of both, pass-through from both. */
export function combineFrames(left: Frame, right: Frame): Frame {
  const out = copyFrame(left);
  for (const s of right.sources) if (!out.sources.includes(s)) out.sources.push(s);
  for (const [k, c] of right.cols) {
    const mine = out.cols.get(k);
    out.cols.set(k, mine ? { name: mine.name, from: [...mine.from, ...c.from] } : c);
  }
  for (const h of right.hidden) if (!left.cols.has(h)) out.hidden.add(h);
  for (const [k, f] of right.aliases) out.aliases.set(k, f);
  return out;
}

/**
 * `union` / `unionAll`: rows of the right side are appended by position, under the left side's
 * names. When both sides' columns are all known, the i-th column of the right flows into the
 * i-th of the left; otherwise positions are unknown, and the right's columns pass through the
 * left's unknown ones rather than becoming columns of their own.
 */
export function unionByPosition(left: Frame, right: Frame): Frame {
  const out = copyFrame(left);
  const mine = [...left.cols.entries()];
  const theirs = [...right.cols.values()];
  if (!left.sources.length && !right.sources.length && mine.length === theirs.length) {
    mine.forEach(([k, c], i) => out.cols.set(k, { name: c.name, from: [...c.from, ...theirs[i].from] }));
    return out;
  }
  for (const s of right.sources) if (!out.sources.includes(s)) out.sources.push(s);
  for (const [k, c] of left.cols) {
    const same = right.cols.get(k);
    if (same) out.cols.set(k, { name: c.name, from: [...c.from, ...same.from] });
  }
  return out;
}

export function upstreamKey(ref: UpstreamRef): string {
  switch (ref.kind) {
    case 'relation':
      return `relation:${[ref.relation.database, ref.relation.schema, ref.relation.name].filter((p) => p).join('.').toLowerCase()}`;
    case 'path':
      return `path:${ref.path}`;
    case 'ref':
      return `ref:${ref.package ?? ''}.${ref.name}`;
    case 'source':
      return `source:${ref.source}.${ref.table}`;
    case 'name':
      return `name:${ref.name}`;
  }
}

/**
 * The job's column references, merged: one per upstream column, usage and output column, with
 * every place it is named. A reference named explicitly anywhere is explicit.
 */
export class RefSink {
  private readonly refs = new Map<string, DeclaredColumnRef>();
  /** Lineage of columns the job computes, whether or not they reach a written output. */
  private readonly computed: Lineage[] = [];

  read(lineage: Lineage[], usage: ReadUsage): void {
    for (const l of lineage) this.add({ upstream: l.upstream, column: l.column, usage, confidence: l.confidence, locations: l.locations });
  }

  computedColumn(lineage: Lineage[]): void {
    this.computed.push(...lineage);
  }

  output(column: OutColumn): void {
    for (const l of column.from) this.add({ upstream: l.upstream, column: l.column, usage: l.usage, confidence: l.confidence, outputColumn: column.name, locations: l.locations });
  }

  /** Every written column carries the unknown columns of a source that passes through. */
  passThrough(source: Source): void {
    this.add({ upstream: source.ref, column: '*', usage: 'identity', confidence: 'inferred', outputColumn: '*', locations: [] });
  }

  list(): DeclaredColumnRef[] {
    // Columns computed but never written (a dropped helper column, a frame only shown or
    // collected) are still read by the job: a rename upstream breaks it all the same.
    const flowing = new Set([...this.refs.values()].filter((r) => r.outputColumn).map((r) => `${upstreamKey(r.upstream)}|${r.column.toLowerCase()}`));
    for (const l of this.computed) {
      if (!flowing.has(`${upstreamKey(l.upstream)}|${l.column.toLowerCase()}`)) this.add({ upstream: l.upstream, column: l.column, usage: l.usage, confidence: l.confidence, locations: l.locations });
    }
    return [...this.refs.values()].map((r) => (r.locations?.length ? r : { ...r, locations: undefined })).map(dropUndefined);
  }

  private add(ref: DeclaredColumnRef): void {
    const key = `${upstreamKey(ref.upstream)}|${ref.column.toLowerCase()}|${ref.usage}|${ref.outputColumn?.toLowerCase() ?? ''}`;
    const had = this.refs.get(key);
    if (!had) {
      this.refs.set(key, { ...ref, locations: [...(ref.locations ?? [])] });
      return;
    }
    if (ref.confidence === 'explicit') had.confidence = 'explicit';
    for (const loc of ref.locations ?? []) {
      if (!had.locations!.some((l) => l.line === loc.line && l.column === loc.column && l.path === loc.path)) had.locations!.push(loc);
    }
  }
}

function dropUndefined(ref: DeclaredColumnRef): DeclaredColumnRef {
  const out = { ...ref };
  if (out.locations === undefined) delete out.locations;
  if (out.outputColumn === undefined) delete out.outputColumn;
  return out;
}
