// A fingerprint of what an index found (assets, edges, column references, diagnostics), so two
// builds of the engine can be checked to give the same lineage on the bench workspace: a change
// made for speed must leave it as it was.
import { createHash } from 'node:crypto';
import type { LineageIndex } from '../src/core/lineageIndex';

/** Counts and a SHA-256 prefix of the sorted JSON of every asset, edge, reference and diagnostic. */
export function resultHash(index: LineageIndex): string {
  const parts = [index.assets.assets, index.graph.edges(), index.graph.references, index.diagnostics].map((list: readonly unknown[]) => list.map((x) => JSON.stringify(x)).sort());
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.join('\n')}\n#\n`);
  const [assets, edges, refs, diagnostics] = parts.map((p) => p.length);
  return `assets ${assets}, edges ${edges}, references ${refs}, diagnostics ${diagnostics}, sha256 ${hash.digest('hex').slice(0, 16)}`;
}
