// The four commands' output: text for people (the tutorial's tree and report), one JSON
// document on stdout for machines.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { LineageIndex } from '../core/lineageIndex';
import type { Asset } from '../core/graph/assetIndex';
import type { ProposedChange } from '../core/model';
import type { Direction } from '../core/query/lineageTree';
import { formatTree } from '../core/query/lineageTree';
import type { ImpactReport } from '../core/impact/impactAnalysis';
import { migrationImpact } from '../core/impact/migrationImpact';
import { emptyMigrationJson, impactJson } from '../core/impact/impactJson';
import type { FailOn } from './cliArgs';
import { UsageError } from './cliArgs';
import { formatImpact } from './impactText';
import type { Io } from './main';

export function runIndex(index: LineageIndex, json: boolean, io: Io): number {
  const stats = index.stats();
  if (json) {
    io.out(JSON.stringify(stats, null, 2));
    return 0;
  }
  io.out(`Assets: ${stats.assets}`);
  for (const [type, n] of Object.entries(stats.by_type).sort()) io.out(`  ${type.padEnd(14)} ${n}`);
  io.out(`Edges: ${stats.edges}   Column edges: ${stats.column_edges}`);
  const t = index.timings;
  io.out(t.restored ? 'Restored from the saved index: no file changed since the last run' : `Parsed ${t.parsed} SQL sources, ${t.cached} from cache`);
  if (stats.diagnostics.length) {
    io.out(`\nDiagnostics (${stats.diagnostics.length}):`);
    for (const d of stats.diagnostics.slice(0, 50)) io.out(`  ${d.path}:${d.line}: ${d.severity}: ${d.message}`);
    if (stats.diagnostics.length > 50) io.out(`  … and ${stats.diagnostics.length - 50} more (--json lists them all)`);
  }
  return 0;
}

export function runLineage(index: LineageIndex, asset: Asset, direction: Direction, depth: number, json: boolean, io: Io): number {
  const tree = index.lineage(asset, direction, depth);
  if (json) {
    io.out(JSON.stringify(tree, null, 2));
    return 0;
  }
  if (direction !== 'upstream') io.out(formatTree(tree.graph, 'downstream').join('\n'));
  if (direction === 'both') io.out('');
  if (direction !== 'downstream') io.out(formatTree(tree.graph, 'upstream').join('\n'));
  return 0;
}

export function runColumns(index: LineageIndex, asset: Asset, json: boolean, io: Io): number {
  const answer = index.columns(asset);
  if (json) {
    io.out(JSON.stringify(answer, null, 2));
    return 0;
  }
  io.out(`[${asset.asset_type.toUpperCase()}] ${asset.name}`);
  if (!answer.columns.length) io.out('  (no columns known)');
  const width = Math.max(4, ...answer.columns.map((c) => c.name.length));
  for (const c of answer.columns) {
    const type = c.type ? ` ${c.type}` : '';
    const from = c.upstream.length ? `  ← ${c.upstream.join(', ')}` : '';
    io.out(`  ${c.name.padEnd(width)}${type}${from}${c.unresolved ? '  (select * over an upstream with unknown columns)' : ''}`);
  }
  return 0;
}

export function runImpact(index: LineageIndex, asset: Asset, changes: ProposedChange[], json: boolean, failOn: FailOn, io: Io): number {
  checkColumnsExist(asset, changes);
  return report(index.impact(asset, changes), json, failOn, io);
}

// A typo in a change spec must not pass the gate as "nothing affected": when the asset's columns
// are fully known (DDL, seed header, resolved SQL), a change to a column it lacks is bad input.
function checkColumnsExist(asset: Asset, changes: ProposedChange[]): void {
  if (!asset.columnsComplete) return;
  const have = new Set(asset.columns.map((c) => c.name.toLowerCase()));
  for (const c of changes) {
    const column = c.type === 'column_rename' ? c.from : c.type === 'column_drop' || c.type === 'column_type_change' ? c.column : undefined;
    if (column && !have.has(column.toLowerCase())) {
      throw new UsageError(`${asset.name} has no column "${column}" (its columns: ${asset.columns.map((x) => x.name).join(', ')})`);
    }
  }
}

export async function runMigrationImpact(index: LineageIndex, workspace: string, file: string, json: boolean, failOn: FailOn, io: Io): Promise<number> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read migration file "${file}": ${(e as Error).message}`);
  }
  const rel = path.relative(workspace, file).split(path.sep).join('/');
  const result = migrationImpact(index, rel.startsWith('..') ? file : rel, text);
  for (const u of result.unknownTargets) io.err(`datalineage: warning: ${u.path}:${u.line}: table "${u.name}" is not known in the workspace; its changes are not analysed`);
  if (!result.report) {
    // Changes only to tables nothing in the workspace reads (a temp table, one managed
    // elsewhere) break nothing lineage can see: warned about above, not a failed gate.
    if (json) io.out(emptyMigrationJson(rel));
    else io.out(result.unknownTargets.length ? `No table changed by ${rel} is known in the workspace: nothing affected.` : `No schema changes (ALTER … RENAME/DROP/TYPE, DROP TABLE) found in ${rel}.`);
    return 0;
  }
  return report(result.report, json, failOn, io);
}

function report(r: ImpactReport, json: boolean, failOn: FailOn, io: Io): number {
  const breaking = r.affected_assets.filter((a) => a.severity === 'breaking');
  const failed = failOn === 'breaking' ? breaking.length > 0 : failOn === 'warning' ? r.affected_count > 0 : false;
  if (json) io.out(impactJson(r));
  else io.out(formatImpact(r, failed, failOn));
  return failed ? 1 : 0;
}
