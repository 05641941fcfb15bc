// The impact panel's webview app. It shows what the extension sends (`impact/show`), keeps it
// with setState so a reloaded window draws it again, and asks the extension for everything that
// leaves the sandbox: opening files, the clipboard, the save dialog.
import type { ImpactRendered, ImpactView, ToImpactPanel } from '../../src/protocol/webviewProtocol';
import './elements';
import { layoutKey, reportView } from './reportView';
import { IMPACT_CSS } from './styles';
import { installStyles } from '../common/styles';
import { vscodeApi } from './vscodeApi';

const api = vscodeApi();
const app = document.getElementById('app') as HTMLElement;
installStyles(IMPACT_CSS);

let shown: { view: ImpactView; layout: string } | undefined;

/** The width the graph may use: the app's, less the graph box's padding and border. */
const graphWidth = () => Math.max(0, app.clientWidth - 18);

function show(view: ImpactView): void {
  api.setState({ view });
  try {
    shown = { view, layout: layoutKey(view, graphWidth()) };
    app.replaceChildren(
      reportView(view, {
        open: (location) => api.postMessage({ type: 'impact/open', location }),
        copyMarkdown: () => api.postMessage({ type: 'impact/copyMarkdown' }),
        exportJson: () => api.postMessage({ type: 'impact/exportJson' }),
      }, graphWidth()),
    );
  } catch (e) {
    // A report this app cannot draw (say, from a newer server) still says so, rather than
    // leaving a blank panel.
    const message = { kind: 'message', seq: view.seq, title: view.title, level: 'error', message: `The report could not be shown: ${(e as Error).message}` } as const;
    app.replaceChildren(reportView(message, { open() {}, copyMarkdown() {}, exportJson() {} }, 0));
  }
  // After layout, so the custom elements have upgraded and the numbers are what is on screen.
  requestAnimationFrame(() => api.postMessage({ type: 'impact/rendered', ...rendered(view) }));
}

/** Read back from the DOM, not from the data: this is what a person sees. */
function rendered(view: ImpactView): ImpactRendered {
  const text = (el: Element | null) => el?.textContent?.trim() ?? '';
  const rows = [...app.querySelectorAll('vscode-table-row[data-asset]')];
  return {
    seq: view.seq,
    title: text(app.querySelector('h1')),
    risk: text(app.querySelector('.risk-badge')),
    affected: rows.map((r) => ({ name: text(r.querySelector('.asset-name')), type: text(r.querySelector('.asset-type')), severity: r.getAttribute('data-severity') ?? '' })),
    links: app.querySelectorAll('a.location').length,
    graphNodes: app.querySelectorAll('.graph .node').length,
    graphOrientation: app.querySelector('.graph.lr') ? 'lr' : app.querySelector('.graph.tb') ? 'tb' : '',
    ...(app.querySelector('.notice') && { message: text(app.querySelector('.notice .text')) }),
    unexpectedElements: document.querySelectorAll('img, iframe, object, embed, video, audio, svg image, form').length,
  };
}

function status(message: string, error = false): void {
  const el = app.querySelector('.status');
  if (!el) return;
  el.textContent = message;
  el.classList.toggle('error', error);
}

window.addEventListener('message', (e: MessageEvent<ToImpactPanel>) => {
  const m = e.data;
  if (m?.type === 'impact/show') show(m.view);
  else if (m?.type === 'impact/status') status(m.message, m.error);
});

// The graph turns from left-to-right to top-to-bottom (and back) as the panel is resized.
let resizing = 0;
window.addEventListener('resize', () => {
  cancelAnimationFrame(resizing);
  resizing = requestAnimationFrame(() => {
    if (shown && layoutKey(shown.view, graphWidth()) !== shown.layout) show(shown.view);
  });
});

const restored = api.getState()?.view;
if (restored) show(restored);
api.postMessage({ type: 'impact/ready', view: restored });
