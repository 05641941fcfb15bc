// Diagnostics the index reports about itself as a whole, after its phases have added theirs.
import type { Diagnostic } from '../model';
import type { AssetIndex } from './assetIndex';
import type { LineageGraph } from './lineageGraph';

/** Every asset on a dependency cycle, each with the names of the cycle's members. */
export function cycleDiagnostics(graph: LineageGraph, assets: AssetIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const cycle of graph.cycles(assets.assets.map((a) => a.id))) {
    const names = cycle.map((id) => assets.get(id)?.name ?? id).sort();
    for (const id of cycle) {
      const a = assets.get(id);
      const at = a?.location ?? { path: a?.source_ref ?? '', line: 1, column: 1 };
      out.push({ path: at.path, line: at.line, column: at.column, severity: 'error', code: 'cycle', message: `${a?.name ?? id} is part of a dependency cycle: ${names.join(' → ')}` });
    }
  }
  return out;
}

// The table phase and the column phase may both meet the same problem (a Jinja error is found
// when refs are extracted and again when the model renders); report it once.
export function dedupeDiagnostics(list: Diagnostic[]): void {
  const seen = new Set<string>();
  const kept = list.filter((d) => {
    const key = `${d.path}|${d.line}|${d.code}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  list.splice(0, list.length, ...kept);
}
