// CodeLens: how many assets sit downstream and upstream of each asset a file defines, and what
// each migration statement breaks. Plain functions over the editor view.
import type { CodeLens } from 'vscode-languageserver';
import { minimatch } from 'minimatch';
import type { Asset } from '../core/graph/assetIndex';
import type { Location } from '../core/model';
import { analyzeImpact } from '../core/impact/impactAnalysis';
import { formatRelation } from '../core/sql/queryIr';
import type { ServerSettings } from '../protocol/lineageProtocol';
import type { EditorView } from './editorView';
import { editorPosition } from './workspacePaths';

export const SHOW_NEIGHBOURS = 'datalineage.showNeighbours';
export const SHOW_MIGRATION_IMPACT = 'datalineage.analyzeMigration';

type LensKind = keyof ServerSettings['codeLens'];

/** Which setting switches an asset's lens; undefined: no lens (files, runs: too many, too small). */
function lensKind(asset: Asset, at: Location): LensKind | undefined {
  switch (asset.asset_type) {
    case 'dbt_model':
    case 'dbt_seed':
    case 'dbt_snapshot':
    case 'dbt_exposure':
      return 'models';
    case 'table':
    case 'view':
      return /\.ya?ml$/i.test(at.path) ? 'sources' : 'tables';
    case 'dag':
    case 'airflow_task':
      return 'dags';
    case 'spark_job':
      return 'sparkJobs';
    case 'dvc_stage':
      return 'dvcStages';
    case 'file':
    case 'mlflow_run':
    case 'mlflow_model':
      return undefined;
    default:
      return 'models'; // lineage.yml kinds (dashboards, reports) read like models
  }
}

export function isMigration(path: string, settings: ServerSettings): boolean {
  return settings.migrationGlobs.some((g) => minimatch(path, g, { dot: true, nocase: true }));
}

export function codeLenses(view: EditorView, path: string, uri: string, settings: ServerSettings): CodeLens[] {
  const lenses: CodeLens[] = [];
  const placed = view.placedIn(path);
  // Several assets on one line (tasks made in a loop): each lens says whose counts it shows.
  const perLine = new Map<number, number>();
  for (const { location } of placed) perLine.set(location.line, (perLine.get(location.line) ?? 0) + 1);
  for (const { asset, location } of placed) {
    const kind = lensKind(asset, location);
    if (!kind || !settings.codeLens[kind]) continue;
    const down = view.index.graph.downstreamOf(asset.id).length;
    const up = view.index.graph.upstreamOf(asset.id).length;
    const who = (perLine.get(location.line) ?? 0) > 1 ? `${asset.name}: ` : '';
    lenses.push({
      range: lineRange(location.line),
      command: { title: `${who}↓ ${down} downstream · ↑ ${up} upstream`, command: SHOW_NEIGHBOURS, arguments: [asset.id] },
    });
  }
  if (settings.codeLens.migrations && isMigration(path, settings)) lenses.push(...migrationLenses(view, path, uri));
  return lenses;
}

function migrationLenses(view: EditorView, path: string, uri: string): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const change of view.changesIn(path)) {
    const asset = view.index.assets.findRelation(change.relation);
    let title: string;
    if (!asset) {
      title = `? ${formatRelation(change.relation)} is not a known table — not checked`;
    } else if (!view.complete) {
      // Column references are not resolved yet: a count now would say "breaks nothing" wrongly.
      title = '… analysing impact (indexing columns)';
    } else {
      const report = analyzeImpact(view.index, asset, [change.change]);
      const breaks = report.affected_assets.filter((a) => a.severity === 'breaking').length;
      const warns = report.affected_count - breaks;
      title = breaks || warns ? `⚠ breaks ${breaks} · warns ${warns}` : '✓ breaks nothing downstream';
    }
    lenses.push({ range: lineRange(change.location.line), command: { title, command: SHOW_MIGRATION_IMPACT, arguments: [uri] } });
  }
  return lenses;
}

function lineRange(line: number) {
  const start = editorPosition({ line });
  return { start, end: start };
}
