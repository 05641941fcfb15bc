// What a proposed change breaks. A column change follows column references: every asset that
// names the column, and, transitively, every asset that names a pass-through of it (see
// nextColumn for how far each kind of change travels). Reads (filters, joins) count as affected
// but carry nothing further. An asset that reads the table but none of the affected columns is
// not affected.
import type { Location, ProposedChange } from '../model';
import type { Asset } from '../graph/assetIndex';
import type { LineageGraph } from '../graph/lineageGraph';
import { summarize } from '../query/assetSummary';
import { compareAssets } from '../query/lineageTree';
import type { AssetSummary } from '../query/assetSummary';

export type ImpactSeverity = 'breaking' | 'warning';
export type RiskLevel = 'high' | 'medium' | 'low' | 'none';

export interface AffectedAsset extends AssetSummary {
  affected_references: string[];
  severity: ImpactSeverity;
  locations: Location[];
  via: string[];
  /** Why each reference is affected, for the editor's impact panel. */
  reasons: { column: string; change: ProposedChange['type']; usage: string; confidence: string; severity: ImpactSeverity }[];
}

export interface ImpactReport {
  asset: AssetSummary;
  proposed_changes: ProposedChange[];
  risk_level: RiskLevel;
  affected_count: number;
  affected_assets: AffectedAsset[];
}

export interface ImpactGraph {
  graph: LineageGraph;
  get(id: string): Asset | undefined;
}

interface Frontier {
  assetId: string;
  column: string;
  change: ProposedChange;
  via: string[];
}

export function analyzeImpact(g: ImpactGraph, target: Asset, changes: ProposedChange[]): ImpactReport {
  const affected = new Map<string, AffectedAsset>();
  const note: Note = (asset, via, ref, change, severity) => {
    let a = affected.get(asset.id);
    if (!a) {
      a = { ...summarize(asset), affected_references: [], severity, locations: [], via, reasons: [] };
      affected.set(asset.id, a);
    }
    if (severity === 'breaking') a.severity = 'breaking';
    if (!a.affected_references.includes(ref.column)) a.affected_references.push(ref.column);
    for (const l of ref.locations) if (!a.locations.some((x) => x.path === l.path && x.line === l.line && x.column === l.column)) a.locations.push(l);
    if (!a.reasons.some((r) => r.column === ref.column && r.usage === ref.usage && r.change === change.type)) {
      a.reasons.push({ column: ref.column, change: change.type, usage: ref.usage, confidence: ref.confidence, severity });
    }
  };
  for (const change of changes) {
    if (change.type === 'table_drop' || change.type === 'table_rename') tableChange(g, target, change, note);
    else columnChange(g, target, change, note);
  }
  // Nearest first, then in pipeline order (models before DAGs before Spark jobs), then by name,
  // so a report reads the way the change travels and is the same on every run.
  const list = [...affected.values()].filter((a) => a.id !== target.id).sort((a, b) => a.via.length - b.via.length || compareAssets(a, b));
  return {
    asset: summarize(target),
    proposed_changes: changes,
    risk_level: riskLevel(list),
    affected_count: list.length,
    affected_assets: list,
  };
}

/** One reference as the report shows it; usage may also be 'table', 'upstream' or 'unknown'. */
interface NotedRef {
  column: string;
  usage: string;
  confidence: string;
  locations: Location[];
}

type Note = (asset: Asset, via: string[], ref: NotedRef, change: ProposedChange, severity: ImpactSeverity) => void;

function changedColumn(change: ProposedChange): string {
  switch (change.type) {
    case 'column_rename':
      return change.from;
    case 'column_drop':
    case 'column_type_change':
      return change.column;
    default:
      return '';
  }
}

function columnChange(g: ImpactGraph, target: Asset, change: ProposedChange, note: Note): void {
  const queue: Frontier[] = [{ assetId: target.id, column: changedColumn(change), change, via: [target.name] }];
  const seen = new Set<string>();
  const unknownUsage = new Set<string>();
  while (queue.length) {
    const f = queue.shift() as Frontier;
    const key = `${f.assetId}|${f.column.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const refs = [...g.graph.referencesTo(f.assetId, f.column), ...g.graph.referencesTo(f.assetId, '*')];
    for (const ref of refs) {
      const consumer = g.get(ref.consumer);
      if (!consumer || consumer.id === target.id) continue;
      const via = [...f.via, consumer.name];
      const star = ref.column === '*';
      const shown = star ? { ...ref, column: f.column, confidence: 'inferred' as const } : ref;
      note(consumer, via, shown, change, severityOf(change, shown.confidence));
      const next = nextColumn(change, ref, f.column, star);
      if (next) queue.push({ assetId: consumer.id, column: next, change, via });
    }
    // Consumers whose column use is unknown (a dbt exposure, a declared asset without column
    // references, SQL the parser rejected) may read the column: a file-level dependency, a warning.
    const readers = new Set(g.graph.referencesTo(f.assetId).map((r) => r.consumer));
    for (const edge of g.graph.downstreamOf(f.assetId)) {
      if (readers.has(edge.to) || unknownUsage.has(`${f.assetId}>${edge.to}`)) continue;
      const consumer = g.get(edge.to);
      if (!consumer || consumer.id === target.id) continue;
      unknownUsage.add(`${f.assetId}>${edge.to}`);
      note(consumer, [...f.via, consumer.name], { column: f.column, usage: 'unknown', confidence: 'inferred', locations: consumer.location ? [consumer.location] : [] }, change, 'warning');
    }
  }
}

// Renaming or dropping a table breaks everything that names it; what is downstream of those
// keeps running on stale data, which is worth a warning.
function tableChange(g: ImpactGraph, target: Asset, change: ProposedChange, note: Note): void {
  const queue: { id: string; via: string[]; depth: number }[] = [{ id: target.id, via: [target.name], depth: 0 }];
  const seen = new Set<string>([target.id]);
  while (queue.length) {
    const cur = queue.shift() as { id: string; via: string[]; depth: number };
    for (const edge of g.graph.downstreamOf(cur.id)) {
      if (seen.has(edge.to)) continue;
      seen.add(edge.to);
      const consumer = g.get(edge.to);
      if (!consumer) continue;
      const via = [...cur.via, consumer.name];
      const direct = cur.depth === 0;
      const refs = g.graph.referencesTo(cur.id).filter((r) => r.consumer === edge.to);
      const locations = refs.flatMap((r) => r.locations).slice(0, 20);
      const severity: ImpactSeverity = direct && edge.confidence === 'explicit' ? 'breaking' : 'warning';
      const shownName = g.get(cur.id)?.name ?? cur.id;
      note(consumer, via, { column: shownName, usage: direct ? 'table' : 'upstream', confidence: edge.confidence, locations: locations.length ? locations : consumer.location ? [consumer.location] : [] }, change, severity);
      queue.push({ id: edge.to, via, depth: cur.depth + 1 });
    }
  }
}

/**
 * Where a change travels from a consumer's reference. A rename or drop takes a name away, so it
 * travels only where the consumer passes the column on under the same name (or through `*`):
 * that name is what the consumer's own readers use. A column computed from it (an alias, a
 * transform, an aggregate) keeps its own name, so its readers need no change. A type change
 * travels through every derivation, because the new type flows into what is computed from it.
 */
function nextColumn(change: ProposedChange, ref: { usage: string; outputColumn?: string }, column: string, star: boolean): string | undefined {
  if (star) return column;
  if (!ref.outputColumn) return undefined;
  if (change.type === 'column_type_change') return ref.outputColumn;
  return ref.usage === 'identity' && ref.outputColumn.toLowerCase() === column.toLowerCase() ? column : undefined;
}

/** breaking: an explicit reference to a renamed or dropped column; warning: everything less certain. */
function severityOf(change: ProposedChange, confidence: string): ImpactSeverity {
  if (change.type === 'column_type_change') return 'warning';
  return confidence === 'explicit' ? 'breaking' : 'warning';
}

/** high: anything breaks; medium: three or more assets need review; low: one or two; none. */
export function riskLevel(affected: { severity: ImpactSeverity }[]): RiskLevel {
  if (affected.some((a) => a.severity === 'breaking')) return 'high';
  if (affected.length >= 3) return 'medium';
  return affected.length ? 'low' : 'none';
}
