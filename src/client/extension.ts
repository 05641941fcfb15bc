// The extension host side, kept thin: it starts the language server (which does all indexing in
// its own process), registers the commands and the status bar, and passes settings along.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { StatusNotification } from '../protocol/lineageProtocol';
import type { InitOptions } from '../protocol/lineageProtocol';
import { readSettings } from './settings';
import { IndexStatusBar } from './statusBar';
import { registerCommands } from './commands';
import { ReportDocuments } from './reportDocuments';
import { GraphViewProvider } from './graphView';
import type { GraphRendered } from './graphView';
import { ImpactPanel } from './impactPanel';
import type { ImpactPanelProbe } from './impactPanel';
import { registerSaveParticipant } from './saveParticipant';

let client: LanguageClient | undefined;

/** What the integration tests (and other extensions) can reach: the client, once started. */
export interface DataLineageApi {
  client: LanguageClient;
  /** Resolves when the first index build has finished (ready or error). */
  indexed: Promise<void>;
  /** The lineage graph view: what it drew last, and an event per render. */
  graph: { lastRendered(): GraphRendered | undefined; onRendered: vscode.Event<GraphRendered> };
  /** The impact panel as the tests see it: the last `impact/rendered` message, the view shown. */
  impactPanel: ImpactPanelProbe;
}

export async function activate(context: vscode.ExtensionContext): Promise<DataLineageApi> {
  const output = vscode.window.createOutputChannel('DataLineage', { log: true });
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const storage = context.storageUri ?? context.globalStorageUri;
  const initializationOptions: InitOptions = { settings: readSettings(), storagePath: storage.fsPath };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'sql' },
      { scheme: 'file', language: 'jinja-sql' },
      { scheme: 'file', pattern: '**/*.{sql,hql,yml,yaml,py}' },
    ],
    synchronize: {
      configurationSection: 'datalineage',
      // Files the readers use; a change on disk (git checkout, a generator) re-indexes.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{sql,hql,yml,yaml,py,csv,json,lock,dvc}'),
    },
    initializationOptions,
    outputChannel: output,
  };
  client = new LanguageClient('datalineage', 'DataLineage', serverOptions, clientOptions);
  const statusBar = new IndexStatusBar();
  const reports = new ReportDocuments();
  // Registered before the client starts: a panel restored after a reload needs its serializer at once.
  const impact = new ImpactPanel(context.extensionUri, output);
  context.subscriptions.push(output, statusBar, reports, impact, vscode.workspace.registerTextDocumentContentProvider(ReportDocuments.scheme, reports));

  let markIndexed: () => void = () => undefined;
  const indexed = new Promise<void>((resolve) => (markIndexed = resolve));
  const graphView = new GraphViewProvider(context.extensionUri, client, output);
  context.subscriptions.push(graphView, vscode.window.registerWebviewViewProvider(GraphViewProvider.viewId, graphView));
  client.onNotification(StatusNotification, (status) => {
    statusBar.show(status);
    if (status.state !== 'indexing') markIndexed();
    if (status.state === 'ready') graphView.refresh();
  });
  registerCommands(context, client, reports, output, graphView, impact);
  await client.start();
  context.subscriptions.push(registerSaveParticipant(client, impact, output));
  context.subscriptions.push({ dispose: () => void client?.stop() });
  return { client, indexed, graph: { lastRendered: () => graphView.lastRendered, onRendered: graphView.onRendered }, impactPanel: impact.probe };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
