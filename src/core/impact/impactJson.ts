// The impact report as the CLI's `impact --json` prints it. One function for both fronts: the CI
// gate and the editor's "Export JSON" must write the same document, byte for byte, so a file
// exported in the editor can be diffed against (or fed to whatever reads) the gate's output.
import type { ImpactReport } from './impactAnalysis';

/** The report, as the CLI prints it (without the trailing newline the terminal adds). */
export function impactJson(report: ImpactReport & { migration?: string; changed_assets?: string[] }): string {
  return JSON.stringify(report, null, 2);
}

/**
 * What `impact --migration --json` prints when the migration changes no table the workspace
 * knows (or none at all): nothing affected, not a failed gate.
 */
export function emptyMigrationJson(migration: string): string {
  return JSON.stringify({ asset: null, migration, proposed_changes: [], risk_level: 'none', affected_count: 0, affected_assets: [] }, null, 2);
}
