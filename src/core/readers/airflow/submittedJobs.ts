// A SparkSubmitOperator names its job by file (`application="jobs/x.py"`), and that file is read
// by the Spark reader, so the two meet only once every file is read. The task is then made
// upstream of the job it submits: "run by" is what the job's lineage shows, and the task's
// CodeLens counts the job. Not the DAG: the DAG is the consumer of what its tasks read and the
// producer of what they declare (Datasets), so an edge from the job to the DAG or back closes a
// loop whenever the job reads a DAG's Dataset or a task reads the job's output. A task has task
// dependencies only, so nothing flows back into it.
import type { FileFacts } from '../../model';
import { normalizePath } from '../../io/paths';

export function linkSubmittedJobs(files: FileFacts[]): void {
  const jobsIn = new Map<string, FileFacts['assets']>();
  for (const f of files) {
    for (const a of f.assets) {
      if (a.asset_type !== 'spark_job' || !a.location) continue;
      const key = normalizePath(a.location.path);
      jobsIn.set(key, [...(jobsIn.get(key) ?? []), a]);
    }
  }
  if (!jobsIn.size) return;
  for (const f of files) {
    for (const task of f.assets) {
      const app = task.asset_type === 'airflow_task' ? task.meta?.application : undefined;
      if (typeof app !== 'string') continue;
      for (const job of jobsIn.get(normalizePath(app)) ?? []) {
        if (!job.upstream.some((u) => u.kind === 'name' && u.name === task.id)) job.upstream.push({ kind: 'name', name: task.id });
      }
    }
  }
}
