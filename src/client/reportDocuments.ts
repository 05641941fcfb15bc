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

  /**
   * Shows `markdown` as `<name>.md` rendered beside the editor (the Markdown preview; its links
   * open the files), replacing an earlier report of the same name. Without the built-in Markdown
   * extension, the text itself opens.
   */
  async open(name: string, markdown: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: ReportDocuments.scheme, path: `/${name.replace(/[^\w.-]+/g, '_')}.md` });
    this.contents.set(uri.toString(), markdown);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    } catch {
      await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
