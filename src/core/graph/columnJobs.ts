// Prepares the column phase's input: each SQL source rendered (dbt) and analysed, from the cache
// when its content and context are unchanged, otherwise parsed — in workers when there are many.
import type { Diagnostic, QuerySource } from '../model';
import type { DbtWorkspace } from '../dbt/dbtReader';
import type { AnalysisCache, CachedAnalysis } from '../cache/analysisCache';
import { cacheKey } from '../cache/analysisCache';
import type { WorkerPool } from '../workers/workerPool';
import type { SqlAnalysis } from '../sql/sqlAnalysis';

interface ParseJob {
  key: string;
  sql: string;
  dialect: string;
}
import type { ColumnJob } from './columnPhase';

export async function buildColumnJobs(
  queries: QuerySource[],
  dbt: DbtWorkspace | undefined,
  cache: AnalysisCache,
  pool: WorkerPool,
  engineVersion: string,
): Promise<{ jobs: ColumnJob[]; diagnostics: Diagnostic[]; parsed: number; cached: number }> {
  const diagnostics: Diagnostic[] = [];
  const entries: { q: QuerySource; key: string; hit?: CachedAnalysis; pending?: Omit<CachedAnalysis, 'analysis'> & { sql: string; incrementalSql?: string } }[] = [];
  const toParse: ParseJob[] = [];
  for (const q of queries) {
    const key = cacheKey(engineVersion, q.ownerId ? 'dbt' : 'sql', q.dialect, dbt && q.ownerId ? dbt.contextHashOf(q) : '', q.originalText);
    const hit = cache.get(key);
    if (hit) {
      entries.push({ q, key, hit });
      continue;
    }
    if (q.ownerId && dbt) {
      const r = dbt.render(q);
      const pending = { sql: r.sql ?? '', incrementalSql: r.incrementalSql, renderedRelations: r.renderedRelations, renderDiagnostics: r.diagnostics };
      entries.push({ q, key, pending });
      if (r.sql !== undefined) toParse.push({ key, sql: r.sql, dialect: q.dialect });
      if (r.incrementalSql !== undefined) toParse.push({ key: `${key}+incremental`, sql: r.incrementalSql, dialect: q.dialect });
    } else {
      entries.push({ q, key, pending: { sql: q.sql ?? q.originalText } });
      toParse.push({ key, sql: q.sql ?? q.originalText, dialect: q.dialect });
    }
  }
  const results = await pool.run('sql', toParse.map((j) => ({ sql: j.sql, dialect: j.dialect })));
  const analyses = new Map<string, SqlAnalysis>(toParse.map((j, i) => [j.key, results[i]]));
  const jobs: ColumnJob[] = [];
  for (const e of entries) {
    let value = e.hit;
    if (!value && e.pending) {
      const analysis = analyses.get(e.key) ?? { statements: [] };
      const failed = analysis.statements.some((s) => s.failure);
      const incrementalAnalysis = analyses.get(`${e.key}+incremental`);
      value = { analysis, incrementalAnalysis, renderedRelations: e.pending.renderedRelations, renderDiagnostics: e.pending.renderDiagnostics, sql: failed ? e.pending.sql : undefined };
      cache.set(e.key, value);
    }
    if (!value) continue;
    diagnostics.push(...(value.renderDiagnostics ?? []));
    jobs.push({ path: e.q.path, originalText: e.q.originalText, sql: value.sql ?? e.q.originalText, analysis: value.analysis, incrementalAnalysis: value.incrementalAnalysis, ownerId: e.q.ownerId, renderedRelations: value.renderedRelations });
  }
  const parsed = entries.filter((e) => !e.hit).length;
  return { jobs, diagnostics, parsed, cached: entries.length - parsed };
}
