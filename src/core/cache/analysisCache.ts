// Parsed SQL is cached by a hash of everything that decides it (text, dialect, for dbt the render
// context), so a second run over an unchanged workspace skips rendering and parsing entirely.
import { createHash } from 'node:crypto';
import type { Diagnostic, Relation, UpstreamRef } from '../model';
import type { PackedAnalysis } from './packedAnalysis';
import { SQL_ANALYSIS_VERSION } from '../sql/sqlAnalysis';
import type { IndexSnapshot, SnapshotOutput } from './indexSnapshot';
import { assembleSnapshot } from './indexSnapshot';
import type { PackedUpdates } from '../graph/packedUpdates';
import { assembleUpdates } from '../graph/packedUpdates';
import { framesToBytes, readFrames } from './frames';

export interface CachedAnalysis {
  /** Packed (see packedAnalysis.ts): unpacked only while its job resolves. */
  analysis: PackedAnalysis;
  /** dbt models with an is_incremental() branch: the incremental run's SQL, analysed. */
  incrementalAnalysis?: PackedAnalysis;
  /** The rendered SQL, kept only when a statement failed (its line maps back through it). */
  sql?: string;
  renderedRelations?: { relation: Relation; upstream: UpstreamRef }[];
  renderDiagnostics?: Diagnostic[];
}

export interface AnalysisCache {
  get(key: string): CachedAnalysis | undefined;
  set(key: string, value: CachedAnalysis): void;
  /** Whether an entry exists, without reading it (a cache may keep entries serialised). */
  has?(key: string): boolean;
  /** The last finished index, if the cache keeps one (see indexSnapshot.ts). */
  readSnapshot?(): Promise<IndexSnapshot | undefined>;
  /**
   * Offered after each complete build. A function, so a cache that is saved later (the language
   * server's, after a quiet period) packs the index only when it saves, not after every build;
   * it writes the snapshot's frames to the output it is given (see takeSnapshot).
   */
  writeSnapshot?(snapshot: (out: SnapshotOutput) => void): void;
  /** The update records taken with snapshot `id` (IndexSnapshot.updatesId), if still there. */
  readUpdates?(id: string): Promise<PackedUpdates | undefined>;
  /** Called before the first get(): a persisted cache reads its entries here. */
  prepare?(): Promise<void>;
  /**
   * The index was restored from the snapshot and may ask for any entry later (an in-place
   * update): a persisted cache keeps every entry when it saves, not only those asked for.
   */
  retainAll?(): void;
  /** Saving is done and no build will ask again: a persisted cache closes its file. */
  close?(): Promise<void>;
}

/**
 * A cache that lives as long as the index (tests, one-off CLI runs with --no-cache). The snapshot
 * is kept as the bytes a file would hold, and read back the same way.
 */
export class MemoryAnalysisCache implements AnalysisCache {
  readonly entries = new Map<string, CachedAnalysis>();
  private snapshot?: Buffer;
  private updates?: Buffer;
  async readSnapshot(): Promise<IndexSnapshot | undefined> {
    return this.snapshot && assembleSnapshot(readFrames(this.snapshot));
  }
  writeSnapshot(snapshot: (out: SnapshotOutput) => void): void {
    snapshot({ updates: (frames) => (this.updates = framesToBytes(frames)), index: (frames) => (this.snapshot = framesToBytes(frames)) });
  }
  async readUpdates(id: string): Promise<PackedUpdates | undefined> {
    return this.updates && assembleUpdates(readFrames(this.updates), id);
  }
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
