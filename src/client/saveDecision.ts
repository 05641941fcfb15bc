// What a save of a migration leads to, by the `datalineage.impact.onSave` setting and the answer.
// Pure (no vscode import) so the rules are unit-tested; saveParticipant.ts carries them out.
import type { ImpactResult, MigrationLookupError } from '../protocol/lineageProtocol';

export type OnSaveMode = 'panel' | 'notify' | 'off';

/**
 * - `open`: show the report in the panel, opening it if needed;
 * - `update`: refresh the panel only if it is already open (nothing worth interrupting for);
 * - `notify`: a notification with the risk level and a button to open the panel;
 * - `none`: nothing (the setting is `off`).
 */
export type SaveAction = 'open' | 'update' | 'notify' | 'none';

/** The answer to a save: the server's result, or the failure of the request itself. */
export type SaveAnswer = ImpactResult | MigrationLookupError | { failed: string };

/** Something worth a look: affected assets, or tables the migration changes that nobody knows. */
export function noteworthy(a: SaveAnswer): boolean {
  if ('failed' in a) return true;
  if ('error' in a) return !!a.unknownTargets?.length;
  return a.report.affected_count > 0 || a.unknownTargets.length > 0;
}

/**
 * `explicit` is false for auto-saves (after a delay, on focus change): they update an open panel
 * but never open it or notify, or every pause in typing would pop something up.
 */
export function saveAction(mode: OnSaveMode, answer: SaveAnswer, explicit: boolean): SaveAction {
  if (mode === 'off') return 'none';
  if (!explicit || !noteworthy(answer)) return 'update';
  return mode === 'notify' ? 'notify' : 'open';
}

export function readMode(value: unknown): OnSaveMode {
  return value === 'notify' || value === 'off' ? value : 'panel';
}

/** The notification's text: risk and counts, or the reason there is no report. */
export function notificationText(file: string, a: SaveAnswer): string {
  if ('failed' in a) return `DataLineage: could not analyse ${file}: ${a.failed}`;
  if ('error' in a) return `DataLineage: ${file}: ${a.error}`;
  const r = a.report;
  const breaking = r.affected_assets.filter((x) => x.severity === 'breaking').length;
  const unknown = a.unknownTargets.length ? `; ${a.unknownTargets.length} unknown table(s) not checked` : '';
  return `DataLineage: ${file} — risk ${r.risk_level.toUpperCase()}: ${r.affected_count} affected asset${r.affected_count === 1 ? '' : 's'} (${breaking} breaking)${unknown}`;
}
