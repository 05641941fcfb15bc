// The tutorial's impact report, plus where each reference is and how it is reached, and the
// CI gate's closing line (safe_migration_check's [BLOCKED] / [OK]).
import { describeChange } from '../core/impact/describeChange';
import type { ImpactReport } from '../core/impact/impactAnalysis';
import type { FailOn } from './cliArgs';

export function formatImpact(r: ImpactReport, failed: boolean, failOn: FailOn): string {
  const bar = '='.repeat(50);
  const lines = ['', bar, 'IMPACT ANALYSIS REPORT', bar];
  lines.push(`Asset: ${r.asset.name} (${r.asset.asset_type})`);
  lines.push(`Proposed changes: ${r.proposed_changes.map(describeChange).join('; ')}`);
  lines.push(`Risk level: ${r.risk_level.toUpperCase()}`);
  lines.push(`Affected assets: ${r.affected_count}`);
  const breaking = r.affected_assets.filter((a) => a.severity === 'breaking');
  if (r.affected_count) {
    lines.push('', breaking.length ? 'Breaking changes detected:' : 'Assets to review:');
    for (const a of r.affected_assets) {
      lines.push('', `  ⚠ ${a.name} (${a.asset_type})`);
      lines.push(`    References: ${a.affected_references.join(', ')}`);
      lines.push(`    Severity: ${a.severity}`);
      if (a.locations.length) lines.push(`    At: ${a.locations.slice(0, 6).map((l) => `${l.path}:${l.line}:${l.column}`).join(', ')}${a.locations.length > 6 ? ', …' : ''}`);
      if (a.via.length > 2) lines.push(`    Via: ${a.via.join(' → ')}`);
    }
  }
  lines.push('');
  if (breaking.length) lines.push(`[${failed ? 'BLOCKED' : 'WARN'}] ${breaking.length} breaking change(s) detected.${failed ? ' Fix before merging.' : ''}`);
  else if (failed) lines.push(`[BLOCKED] ${r.affected_count} asset(s) need review (--fail-on ${failOn}).`);
  else lines.push(`[OK] No breaking changes. ${r.affected_count} asset(s) may need review.`);
  return lines.join('\n');
}
