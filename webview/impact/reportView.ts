// The whole panel for one view: a report (risk badge, proposed changes, actions, the affected
// assets table, the blast-radius graph) or a message saying why there is no report.
import type { ImpactLocation, ImpactView } from '../../src/protocol/webviewProtocol';
import { describeChange } from '../../src/core/impact/describeChange';
import { affectedTable } from './affectedTable';
import { blastRadiusGraph, graphOrientation } from './blastRadiusGraph';
import { h, icon } from './dom';
import { riskBadge, summaryLine } from './presentation';

export interface ViewActions {
  open(l: ImpactLocation): void;
  copyMarkdown(): void;
  exportJson(): void;
}

/** `width` is what the panel has for the graph (it picks the graph's orientation). */
export function reportView(view: ImpactView, actions: ViewActions, width: number): HTMLElement {
  return view.kind === 'report' ? report(view, actions, width) : message(view);
}

/** The graph's orientation for this view at this width ('' without a graph): a change needs a new render. */
export function layoutKey(view: ImpactView, width: number): string {
  return view.kind === 'report' && view.result.report.affected_assets.length ? graphOrientation(view.result.report, width) : '';
}

function report(view: Extract<ImpactView, { kind: 'report' }>, actions: ViewActions, width: number): HTMLElement {
  const { report: r, unknownTargets } = view.result;
  const risk = riskBadge(r.risk_level);
  const badge = h('vscode-badge', { class: `risk-badge tone-${risk.tone}`, title: risk.title }, h('span', { class: 'label' }, icon(risk.icon), `RISK ${risk.label}`));
  const root = h('main', {});
  root.append(
    h('div', { class: 'header' }, badge, h('h1', {}, view.title)),
    h('p', { class: 'summary' }, summaryLine(view.result)),
    h('h2', {}, 'Proposed changes'),
    h('ul', { class: 'changes' }, ...r.proposed_changes.map((c) => h('li', {}, describeChange(c))), ...unknownTargets.map((t) => h('li', { class: 'muted' }, `${t}: not a known table (not checked)`))),
    actionBar(actions),
  );
  if (!r.affected_assets.length) {
    root.append(notice('info', 'Nothing in the workspace reads the changed columns: no asset is affected.'));
    return root;
  }
  root.append(
    h('h2', {}, `Affected assets (${r.affected_count})`),
    affectedTable(r.affected_assets, actions.open),
    h('h2', {}, 'Blast radius'),
    blastRadiusGraph(r, actions.open, width),
    h('div', { class: 'legend' }, legend('error', 'breaking'), legend('warning', 'warning'), h('span', {}, 'Click a node or a position to open the file.')),
  );
  return root;
}

function actionBar(actions: ViewActions): HTMLElement {
  const copy = h('vscode-button', { attrs: { icon: 'copy', 'data-action': 'copy-markdown' } }, 'Copy as Markdown');
  copy.addEventListener('click', () => actions.copyMarkdown());
  const save = h('vscode-button', { attrs: { icon: 'save-as', secondary: '', 'data-action': 'export-json' } }, 'Export JSON');
  save.addEventListener('click', () => actions.exportJson());
  return h('div', { class: 'actions' }, copy, save, h('span', { class: 'status', attrs: { role: 'status', 'aria-live': 'polite' } }));
}

function legend(tone: string, label: string): HTMLElement {
  return h('span', { class: `sev tone-${tone}` }, icon(tone), label);
}

function message(view: Extract<ImpactView, { kind: 'message' }>): HTMLElement {
  return h('main', {}, h('div', { class: 'header' }, h('h1', {}, view.title)), notice(view.level, view.message));
}

function notice(level: 'info' | 'error', text: string): HTMLElement {
  return h('div', { class: `notice level-${level}`, attrs: { role: level === 'error' ? 'alert' : 'note' } }, icon(level === 'error' ? 'error' : 'info'), h('span', { class: 'text' }, text));
}
