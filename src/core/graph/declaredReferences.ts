// Column references declared in lineage.yml. There is no SQL to find their positions in, so the
// column name is looked up as a whole word in the asset's own file (e.g. the DAG's Python).
import type { AssetFact, Location } from '../model';
import type { WorkspaceFileSystem } from '../io/fileSystem';
import type { Asset } from './assetIndex';
import type { LineageGraph } from './lineageGraph';

interface Host {
  graph: LineageGraph;
  assets: { add(f: AssetFact): Asset };
  resolveUpstream(up: AssetFact['upstream'][number], project?: string): Asset | undefined;
  diagnostics: { path: string; line: number; severity: 'error' | 'warning' | 'info'; code: string; message: string }[];
}

export async function addDeclaredReferences(host: Host, facts: AssetFact[], fs: WorkspaceFileSystem): Promise<void> {
  for (const fact of facts) {
    if (!fact.declaredColumnRefs?.length) continue;
    const consumer = host.assets.add(fact);
    const file = typeof fact.meta?.file === 'string' ? fact.meta.file : undefined;
    const text = file ? await fs.readFile(file) : undefined;
    for (const ref of fact.declaredColumnRefs) {
      const upstream = host.resolveUpstream(ref.upstream);
      if (!upstream) {
        const at = fact.location ?? { path: 'lineage.yml', line: 1 };
        host.diagnostics.push({ path: at.path, line: at.line, severity: 'error', code: 'unknown-ref', message: `${fact.name}: column reference to unknown asset "${'name' in ref.upstream ? ref.upstream.name : ''}"` });
        continue;
      }
      const found = ref.locations?.length ? ref.locations : text !== undefined && file ? wordLocations(file, text, ref.column) : [];
      host.graph.addReference({
        consumer: consumer.id,
        upstream: upstream.id,
        column: ref.column,
        usage: ref.usage,
        confidence: ref.confidence,
        outputColumn: ref.outputColumn,
        locations: found.length ? found : fact.location ? [fact.location] : [],
      });
    }
  }
}

/** Whole-word occurrences of `word` (identifier characters on neither side). */
export function wordLocations(path: string, text: string, word: string): Location[] {
  const out: Location[] = [];
  const isIdent = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_$]/.test(c);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
      continue;
    }
    if (text.startsWith(word, i) && !isIdent(text[i - 1]) && !isIdent(text[i + word.length])) out.push({ path, line, column: i - lineStart + 1 });
  }
  return out;
}
