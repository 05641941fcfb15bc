// Parsed SQL is cached by a hash of everything that decides it (text, dialect, for dbt the render
// context), so a second run over an unchanged workspace skips rendering and parsing entirely.
import { createHash } from 'node:crypto';
import type { Diagnostic, Relation, UpstreamRef } from '../model';
import type { SqlAnalysis } from '../sql/sqlAnalysis';
import { SQL_ANALYSIS_VERSION } from '../sql/sqlAnalysis';

export interface CachedAnalysis {
  analysis: SqlAnalysis;
  /** dbt models with an is_incremental() branch: the incremental run's SQL, analysed. */
  incrementalAnalysis?: SqlAnalysis;
  /** The rendered SQL, kept only when a statement failed (its line maps back through it). */
  sql?: string;
  renderedRelations?: { relation: Relation; upstream: UpstreamRef }[];
  renderDiagnostics?: Diagnostic[];
}

export interface AnalysisCache {
  get(key: string): CachedAnalysis | undefined;
  set(key: string, value: CachedAnalysis): void;
}

/** A cache that lives as long as the index (tests, one-off CLI runs with --no-cache). */
export class MemoryAnalysisCache implements AnalysisCache {
  readonly entries = new Map<string, CachedAnalysis>();
  get(key: string): CachedAnalysis | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: CachedAnalysis): void {
    this.entries.set(key, value);
  }
}

export function cacheKey(...parts: string[]): string {
  const h = createHash('sha1');
  h.update(String(SQL_ANALYSIS_VERSION));
  for (const p of parts) {
    h.update('\0');
    h.update(p);
  }
  return h.digest('base64url');
}
