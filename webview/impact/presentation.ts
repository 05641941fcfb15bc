// How the report's values look in the panel: badge labels, codicons and theme tones for risk
// levels and severities, the summary line, location labels. Pure (no DOM) so it is unit-tested.
// Tones name --vscode-* colours in styles.ts; nothing here is a fixed colour.
import type { ImpactResult } from '../../src/protocol/lineageProtocol';
import type { ImpactLocation } from '../../src/protocol/webviewProtocol';

export type Tone = 'error' | 'warning' | 'info' | 'ok';

export interface Badge {
  label: string;
  /** A codicon name (without the `codicon-` prefix). */
  icon: string;
  tone: Tone;
  /** What a screen reader says. */
  title: string;
}

const RISK: Record<string, Badge> = {
  high: { label: 'HIGH', icon: 'error', tone: 'error', title: 'High risk: at least one breaking change' },
  medium: { label: 'MEDIUM', icon: 'warning', tone: 'warning', title: 'Medium risk: three or more assets may be affected' },
  low: { label: 'LOW', icon: 'info', tone: 'info', title: 'Low risk: a few assets may be affected' },
  none: { label: 'NONE', icon: 'pass', tone: 'ok', title: 'No asset reads the changed columns' },
};

const SEVERITY: Record<string, Badge> = {
  breaking: { label: 'breaking', icon: 'error', tone: 'error', title: 'Breaking: an explicit reference that will fail or change meaning' },
  warning: { label: 'warning', icon: 'warning', tone: 'warning', title: 'Warning: a dependent with less certainty (select *, a Python variable, a file-level dependency)' },
};

/** An unknown value (a newer server) still gets a neutral badge with its own text. */
export function riskBadge(risk: string): Badge {
  return RISK[risk] ?? { label: risk.toUpperCase(), icon: 'question', tone: 'info', title: `Risk: ${risk}` };
}

export function severityBadge(severity: string): Badge {
  return SEVERITY[severity] ?? { label: severity, icon: 'question', tone: 'info', title: severity };
}

/** "4 affected assets · 3 breaking · 1 warning", or why there are none. */
export function summaryLine(result: ImpactResult): string {
  const r = result.report;
  const breaking = r.affected_assets.filter((a) => a.severity === 'breaking').length;
  const warning = r.affected_assets.length - breaking;
  const parts = [`${r.affected_count} affected asset${r.affected_count === 1 ? '' : 's'}`];
  if (breaking) parts.push(`${breaking} breaking`);
  if (warning) parts.push(`${warning} warning${warning === 1 ? '' : 's'}`);
  if (result.unknownTargets.length) parts.push(`${result.unknownTargets.length} unknown table${result.unknownTargets.length === 1 ? '' : 's'} not checked`);
  return parts.join(' · ');
}

export function locationLabel(l: ImpactLocation): string {
  return `${l.path}:${l.line}:${l.column}`;
}

/**
 * The via path as the table shows it: the hops between the changed table and the asset (both
 * already on the row's context); a direct reader has none. The whole path is in the tooltip.
 */
export function viaLabel(via: string[]): string {
  return via.length > 2 ? via.slice(1, -1).join(' → ') : 'direct';
}

/** Positions grouped by file, files in order of first mention: the table lists each file once. */
export function byFile<L extends ImpactLocation>(locations: L[]): { path: string; file: string; at: L[] }[] {
  const groups = new Map<string, L[]>();
  for (const l of locations) groups.set(l.path, [...(groups.get(l.path) ?? []), l]);
  return [...groups].map(([path, at]) => ({ path, file: path.split('/').pop() ?? path, at }));
}

/**
 * A location the panel may ask the extension to open: a relative path without `..` segments.
 * The extension checks again (it never trusts the webview), but a bad one is not even a link.
 */
export function isOpenable(l: ImpactLocation): boolean {
  return !!l.path && !l.path.startsWith('/') && !/^[a-z]+:/i.test(l.path) && !l.path.split(/[\\/]/).includes('..') && l.line >= 1;
}
