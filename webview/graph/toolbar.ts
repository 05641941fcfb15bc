// The controls above the graph, built from @vscode-elements components (only those imported
// here are bundled): search, upstream/downstream depth, fit, export, and the legend, whose
// checkboxes are the asset-type filter. Labels are set as text, never as markup.
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { GraphViewState } from '../../src/protocol/webviewProtocol';
import { typeStyle } from './assetTypes';
import { MAX_DEPTH, MIN_DEPTH } from './viewState';

export interface ToolbarEvents {
  search(text: string): void;
  searchEnter(): void;
  depth(direction: 'up' | 'down', delta: number): void;
  fit(): void;
  collapseColumns(): void;
  exportAs(format: 'svg' | 'png'): void;
  toggleType(type: string): void;
}

export class Toolbar {
  private readonly searchField: VscodeTextfield;
  private readonly depthText: Record<'up' | 'down', HTMLElement>;
  private readonly depthButtons: Record<'up' | 'down', [HTMLElement, HTMLElement]>;
  private readonly legend: HTMLElement;
  private readonly statusLine: HTMLElement;
  private legendKey = '';

  constructor(parent: HTMLElement, private readonly events: ToolbarEvents) {
    const bar = el('div', 'toolbar');
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', 'Lineage graph controls');
    this.searchField = document.createElement('vscode-textfield');
    this.searchField.className = 'search';
    this.searchField.placeholder = 'Search assets and columns';
    this.searchField.setAttribute('aria-label', 'Search assets and columns');
    this.searchField.addEventListener('input', () => events.search(this.searchField.value));
    this.searchField.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') events.searchEnter();
    });
    const icon = document.createElement('span');
    icon.slot = 'content-before';
    icon.className = 'codicon codicon-search';
    this.searchField.append(icon);
    bar.append(this.searchField);

    this.depthText = { up: el('span', 'depth'), down: el('span', 'depth') };
    this.depthButtons = { up: [this.button('remove', 'Fewer hops upstream', () => events.depth('up', -1)), this.button('add', 'More hops upstream', () => events.depth('up', 1))], down: [this.button('remove', 'Fewer hops downstream', () => events.depth('down', -1)), this.button('add', 'More hops downstream', () => events.depth('down', 1))] };
    for (const dir of ['up', 'down'] as const) {
      const group = el('span', 'group');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', dir === 'up' ? 'Upstream depth' : 'Downstream depth');
      const label = el('span', `group-label codicon codicon-arrow-${dir === 'up' ? 'left' : 'right'}`);
      label.title = dir === 'up' ? 'Upstream hops' : 'Downstream hops';
      this.depthText[dir].setAttribute('aria-live', 'polite');
      group.append(label, this.depthButtons[dir][0], this.depthText[dir], this.depthButtons[dir][1]);
      bar.append(group);
    }
    const actions = el('span', 'group');
    actions.append(
      this.button('screen-full', 'Fit the graph to the view', () => events.fit()),
      this.button('fold', 'Hide all columns', () => events.collapseColumns()),
      this.button('file-media', 'Export as PNG…', () => events.exportAs('png')),
      this.button('file-code', 'Export as SVG…', () => events.exportAs('svg')),
    );
    bar.append(actions);
    this.legend = el('div', 'legend');
    this.legend.setAttribute('role', 'group');
    this.legend.setAttribute('aria-label', 'Asset types (uncheck to hide)');
    this.statusLine = el('div', 'status');
    this.statusLine.setAttribute('role', 'status');
    parent.append(bar, this.legend, this.statusLine);
  }

  update(state: GraphViewState, presentTypes: string[]): void {
    if (this.searchField.value !== state.search) this.searchField.value = state.search;
    const depths = { up: state.query.upstreamDepth, down: state.query.downstreamDepth };
    for (const dir of ['up', 'down'] as const) {
      this.depthText[dir].textContent = String(depths[dir]);
      this.depthButtons[dir][0].toggleAttribute('disabled', depths[dir] <= MIN_DEPTH);
      this.depthButtons[dir][1].toggleAttribute('disabled', depths[dir] >= MAX_DEPTH);
    }
    const types = [...new Set([...presentTypes, ...state.hiddenTypes])].sort((a, b) => typeStyle(a).label.localeCompare(typeStyle(b).label));
    const key = JSON.stringify([types, state.hiddenTypes]);
    if (key === this.legendKey) return;
    this.legendKey = key;
    this.legend.replaceChildren(
      ...types.map((type) => {
        const style = typeStyle(type);
        const box: VscodeCheckbox = document.createElement('vscode-checkbox');
        box.checked = !state.hiddenTypes.includes(type);
        box.dataset.type = type;
        box.title = `Show ${style.label} assets`;
        const swatch = el('span', 'swatch');
        swatch.textContent = style.glyph;
        swatch.style.color = style.color;
        swatch.setAttribute('aria-hidden', 'true');
        box.append(swatch, document.createTextNode(style.label));
        box.addEventListener('change', () => this.events.toggleType(type));
        return box;
      }),
    );
  }

  status(text: string, problem = false): void {
    this.statusLine.textContent = text;
    this.statusLine.classList.toggle('problem', problem);
    this.statusLine.title = text;
  }

  private button(icon: string, label: string, onClick: () => void): HTMLElement {
    const b = document.createElement('vscode-toolbar-button');
    b.icon = icon;
    b.label = label;
    b.title = label;
    b.addEventListener('click', onClick);
    return b;
  }
}

function el(tag: string, className: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = className;
  return e;
}
