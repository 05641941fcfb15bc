// An edit to a dbt model usually changes that one file's part of the index and nothing else,
// yet indexing the workspace again costs seconds on a large project and holds two indexes in
// memory at once. So a build made for updates (the language server's) keeps what each file and
// each column job put into the index; an update takes back the changed files' part, puts in the
// new one, and resolves again only the jobs whose inputs changed: the changed models', then,
// downstream, each model whose upstream's columns came out different (an edit that leaves a
// model's output columns alone stops there). Requests never see a half-done update: everything
// that waits (reading, rendering, parsing) happens first, and the index is changed in one go.
//
// What cannot be patched this way — a file created or deleted, YAML, macros, project files,
// plain SQL or Python, a model whose name, relation or config changed, a new or dropped
// implicit table, a cycle — answers with the reason, and the caller indexes the workspace again.
// test/unit/inPlaceUpdate.test.ts checks that an update gives what a fresh build gives.
import type { ColumnInfo, Diagnostic, FileFacts, Relation, UpstreamRef } from '../model';
import type { AnalysisCache } from '../cache/analysisCache';
import type { Asset } from './assetIndex';
import type { ColumnReference, LineageGraph } from './lineageGraph';
import type { ColumnJob, ColumnPhaseContext } from './columnPhase';
import { memoKey, resolveJob } from './columnPhase';
import type { Effects, JobRecord, ResolveMemo } from './resolveMemo';
import { isReference, recordingEffects, signature } from './resolveMemo';
import { EMPTY_ANALYSIS } from '../cache/packedAnalysis';
import { linkFact, projectOf } from './upstreamResolution';

/** One column job as the index keeps it between builds: how to redo it, and what it did. */
export interface JobSlot {
  path: string;
  ownerId?: string;
  key?: string;
  range?: { start: number; end: number };
  inferred?: boolean;
  /** SQL the reader gave (embedded SQL); dbt models render theirs, plain SQL is the file. */
  querySql?: string;
  record: JobRecord;
}

/** An owner's columns as the table graph left them, before any job resolved its SQL. */
export interface Base {
  columns: ColumnInfo[];
  complete: boolean;
  star: boolean;
}

export interface UpdateHost extends ColumnPhaseContext {
  cache: AnalysisCache;
  memo?: ResolveMemo;
}

/** A changed file read again, with its column jobs rendered and parsed. */
export interface ChangedFile {
  path: string;
  text: string;
  facts: FileFacts;
  jobs: ColumnJob[];
  /** What rendering the file's models reported (the table graph's reading reports the rest). */
  renderDiagnostics: Diagnostic[];
}

export interface UpdateResult {
  /** Jobs resolved again (the changed files' and those downstream whose inputs changed). */
  resolved: number;
}

export class UpdateState {
  private readonly slotsByPath = new Map<string, JobSlot[]>();
  private readonly slotsByOwner = new Map<string, JobSlot[]>();
  /** Asset id → the jobs that read its state: who must look again when its columns change. */
  private readonly touchedBy = new Map<string, Set<JobSlot>>();
  /** Assets a job without an owner (plain SQL) reads or writes: not patched in place. */
  private readonly unowned = new Set<string>();
  private readonly factsByPath = new Map<string, FileFacts>();

  /** Facts are kept without their SQL text (re-read when needed); slots in job order. */
  private constructor(files: FileFacts[], private readonly base: Map<string, Base>, slots: Iterable<JobSlot>, private readonly cyclic: boolean) {
    for (const f of files) if (f.path) this.factsByPath.set(f.path, withoutQueries(f));
    for (const slot of slots) this.add(slot);
  }

  /** `bases` is taken after the table graph, `records` after the column phase: what each job did, in job order. */
  static fromBuild(files: FileFacts[], bases: Map<string, Base>, records: Map<ColumnJob, JobRecord>, diagnostics: Diagnostic[]): UpdateState {
    return new UpdateState(files, bases, [...records].map(([job, record]) => slotOf(job, record)), diagnostics.some((d) => d.code === 'cycle'));
  }

  /** What the state holds, for the snapshot (see packedUpdates.ts): slots in the order apply() resolves them. */
  contents(): { facts: FileFacts[]; base: Map<string, Base>; slots: JobSlot[]; cyclic: boolean } {
    // Each owner's slots in their order, then plain SQL's.
    const slots = [...[...this.slotsByOwner.values()].flat(), ...[...this.slotsByPath.values()].flat().filter((s) => !s.ownerId)];
    return { facts: [...this.factsByPath.values()], base: this.base, slots, cyclic: this.cyclic };
  }

  static fromContents(facts: FileFacts[], base: Map<string, Base>, slots: JobSlot[], cyclic: boolean): UpdateState {
    return new UpdateState(facts, base, slots, cyclic);
  }

  static base(asset: Asset): Base {
    return { columns: asset.columns.slice(), complete: asset.columnsComplete, star: asset.meta.unresolvedStar === true };
  }

  private add(slot: JobSlot): void {
    push(this.slotsByPath, slot.path, slot);
    if (slot.ownerId) push(this.slotsByOwner, slot.ownerId, slot);
    for (const id of slot.record.touched.keys()) {
      let set = this.touchedBy.get(id);
      if (!set) this.touchedBy.set(id, (set = new Set()));
      set.add(slot);
      if (!slot.ownerId) this.unowned.add(id);
    }
    if (!slot.ownerId) {
      for (const id of slot.record.created) this.unowned.add(id);
      for (const [, id] of slot.record.resolutions) if (id) this.unowned.add(id);
    }
  }

  private drop(slot: JobSlot): void {
    remove(this.slotsByPath, slot.path, slot);
    if (slot.ownerId) remove(this.slotsByOwner, slot.ownerId, slot);
    for (const id of slot.record.touched.keys()) this.touchedBy.get(id)?.delete(slot);
  }

  /** The old facts of a file the index knows (undefined: a file it does not know). */
  factsOf(path: string): FileFacts | undefined {
    return this.factsByPath.get(path);
  }

  /**
   * Why `changed` cannot be patched in (`reason`), else the owners whose jobs may have to be
   * resolved again and the other files they are in (the caller reads them before applying).
   */
  check(host: UpdateHost, changed: ChangedFile[]): { reason?: string; owners: Set<string>; paths: Set<string> } {
    const owners = new Set<string>();
    const paths = new Set<string>();
    const fail = (reason: string) => ({ reason, owners, paths });
    if (this.cyclic) return fail('the workspace has a dependency cycle');
    const changedPaths = new Set(changed.map((c) => c.path));
    for (const c of changed) {
      const old = this.factsByPath.get(c.path);
      if (!old) return fail(`${c.path} is new to the index`);
      const ids = (f: FileFacts) => f.assets.map((a) => a.id).join('\n');
      if (ids(old) !== ids(c.facts)) return fail(`${c.path} defines other assets now`);
      const oldSlots = this.slotsByPath.get(c.path) ?? [];
      if (c.jobs.some((j) => !j.ownerId) || oldSlots.some((s) => !s.ownerId)) return fail(`${c.path} has SQL without an owner`);
      const jobOwners = (list: { ownerId?: string }[]) => [...new Set(list.map((j) => j.ownerId))].sort().join('\n');
      if (jobOwners(oldSlots) !== jobOwners(c.jobs)) return fail(`${c.path} has other SQL owners now`);
      for (const j of c.jobs) owners.add(j.ownerId!);
      // A new reference to a table nobody defines would create an implicit asset, and dropping
      // the last one would remove it: other files' lookups could change. Index again then.
      const before = implicitRelations(host, oldSlots.map((s) => s.record));
      const after = probeRelations(host, c.jobs);
      if (after === undefined) return fail(`${c.path} reads a table the index does not know`);
      for (const id of before) if (!after.has(id)) return fail(`${c.path} no longer reads ${id}`);
    }
    // Everything that may have to be resolved again: the owners downstream, job by job.
    const queue = [...owners];
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i];
      if (this.unowned.has(id)) return fail(`plain SQL reads or writes ${id}`);
      if (!this.base.has(id)) return fail(`${id} has no recorded columns`);
      for (const s of this.slotsByOwner.get(id) ?? []) {
        if (!changedPaths.has(s.path)) paths.add(s.path);
        if (!s.key || !(host.cache.has ? host.cache.has(s.key) : host.cache.get(s.key))) return fail(`${s.path} has no cached analysis`);
      }
      for (const s of this.touchedBy.get(id) ?? []) {
        if (!s.ownerId) return fail(`plain SQL reads ${id}`);
        if (!owners.has(s.ownerId)) {
          owners.add(s.ownerId);
          queue.push(s.ownerId);
        }
      }
    }
    // A new reference to anything downstream of a changed model would close a cycle.
    const downstream = new Set<string>();
    const walk = [...changed.flatMap((c) => c.facts.assets.map((a) => a.id))];
    for (let i = 0; i < walk.length; i++) {
      for (const e of host.graph.downstreamOf(walk[i])) {
        if (!downstream.has(e.to)) {
          downstream.add(e.to);
          walk.push(e.to);
        }
      }
    }
    for (const c of changed) {
      for (const fact of c.facts.assets) {
        for (const up of fact.upstream) {
          const t = host.resolveUpstream(up, projectOf(fact));
          if (t && (downstream.has(t.id) || t.id === fact.id)) return fail(`${c.path} would close a dependency cycle`);
        }
      }
    }
    return { owners, paths };
  }

  /** Applies a checked update in one synchronous pass. `texts`: the files check() listed. */
  apply(host: UpdateHost, changed: ChangedFile[], owners: Set<string>, texts: Map<string, string>): UpdateResult {
    const changedPaths = new Set(changed.map((c) => c.path));
    // The table graph: the changed facts' edges and unknown-reference diagnostics.
    const diags = host.diagnostics;
    const kept = diags.filter((d) => !changedPaths.has(d.path));
    diags.splice(0, diags.length, ...kept);
    // The edges a fact declares, taken away and put back as the build makes them (linkFact).
    const resolve = (up: UpstreamRef, project?: string) => host.resolveUpstream(up, project);
    const unlink = (from: string, to: string) => host.graph.removeEdge(from, to, 'explicit');
    const link = (from: string, to: string) => host.graph.addEdge(from, to, 'explicit');
    for (const c of changed) {
      const old = this.factsByPath.get(c.path)!;
      old.assets.forEach((fact, i) => {
        const asset = host.assets.get(fact.id)!;
        linkFact(fact, asset, resolve, unlink, () => undefined);
        linkFact(c.facts.assets[i], asset, resolve, link, (d) => diags.push(d));
      });
      diags.push(...c.facts.diagnostics, ...c.renderDiagnostics);
      this.factsByPath.set(c.path, withoutQueries(c.facts));
    }
    // The column phase, upstream first, for the owners whose inputs changed.
    const newJobs = new Map<string, ColumnJob[]>();
    for (const c of changed) for (const j of c.jobs) push(newJobs, j.ownerId!, j);
    const dirty = new Set(newJobs.keys());
    const oldRefs = new Set<ColumnReference>();
    const oldDiags = new Set<Diagnostic>();
    let resolved = 0;
    for (const owner of host.graph.topologicalOrder([...owners]).order) {
      if (!dirty.has(owner)) continue;
      const asset = host.assets.get(owner)!;
      const before = signature(asset);
      const oldSlots = [...(this.slotsByOwner.get(owner) ?? [])];
      for (const s of oldSlots) {
        this.drop(s);
        undo(s.record, host.graph, oldRefs, oldDiags);
      }
      const b = this.base.get(owner);
      if (b) {
        asset.columns = b.columns.slice();
        asset.columnsComplete = b.complete;
      }
      if (b?.star) asset.meta.unresolvedStar = true;
      else delete asset.meta.unresolvedStar;
      const jobs = newJobs.get(owner) ?? oldSlots.map((s) => jobOf(s, host.cache, texts.get(s.path)!));
      jobs.forEach((job, i) => {
        const { effects, record } = recordingEffects(host);
        resolveJob(job, host, effects);
        this.add(slotOf(job, record));
        host.memo?.replace(oldSlots[i] ? memoKey(oldSlots[i]) : undefined, memoKey(job), record);
      });
      resolved += jobs.length;
      if (signature(asset) === before) continue;
      for (const s of this.touchedBy.get(owner) ?? []) if (s.ownerId && s.ownerId !== owner) dirty.add(s.ownerId);
    }
    host.graph.removeReferences(oldRefs);
    if (oldDiags.size) {
      const rest = diags.filter((d) => !oldDiags.has(d));
      diags.splice(0, diags.length, ...rest);
    }
    return { resolved };
  }
}

function slotOf(job: ColumnJob, record: JobRecord): JobSlot {
  return { path: job.path, ownerId: job.ownerId, key: job.key, range: job.range, inferred: job.inferred, querySql: job.ownerId && !job.path.endsWith('.sql') ? job.sql : undefined, record };
}

/** The job again from the analysis cache and the file's text (as buildColumnJobs made it). */
function jobOf(slot: JobSlot, cache: AnalysisCache, text: string): ColumnJob {
  const v = cache.get(slot.key ?? '');
  return {
    path: slot.path,
    originalText: text,
    sql: v?.sql ?? slot.querySql ?? text,
    analysis: v?.analysis ?? EMPTY_ANALYSIS,
    incrementalAnalysis: v?.incrementalAnalysis,
    ownerId: slot.ownerId,
    renderedRelations: v?.renderedRelations,
    range: slot.range,
    inferred: slot.inferred,
    key: slot.key,
  };
}

/** Takes back what a job did to the graph; references and diagnostics go in one pass later. */
function undo(record: JobRecord, graph: LineageGraph, refs: Set<ColumnReference>, diags: Set<Diagnostic>): void {
  for (const op of record.ops) {
    if (isReference(op)) refs.add(op);
    else if (op.kind === 'edge') graph.removeEdge(op.from, op.to, 'explicit');
    else if (op.kind === 'diag') diags.add(op.d);
  }
}

/** Implicit tables (no file defines them) that the recorded jobs named by relation. */
function implicitRelations(host: UpdateHost, records: JobRecord[]): Set<string> {
  const out = new Set<string>();
  for (const r of records) {
    for (const op of r.ops) {
      if (isReference(op) || op.kind !== 'relation') continue;
      const a = host.assets.findRelation(op.relation);
      if (a?.meta.implicit) out.add(a.id);
    }
  }
  return out;
}

/**
 * The implicit tables the jobs would name, found by resolving them without touching the index;
 * undefined when one names a relation no asset answers to (it would be created).
 */
function probeRelations(host: UpdateHost, jobs: ColumnJob[]): Set<string> | undefined {
  const out = new Set<string>();
  let unknown = false;
  const noop = () => undefined;
  const probe = (): Effects => ({
    addReference: noop,
    addEdge: noop,
    setColumns: noop,
    markUnresolvedStar: noop,
    diagnostic: noop,
    touch: noop,
    resolved: noop,
    relationAsset: (r: Relation) => {
      const a = host.assets.findRelation(r);
      if (!a) {
        unknown = true;
        return placeholder(r);
      }
      if (a.meta.implicit) out.add(a.id);
      return a;
    },
  });
  for (const job of jobs) resolveJob(job, host, probe());
  return unknown ? undefined : out;
}

function placeholder(r: Relation): Asset {
  return { id: `table:?${r.name}`, name: r.name, asset_type: 'table', source_ref: r.name, aliases: [], relation: r, paths: [], locations: [], columns: [], columnsComplete: false, facts: [], meta: {} };
}


function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function remove<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k)?.filter((x) => x !== v);
  if (list?.length) m.set(k, list);
  else m.delete(k);
}

/** A file's facts without their SQL. Not `{ ...f, queries: [] }`: in V8 that gives each a hidden class of its own. */
function withoutQueries(f: FileFacts): FileFacts {
  return Object.assign({}, f, { queries: [] });
}
