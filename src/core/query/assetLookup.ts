// Finding the asset a person typed: exact id or name first, then suggestions, so an unknown or
// ambiguous name can be answered with the candidates instead of a guess.
import type { Asset, AssetIndex } from '../graph/assetIndex';

export type LookupResult =
  | { kind: 'found'; asset: Asset }
  | { kind: 'ambiguous'; candidates: Asset[] }
  | { kind: 'unknown'; suggestions: Asset[] };

export function lookupAsset(index: AssetIndex, name: string): LookupResult {
  const found = index.lookup(name.trim());
  if (found.length === 1) return { kind: 'found', asset: found[0] };
  // An asset named exactly so wins over others that only have it as an alias (a Spark job's file
  // stem, a source's table name).
  const named = found.filter((a) => a.name.toLowerCase() === name.trim().toLowerCase());
  if (named.length === 1) return { kind: 'found', asset: named[0] };
  if (found.length > 1) return { kind: 'ambiguous', candidates: found };
  return { kind: 'unknown', suggestions: suggest(index.assets, name) };
}

function suggest(assets: Asset[], name: string): Asset[] {
  const q = name.toLowerCase();
  const scored = assets
    .map((a) => ({ a, d: Math.min(distance(q, a.name.toLowerCase()), ...a.aliases.map((x) => distance(q, x.toLowerCase()))) }))
    .filter((s) => s.d <= Math.max(2, Math.floor(q.length / 3)) || s.a.name.toLowerCase().includes(q));
  scored.sort((x, y) => x.d - y.d || x.a.name.localeCompare(y.a.name));
  return scored.slice(0, 5).map((s) => s.a);
}

/** Levenshtein distance, bounded to short names (asset names are short). */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 10) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
