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
import { pythonReadersFor } from './pythonFileReader';
import { resolveDagSelectors } from './airflow/dbtSelection';
import type { PythonJob } from './pythonFileReader';

export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

export interface WorkspaceFacts {
  files: FileFacts[];
  dbt: DbtWorkspace;
}

type Read = (path: string, skipped?: Diagnostic[]) => Promise<string | undefined>;

/**
 * Airflow DAGs and Spark jobs among the Python files, queued in `pool` as background work: the
 * texts are read and the jobs queued before the dbt projects are read, so the workers parse them
 * alongside that reading (queued after it, they used to wait for it to finish). A text check
 * that never skips a file a reader would find something in (pythonReadersFor) skips the rest
 * before anything is parsed. Each file's skipped-file diagnostics are kept apart and returned in
 * file order, so they come out as if the files had been read one after another.
 */
async function queuePythonFiles(all: string[], read: Read, dialect: string, pool: WorkerPool): Promise<{ files: Promise<FileFacts[]>; skipped: Diagnostic[] }> {
  const jobs: PythonJob[] = [];
  const skippedBy: Diagnostic[][] = []; // per Python file, in order
  const skippedByJob: Diagnostic[][] = [];
  for (const path of all) {
    if (!path.endsWith('.py')) continue;
    const skipped: Diagnostic[] = [];
    skippedBy.push(skipped);
    const text = await read(path, skipped);
    const readers = text === undefined ? [] : pythonReadersFor(text);
    if (!readers.length) continue;
    jobs.push({ path, text: text as string, readers, dialect });
    skippedByJob.push(skipped);
  }
  const results = pool.run('python', jobs, { background: true, readFile: (p, job) => read(p, skippedByJob[job]) });
  // A task that failed even when redone on this thread has no result (see WorkerPool): the file
  // gets a diagnostic instead of being dropped in silence.
  const files = results.then((facts) => facts.map((f, i) => f ?? unread(jobs[i].path)));
  files.catch(() => undefined); // awaited once the dbt projects are read; not unhandled until then
  return { files, skipped: skippedBy.flat() };
}

function unread(path: string): FileFacts {
  return { path, assets: [], changes: [], queries: [], diagnostics: [{ path, line: 1, severity: 'warning', code: 'python-read', message: 'Python file not read: its reader failed' }] };
}

/** Reads a workspace file as text; one over the size limit or binary is skipped with a diagnostic. */
export function textReader(fs: WorkspaceFileSystem, maxFileSize: number | undefined, skipped: Diagnostic[]): Read {
  const maxSize = maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  return async (path, into = skipped) => {
    const size = await fs.fileSize(path);
    if (size !== undefined && size > maxSize) {
      into.push({ path, line: 1, severity: 'warning', code: 'file-too-large', message: `skipped: ${(size / 1048576).toFixed(1)} MB is over the ${(maxSize / 1048576).toFixed(1)} MB limit` });
      return undefined;
    }
    const text = await fs.readFile(path);
    if (text !== undefined && text.includes('\u0000')) {
      into.push({ path, line: 1, severity: 'warning', code: 'binary-file', message: 'skipped: the file is binary, not text' });
      return undefined;
    }
    return text;
  };
}

export async function readWorkspaceFacts(fs: WorkspaceFileSystem, opts: { dialect?: string; maxFileSize?: number }, pool: WorkerPool): Promise<WorkspaceFacts> {
  const all = await fs.listFiles();
  const skipped: Diagnostic[] = [];
  const read = textReader(fs, opts.maxFileSize, skipped);
  const dialect = normalizeDialect(opts.dialect);
  // Queued first: the workers read the Python files while this thread reads the dbt projects.
  const python = await queuePythonFiles(all, read, opts.dialect ?? 'postgres', pool);
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
  // Done with its own reading, this thread takes the Python files no worker has taken yet.
  await pool.lend();
  files.push(...(await python.files));
  skipped.push(...python.skipped);
  // DAGs read one file each: a dbt run selecting models by path or tag is resolved here, where
  // the dbt projects' models are known.
  resolveDagSelectors(files, dbt.projects.map((s) => s.project));
  // DVC first: MLflow runs are checked against the data versions dvc.lock records.
  const dvc = await readDvcFiles(all, read, fs);
  files.push(...dvc);
  files.push(...(await readMlflowFiles(all, read, { lockHashes: lockedHashes(dvc) })));
  if (skipped.length) files.push({ path: '', assets: [], changes: [], queries: [], diagnostics: skipped });
  return { files, dbt };
}
