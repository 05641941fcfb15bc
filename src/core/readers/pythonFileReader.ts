// Python files as self-contained jobs: Airflow DAGs and PySpark jobs are read the same way on this
// thread or in a parse worker (tree-sitter loads in each). A job carries the file's text; the other
// files it names (.sql templates, queries a job opens) are asked for through `readFile`, which a
// worker forwards to the thread that owns the workspace.
import type { FileFacts } from '../model';
import { looksLikeDag, readAirflowFile } from './airflow/airflowReader';
import { looksLikeSpark, readSparkFile } from './spark/sparkReader';

export interface PythonJob {
  path: string;
  text: string;
  reader: 'airflow' | 'spark';
  /** The dialect of DAG SQL whose operator or connection does not tell. */
  dialect: string;
}

/** Which reader a Python file needs, by a cheap text check; undefined for tests, utilities and the like. */
export function pythonReaderFor(text: string): PythonJob['reader'] | undefined {
  if (looksLikeDag(text)) return 'airflow';
  if (looksLikeSpark(text)) return 'spark';
  return undefined;
}

export function readPythonJob(job: PythonJob, readFile: (path: string) => Promise<string | undefined>): Promise<FileFacts> {
  return job.reader === 'airflow' ? readAirflowFile(job.path, job.text, { dialect: job.dialect, readFile }) : readSparkFile(job.path, job.text, { readFile });
}
