// Python files as self-contained jobs: Airflow DAGs and PySpark jobs are read the same way on this
// thread or in a parse worker (tree-sitter loads in each). A job carries the file's text; the other
// files it names (.sql templates, queries a job opens) are asked for through `readFile`, which a
// worker forwards to the thread that owns the workspace.
import type { FileFacts } from '../model';
import { initPython, parsePython } from '../python/pythonParser';
import type { PyTree } from '../python/pythonParser';
import { looksLikeDag, readAirflowFile } from './airflow/airflowReader';
import { readSparkFile } from './spark/sparkReader';

export type PythonReader = 'airflow' | 'spark';

export interface PythonJob {
  path: string;
  text: string;
  /** The readers that may find something in the file (see pythonReadersFor), in the order tried. */
  readers: PythonReader[];
  /** The dialect of DAG SQL whose operator or connection does not tell. */
  dialect: string;
}

/**
 * The readers that could find anything in a Python file. The check is on the text but never turns
 * away a file a reader would have read lineage from: the Airflow reader finds DAGs only through
 * names that contain "dag" (`DAG(...)`, `models.DAG(...)`, `DbtDag(...)`, `@dag`), and everything
 * the Spark reader finds (tables read and written, SQL run, a session built) starts from a session
 * named `spark`, `spark_session` or `sparkSession`, or from `SparkSession`. Files with neither
 * (tests, utilities, pandas scripts) are not parsed.
 */
export function pythonReadersFor(text: string): PythonReader[] {
  const readers: PythonReader[] = [];
  if (/dag/i.test(text)) readers.push('airflow');
  if (/spark/i.test(text)) readers.push('spark');
  return readers;
}

/**
 * A file is a DAG file when the Airflow reader finds a DAG in it, else a Spark job when the Spark
 * reader finds one; both read one shared parse. When neither finds an asset only diagnostics are
 * left, and the reader the file looks written for (looksLikeDag) reports them, so a syntax error
 * is reported once.
 */
export async function readPythonJob(job: PythonJob, readFile: (path: string) => Promise<string | undefined>): Promise<FileFacts> {
  const tree = await parseOnce(job);
  const found: Partial<Record<PythonReader, FileFacts>> = {};
  for (const reader of job.readers) {
    const facts = reader === 'airflow' ? await readAirflowFile(job.path, job.text, { dialect: job.dialect, readFile, tree }) : await readSparkFile(job.path, job.text, { readFile, tree });
    if (facts.assets.length) return facts;
    found[reader] = facts;
  }
  const empty: FileFacts = { path: job.path, assets: [], changes: [], queries: [], diagnostics: [] };
  return (looksLikeDag(job.text) ? found.airflow : found.spark) ?? found.airflow ?? found.spark ?? empty;
}

/** The tree both readers share; undefined lets a reader parse (and report why it cannot) itself. */
async function parseOnce(job: PythonJob): Promise<PyTree | undefined> {
  if (job.readers.length < 2) return undefined;
  await initPython();
  try {
    return parsePython(job.text);
  } catch {
    return undefined;
  }
}
