import * as vscode from 'vscode';
import type { ServerSettings } from '../protocol/lineageProtocol';

/** The `datalineage.*` settings as the server wants them (defaults come from package.json). */
export function readSettings(): ServerSettings {
  const c = vscode.workspace.getConfiguration('datalineage');
  return {
    include: c.get<string[]>('include', []),
    exclude: c.get<string[]>('exclude', []),
    sqlDialect: c.get<string>('sqlDialect', 'postgres'),
    migrationGlobs: c.get<string[]>('migrationGlobs', []),
    maxFileSizeKB: c.get<number>('maxFileSizeKB', 2048),
    codeLens: {
      models: c.get<boolean>('codeLens.models', true),
      tables: c.get<boolean>('codeLens.tables', true),
      sources: c.get<boolean>('codeLens.sources', true),
      dags: c.get<boolean>('codeLens.dags', true),
      sparkJobs: c.get<boolean>('codeLens.sparkJobs', true),
      dvcStages: c.get<boolean>('codeLens.dvcStages', true),
      migrations: c.get<boolean>('codeLens.migrations', true),
    },
  };
}
