// The impact of a migration before it is saved: on every save of a file matching
// `datalineage.migrationGlobs`, the content about to be written is analysed and, by the
// `datalineage.impact.onSave` setting, shown in the impact panel or announced in a notification.
//
// Why no event.waitUntil: waitUntil holds the save until its promise settles, and VS Code gives
// all save participants together a small budget (`files.participants.timeout`, 5 s by default)
// before it cancels them. The analysis may have to wait for an index build that takes longer
// than that on a big workspace, and it changes nothing in the file (waitUntil exists for edits).
// So the save is never held: we read the text the save is about to write (onWillSave fires before
// the write, with the buffer final), ask the server in the background, and show the answer when
// it arrives. A slow, failing or crashed server cannot delay, block or lose a save.
import * as vscode from 'vscode';
import { minimatch } from 'minimatch';
import type { LanguageClient } from 'vscode-languageclient/node';
import { MigrationImpactRequest } from '../protocol/lineageProtocol';
import type { ImpactPanel } from './impactPanel';
import { notificationText, readMode, saveAction } from './saveDecision';
import type { SaveAnswer } from './saveDecision';

const OPEN_PANEL = 'Open Impact Panel';

export function registerSaveParticipant(client: LanguageClient, panel: ImpactPanel, output: vscode.LogOutputChannel): vscode.Disposable {
  /** The latest save per file: an answer to an older save that arrives late is dropped. */
  const latest = new Map<string, number>();
  let counter = 0;
  return vscode.workspace.onWillSaveTextDocument((event) => {
    try {
      const doc = event.document;
      const config = vscode.workspace.getConfiguration('datalineage', doc.uri);
      const mode = readMode(config.get('impact.onSave'));
      if (mode === 'off') return;
      const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
      if (!folder) return;
      const rel = vscode.workspace.asRelativePath(doc.uri, false);
      // The same matching as the server's migration CodeLens (codeLenses.ts isMigration).
      if (!config.get<string[]>('migrationGlobs', []).some((g) => minimatch(rel, g, { dot: true, nocase: true }))) return;
      const key = doc.uri.toString();
      const id = ++counter;
      latest.set(key, id);
      const file = rel.split('/').pop() ?? rel;
      const explicit = event.reason === vscode.TextDocumentSaveReason.Manual;
      const t0 = Date.now();
      void analyse(client, key, doc.getText()).then((answer) => {
        output.debug(`impact of ${rel} on save: answered in ${Date.now() - t0} ms${latest.get(key) === id ? '' : ' (a newer save superseded it)'}`);
        if (latest.get(key) !== id) return;
        latest.delete(key);
        show(panel, output, mode, file, folder.uri, answer, explicit);
      });
    } catch (e) {
      // Nothing may escape into the save: log it and let the save go on.
      output.error(`impact on save: ${(e as Error).stack ?? e}`);
    }
  });
}

async function analyse(client: LanguageClient, uri: string, text: string): Promise<SaveAnswer> {
  try {
    return await client.sendRequest(MigrationImpactRequest, { uri, text });
  } catch (e) {
    return { failed: (e as Error).message || String(e) };
  }
}

function show(panel: ImpactPanel, output: vscode.LogOutputChannel, mode: 'panel' | 'notify', file: string, folder: vscode.Uri, answer: SaveAnswer, explicit: boolean): void {
  if ('failed' in answer) output.warn(`impact of ${file} on save: ${answer.failed}`);
  const put = (reveal: boolean) => ('failed' in answer ? panel.showError(file, `The impact analysis failed: ${answer.failed}. The file was saved.`, folder, reveal) : panel.showAnswer(file, answer, folder, reveal));
  const action = saveAction(mode, answer, explicit);
  if (action === 'open') return put(true);
  if (action === 'update') return put(false);
  if (action !== 'notify') return;
  put(false);
  const text = notificationText(file, answer);
  const high = 'failed' in answer || ('report' in answer && answer.report.affected_assets.some((a) => a.severity === 'breaking'));
  const notify = high ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void notify(text, OPEN_PANEL).then((picked) => {
    if (picked === OPEN_PANEL) put(true);
  });
}
