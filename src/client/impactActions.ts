// What the impact panel asks the extension to do outside its sandbox: open a reported position,
// copy the Markdown report, save the JSON report. Each checks its input: messages come from a
// webview, and a webview shows data from the user's files.
import * as vscode from 'vscode';
import type { ImpactResult } from '../protocol/lineageProtocol';
import type { ImpactLocation } from '../protocol/webviewProtocol';
import { impactJson } from '../core/impact/impactJson';

/**
 * The file a workspace-relative path names inside `folder`, or undefined when the path is not
 * plainly inside it (absolute, a URI, `..` segments): the panel never opens files elsewhere.
 */
export function resolveInFolder(folder: vscode.Uri, rel: string): vscode.Uri | undefined {
  if (!rel || rel.startsWith('/') || /^[a-z]+:/i.test(rel) || rel.split(/[\\/]/).some((s) => s === '..')) return undefined;
  const target = vscode.Uri.joinPath(folder, ...rel.split(/[\\/]/).filter(Boolean));
  return target.path.startsWith(folder.path.replace(/\/$/, '') + '/') ? target : undefined;
}

export async function openLocation(folder: vscode.Uri, l: ImpactLocation, besidePanel: vscode.ViewColumn | undefined): Promise<void> {
  const uri = resolveInFolder(folder, l.path);
  if (!uri) return void vscode.window.showWarningMessage(`DataLineage: not a file of the workspace: ${l.path}`);
  const pos = new vscode.Position(Math.max(0, l.line - 1), Math.max(0, l.column - 1));
  // Open in the editor group next to the panel, not over it: the report stays visible.
  const viewColumn = besidePanel === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
  try {
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), viewColumn, preview: true });
  } catch (e) {
    void vscode.window.showWarningMessage(`DataLineage: cannot open ${l.path}: ${(e as Error).message}`);
  }
}

export async function copyMarkdown(result: ImpactResult): Promise<string> {
  await vscode.env.clipboard.writeText(result.markdown);
  return 'Copied the report as Markdown.';
}

/**
 * Writes the CLI's `impact --json` document (with the newline the CLI's output ends with) to
 * `target`, or to a file the user picks. Returns what the status line says, or undefined when
 * the user cancelled.
 */
export async function exportJson(result: ImpactResult, defaultUri: vscode.Uri | undefined, target?: vscode.Uri): Promise<string | undefined> {
  const uri = target ?? (await vscode.window.showSaveDialog({ defaultUri, filters: { JSON: ['json'] }, title: 'Export the impact report (the CLI\'s impact --json)' }));
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(impactJson(result.report) + '\n'));
  return `Saved ${vscode.workspace.asRelativePath(uri)}.`;
}
