import * as vscode from 'vscode';

/**
 * Read-only Markdown documents for reports (impact, lineage) under our own URI scheme: they open
 * like any file, can be copied or previewed, and never ask to be saved when closed.
 */
export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly scheme = 'datalineage-report';
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Shows `markdown` as `<name>.md`, replacing an earlier report of the same name. */
  async open(name: string, markdown: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: ReportDocuments.scheme, path: `/${name.replace(/[^\w.-]+/g, '_')}.md` });
    this.contents.set(uri.toString(), markdown);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
