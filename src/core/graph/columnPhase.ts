// The column phase: each analysed SQL file is resolved against the columns of its upstream
// assets, in dependency order, so a model's `select *` expands from the outputs of the model
// before it. Results land in the graph as column references; the consumer's output columns are
// recorded on its asset for the next consumer.
import type { Diagnostic, Relation, UpstreamRef } from '../model';
import { FLOW_USAGES } from '../model';
import type { StatementAnalysis } from '../sql/sqlAnalysis';
import type { PackedAnalysis } from '../cache/packedAnalysis';
import { unpackAnalysis } from '../cache/packedAnalysis';
import type { StatementIR } from '../sql/queryIr';
import { relationKey } from '../sql/queryIr';
import type { ResolvedOutput, ResolvedQuery } from '../sql/columnResolver';
import { resolveQuery } from '../sql/columnResolver';
import type { Asset, AssetIndex } from './assetIndex';
import type { ColumnReference, LineageGraph } from './lineageGraph';
import { IdentifierIndex, mapRenderedLine } from './identifierIndex';
import { directEffects, recordingEffects, replay, stillValid } from './resolveMemo';
import type { Effects, JobRecord, ResolveMemo } from './resolveMemo';

export interface ColumnJob {
  path: string;
  originalText: string;
  /** The SQL that was analysed (rendered for dbt models). */
  sql: string;
  /** Packed (see packedAnalysis.ts): unpacked while the job resolves, then dropped again. */
  analysis: PackedAnalysis;
  /** A dbt model's incremental run: its references count too, its outputs are the model's own. */
  incrementalAnalysis?: PackedAnalysis;
  /** dbt models own every statement of their file; plain SQL statements name their own target. */
  ownerId?: string;
  renderedRelations?: { relation: Relation; upstream: UpstreamRef }[];
  /** Embedded SQL: where it sits in originalText (positions are searched only there). */
  range?: { start: number; end: number };
  /** SQL found through a variable: every reference it yields is inferred. */
  inferred?: boolean;
  /** The analysis cache key (content, dialect, render context): what makes two jobs the same. */
  key?: string;
}

export interface ColumnPhaseContext {
  assets: AssetIndex;
  graph: LineageGraph;
  diagnostics: Diagnostic[];
  /** Finds (or creates, for a table no file defines) the asset a relation names. */
  relationAsset(relation: Relation): Asset;
  resolveUpstream(ref: UpstreamRef, project?: string): Asset | undefined;
}

/**
 * Resolves every job in dependency order. With `records`, what each job did to the index is
 * kept per job (replayed jobs keep their old record), so an in-place update can take it back.
 */
export async function runColumnPhase(jobs: ColumnJob[], ctx: ColumnPhaseContext, pause: () => Promise<void> | undefined = () => undefined, memo?: ResolveMemo, records?: Map<ColumnJob, JobRecord>): Promise<void> {
  const units = orderedUnits(jobs, ctx);
  // Only plain SQL files, whose statements are spread over the order, keep a resolver between units.
  const resolvers = new Map<ColumnJob, JobResolver | 'replayed'>();
  const direct = directEffects(ctx);
  for (const u of units) {
    const turn = pause();
    if (turn) await turn;
    if (!u.statement) {
      const r = startJob(u.job, ctx, direct, memo, records);
      if (r !== 'replayed') r.resolveWhole();
      continue;
    }
    let r = resolvers.get(u.job);
    if (!r) resolvers.set(u.job, (r = startJob(u.job, ctx, direct, memo, records)));
    if (r === 'replayed') continue;
    if (u.incremental) r.incrementalStatement(u.statement);
    else r.statement(u.statement);
  }
}

/**
 * A job with an owner (a dbt model, SQL embedded in a DAG or Spark job) has all its statements
 * next to each other in the order, so it can be replayed whole from the previous build's record.
 * Plain SQL files interleave with other files (each statement sits at its target's place) and are
 * always resolved.
 */
function startJob(job: ColumnJob, ctx: ColumnPhaseContext, direct: Effects, memo: ResolveMemo | undefined, records: Map<ColumnJob, JobRecord> | undefined): JobResolver | 'replayed' {
  const key = memo ? memoKey(job) : undefined;
  if (!key && !records) return new JobResolver(job, ctx, direct);
  const previous = key ? memo!.get(key) : undefined;
  if (key && previous) {
    const probe = new JobResolver(job, ctx, direct);
    if (stillValid(previous, ctx, (rel) => probe.lookup(rel))) {
      replay(previous, ctx, direct);
      memo!.keep(key, previous);
      memo!.replayed++;
      records?.set(job, previous);
      return 'replayed';
    }
  }
  const { effects, record } = recordingEffects(ctx);
  if (key) memo!.keep(key, record);
  records?.set(job, record);
  return new JobResolver(job, ctx, effects);
}

/** What identifies a job across builds for the memo; plain SQL files have none (see above). */
export function memoKey(job: Pick<ColumnJob, 'key' | 'ownerId' | 'range' | 'inferred'>): string | undefined {
  return job.ownerId && job.key ? `${job.key}|${job.ownerId}|${job.range?.start ?? ''}|${job.inferred ? 1 : 0}` : undefined;
}

/**
 * Resolves one job whole, in the order the column phase gives an owned job's units (its
 * statements, then its incremental run's), through `fx`: an in-place update resolves the jobs
 * of one owner again this way, one after another.
 */
export function resolveJob(job: ColumnJob, ctx: ColumnPhaseContext, fx: Effects): void {
  new JobResolver(job, ctx, fx).resolveWhole();
}

/**
 * Statements in the topological order of the assets they define, so upstream outputs are known
 * before a consumer resolves. Ordering is per statement, not per file: one file of views may
 * hold both an upstream and a downstream of another file's tables. Statements for the same
 * asset keep their order in the file (CREATE TABLE before INSERT INTO it).
 *
 * A job with an owner is one unit: all its statements share the owner's place, so they would
 * sit next to each other anyway, and its analysis need not be unpacked to be ordered (it is
 * unpacked when the unit resolves, and dropped after). A plain SQL file is unpacked here: each
 * of its statements is a unit of its own.
 */
interface Unit {
  job: ColumnJob;
  /** A plain SQL file's statement; none for a job with an owner (resolved whole). */
  statement?: StatementAnalysis;
  owner?: string;
  incremental?: boolean;
}

function orderedUnits(jobs: ColumnJob[], ctx: ColumnPhaseContext): Unit[] {
  const units: Unit[] = jobs.flatMap((job): Unit[] => {
    if (job.ownerId) return [{ job, owner: job.ownerId }];
    const statements = (p?: PackedAnalysis) => (p ? unpackAnalysis(p).statements : []);
    return [
      ...statements(job.analysis).map((st) => ({ job, statement: st, owner: st.ir?.target ? ctx.relationAsset(st.ir.target).id : undefined })),
      ...statements(job.incrementalAnalysis).map((st) => ({ job, statement: st, incremental: true })),
    ];
  });
  const ids = [...new Set(units.map((u) => u.owner).filter((id): id is string => !!id))];
  const position = new Map(ctx.graph.topologicalOrder(ids).order.map((id, i) => [id, i]));
  const rank = (u: { owner?: string }) => (u.owner === undefined ? Number.MAX_SAFE_INTEGER : position.get(u.owner) ?? 0);
  // Array.prototype.sort is stable, so equal ranks keep file and statement order.
  return units.sort((a, b) => rank(a) - rank(b));
}

class JobResolver {
  private idx?: IdentifierIndex;
  private readonly rendered = new Map<string, UpstreamRef>();
  /** References already recorded for this job (flows per output column, and plain mentions). */
  private readonly added = new Set<string>();
  private incremental = false;
  private readonly assetByRelation = new Map<string, Asset | undefined>();

  constructor(private readonly job: ColumnJob, private readonly ctx: ColumnPhaseContext, private readonly fx: Effects) {
    for (const r of job.renderedRelations ?? []) this.rendered.set(relationKey(r.relation), r.upstream);
  }

  private get identifiers(): IdentifierIndex {
    if (!this.idx) this.idx = new IdentifierIndex(this.job.path, this.job.originalText, this.job.range);
    return this.idx;
  }

  /**
   * The asset a relation in the SQL stands for. A relation rendered from ref()/source() is that
   * node or nothing: a ref to an unknown model is reported once as unknown-ref, never turned into
   * a table of the same name. Any other relation is a table, known or implicit.
   */
  private upstreamAsset(rel: Relation): Asset | undefined {
    // One file names the same few relations for every column it reads: look each up once.
    const key = relationKey(rel);
    if (this.assetByRelation.has(key)) return this.assetByRelation.get(key);
    const asset = this.lookup(rel, (r) => this.fx.relationAsset(r));
    this.fx.resolved(rel, asset);
    this.fx.touch(asset);
    this.assetByRelation.set(key, asset);
    return asset;
  }

  /**
   * The asset a relation of this job stands for; a table no file defines is created through
   * `create` (recorded while resolving, direct when a replay checks its record).
   */
  lookup(rel: Relation, create: (r: Relation) => Asset = (r) => this.ctx.relationAsset(r)): Asset | undefined {
    const ref = this.rendered.get(relationKey(rel));
    if (!ref) return create(rel);
    const project = this.owner()?.meta.project;
    return this.ctx.resolveUpstream(ref, typeof project === 'string' ? project : undefined);
  }

  private owner(): Asset | undefined {
    if (!this.job.ownerId) return undefined;
    const owner = this.ctx.assets.get(this.job.ownerId);
    this.fx.touch(owner);
    return owner;
  }

  private target(rel: Relation): Asset {
    const asset = this.fx.relationAsset(rel);
    this.fx.touch(asset);
    return asset;
  }

  private consumerOf(ir: StatementIR | undefined): Asset | undefined {
    if (this.job.ownerId) {
      const owner = this.owner();
      // SQL run by a DAG or a Spark job: the owner reads it, and writes what it inserts into.
      if (owner && ir?.target && owner.asset_type !== 'dbt_model' && owner.asset_type !== 'dbt_snapshot') {
        this.fx.addEdge(owner.id, this.target(ir.target).id);
      }
      return owner;
    }
    return ir?.target ? this.target(ir.target) : undefined;
  }

  /** Every statement of the job, then its incremental run's. */
  resolveWhole(): void {
    for (const st of unpackAnalysis(this.job.analysis).statements) this.statement(st);
    if (this.job.incrementalAnalysis) for (const st of unpackAnalysis(this.job.incrementalAnalysis).statements) this.incrementalStatement(st);
  }

  /** A statement of the incremental run: only what it adds to the references is kept. */
  incrementalStatement(st: StatementAnalysis): void {
    if (st.failure) return; // the full-refresh render already reported how this model parses
    this.incremental = true;
    this.statement(st);
    this.incremental = false;
  }

  statement(st: StatementAnalysis): void {
    if (st.failure) return this.failure(st);
    const ir = st.ir;
    const consumer = this.consumerOf(ir);
    if (!ir || !consumer) return;
    if (ir.kind === 'create_table' && ir.columnDefs) {
      this.fx.setColumns(consumer, ir.columnDefs.map((c) => c.name), true, ir.columnDefs);
      return;
    }
    if (!ir.query) return;
    const res = resolveQuery(ir.query, (rel) => knownColumns(this.upstreamAsset(rel)));
    this.record(consumer, ir, res);
  }

  private record(consumer: Asset, ir: StatementIR, res: ResolvedQuery): void {
    const range = this.job.range ? [this.job.range.start, this.job.range.end] : this.job.ownerId ? [0, Number.MAX_SAFE_INTEGER] : [ir.start, ir.end];
    const added = this.added;
    // A flow is recorded once per output column; the plain mention of the same column
    // (res.references) is then not recorded again without its output.
    const add = (rel: Relation, ref: Omit<ColumnReference, 'locations' | 'upstream'>) => {
      const upstream = this.upstreamAsset(rel)?.id;
      // `{{ this }}` in an incremental filter reads the model itself: not an upstream dependency.
      if (!upstream || upstream === consumer.id) return;
      const confidence = this.job.inferred ? 'inferred' : ref.confidence;
      const base = `${consumer.id}|${upstream}|${ref.column.toLowerCase()}|${ref.usage}|${confidence}`;
      if (added.has(`${base}|${ref.outputColumn ?? ''}`) || (!ref.outputColumn && added.has(`${base}|*`))) return;
      added.add(`${base}|${ref.outputColumn ?? ''}`);
      added.add(`${base}|*`);
      const found = ref.column === '*' ? [] : this.identifiers.find(ref.column, range[0], range[1]);
      const locations = found.length ? found : fallbackLocation(consumer, this.job.path);
      // Written out field by field: in V8 an object spread plus new fields ({ ...ref, upstream })
      // gave every reference a hidden class of its own, 70 MB of them at 10,000 models.
      const { consumer: c, column, usage, outputColumn } = ref;
      this.fx.addReference(outputColumn === undefined ? { consumer: c, column, usage, confidence, upstream, locations } : { consumer: c, column, usage, confidence, outputColumn, upstream, locations });
    };
    const outputs = res.outputs.map((o, i) => ({ ...o, name: outputName(ir, consumer, o, i) }));
    for (const o of outputs) {
      if (o.unresolvedStar) {
        add(o.unresolvedStar, { consumer: consumer.id, column: '*', usage: 'identity', confidence: 'inferred', outputColumn: '*' });
        continue;
      }
      for (const s of o.sources) {
        if (FLOW_USAGES.has(s.usage)) add(s.relation, { consumer: consumer.id, column: s.column, usage: s.usage, confidence: s.inferred ? 'inferred' : 'explicit', outputColumn: o.name });
      }
    }
    for (const s of res.references) add(s.relation, { consumer: consumer.id, column: s.column, usage: s.usage, confidence: s.inferred ? 'inferred' : 'explicit' });
    for (const rel of res.tables) {
      const up = this.upstreamAsset(rel);
      if (up) this.fx.addEdge(up.id, consumer.id);
    }
    if (this.incremental) return;
    if (ir.kind !== 'insert' && ir.kind !== 'merge' && ir.kind !== 'update') {
      const names = outputs.filter((o) => !o.unresolvedStar).map((o) => o.name);
      this.fx.setColumns(consumer, names, !outputs.some((o) => o.unresolvedStar));
    }
    if (outputs.some((o) => o.unresolvedStar)) this.fx.markUnresolvedStar(consumer);
    this.checkUnknownColumns(consumer, res, range);
  }

  // A column the query names that its upstream, whose columns are fully known, does not have. A
  // relation standing for the consumer itself (a Spark temp view made from a join stands for the
  // job) is not checked: the consumer's columns are this query's outputs, not what it reads.
  private checkUnknownColumns(consumer: Asset, res: ResolvedQuery, range: number[]): void {
    for (const s of res.references) {
      if (s.inferred) continue;
      const up = this.upstreamAsset(s.relation);
      if (!up || up.id === consumer.id || !up.columnsComplete || up.columns.some((c) => c.name.toLowerCase() === s.column.toLowerCase())) continue;
      const at = this.identifiers.find(s.column, range[0], range[1])[0] ?? fallbackLocation(consumer, this.job.path)[0];
      this.fx.diagnostic({ path: at.path, line: at.line, column: at.column, severity: 'warning', code: 'unknown-column', message: `column "${s.column}" does not exist in ${up.name}` });
    }
  }

  private failure(st: StatementAnalysis): void {
    const f = st.failure!;
    const line = this.job.ownerId ? mapRenderedLine(this.job.sql, this.job.originalText, f.line) : f.line;
    this.fx.diagnostic({ path: this.job.path, line, column: this.job.ownerId ? undefined : f.column, severity: 'info', code: 'sql-parse', message: `SQL not parsed (${f.message}); table-level lineage only for this statement` });
    const writes = f.tables.filter((t) => t.role === 'write').map((t) => this.target(t.relation));
    const consumers = this.job.ownerId ? [this.owner()!] : writes;
    for (const t of f.tables) {
      if (t.role !== 'read') continue;
      const up = this.upstreamAsset(t.relation);
      for (const c of consumers) if (c && up) this.fx.addEdge(up.id, c.id);
    }
  }
}

/** Columns usable to expand a star: any known list (DDL, YAML, seed header, upstream outputs). */
function knownColumns(asset: Asset | undefined): string[] | undefined {
  return asset?.columns.length ? asset.columns.map((c) => c.name) : undefined;
}

// INSERT maps select outputs to the target's columns by position, like the database does.
function outputName(ir: StatementIR, consumer: Asset, o: ResolvedOutput, i: number): string {
  if (ir.kind !== 'insert' || o.unresolvedStar) return o.name;
  return ir.targetColumns?.[i] ?? consumer.columns[i]?.name ?? o.name;
}

function fallbackLocation(asset: Asset, path: string): { path: string; line: number; column: number }[] {
  return [asset.location && asset.location.path === path ? asset.location : { path, line: 1, column: 1 }];
}
