// A SQL analysis travels and waits as v8-serialised bytes: from the parse workers to the column
// jobs and the cache, unpacked only while its job resolves. As objects, a large workspace's
// analyses were the largest part of a build's memory (226 MB at 10,000 models, against 93 MB as
// bytes), and all of them were alive at once: every job is built before the first one resolves.
// Bytes also cost the main thread nothing to receive from a worker or to write to the cache.
import { deserialize, serialize } from 'node:v8';
import type { SqlAnalysis } from '../sql/sqlAnalysis';

export type PackedAnalysis = Uint8Array;

export function packAnalysis(analysis: SqlAnalysis): PackedAnalysis {
  return serialize(analysis);
}

export function unpackAnalysis(packed: PackedAnalysis): SqlAnalysis {
  return deserialize(packed) as SqlAnalysis;
}

/** What the parse task gives back: the packed analysis, and whether a statement failed. */
export interface ParsedSql {
  packed: PackedAnalysis;
  /** A statement failed to parse: the job keeps its SQL, so lines map back through it. */
  failed: boolean;
}

export function packParsed(analysis: SqlAnalysis): ParsedSql {
  return { packed: packAnalysis(analysis), failed: analysis.statements.some((s) => !!s.failure) };
}

/** A SQL text that yielded no analysis (its parse was lost): no statements. */
export const EMPTY_ANALYSIS: PackedAnalysis = packAnalysis({ statements: [] });
