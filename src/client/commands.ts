// The palette commands and the CodeLens targets. Each asks the server (typed requests from
// lineageProtocol.ts) and shows the answer; nothing here computes lineage. Every command also
// takes its answers as arguments, so scripts, keybindings and tests can skip the quick picks.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { AssetsRequest, ColumnsRequest, FileAssetsRequest, GraphRequest, ImpactRequest, MigrationImpactRequest, NeighboursRequest, ReindexRequest } from '../protocol/lineageProtocol';
import type { AssetLink, LookupError } from '../protocol/lineageProtocol';
import type { ProposedChange } from '../core/model';
import { formatTree } from '../core/query/lineageTree';
import type { ReportDocuments } from './reportDocuments';
import type { GraphViewProvider } from './graphView';
import type { ImpactPanel } from './impactPanel';

export function registerCommands(context: vscode.ExtensionContext, client: LanguageClient, reports: ReportDocuments, output: vscode.OutputChannel, graph: GraphViewProvider, impact: ImpactPanel): void {
  const add = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  // The CodeLens target: the graph view focused on the asset. Where the view cannot be shown,
  // the pick list of direct neighbours (also its own command) is the fallback.
  add('datalineage.showNeighbours', async (assetId?: string) => {
    const id = assetId ?? (await activeAsset(client))?.id ?? (await pickAsset(client, 'Show the neighbours of…'))?.id;
    if (!id) return;
    if (!(await graph.show(id))) await pickNeighbour(client, id);
  });

  add('datalineage.pickNeighbour', async (assetId?: string) => {
    const id = assetId ?? (await activeAsset(client))?.id ?? (await pickAsset(client, 'Go to a neighbour of…'))?.id;
    if (id) await pickNeighbour(client, id);
  });

  add('datalineage.showLineageGraph', async (assetName?: string) => {
    const name = assetName ?? (await activeAsset(client))?.id ?? (await pickAsset(client, 'Show the lineage of…'))?.id;
    if (!name) return;
    if (!(await graph.show(name))) await vscode.commands.executeCommand('datalineage.showLineageTree', name);
  });

  // The same lineage as text (the CLI's tree), for screen readers, copying and pasting into a review.
  add('datalineage.showLineageTree', async (assetName?: string) => {
    const name = assetName ?? (await activeAsset(client))?.id ?? (await pickAsset(client, 'Show the lineage of…'))?.id;
    if (!name) return;
    const r = await client.sendRequest(GraphRequest, { asset: name, direction: 'both', depth: 6 });
    if (failed(r)) return;
    const text = ['# Lineage of ' + r.graph.name, '', '## Upstream', '', '```', ...formatTree(r.graph, 'upstream'), '```', '', '## Downstream', '', '```', ...formatTree(r.graph, 'downstream'), '```', ''];
    await reports.open(`lineage-${r.graph.name}`, text.join('\n'));
  });

  // The server's answer in the impact panel, or why there is none.
  const showImpact = async (title: string, folder: vscode.Uri | undefined, ask: () => Promise<Parameters<ImpactPanel['showAnswer']>[1]>): Promise<void> => {
    try {
      impact.showAnswer(title, await ask(), folder);
    } catch (e) {
      impact.showError(title, `The impact analysis failed: ${(e as Error).message}`, folder);
    }
  };

  add('datalineage.analyzeImpact', async (assetName?: string, changes?: ProposedChange[]) => {
    const name = assetName ?? (await pickAsset(client, 'Analyze the impact of a change to…'))?.id;
    if (!name) return;
    const list = changes ?? (await pickChange(client, name));
    if (!list?.length) return;
    await showImpact(name, vscode.workspace.workspaceFolders?.[0]?.uri, () => client.sendRequest(ImpactRequest, { asset: name, changes: list }));
  });

  add('datalineage.analyzeMigration', async (uri?: vscode.Uri | string) => {
    const target = typeof uri === 'string' ? vscode.Uri.parse(uri) : (uri ?? vscode.window.activeTextEditor?.document.uri);
    if (!target) return void vscode.window.showInformationMessage('DataLineage: open a migration file first.');
    // The buffer as shown, saved or not: the report is about what is about to be applied.
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString());
    const [title, folder] = [target.path.split('/').pop() ?? target.path, vscode.workspace.getWorkspaceFolder(target)?.uri];
    await showImpact(title, folder, () => client.sendRequest(MigrationImpactRequest, { uri: target.toString(), text: doc?.getText() }));
  });

  add('datalineage.reindex', async () => {
    const status = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'DataLineage: re-indexing' }, () => client.sendRequest(ReindexRequest));
    return status;
  });

  add('datalineage.showOutput', () => output.show(true));
}

/** The direct upstream and downstream assets of one asset in a pick list; the picked one opens. */
async function pickNeighbour(client: LanguageClient, id: string): Promise<void> {
  const r = await client.sendRequest(NeighboursRequest, { asset: id });
  if (failed(r)) return;
  const items: (vscode.QuickPickItem & { link?: AssetLink })[] = [
    { label: `Upstream of ${r.asset.name}`, kind: vscode.QuickPickItemKind.Separator },
    ...r.upstream.map((link) => ({ label: `$(arrow-up) ${link.name}`, description: link.asset_type, link })),
    { label: `Downstream of ${r.asset.name}`, kind: vscode.QuickPickItemKind.Separator },
    ...r.downstream.map((link) => ({ label: `$(arrow-down) ${link.name}`, description: link.asset_type, link })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `${r.asset.name}: ↑ ${r.upstream.length} upstream · ↓ ${r.downstream.length} downstream`, placeHolder: 'Open an asset' });
  if (picked?.link) await openLink(picked.link);
}

function failed<T extends object>(r: T | LookupError): r is LookupError {
  if (!('error' in r)) return false;
  const hint = r.candidates?.length ? ` (did you mean: ${r.candidates.slice(0, 5).join(', ')})` : '';
  void vscode.window.showWarningMessage(`DataLineage: ${r.error}${hint}`);
  return true;
}

async function activeAsset(client: LanguageClient): Promise<AssetLink | undefined> {
  const uri = vscode.window.activeTextEditor?.document.uri;
  if (!uri) return undefined;
  const list = await client.sendRequest(FileAssetsRequest, { uri: uri.toString() });
  return list[0];
}

async function pickAsset(client: LanguageClient, title: string): Promise<AssetLink | undefined> {
  const assets = await client.sendRequest(AssetsRequest, {});
  const picked = await vscode.window.showQuickPick(
    assets.map((link) => ({ label: link.name, description: link.asset_type, detail: link.id, link })),
    { title, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.link;
}

/** Column → kind of change → new name or type, as quick picks and an input box. */
async function pickChange(client: LanguageClient, asset: string): Promise<ProposedChange[] | undefined> {
  const cols = await client.sendRequest(ColumnsRequest, { asset });
  if (failed(cols)) return undefined;
  const tableItems = [
    { label: '$(trash) Drop the table', change: { type: 'table_drop' } as ProposedChange },
    { label: '$(edit) Rename the table…', change: { type: 'table_rename', to: '' } as ProposedChange },
  ];
  const columnItems = cols.columns.filter((c) => c.name !== '*').map((c) => ({ label: c.name, description: c.type ?? '', change: undefined as ProposedChange | undefined }));
  const picked = await vscode.window.showQuickPick([...columnItems, { label: 'Table', kind: vscode.QuickPickItemKind.Separator, change: undefined }, ...tableItems], { title: `Change what in ${cols.asset.name}?` });
  if (!picked) return undefined;
  if (picked.change?.type === 'table_drop') return [picked.change];
  if (picked.change?.type === 'table_rename') {
    const to = await vscode.window.showInputBox({ prompt: `New name for ${cols.asset.name}` });
    return to ? [{ type: 'table_rename', to }] : undefined;
  }
  const column = picked.label;
  const kind = await vscode.window.showQuickPick(['Rename', 'Drop', 'Change type'], { title: `${column}: which change?` });
  if (kind === 'Drop') return [{ type: 'column_drop', column }];
  if (kind === 'Rename') {
    const to = await vscode.window.showInputBox({ prompt: `Rename ${column} to`, value: column });
    return to && to !== column ? [{ type: 'column_rename', from: column, to }] : undefined;
  }
  if (kind === 'Change type') {
    const to = await vscode.window.showInputBox({ prompt: `New type of ${column}`, placeHolder: 'e.g. numeric(14,2)' });
    return to ? [{ type: 'column_type_change', column, to }] : undefined;
  }
  return undefined;
}

async function openLink(link: AssetLink): Promise<void> {
  if (!link.uri) return void vscode.window.showInformationMessage(`DataLineage: ${link.name} is not defined in a workspace file.`);
  const pos = new vscode.Position(link.line ?? 0, link.character ?? 0);
  await vscode.window.showTextDocument(vscode.Uri.parse(link.uri), { selection: new vscode.Range(pos, pos) });
}
