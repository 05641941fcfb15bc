// The impact panel: one webview panel, reused for every report (a save, a CodeLens, a command),
// restored after a window reload by its serializer. The report reaches the webview only through
// typed messages (webviewProtocol.ts); the webview's requests (open, copy, export) come back the
// same way and are checked here before anything is done.
import * as vscode from 'vscode';
import type { ImpactResult, MigrationLookupError } from '../protocol/lineageProtocol';
import type { FromImpactPanel, ImpactRendered, ImpactView, ToImpactPanel } from '../protocol/webviewProtocol';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { copyMarkdown, exportJson, openLocation } from './impactActions';

type WithoutSeq<V> = V extends unknown ? Omit<V, 'seq'> : never;
type ViewContent = WithoutSeq<ImpactView>;

/** What the integration tests read (through the extension's API, not a command). */
export interface ImpactPanelProbe {
  lastRendered(): ImpactRendered | undefined;
  current(): ImpactView | undefined;
  exportJson(target: vscode.Uri): Promise<string | undefined>;
}

export class ImpactPanel implements vscode.Disposable {
  static readonly viewType = 'datalineage.impactPanel';
  private panel: vscode.WebviewPanel | undefined;
  private view: ImpactView | undefined;
  private ready = false;
  private seq = 0;
  private rendered: ImpactRendered | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly output: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(ImpactPanel.viewType, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const view = (state as { view?: ImpactView } | undefined)?.view;
          this.attach(panel, isView(view) ? view : undefined);
        },
      }),
    );
  }

  /** Shows a server answer: the report, or the reason there is none as a message. */
  showAnswer(title: string, answer: ImpactResult | MigrationLookupError, folder: vscode.Uri | undefined, reveal = true): void {
    if ('error' in answer) {
      const hint = answer.candidates?.length ? ` Did you mean: ${answer.candidates.slice(0, 5).join(', ')}?` : '';
      this.present({ kind: 'message', title, level: 'info', message: `${sentence(answer.error)}.${hint}`, folder: folder?.toString() }, reveal);
    } else {
      this.present({ kind: 'report', title, result: answer, folder: folder?.toString() }, reveal);
    }
  }

  showError(title: string, message: string, folder: vscode.Uri | undefined, reveal = true): void {
    this.present({ kind: 'message', title, level: 'error', message, folder: folder?.toString() }, reveal);
  }

  readonly probe: ImpactPanelProbe = {
    lastRendered: () => this.rendered,
    current: () => this.view,
    exportJson: async (target) => (this.view?.kind === 'report' ? exportJson(this.view.result, undefined, target) : undefined),
  };

  /** `reveal` opens the panel (beside the editor, keeping the focus there); otherwise only an open panel is updated. */
  private present(content: ViewContent, reveal: boolean): void {
    if (!reveal && !this.panel) return;
    this.view = { ...content, seq: ++this.seq } as ImpactView;
    if (!this.panel) {
      // Kept alive while hidden behind another tab: a report arriving from a save then shows at
      // once when the panel is revealed, instead of after the page reloads (one small page, so
      // the memory VS Code warns about is little; setState still covers window reloads).
      const options = { ...webviewOptions(this.extensionUri), retainContextWhenHidden: true };
      const panel = vscode.window.createWebviewPanel(ImpactPanel.viewType, 'Impact', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, options);
      this.attach(panel, undefined);
    } else if (reveal && !this.panel.visible) {
      this.panel.reveal(undefined, true);
    }
    this.panel!.title = `Impact: ${this.view.title}`;
    if (this.ready) this.post({ type: 'impact/show', view: this.view });
  }

  private attach(panel: vscode.WebviewPanel, restored: ImpactView | undefined): void {
    this.panel?.dispose();
    this.panel = panel;
    this.ready = false;
    if (restored && !this.view) {
      this.view = restored;
      this.seq = Math.max(this.seq, restored.seq);
    }
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'lineage-activity.svg');
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, { title: 'Impact', script: 'impact.js' });
    const subs = [panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(panel, m))];
    panel.onDidDispose(() => {
      subs.forEach((s) => s.dispose());
      if (this.panel !== panel) return;
      this.panel = undefined;
      this.ready = false;
      this.view = undefined;
    });
  }

  private async onMessage(panel: vscode.WebviewPanel, m: unknown): Promise<void> {
    if (panel !== this.panel || !isMessage(m)) return;
    switch (m.type) {
      case 'impact/ready':
        this.ready = true;
        // A hidden panel reloads its page and restores from its state: send only what is newer.
        if (this.view && (!isView(m.view) || m.view.seq !== this.view.seq)) this.post({ type: 'impact/show', view: this.view });
        else if (!this.view && isView(m.view)) this.view = m.view;
        return;
      case 'impact/rendered':
        this.rendered = m;
        this.output.debug(`impact panel rendered #${m.seq}: ${m.affected.length} assets, risk ${m.risk || '-'}`);
        return;
      case 'impact/open':
        if (isLocation(m.location)) await openLocation(this.folder(), m.location, panel.viewColumn);
        return;
      case 'impact/copyMarkdown':
      case 'impact/exportJson':
        return this.runAction(m.type);
    }
  }

  private async runAction(type: 'impact/copyMarkdown' | 'impact/exportJson'): Promise<void> {
    const view = this.view;
    if (view?.kind !== 'report') return this.post({ type: 'impact/status', message: 'No report to copy or export.', error: true });
    try {
      const name = view.title.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_');
      const done = type === 'impact/copyMarkdown' ? await copyMarkdown(view.result) : await exportJson(view.result, vscode.Uri.joinPath(this.folder(), `impact-${name}.json`));
      if (done) this.post({ type: 'impact/status', message: done });
    } catch (e) {
      this.output.warn(`impact panel: ${type} failed: ${(e as Error).message}`);
      this.post({ type: 'impact/status', message: `Failed: ${(e as Error).message}`, error: true });
    }
  }

  /** The workspace folder the report's paths are relative to. */
  private folder(): vscode.Uri {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const named = folders.find((f) => f.uri.toString() === this.view?.folder);
    return (named ?? folders[0])?.uri ?? vscode.Uri.file('/');
  }

  private post(message: ToImpactPanel): void {
    void this.panel?.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}

function sentence(s: string): string {
  const t = s.replace(/\.$/, '');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

const MESSAGE_TYPES = new Set(['impact/ready', 'impact/open', 'impact/copyMarkdown', 'impact/exportJson', 'impact/rendered']);

function isMessage(m: unknown): m is FromImpactPanel {
  return typeof m === 'object' && m !== null && MESSAGE_TYPES.has((m as { type?: string }).type ?? '');
}

function isView(v: unknown): v is ImpactView {
  const x = v as ImpactView | undefined;
  return !!x && typeof x.seq === 'number' && typeof x.title === 'string' && (x.kind === 'message' ? typeof x.message === 'string' : x.kind === 'report' && !!x.result?.report);
}

function isLocation(l: unknown): l is { path: string; line: number; column: number } {
  const x = l as { path?: unknown; line?: unknown; column?: unknown } | undefined;
  return !!x && typeof x.path === 'string' && typeof x.line === 'number' && typeof x.column === 'number';
}
