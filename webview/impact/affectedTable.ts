// The affected assets as a table: name, type, severity, the column references, the via path and
// each reference's position as a link the extension opens (`impact/open`).
import type { AffectedAsset } from '../../src/core/impact/impactAnalysis';
import type { ImpactLocation } from '../../src/protocol/webviewProtocol';
import { breakable, h, icon } from './dom';
import { byFile, isOpenable, locationLabel, severityBadge, viaLabel } from './presentation';

export function affectedTable(assets: AffectedAsset[], open: (l: ImpactLocation) => void): HTMLElement {
  const header = h(
    'vscode-table-header',
    {},
    ...['Asset', 'Severity', 'References', 'Via', 'Where'].map((t) => h('vscode-table-header-cell', {}, t)),
  );
  const body = h('vscode-table-body', {}, ...assets.map((a) => row(a, open)));
  const table = h('vscode-table', { attrs: { 'bordered-rows': '', zebra: '', resizable: '' } }, header, body);
  // Sized for a panel beside the editor (about half a window); the user can drag the borders.
  table.columns = ['23%', '19%', '18%', '20%', '20%'];
  return table;
}

function row(a: AffectedAsset, open: (l: ImpactLocation) => void): HTMLElement {
  const sev = severityBadge(a.severity);
  const reasons = a.reasons.map((r) => `${r.column}: ${r.usage}${r.confidence === 'explicit' ? '' : ` (${r.confidence})`}`).join('\n');
  return h(
    'vscode-table-row',
    { attrs: { 'data-asset': a.id, 'data-severity': a.severity } },
    h('vscode-table-cell', { title: a.id }, h('div', { class: 'asset-name' }, breakable(a.name)), h('div', { class: 'asset-type' }, a.asset_type)),
    h('vscode-table-cell', { title: sev.title }, h('span', { class: `sev tone-${sev.tone}` }, icon(sev.icon), sev.label)),
    h('vscode-table-cell', { class: 'refs', title: reasons }, ...a.affected_references.flatMap((c, i) => [i ? ', ' : '', h('code', {}, breakable(c))])),
    h('vscode-table-cell', { class: 'via', title: a.via.join(' → ') }, breakable(viaLabel(a.via))),
    h('vscode-table-cell', { class: 'where' }, ...where(a.locations, open)),
  );
}

function where(locations: ImpactLocation[], open: (l: ImpactLocation) => void): Node[] {
  if (!locations.length) return [h('span', { class: 'muted', title: 'Declared in lineage.yml or inferred: no exact position' }, 'no exact position')];
  // Each file once, then its positions as `line:column` links: compact in a narrow panel.
  return byFile(locations).map((group) =>
    h('div', { class: 'file-group' }, h('span', { class: 'file', title: group.path }, breakable(group.file)), ' ', ...group.at.map((l) => position(l, open))),
  );
}

function position(l: ImpactLocation, open: (l: ImpactLocation) => void): Node {
  const full = locationLabel(l);
  const label = `${l.line}:${l.column}`;
  if (!isOpenable(l)) return h('span', { title: full }, label);
  // href="#" keeps the link focusable and Enter-activated; the click never navigates.
  const a = h('a', { class: 'location', title: `Open ${full}`, attrs: { href: '#', 'data-path': l.path, 'data-line': String(l.line), 'aria-label': `Open ${full}` } }, label);
  a.addEventListener('click', (e) => {
    e.preventDefault();
    open(l);
  });
  return a;
}
