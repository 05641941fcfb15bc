// target/manifest.json, when the team commits or builds it: dbt's own graph (depends_on) and
// relations, merged by unique id into the facts read from the project files.
import type { AssetFact, AssetType, FileFacts } from '../model';
import { parseManifest } from './manifest';

const TYPES: Record<string, AssetType> = { model: 'dbt_model', seed: 'dbt_seed', snapshot: 'dbt_snapshot', source: 'table', exposure: 'dbt_exposure' };

export function readManifestFacts(path: string, text: string, projectName: string, scheme: string): FileFacts {
  const { nodes, diagnostics } = parseManifest(path, text);
  const assets: AssetFact[] = [];
  for (const n of nodes) {
    const type = TYPES[n.resourceType];
    if (!type) continue;
    const relation = n.alias || n.name ? { database: n.database || undefined, schema: n.schema || undefined, name: n.alias ?? n.name } : undefined;
    const isSource = n.resourceType === 'source';
    assets.push({
      id: n.uniqueId,
      asset_type: type,
      name: n.name,
      aliases: isSource && n.sourceName ? [`${n.sourceName}.${n.name}`] : [],
      source_ref: isSource && relation ? `${scheme}://${[relation.database, relation.schema, relation.name].filter(Boolean).join('/')}` : n.originalFilePath ?? path,
      relation: type === 'dbt_exposure' ? undefined : relation,
      columns: n.columns,
      upstream: n.dependsOn.map((id) => ({ kind: 'name' as const, name: id })),
      origin: 'manifest',
      meta: { project: n.packageName || projectName, description: n.description },
    });
  }
  return { path, assets, changes: [], queries: [], diagnostics };
}
