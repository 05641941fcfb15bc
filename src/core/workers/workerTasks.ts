// The per-file work that runs in worker threads: functions of one file's text, whose results are
// plain data (they cross the thread boundary by structured clone; SQL analyses as packed bytes). Python readers are async and
// may ask for other workspace files through the services the pool passes.
import { analyzeSql } from '../sql/sqlAnalysis';
import { packParsed } from '../cache/packedAnalysis';
import { parseDbtSchemaYaml } from '../dbt/dbtYaml';
import { extractJinjaRefs } from '../dbt/jinjaRender';
import { readPythonJob } from '../readers/pythonFileReader';
import type { PythonJob } from '../readers/pythonFileReader';

/** What a task may ask of the thread that owns the workspace. */
export interface TaskServices {
  readFile(path: string): Promise<string | undefined>;
}

export const NO_SERVICES: TaskServices = { readFile: async () => undefined };

export const TASKS = {
  // Packed here, in the worker: the main thread keeps the bytes until the job resolves.
  sql: (j: { sql: string; dialect: string }) => packParsed(analyzeSql(j.sql, j.dialect)),
  yaml: (j: { path: string; text: string }) => parseDbtSchemaYaml(j.path, j.text),
  jinja: (j: { text: string }) => extractJinjaRefs(j.text),
  python: (j: PythonJob, s: TaskServices) => readPythonJob(j, s.readFile),
};

export type TaskKind = keyof typeof TASKS;
export type TaskInput<K extends TaskKind> = Parameters<(typeof TASKS)[K]>[0];
export type TaskOutput<K extends TaskKind> = Awaited<ReturnType<(typeof TASKS)[K]>>;

/** How much work an input is, roughly: its text's length. Chunks are cut by it, not by count. */
export function weightOf(input: unknown): number {
  const i = input as { sql?: string; text?: string };
  return (i.sql ?? i.text ?? '').length + 200;
}

/** The task's result, or a promise of it for the async (Python) tasks. */
export function runTask<K extends TaskKind>(kind: K, input: TaskInput<K>, services: TaskServices = NO_SERVICES): TaskOutput<K> | Promise<TaskOutput<K>> {
  return (TASKS[kind] as (i: TaskInput<K>, s: TaskServices) => TaskOutput<K> | Promise<TaskOutput<K>>)(input, services);
}
