import * as vscode from 'vscode';
import type { IndexStatus } from '../protocol/lineageProtocol';

/** The index at a glance: asset count, a spinner while indexing, an error that opens the log. */
export class IndexStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('datalineage.status', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'DataLineage';
    this.item.text = '$(sync~spin) DataLineage';
    this.item.tooltip = 'DataLineage: starting';
    this.item.show();
  }

  show(s: IndexStatus): void {
    const summary = `${s.assets} assets · ${s.edges} edges · ${s.columnEdges} column edges · ${s.diagnostics} diagnostics`;
    if (s.state === 'indexing') {
      this.item.text = `$(sync~spin) DataLineage${s.assets ? `: ${s.assets}` : ''}`;
      this.item.tooltip = `DataLineage: indexing…${s.assets ? ` (last index: ${summary})` : ''}`;
      this.item.command = 'datalineage.showOutput';
      this.item.backgroundColor = undefined;
    } else if (s.state === 'error') {
      this.item.text = '$(error) DataLineage';
      this.item.tooltip = `DataLineage: the index failed — ${s.message ?? 'see the output'}. Click for the log.`;
      this.item.command = 'datalineage.showOutput';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      this.item.text = `$(type-hierarchy) ${s.assets} assets`;
      this.item.tooltip = `DataLineage: ${summary}${s.durationMs !== undefined ? ` — indexed in ${(s.durationMs / 1000).toFixed(1)} s` : ''}. Click for the lineage graph.`;
      this.item.command = 'datalineage.showLineageGraph';
      this.item.backgroundColor = undefined;
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
