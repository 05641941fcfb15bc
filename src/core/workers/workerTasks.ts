// The per-file work that runs in worker threads: pure functions of one file's text, whose
// results are plain data (they cross the thread boundary by structured clone).
import { analyzeSql } from '../sql/sqlAnalysis';
import { parseDbtSchemaYaml } from '../dbt/dbtYaml';
import { extractJinjaRefs } from '../dbt/jinjaRender';

export const TASKS = {
  sql: (j: { sql: string; dialect: string }) => analyzeSql(j.sql, j.dialect),
  yaml: (j: { path: string; text: string }) => parseDbtSchemaYaml(j.path, j.text),
  jinja: (j: { text: string }) => extractJinjaRefs(j.text),
};

export type TaskKind = keyof typeof TASKS;
export type TaskInput<K extends TaskKind> = Parameters<(typeof TASKS)[K]>[0];
export type TaskOutput<K extends TaskKind> = ReturnType<(typeof TASKS)[K]>;

/** How much work an input is, roughly: its text's length. Chunks are cut by it, not by count. */
export function weightOf(input: unknown): number {
  const i = input as { sql?: string; text?: string };
  return (i.sql ?? i.text ?? '').length + 200;
}

export function runTask<K extends TaskKind>(kind: K, input: TaskInput<K>): TaskOutput<K> {
  return (TASKS[kind] as (i: TaskInput<K>) => TaskOutput<K>)(input);
}
