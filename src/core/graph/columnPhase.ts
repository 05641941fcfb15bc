// The column phase: each analysed SQL file is resolved against the columns of its upstream
// assets, in dependency order, so a model's `select *` expands from the outputs of the model
// before it. Results land in the graph as column references; the consumer's output columns are
// recorded on its asset for the next consumer.
import type { Diagnostic, Relation, UpstreamRef } from '../model';
import { FLOW_USAGES } from '../model';
import type { SqlAnalysis, StatementAnalysis } from '../sql/sqlAnalysis';
import type { StatementIR } from '../sql/queryIr';
import { relationKey } from '../sql/queryIr';
import type { ResolvedOutput, ResolvedQuery } from '../sql/columnResolver';
import { resolveQuery } from '../sql/columnResolver';
import type { Asset, AssetIndex } from './assetIndex';
import type { ColumnReference, LineageGraph } from './lineageGraph';
import { IdentifierIndex, mapRenderedLine } from './identifierIndex';

export interface ColumnJob {
  path: string;
  originalText: string;
  /** The SQL that was analysed (rendered for dbt models). */
  sql: string;
  analysis: SqlAnalysis;
  /** dbt models own every statement of their file; plain SQL statements name their own target. */
  ownerId?: string;
  renderedRelations?: { relation: Relation; upstream: UpstreamRef }[];
}

export interface ColumnPhaseContext {
  assets: AssetIndex;
  graph: LineageGraph;
  diagnostics: Diagnostic[];
  /** Finds (or creates, for a table no file defines) the asset a relation names. */
  relationAsset(relation: Relation): Asset;
  resolveUpstream(ref: UpstreamRef): Asset | undefined;
}

export function runColumnPhase(jobs: ColumnJob[], ctx: ColumnPhaseContext): void {
  const rank = jobRanks(jobs, ctx);
  const ordered = [...jobs].sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0) || a.path.localeCompare(b.path));
  for (const job of ordered) new JobResolver(job, ctx).run();
}

// Jobs run in the topological order of the assets they define, so upstream outputs are known.
function jobRanks(jobs: ColumnJob[], ctx: ColumnPhaseContext): Map<ColumnJob, number> {
  const owners = new Map<ColumnJob, string[]>();
  for (const job of jobs) owners.set(job, job.ownerId ? [job.ownerId] : targetsOf(job, ctx));
  const ids = [...new Set([...owners.values()].flat())];
  const { order } = ctx.graph.topologicalOrder(ids);
  const position = new Map(order.map((id, i) => [id, i]));
  const rank = new Map<ColumnJob, number>();
  for (const [job, ids2] of owners) rank.set(job, Math.min(...ids2.map((id) => position.get(id) ?? 0), Number.MAX_SAFE_INTEGER));
  return rank;
}

function targetsOf(job: ColumnJob, ctx: ColumnPhaseContext): string[] {
  return job.analysis.statements.flatMap((s) => (s.ir?.target ? [ctx.relationAsset(s.ir.target).id] : []));
}

class JobResolver {
  private idx?: IdentifierIndex;
  private readonly rendered = new Map<string, UpstreamRef>();

  constructor(private readonly job: ColumnJob, private readonly ctx: ColumnPhaseContext) {
    for (const r of job.renderedRelations ?? []) this.rendered.set(relationKey(r.relation), r.upstream);
  }

  run(): void {
    for (const st of this.job.analysis.statements) this.statement(st);
  }

  private get identifiers(): IdentifierIndex {
    if (!this.idx) this.idx = new IdentifierIndex(this.job.path, this.job.originalText);
    return this.idx;
  }

  private upstreamAsset(rel: Relation): Asset {
    const ref = this.rendered.get(relationKey(rel));
    return (ref && this.ctx.resolveUpstream(ref)) ?? this.ctx.relationAsset(rel);
  }

  private consumerOf(ir: StatementIR | undefined): Asset | undefined {
    if (this.job.ownerId) return this.ctx.assets.get(this.job.ownerId);
    return ir?.target ? this.ctx.relationAsset(ir.target) : undefined;
  }

  private statement(st: StatementAnalysis): void {
    if (st.failure) return this.failure(st);
    const ir = st.ir;
    const consumer = this.consumerOf(ir);
    if (!ir || !consumer) return;
    if (ir.kind === 'create_table' && ir.columnDefs) {
      setColumns(consumer, ir.columnDefs.map((c) => c.name), true, ir.columnDefs);
      return;
    }
    if (!ir.query) return;
    const res = resolveQuery(ir.query, (rel) => knownColumns(this.upstreamAsset(rel)));
    this.record(consumer, ir, res);
  }

  private record(consumer: Asset, ir: StatementIR, res: ResolvedQuery): void {
    const range = this.job.ownerId ? [0, Number.MAX_SAFE_INTEGER] : [ir.start, ir.end];
    const added = new Set<string>();
    const add = (ref: Omit<ColumnReference, 'locations'>) => {
      const key = `${ref.upstream}|${ref.column.toLowerCase()}|${ref.usage}|${ref.confidence}|${ref.outputColumn ?? ''}`;
      if (added.has(key)) return;
      added.add(key);
      added.add(`${ref.upstream}|${ref.column.toLowerCase()}|${ref.usage}|${ref.confidence}|*`);
      const locations = ref.column === '*' ? [] : this.identifiers.find(ref.column, range[0], range[1]);
      this.ctx.graph.addReference({ ...ref, locations: locations.length ? locations : fallbackLocation(consumer, this.job.path) });
    };
    const outputs = res.outputs.map((o, i) => ({ ...o, name: outputName(ir, consumer, o, i) }));
    for (const o of outputs) {
      if (o.unresolvedStar) {
        add({ consumer: consumer.id, upstream: this.upstreamAsset(o.unresolvedStar).id, column: '*', usage: 'identity', confidence: 'inferred', outputColumn: '*' });
        continue;
      }
      for (const s of o.sources) {
        if (!FLOW_USAGES.has(s.usage)) continue;
        add({ consumer: consumer.id, upstream: this.upstreamAsset(s.relation).id, column: s.column, usage: s.usage, confidence: s.inferred ? 'inferred' : 'explicit', outputColumn: o.name });
      }
    }
    for (const s of res.references) {
      const upstream = this.upstreamAsset(s.relation).id;
      const confidence = s.inferred ? 'inferred' : 'explicit';
      if (!added.has(`${upstream}|${s.column.toLowerCase()}|${s.usage}|${confidence}|*`)) add({ consumer: consumer.id, upstream, column: s.column, usage: s.usage, confidence });
    }
    for (const rel of res.tables) this.ctx.graph.addEdge(this.upstreamAsset(rel).id, consumer.id, 'explicit');
    if (ir.kind !== 'insert' && ir.kind !== 'merge' && ir.kind !== 'update') {
      const names = outputs.filter((o) => !o.unresolvedStar).map((o) => o.name);
      setColumns(consumer, names, !outputs.some((o) => o.unresolvedStar));
    }
    if (outputs.some((o) => o.unresolvedStar)) consumer.meta.unresolvedStar = true;
    this.checkUnknownColumns(consumer, res, range);
  }

  // A column the query names that its upstream, whose columns are fully known, does not have.
  private checkUnknownColumns(consumer: Asset, res: ResolvedQuery, range: number[]): void {
    for (const s of res.references) {
      if (s.inferred) continue;
      const up = this.upstreamAsset(s.relation);
      if (!up.columnsComplete || up.columns.some((c) => c.name.toLowerCase() === s.column.toLowerCase())) continue;
      const at = this.identifiers.find(s.column, range[0], range[1])[0] ?? fallbackLocation(consumer, this.job.path)[0];
      this.ctx.diagnostics.push({ path: at.path, line: at.line, column: at.column, severity: 'warning', code: 'unknown-column', message: `column "${s.column}" does not exist in ${up.name}` });
    }
  }

  private failure(st: StatementAnalysis): void {
    const f = st.failure!;
    const line = this.job.ownerId ? mapRenderedLine(this.job.sql, this.job.originalText, f.line) : f.line;
    this.ctx.diagnostics.push({ path: this.job.path, line, column: this.job.ownerId ? undefined : f.column, severity: 'info', code: 'sql-parse', message: `SQL not parsed (${f.message}); table-level lineage only for this statement` });
    const writes = f.tables.filter((t) => t.role === 'write').map((t) => this.ctx.relationAsset(t.relation));
    const consumers = this.job.ownerId ? [this.ctx.assets.get(this.job.ownerId)!] : writes;
    for (const t of f.tables) {
      if (t.role !== 'read') continue;
      const up = this.upstreamAsset(t.relation);
      for (const c of consumers) if (c) this.ctx.graph.addEdge(up.id, c.id, 'explicit');
    }
  }
}

/** Columns usable to expand a star: any known list (DDL, YAML, seed header, upstream outputs). */
function knownColumns(asset: Asset): string[] | undefined {
  return asset.columns.length ? asset.columns.map((c) => c.name) : undefined;
}

// INSERT maps select outputs to the target's columns by position, like the database does.
function outputName(ir: StatementIR, consumer: Asset, o: ResolvedOutput, i: number): string {
  if (ir.kind !== 'insert' || o.unresolvedStar) return o.name;
  return ir.targetColumns?.[i] ?? consumer.columns[i]?.name ?? o.name;
}

function setColumns(asset: Asset, names: string[], complete: boolean, defs?: { name: string; type?: string }[]): void {
  const documented = new Map(asset.columns.map((c) => [c.name.toLowerCase(), c]));
  asset.columns = names.map((name, i) => {
    const doc = documented.get(name.toLowerCase());
    return { ...(doc ?? {}), name: doc?.name ?? name, type: defs?.[i]?.type ?? doc?.type };
  });
  // Documented columns the SQL does not produce stay listed: the YAML may be ahead of the SQL.
  for (const [key, doc] of documented) if (!names.some((n) => n.toLowerCase() === key)) asset.columns.push(doc);
  asset.columnsComplete = asset.columnsComplete || complete;
}

function fallbackLocation(asset: Asset, path: string): { path: string; line: number; column: number }[] {
  return [asset.location && asset.location.path === path ? asset.location : { path, line: 1, column: 1 }];
}
