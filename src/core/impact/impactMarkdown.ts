// The impact report as Markdown: what the editor opens for a migration, and what a PR
// description wants ("Copy as Markdown"). Names are escaped: they come from the user's files.
import type { ImpactReport } from './impactAnalysis';
import { describeChange } from './describeChange';
import { mdText as text } from '../query/markdownText';

/**
 * Locations are written as `path:line` text, not links: Markdown renderers refuse file: URLs,
 * and a PR description wants workspace-relative paths anyway.
 */
export function impactMarkdown(r: ImpactReport & { migration?: string }, unknownTargets: string[] = []): string {
  const out: string[] = [];
  out.push(`# Impact of ${r.migration ? `\`${code(r.migration)}\`` : `changes to ${text(r.asset.name)}`}`, '');
  out.push(`**Risk: ${r.risk_level.toUpperCase()}** · ${r.affected_count} affected asset${r.affected_count === 1 ? '' : 's'}`, '');
  out.push('Proposed changes:', '');
  for (const c of r.proposed_changes) out.push(`- ${text(describeChange(c))}`);
  for (const t of unknownTargets) out.push(`- ${text(t)}: not a known table (not checked)`);
  out.push('');
  if (!r.affected_assets.length) {
    out.push('No asset reads the changed columns.');
    return out.join('\n') + '\n';
  }
  out.push('| Asset | Type | Severity | References | Via |', '|---|---|---|---|---|');
  for (const a of r.affected_assets) {
    const sev = a.severity === 'breaking' ? '**breaking**' : 'warning';
    out.push(`| ${cell(a.name)} | ${cell(a.asset_type)} | ${sev} | ${cell(a.affected_references.join(', '))} | ${cell(a.via.join(' → '))} |`);
  }
  out.push('', '## Where', '');
  for (const a of r.affected_assets) {
    const where = a.locations.map((l) => `\`${code(`${l.path}:${l.line}:${l.column}`)}\``).join(', ');
    out.push(`- **${text(a.name)}** (${a.severity}): ${where || 'no exact position (declared or inferred)'}`);
  }
  return out.join('\n') + '\n';
}

function cell(s: string): string {
  return text(s).replace(/\n/g, ' ');
}

function code(s: string): string {
  return s.replace(/`/g, "'");
}
