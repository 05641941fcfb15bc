// Shared by the Airflow reader tests that read one DAG file and compare its task graph.
import { readAirflowFile } from '../../src/core/readers/airflow/airflowReader';
import type { FileFacts } from '../../src/core/model';

export const src = (...lines: string[]) => lines.join('\n') + '\n';

/** Reads `text` as dags/etl.py; other files the DAG names are looked up in `files`. */
export async function readDag(text: string, files: Record<string, string> = {}): Promise<FileFacts> {
  return readAirflowFile('dags/etl.py', text, { dialect: 'postgres', readFile: async (p) => files[p] });
}

/** Each task's upstream tasks, sorted, by task name (`dag.task`), with `strip` taken off the front of both. */
export function taskGraph(facts: FileFacts, strip = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const a of facts.assets) {
    if (a.asset_type !== 'airflow_task') continue;
    out[a.name.replace(strip, '')] = a.upstream.map((u) => (u.kind === 'name' ? u.name.replace(`task:${strip}`, '') : JSON.stringify(u))).sort();
  }
  return out;
}
