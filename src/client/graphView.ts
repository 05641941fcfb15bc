// The "Lineage Graph" side view (`datalineage.graph`): a webview that draws the neighbourhood of
// one asset. It follows the active editor's asset, can be focused from a CodeLens or a command,
// and asks the server again when the index changes. The webview keeps its own controls
// (setState) and tells us what it needs; this side only fetches, opens files and saves exports.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { FileAssetsRequest, GraphDataRequest } from '../protocol/lineageProtocol';
import type { AssetLink, GraphData, LookupError } from '../protocol/lineageProtocol';
import type { FromGraphView, GraphViewState, OpenTarget, ToGraphView } from '../protocol/webviewProtocol';
import { webviewHtml, webviewOptions } from './webviewHtml';

export type GraphRendered = Extract<FromGraphView, { type: 'graph/rendered' }>;

export class GraphViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'datalineage.graph';
  private view?: vscode.WebviewView;
  private state?: GraphViewState;
  /** An asset asked for before the view existed (a CodeLens click opens it). */
  private pendingFocus?: string;
  private ready = false;
  private fetches = 0;
  /** A file the graph itself opened: following it would refocus the graph under the user. */
  private openedByGraph?: string;
  private rendered?: GraphRendered;
  private readonly renderedEmitter = new vscode.EventEmitter<GraphRendered>();
  readonly onRendered = this.renderedEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [this.renderedEmitter];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: LanguageClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(vscode.window.onDidChangeActiveTextEditor((e) => e && void this.follow(e)));
  }

  /** What the view drew last (the integration tests read it through the extension's API). */
  get lastRendered(): GraphRendered | undefined {
    return this.rendered;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, { title: 'Lineage Graph', script: 'graph.js', workers: ['graphLayout.js'] });
    this.subscriptions.push(
      view.webview.onDidReceiveMessage((m: FromGraphView) => void this.receive(m).catch((e: unknown) => this.log.error(`graph view: ${String(e)}`))),
      view.onDidDispose(() => {
        this.view = undefined;
        this.ready = false;
      }),
    );
  }

  /** Reveals the view focused on `asset` (a name or an id). False when the view cannot be shown. */
  async show(asset: string): Promise<boolean> {
    this.pendingFocus = asset;
    try {
      await vscode.commands.executeCommand(`${GraphViewProvider.viewId}.focus`);
    } catch (e) {
      this.log.warn(`the graph view could not be shown: ${String(e)}`);
      return false;
    }
    if (this.ready) await this.focusOn(asset);
    return true;
  }

  /** The index was rebuilt: draw the same question again with the new answer. */
  refresh(): void {
    if (this.ready && this.state) void this.fetch();
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }

  private async receive(m: FromGraphView): Promise<void> {
    switch (m.type) {
      case 'graph/ready':
        this.ready = true;
        if (this.pendingFocus) return this.focusOn(this.pendingFocus);
        if (m.state) {
          this.state = this.withSettings(m.state);
          return this.fetch();
        }
        if (vscode.window.activeTextEditor && (await this.follow(vscode.window.activeTextEditor))) return;
        return this.post({ type: 'graph/empty', message: 'Open a dbt model, a SQL file, a DAG, a Spark job or dvc.yaml to see its lineage here,\nor run "DataLineage: Show Lineage Graph".' });
      case 'graph/query':
        this.state = this.withSettings(m.state);
        return this.fetch();
      case 'graph/open':
        return this.open(m.target, m.preserveFocus ?? false);
      case 'graph/export':
        return this.saveExport(m.format, m.data);
      case 'graph/rendered':
        this.rendered = m;
        this.renderedEmitter.fire(m);
        return;
    }
  }

  private async focusOn(asset: string): Promise<void> {
    this.pendingFocus = undefined;
    const depth = vscode.workspace.getConfiguration('datalineage.graph').get<number>('depth', 2);
    // A new focus keeps the depths and filters the user set; the first one takes the setting's.
    const base = this.state ?? { query: { focus: asset, upstreamDepth: depth, downstreamDepth: depth, columns: true }, hiddenTypes: [], search: '', expanded: [] };
    this.state = this.withSettings({ ...base, query: { ...base.query, focus: asset }, selectedColumn: undefined });
    await this.fetch();
  }

  /** Focuses the graph on the asset under the cursor of `editor` (when the view is open). */
  private async follow(editor: vscode.TextEditor): Promise<boolean> {
    if (!this.view?.visible || !this.ready) return false;
    const uri = editor.document.uri.toString();
    if (uri === this.openedByGraph) {
      this.openedByGraph = undefined;
      return false;
    }
    const assets = await this.client.sendRequest(FileAssetsRequest, { uri });
    const asset = assetAtLine(assets, editor.selection.active.line);
    if (!asset) return false;
    if (asset.id !== this.state?.query.focus) await this.focusOn(asset.id);
    return true;
  }

  private async fetch(): Promise<void> {
    const state = this.state;
    if (!state) return;
    const n = ++this.fetches;
    const r: GraphData | LookupError = await this.client.sendRequest(GraphDataRequest, { ...state.query, excludeTypes: state.hiddenTypes, columns: true });
    if (n !== this.fetches) return; // a newer question was asked meanwhile
    if ('error' in r) {
      const hint = r.candidates?.length ? `\nDid you mean: ${r.candidates.slice(0, 5).join(', ')}?` : '';
      return this.post({ type: 'graph/empty', message: `${r.error}${hint}` });
    }
    // The server answers with the asset's id: keep that, names can be ambiguous later.
    this.state = { ...state, query: { ...state.query, focus: r.focus } };
    await this.post({ type: 'graph/data', data: r, state: this.state });
  }

  private withSettings(state: GraphViewState): GraphViewState {
    const nodeBudget = vscode.workspace.getConfiguration('datalineage.graph').get<number>('nodeBudget', 300);
    return { ...state, query: { ...state.query, nodeBudget } };
  }

  private async open(target: OpenTarget, preserveFocus: boolean): Promise<void> {
    const uri = vscode.Uri.parse(target.uri);
    if (uri.scheme !== 'file') return;
    const pos = new vscode.Position(target.line ?? 0, target.character ?? 0);
    this.openedByGraph = uri.toString();
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), preserveFocus, preview: true });
  }

  /** The one file the extension writes: an export, where the user chose in the save dialog. */
  private async saveExport(format: 'svg' | 'png', data: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `lineage-${(this.rendered?.focus ?? 'graph').replace(/[^\w.-]+/g, '_')}.${format}`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      title: `Export the lineage graph as ${format.toUpperCase()}`,
    });
    if (!target) return this.post({ type: 'graph/exported', error: 'cancelled' });
    if (format === 'png' && !data.startsWith('data:image/png;base64,')) return this.post({ type: 'graph/exported', error: 'the view sent no PNG data' });
    const bytes = format === 'svg' ? Buffer.from(data, 'utf8') : Buffer.from(data.replace(/^data:image\/png;base64,/, ''), 'base64');
    try {
      await vscode.workspace.fs.writeFile(target, bytes);
      await this.post({ type: 'graph/exported', path: target.fsPath });
    } catch (e) {
      await this.post({ type: 'graph/exported', error: e instanceof Error ? e.message : String(e) });
    }
  }

  private async post(m: ToGraphView): Promise<void> {
    await this.view?.webview.postMessage(m);
  }
}

/** The asset defined at or above `line` (0-based); the file's first one above them all. */
function assetAtLine(assets: AssetLink[], line: number): AssetLink | undefined {
  let found = assets[0];
  for (const a of assets) if ((a.line ?? 0) <= line) found = a;
  return found;
}
