// Helpers the Spark reader's tests share: read a job from source and print its references.
import assert from 'node:assert/strict';
import type { AssetFact, FileFacts, UpstreamRef } from '../../src/core/model';
import { readSparkFile } from '../../src/core/readers/spark/sparkReader';

export async function read(src: string, file = 'jobs/job.py'): Promise<FileFacts> {
  return readSparkFile(file, src, { readFile: async () => undefined });
}

export function label(up: UpstreamRef): string {
  if (up.kind === 'relation') return [up.relation.database, up.relation.schema, up.relation.name].filter((p) => p).join('.');
  if (up.kind === 'path') return `path:${up.path}`;
  return up.kind === 'name' ? `name:${up.name}` : up.kind;
}

/** Column references in one line each, without locations: upstream column usage confidence [-> output]. */
export function flows(fact: AssetFact): string[] {
  return (fact.declaredColumnRefs ?? []).map((r) => [label(r.upstream), r.column, r.usage, r.confidence, ...(r.outputColumn ? [`-> ${r.outputColumn}`] : [])].join(' '));
}

export function asset(facts: FileFacts, id: string): AssetFact {
  const a = facts.assets.find((x) => x.id === id);
  assert.ok(a, `no asset ${id} in ${facts.assets.map((x) => x.id).join(', ')}`);
  return a;
}

export const columnsOf = (facts: FileFacts, id: string): string[] => (asset(facts, id).columns ?? []).map((c) => c.name);
