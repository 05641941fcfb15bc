// Prepares the column phase's input: each SQL source rendered (dbt) and analysed, from the cache
// when its content and context are unchanged, otherwise parsed — in workers when there are many.
import type { Diagnostic, QuerySource } from '../model';
import type { DbtWorkspace } from '../dbt/dbtReader';
import type { AnalysisCache, CachedAnalysis } from '../cache/analysisCache';
import { cacheKey } from '../cache/analysisCache';
import type { WorkerPool } from '../workers/workerPool';
import type { ParsedSql } from '../cache/packedAnalysis';
import { EMPTY_ANALYSIS } from '../cache/packedAnalysis';

interface ParseJob {
  key: string;
  sql: string;
  dialect: string;
}
import type { ColumnJob } from './columnPhase';

// ~256 KB of SQL per hand-over: big enough to be worth a message, small enough that the workers
// start while the rest is still rendering.
const BATCH_CHARS = 256_000;

export async function buildColumnJobs(
  queries: QuerySource[],
  dbt: DbtWorkspace | undefined,
  cache: AnalysisCache,
  pool: WorkerPool,
  engineVersion: string,
  pause: () => Promise<void> | undefined = () => undefined,
): Promise<{ jobs: ColumnJob[]; diagnostics: Diagnostic[]; parsed: number; cached: number }> {
  const diagnostics: Diagnostic[] = [];
  const entries: { q: QuerySource; key: string; hit?: CachedAnalysis; pending?: Omit<CachedAnalysis, 'analysis'> & { sql: string; incrementalSql?: string } }[] = [];
  // Rendering runs here while the workers parse: each batch of rendered SQL is handed over at
  // once, and the loop yields between batches so the pool can feed idle workers.
  const analyses = new Map<string, ParsedSql>();
  const inFlight: Promise<void>[] = [];
  let batch: ParseJob[] = [];
  let batchSize = 0;
  const flush = () => {
    const sent = batch;
    batch = [];
    batchSize = 0;
    inFlight.push(pool.run('sql', sent.map((j) => ({ sql: j.sql, dialect: j.dialect }))).then((rs) => sent.forEach((j, i) => analyses.set(j.key, rs[i]))));
  };
  const parse = (job: ParseJob) => {
    batch.push(job);
    batchSize += job.sql.length;
    if (batchSize >= BATCH_CHARS) flush();
  };
  for (const q of queries) {
    const turn = pause();
    if (turn) await turn;
    // Embedded SQL shares its host file's text with the file's other SQL strings, so the SQL
    // itself is part of the key.
    // Only dbt models arrive without SQL (they are rendered here); SQL embedded in a DAG or a
    // Spark job has an owner too, but its SQL is given.
    const toRender = q.sql === undefined && !!dbt;
    const key = cacheKey(engineVersion, toRender ? 'dbt' : 'sql', q.dialect, toRender && dbt ? dbt.contextHashOf(q) : '', q.originalText, q.sql ?? '');
    const hit = cache.get(key);
    if (hit) {
      entries.push({ q, key, hit });
      continue;
    }
    if (toRender && dbt) {
      const r = dbt.render(q);
      const pending = { sql: r.sql ?? '', incrementalSql: r.incrementalSql, renderedRelations: r.renderedRelations, renderDiagnostics: r.diagnostics };
      entries.push({ q, key, pending });
      if (r.sql !== undefined) parse({ key, sql: r.sql, dialect: q.dialect });
      if (r.incrementalSql !== undefined) parse({ key: `${key}+incremental`, sql: r.incrementalSql, dialect: q.dialect });
    } else {
      entries.push({ q, key, pending: { sql: q.sql ?? q.originalText } });
      parse({ key, sql: q.sql ?? q.originalText, dialect: q.dialect });
    }
    if (batch.length === 0) await new Promise((r) => setImmediate(r));
  }
  if (batch.length) flush();
  await Promise.all(inFlight);
  const jobs: ColumnJob[] = [];
  for (const e of entries) {
    let value = e.hit;
    if (!value && e.pending) {
      const parsed = analyses.get(e.key);
      value = { analysis: parsed?.packed ?? EMPTY_ANALYSIS, incrementalAnalysis: analyses.get(`${e.key}+incremental`)?.packed, renderedRelations: e.pending.renderedRelations, renderDiagnostics: e.pending.renderDiagnostics, sql: parsed?.failed ? e.pending.sql : undefined };
      cache.set(e.key, value);
    }
    if (!value) continue;
    diagnostics.push(...(value.renderDiagnostics ?? []));
    jobs.push({ path: e.q.path, originalText: e.q.originalText, sql: value.sql ?? e.q.sql ?? e.q.originalText, analysis: value.analysis, incrementalAnalysis: value.incrementalAnalysis, ownerId: e.q.ownerId, renderedRelations: e.q.relations ?? value.renderedRelations, range: e.q.range, inferred: e.q.inferred, key: e.key });
  }
  const parsed = entries.filter((e) => !e.hit).length;
  return { jobs, diagnostics, parsed, cached: entries.length - parsed };
}
