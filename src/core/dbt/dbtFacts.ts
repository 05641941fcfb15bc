import type { AssetFact, ColumnInfo, Relation, UpstreamRef } from '../model';
import { tokenizeSql } from '../sql/tokenizer';

/** The fact for one model or snapshot file; ids follow dbt's unique ids so the manifest merges in. */
export function modelFact(
  project: string,
  name: string,
  path: string,
  isSnapshot: boolean,
  relation: Relation,
  upstream: UpstreamRef[],
  doc: { columns?: ColumnInfo[]; description?: string } | undefined,
  config: Record<string, unknown>,
): AssetFact {
  return {
    id: `${isSnapshot ? 'snapshot' : 'model'}.${project}.${name}`,
    asset_type: isSnapshot ? 'dbt_snapshot' : 'dbt_model',
    name,
    source_ref: path,
    relation,
    location: { path, line: 1, column: 1 },
    columns: doc?.columns ?? [],
    upstream,
    origin: 'dbt',
    meta: { project, description: doc?.description, materialized: config.materialized, tags: config.tags },
  };
}

/** The name in `{% snapshot name %}`; the tag is read from the SQL tokenizer's Jinja token. */
export function snapshotName(text: string): string | undefined {
  for (const t of tokenizeSql(text)) {
    if (t.kind !== 'jinja' || !t.text.startsWith('{%')) continue;
    const words = t.text.replace(/^\{%-?|-?%\}$/g, '').trim().split(/\s+/);
    if (words[0] === 'snapshot' && words[1]) return words[1];
  }
  return undefined;
}
