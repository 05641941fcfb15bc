// Walks the workspace once and hands each file to the reader for its kind. Oversized and binary
// files are skipped with a diagnostic instead of being parsed.
import type { Diagnostic, FileFacts } from '../model';
import type { WorkspaceFileSystem } from '../io/fileSystem';
import { readDbtWorkspace } from '../dbt/dbtReader';
import type { DbtWorkspace } from '../dbt/dbtReader';
import type { WorkerPool } from '../workers/workerPool';
import { normalizeDialect } from '../sql/sqlParser';
import { readSqlFile } from './sqlFileReader';
import { LINEAGE_YAML, readLineageYaml } from './lineageYamlReader';
import { readMlflowFiles } from './mlflow/mlflowReader';
import { lockedHashes, readDvcFiles } from './dvc/dvcReader';
import { looksLikeDag, readAirflowFile } from './airflow/airflowReader';
import { looksLikeSpark, readSparkFile } from './spark/sparkReader';

export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

export interface WorkspaceFacts {
  files: FileFacts[];
  dbt: DbtWorkspace;
}

/**
 * Airflow DAGs and Spark jobs among the Python files. A cheap text check skips the rest (tests,
 * utilities) before anything is parsed.
 */
async function readPythonFiles(all: string[], read: (p: string) => Promise<string | undefined>, dialect: string): Promise<FileFacts[]> {
  const out: FileFacts[] = [];
  for (const path of all) {
    if (!path.endsWith('.py')) continue;
    const text = await read(path);
    if (text === undefined) continue;
    if (looksLikeDag(text)) out.push(await readAirflowFile(path, text, { dialect, readFile: read }));
    else if (looksLikeSpark(text)) out.push(await readSparkFile(path, text, { readFile: read }));
  }
  return out;
}

export async function readWorkspaceFacts(fs: WorkspaceFileSystem, opts: { dialect?: string; maxFileSize?: number }, pool: WorkerPool): Promise<WorkspaceFacts> {
  const all = await fs.listFiles();
  const skipped: Diagnostic[] = [];
  const maxSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const read = async (path: string): Promise<string | undefined> => {
    const size = await fs.fileSize(path);
    if (size !== undefined && size > maxSize) {
      skipped.push({ path, line: 1, severity: 'warning', code: 'file-too-large', message: `skipped: ${(size / 1048576).toFixed(1)} MB is over the ${(maxSize / 1048576).toFixed(1)} MB limit` });
      return undefined;
    }
    const text = await fs.readFile(path);
    if (text !== undefined && text.includes('\u0000')) {
      skipped.push({ path, line: 1, severity: 'warning', code: 'binary-file', message: 'skipped: the file is binary, not text' });
      return undefined;
    }
    return text;
  };
  const dialect = normalizeDialect(opts.dialect);
  const dbt = await readDbtWorkspace(all, read, opts.dialect ?? 'postgres', pool);
  const files: FileFacts[] = [...dbt.files];
  const lineageYaml = all.find((f) => f === LINEAGE_YAML || f === 'lineage.yaml');
  if (lineageYaml) {
    const text = await read(lineageYaml);
    if (text !== undefined) files.push(readLineageYaml(lineageYaml, text));
  }
  for (const path of all) {
    if (!path.endsWith('.sql') || dbt.owns(path)) continue;
    const text = await read(path);
    if (text !== undefined) files.push(readSqlFile(path, text, dialect));
  }
  files.push(...(await readPythonFiles(all, read, opts.dialect ?? 'postgres')));
  // DVC first: MLflow runs are checked against the data versions dvc.lock records.
  const dvc = await readDvcFiles(all, read, fs);
  files.push(...dvc);
  files.push(...(await readMlflowFiles(all, read, { lockHashes: lockedHashes(dvc) })));
  if (skipped.length) files.push({ path: '', assets: [], changes: [], queries: [], diagnostics: skipped });
  return { files, dbt };
}
