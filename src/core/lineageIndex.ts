// The core's one entry point: createLineageIndex(fs, options) reads a workspace through the
// file-system interface and answers lineage, column and impact questions over it. Two phases:
// the table graph (token-level and Jinja-AST reads, fast) and the column phase (render, parse,
// resolve in dependency order; parsing cached by content hash and spread over workers).
import type { AssetFact, Diagnostic, FileFacts, MigrationChange, ProposedChange, Relation, UpstreamRef } from './model';
import type { WorkspaceFileSystem } from './io/fileSystem';
import { AssetIndex } from './graph/assetIndex';
import type { Asset } from './graph/assetIndex';
import { LineageGraph } from './graph/lineageGraph';
import { runColumnPhase } from './graph/columnPhase';
import { buildColumnJobs } from './graph/columnJobs';
import { addDeclaredReferences } from './graph/declaredReferences';
import { DEFAULT_MAX_FILE_SIZE, readWorkspaceFacts, textReader } from './readers/workspaceReader';
import { readDbtWorkspace } from './dbt/dbtReader';
import { PrefetchedFileSystem } from './io/prefetch';
import { yielder } from './io/yielder';
import { WorkerPool, workersPayAlongside } from './workers/workerPool';
import { SNAPSHOT_VERSION, restoreSnapshot, takeSnapshot } from './cache/indexSnapshot';
import { internStrings } from './cache/internStrings';
import type { IndexSnapshot } from './cache/indexSnapshot';
import { SQL_ANALYSIS_VERSION } from './sql/sqlAnalysis';
import type { DbtWorkspace } from './dbt/dbtReader';
import type { AnalysisCache } from './cache/analysisCache';
import type { JobRecord, ResolveMemo } from './graph/resolveMemo';
import type { ColumnJob, ColumnPhaseContext } from './graph/columnPhase';
import { UpdateState } from './graph/inPlaceUpdate';
import type { ChangedFile, UpdateHost } from './graph/inPlaceUpdate';
import { unpackUpdates, updateFrames } from './graph/packedUpdates';
import type { Frame } from './cache/frames';
import type { ColumnReference } from './graph/lineageGraph';
import { MemoryAnalysisCache } from './cache/analysisCache';
import { cycleDiagnostics, dedupeDiagnostics } from './graph/indexDiagnostics';
import { linkFact, pathAsset, relationAsset, resolveUpstream } from './graph/upstreamResolution';
import { analyzeImpact } from './impact/impactAnalysis';
import type { ImpactReport } from './impact/impactAnalysis';
import { lineageTree } from './query/lineageTree';
import type { Direction, LineageNode } from './query/lineageTree';
import { lookupAsset } from './query/assetLookup';
import type { LookupResult } from './query/assetLookup';
import { columnLineage } from './query/columnLineage';
import type { ColumnsAnswer } from './query/columnLineage';
import { indexStats } from './query/indexStats';
import type { IndexStats } from './query/indexStats';

export interface IndexOptions {
  /** SQL dialect for plain SQL files and dbt projects without a profile (default postgres). */
  dialect?: string;
  /** Files larger than this are skipped with a diagnostic (default 2 MB). */
  maxFileSize?: number;
  cache?: AnalysisCache;
  /** The bundled parse worker; without it parsing runs on the calling thread. */
  workerScript?: string;
  workers?: number;
  /** Stop after the table graph (the benchmark times the phases separately). */
  tableGraphOnly?: boolean;
  /**
   * Called once the table graph is complete, before the column phase: table-level answers
   * (CodeLens counts) can be shown while columns are still being resolved.
   */
  onTableGraph?: () => void;
  /**
   * Give the event loop a turn at least this often during the long loops of a build (ms): a
   * host that answers requests on the same thread (the language server) stays responsive.
   */
  yieldEveryMs?: number;
  /**
   * Kept by a process that rebuilds the same workspace (the language server): jobs whose input
   * is unchanged are replayed from the previous build instead of resolved (see resolveMemo.ts).
   */
  resolveMemo?: ResolveMemo;
  /** False: index even when a snapshot of this exact workspace exists (to fill resolveMemo). */
  restoreSnapshot?: boolean;
  /** Identifies the engine build: cached results of another build are never reused. */
  engineVersion?: string;
  /**
   * Keep what each file and column job contributed, so update() can patch an edit in place
   * (the language server); costs some memory, so one-off builds (the CLI) do not.
   */
  keepForUpdates?: boolean;
}

/** What update() did: patched in place, or why the workspace must be indexed again. */
export type UpdateOutcome = { applied: true; resolved: number; ms: number } | { applied: false; reason: string };

export interface IndexTimings {
  readMs: number;
  tableGraphMs: number;
  columnLineageMs: number;
  parsed: number;
  cached: number;
  /** Jobs replayed from the previous build's resolution (resolveMemo). */
  replayed: number;
  /** True when the whole index came from a snapshot of the unchanged workspace. */
  restored: boolean;
}

export class LineageIndex {
  readonly assets = new AssetIndex();
  readonly graph = new LineageGraph();
  readonly diagnostics: Diagnostic[] = [];
  /** Schema changes found in migration files, by path. */
  readonly changes = new Map<string, MigrationChange[]>();
  readonly timings: IndexTimings = { readMs: 0, tableGraphMs: 0, columnLineageMs: 0, parsed: 0, cached: 0, replayed: 0, restored: false };
  private facts: FileFacts[] = [];
  private dbt?: DbtWorkspace;
  private readonly fs: PrefetchedFileSystem;
  /** Kept by a build made for updates (see inPlaceUpdate.ts), or restored with the snapshot. */
  private updates?: UpdateState;
  /** Reading what a restored index still needs for updates (see prepareUpdates). */
  private preparing?: Promise<void>;
  /** A restored index's update records, still to be read: their id and the references they name. */
  private pendingUpdates?: { id: string; refs: ColumnReference[] };
  /** Whether this workspace's index is offered to the cache as a snapshot (not with DVC). */
  private snapshots = false;
  private readonly pool: WorkerPool;
  /** One turn-taker for the whole build, so the phases share its budget (see yieldEveryMs). */
  private readonly pause: () => Promise<void> | undefined;

  constructor(private readonly source: WorkspaceFileSystem, private readonly options: IndexOptions = {}) {
    this.fs = new PrefetchedFileSystem(source, options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE);
    this.pool = new WorkerPool({ workerScript: options.workerScript, workers: options.workers });
    this.pause = yielder(options.yieldEveryMs);
  }

  /** Reads the workspace, then either restores the snapshot of this exact content or indexes it. */
  async build(): Promise<void> {
    try {
      await this.buildWith();
    } finally {
      await this.pool.close();
    }
  }

  private async buildWith(): Promise<void> {
    const t0 = performance.now();
    const files = await this.fs.listFiles();
    const warm = () => this.pool.warm(files.length * 1000); // a rough guess of the parsing to come, ~1 KB per file
    if (workersPayAlongside()) warm();
    await this.fs.prefetch(this.pause);
    this.timings.readMs = performance.now() - t0;
    const cache = this.options.cache;
    const fingerprint = this.fingerprintOf();
    // DVC staleness depends on data files (any size, any format) that the fingerprint does not
    // read, so a workspace with DVC pipelines is always indexed; its SQL still comes from the cache.
    const usesDvc = files.some((f) => f.endsWith('dvc.yaml') || f.endsWith('.dvc'));
    const snapshots = !this.options.tableGraphOnly && !usesDvc;
    if (snapshots && cache?.readSnapshot && this.options.restoreSnapshot !== false) {
      const snap = await cache.readSnapshot();
      if (snap?.version === SNAPSHOT_VERSION && snap.fingerprint === fingerprint && (await this.fs.unchanged(snap.extraFiles))) return this.restore(snap);
    }
    await this.buildTableGraph();
    if (this.options.tableGraphOnly) return;
    this.options.onTableGraph?.();
    warm(); // on two cores, only now (see workersPayAlongside)
    await this.resolveColumns();
    // The readers' facts and the dbt context are only needed to build; a long-lived index (the
    // language server's) should not carry every file's text and parse inputs after that. An
    // index made for updates keeps the dbt context (without the files it read) to read edits.
    this.facts = [];
    if (this.options.keepForUpdates && this.dbt) this.dbt.files = [];
    else this.dbt = undefined;
    this.snapshots = snapshots;
    this.offerSnapshot(() => fingerprint);
    this.fs.release();
  }

  /** The update records' frames for the snapshot (see indexSnapshot.ts). */
  updateFrames(references: ColumnReference[], diagnostics: Diagnostic[]): Iterable<Frame> | undefined {
    return this.updates && updateFrames(this.updates, references, diagnostics);
  }

  /** True when update() can patch edits: built for updates, or restored with the records. */
  get updatable(): boolean {
    return !!this.updates || !!this.pendingUpdates;
  }

  /**
   * A restored index reads its update records after answering (they are not needed to answer),
   * and it has no dbt projects' context (an edited model renders in it), which is code, not data:
   * the projects are read again (2–3 s at 10,000 models, in one worker), and the parse cache is
   * told that the index may ask for any of its entries. Done once, in the background after a
   * restore or by the first update.
   */
  prepareUpdates(): Promise<void> {
    this.preparing ??= this.loadUpdateContext().finally(() => this.fs.release());
    return this.preparing;
  }

  private async loadUpdateContext(): Promise<void> {
    const cache = this.options.cache;
    const pending = this.pendingUpdates;
    this.pendingUpdates = undefined;
    const packed = pending && (await cache?.readUpdates?.(pending.id));
    if (pending && packed) this.updates = unpackUpdates(internStrings(packed), pending.refs, this.diagnostics);
    if (this.dbt || !this.updates) return;
    await cache?.prepare?.();
    cache?.retainAll?.();
    // One worker: this runs beside a server that is already answering, where a second worker's
    // heap (about 75 MB) would be the process's peak, and nothing waits for it but the first edit.
    const pool = new WorkerPool({ workerScript: this.options.workerScript, workers: 1 });
    try {
      // Read through the prefetched texts: the context matches the files the snapshot was of.
      const read = textReader(this.fs, this.options.maxFileSize, []);
      const dbt = await readDbtWorkspace(await this.fs.listFiles(), read, this.options.dialect ?? 'postgres', pool);
      dbt.files = [];
      this.dbt = dbt;
    } finally {
      await pool.close();
    }
  }

  /** `fingerprint` is asked for when the snapshot is taken (a saving cache does it later). */
  private offerSnapshot(fingerprint: () => string): void {
    if (!this.snapshots) return;
    const extra = this.fs.extraFiles();
    this.options.cache?.writeSnapshot?.((out) => takeSnapshot(this, fingerprint(), extra, out));
  }

  private fingerprintOf(): string {
    return this.fs.fingerprint(`${SNAPSHOT_VERSION}|${SQL_ANALYSIS_VERSION}|${this.options.engineVersion ?? ''}|${this.options.dialect ?? ''}|${this.options.maxFileSize ?? ''}`);
  }

  /**
   * Patches edited files into this index in place (see inPlaceUpdate.ts): `paths` changed their
   * content, none was created or deleted. When that is not possible the index is left as it was
   * and the answer says why: the caller indexes the workspace again.
   */
  async update(paths: string[]): Promise<UpdateOutcome> {
    const t0 = performance.now();
    const no = (reason: string): UpdateOutcome => ({ applied: false, reason });
    if (this.updatable && !this.dbt) await this.prepareUpdates();
    const state = this.updates;
    const dbt = this.dbt;
    if (!state || !dbt) return no('the index was not built for updates');
    const cache = this.options.cache ?? new MemoryAnalysisCache();
    const inline = new WorkerPool({}); // one file's SQL: parsed on this thread
    const changed: ChangedFile[] = [];
    for (const path of paths) {
      const size = await this.source.fileSize(path);
      if (size === undefined) return no(`${path} is gone`);
      if (size > (this.options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE)) return no(`${path} is over the size limit`);
      const text = await this.source.readFile(path);
      if (text === undefined || text.includes('\u0000')) return no(`${path} cannot be read as text`);
      if (!state.factsOf(path)) return no(`${path} is new to the index`);
      const facts = dbt.rereadModel(path, text);
      if (!facts) return no(`${path} is not a dbt model whose name, relation and config stay the same`);
      const { jobs, diagnostics } = await buildColumnJobs(facts.queries, dbt, cache, inline, this.options.engineVersion ?? '');
      changed.push({ path, text, facts, jobs, renderDiagnostics: diagnostics });
    }
    const host: UpdateHost = {
      ...this.columnContext(),
      cache,
      memo: this.options.resolveMemo,
    };
    const checked = state.check(host, changed);
    if (checked.reason) return no(checked.reason);
    const texts = new Map<string, string>();
    for (const path of checked.paths) {
      const text = await this.source.readFile(path);
      if (text === undefined) return no(`${path} cannot be read`);
      texts.set(path, text);
    }
    // From here on nothing waits: requests see the index before or after, never half-way.
    const { resolved } = state.apply(host, changed, checked.owners, texts);
    dedupeDiagnostics(this.diagnostics);
    for (const c of changed) this.fs.changed(c.path, c.text);
    this.offerSnapshot(() => this.fingerprintOf());
    return { applied: true, resolved, ms: performance.now() - t0 };
  }

  private restore(snap: IndexSnapshot): void {
    const t0 = performance.now();
    const refs: ColumnReference[] = [];
    restoreSnapshot(snap, {
      restoreAsset: (a) => this.assets.restore(a),
      addEdge: (from, to, confidence) => this.graph.addEdge(from, to, confidence),
      addReference: (r) => (refs.push(r), this.graph.addReference(r)),
      setCounts: (from, to, explicit, inferred) => this.graph.setCounts(from, to, explicit, inferred),
    });
    this.diagnostics.push(...snap.diagnostics);
    for (const [path, changes] of snap.changes) this.changes.set(path, changes);
    if (this.options.keepForUpdates && snap.updatesId) {
      this.pendingUpdates = { id: snap.updatesId, refs };
      // Patched in place from here on, it is offered as the next snapshot after each update.
      this.snapshots = true;
    } else this.fs.release(); // the texts were kept only to read the dbt projects again
    Object.assign(this.timings, { restored: true, columnLineageMs: performance.now() - t0 });
  }

  /** Phase one: every reader's facts, merged into assets, with table-level edges. */
  private async buildTableGraph(): Promise<void> {
    const t0 = performance.now();
    const read = await readWorkspaceFacts(this.fs, this.options, workersPayAlongside() ? this.pool : new WorkerPool({}));
    this.facts = read.files;
    this.dbt = read.dbt;
    for (const f of this.facts) {
      this.diagnostics.push(...f.diagnostics);
      if (f.changes.length) this.changes.set(f.path, f.changes);
    }
    const pause = this.pause;
    const pending: [AssetFact, Asset][] = [];
    for (const f of this.facts) {
      for (const fact of f.assets) pending.push([fact, this.assets.add(fact)]);
      const turn = pause();
      if (turn) await turn;
    }
    const resolve = (up: UpstreamRef, project?: string) => this.resolveUpstream(up, project);
    const link = (from: string, to: string) => this.graph.addEdge(from, to, 'explicit');
    const report = (d: Diagnostic) => void this.diagnostics.push(d);
    for (const [fact, asset] of pending) {
      const turn = pause();
      if (turn) await turn;
      linkFact(fact, asset, resolve, link, report);
    }
    await addDeclaredReferences(this, pending.map(([f]) => f), this.fs);
    this.timings.tableGraphMs = performance.now() - t0;
  }

  /** Phase two: column lineage for every SQL source, upstream first. */
  private async resolveColumns(): Promise<void> {
    const t0 = performance.now();
    const cache: AnalysisCache = this.options.cache ?? new MemoryAnalysisCache();
    await cache.prepare?.();
    const queries = this.facts.flatMap((f) => f.queries);
    const pause = this.pause;
    const memo = this.options.resolveMemo;
    memo?.begin();
    const { jobs, diagnostics, parsed, cached } = await buildColumnJobs(queries, this.dbt, cache, this.pool, this.options.engineVersion ?? '', pause);
    // Nothing is parsed after this: each worker's heap (~150 MB) would otherwise stay all phase.
    await this.pool.close();
    this.diagnostics.push(...diagnostics);
    const keep = this.options.keepForUpdates;
    // What each owner's columns are before any SQL is resolved: an update starts from there.
    const bases = new Map<string, ReturnType<typeof UpdateState.base>>();
    if (keep) for (const j of jobs) if (j.ownerId && !bases.has(j.ownerId)) bases.set(j.ownerId, UpdateState.base(this.assets.get(j.ownerId)!));
    const records = keep ? new Map<ColumnJob, JobRecord>() : undefined;
    await runColumnPhase(jobs, this.columnContext(), pause, memo, records);
    memo?.commit();
    this.diagnostics.push(...cycleDiagnostics(this.graph, this.assets));
    dedupeDiagnostics(this.diagnostics);
    if (records) this.updates = UpdateState.fromBuild(this.facts, bases, records, this.diagnostics);
    Object.assign(this.timings, { columnLineageMs: performance.now() - t0, parsed, cached, replayed: memo?.replayed ?? 0 });
  }

  /** What the column phase (and an update's re-resolution) reads and changes of this index. */
  private columnContext(): ColumnPhaseContext {
    return {
      assets: this.assets,
      graph: this.graph,
      diagnostics: this.diagnostics,
      relationAsset: (r) => this.relationAsset(r),
      resolveUpstream: (u, project) => this.resolveUpstream(u, project),
    };
  }

  get(id: string): Asset | undefined {
    return this.assets.get(id);
  }

  lookup(name: string): LookupResult {
    return lookupAsset(this.assets, name);
  }

  lineage(asset: Asset, direction: Direction, depth: number): { graph: LineageNode } {
    return lineageTree(this, asset, direction, depth);
  }

  columns(asset: Asset): ColumnsAnswer {
    return columnLineage(this, asset);
  }

  impact(asset: Asset, changes: ProposedChange[]): ImpactReport {
    return analyzeImpact(this, asset, changes);
  }

  stats(): IndexStats {
    return indexStats(this);
  }

  /** The asset a relation names; a relation no file defines becomes a `table` asset of its own. */
  relationAsset(r: Relation): Asset {
    return relationAsset(this.assets, r);
  }

  /** The asset an upstream reference names; `project` is the dbt project of the referring model. */
  resolveUpstream(up: UpstreamRef, project?: string): Asset | undefined {
    return resolveUpstream(this.assets, up, project);
  }

  /** The asset a path names (see upstreamResolution.ts). */
  pathAsset(path: string): Asset {
    return pathAsset(this.assets, path);
  }
}

export async function createLineageIndex(fs: WorkspaceFileSystem, options: IndexOptions = {}): Promise<LineageIndex> {
  const index = new LineageIndex(fs, options);
  await index.build();
  return index;
}
