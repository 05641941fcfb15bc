// A migration file's statements are the proposed changes: each ALTER/DROP names its table, and
// the reports for all tables it touches merge into one (a CI gate wants one verdict per file).
import type { MigrationChange, ProposedChange } from '../model';
import type { Asset } from '../graph/assetIndex';
import { formatRelation } from '../sql/queryIr';
import { readSqlFile } from '../readers/sqlFileReader';
import type { AffectedAsset, ImpactGraph, ImpactReport } from './impactAnalysis';
import { analyzeImpact, riskLevel } from './impactAnalysis';

export interface MigrationImpact {
  report?: ImpactReport & { migration: string; changed_assets: string[] };
  unknownTargets: { name: string; path: string; line: number }[];
}

interface Host extends ImpactGraph {
  assets: { findRelation(r: MigrationChange['relation']): Asset | undefined };
}

export function migrationImpact(index: Host, path: string, text: string, dialect = 'postgresql'): MigrationImpact {
  const changes = readSqlFile(path, text, dialect).changes;
  const byAsset = new Map<Asset, ProposedChange[]>();
  const unknownTargets: MigrationImpact['unknownTargets'] = [];
  for (const c of changes) {
    const asset = index.assets.findRelation(c.relation);
    if (!asset) {
      unknownTargets.push({ name: formatRelation(c.relation), path: c.location.path, line: c.location.line });
      continue;
    }
    byAsset.set(asset, [...(byAsset.get(asset) ?? []), c.change]);
  }
  const reports = [...byAsset].map(([asset, list]) => analyzeImpact(index, asset, list));
  if (!reports.length) return { unknownTargets };
  return { report: { ...merge(reports), migration: path, changed_assets: reports.map((r) => r.asset.name) }, unknownTargets };
}

function merge(reports: ImpactReport[]): ImpactReport {
  if (reports.length === 1) return reports[0];
  const affected = new Map<string, AffectedAsset>();
  for (const r of reports) {
    for (const a of r.affected_assets) {
      const seen = affected.get(a.id);
      if (!seen) {
        affected.set(a.id, { ...a, affected_references: [...a.affected_references], locations: [...a.locations], reasons: [...a.reasons] });
        continue;
      }
      if (a.severity === 'breaking') seen.severity = 'breaking';
      for (const ref of a.affected_references) if (!seen.affected_references.includes(ref)) seen.affected_references.push(ref);
      seen.locations.push(...a.locations);
      seen.reasons.push(...a.reasons);
    }
  }
  const list = [...affected.values()];
  return {
    asset: reports[0].asset,
    proposed_changes: reports.flatMap((r) => r.proposed_changes.map((c) => ({ ...c, asset: r.asset.name }))),
    risk_level: riskLevel(list),
    affected_count: list.length,
    affected_assets: list,
  };
}
