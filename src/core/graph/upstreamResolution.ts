// How a reference names an asset: dbt's ref() and source(), a relation, a lineage.yml name, a
// file path. The table graph, the column phase and in-place updates all resolve through these,
// so an edit patched in place finds exactly what a build would.
import type { AssetFact, Diagnostic, Relation, UpstreamRef } from '../model';
import type { Asset, AssetIndex } from './assetIndex';
import { fileAssetId, normalizePath } from '../io/paths';
import { formatRelation, relationKey } from '../sql/queryIr';

const REF_TARGETS = new Set<string>(['dbt_model', 'dbt_seed', 'dbt_snapshot']);

/** The asset a relation names; a relation no file defines becomes a `table` asset of its own. */
export function relationAsset(assets: AssetIndex, r: Relation): Asset {
  const found = assets.findRelation(r);
  if (found) return found;
  return assets.add({ id: `table:${relationKey(r)}`, asset_type: 'table', name: formatRelation(r), source_ref: formatRelation(r), relation: r, upstream: [], origin: 'sql', meta: { implicit: true } });
}

/**
 * The asset a path names: what the file defines when it defines one asset (a script that is a
 * Spark job, a model), else the file itself as a `file` asset, created on first mention.
 */
export function pathAsset(assets: AssetIndex, path: string): Asset {
  const p = normalizePath(path);
  const defined = assets.definedIn(p);
  if (defined) return defined;
  const id = fileAssetId(p);
  return assets.get(id) ?? assets.add({ id, asset_type: 'file', name: p, source_ref: p, upstream: [], origin: 'sql', meta: { implicit: true } });
}

/** The asset an upstream reference names; `project` is the dbt project of the referring model. */
export function resolveUpstream(assets: AssetIndex, up: UpstreamRef, project?: string): Asset | undefined {
  switch (up.kind) {
    case 'ref': {
      // dbt's rule: ref('x') prefers the caller's own project; ref('pkg', 'x') only that project.
      const pkg = up.package ?? project;
      let first: Asset | undefined;
      for (const a of assets.named(up.name)) {
        if (!REF_TARGETS.has(a.asset_type)) continue;
        if (a.meta.project === pkg) return a;
        first ??= a;
      }
      return up.package ? undefined : first;
    }
    case 'source':
      return assets.named(`${up.source}.${up.table}`).find((a) => a.asset_type === 'table');
    case 'relation':
      return relationAsset(assets, up.relation);
    case 'name': {
      const found = assets.lookup(up.name);
      return found.length === 1 ? found[0] : undefined;
    }
    case 'path':
      return pathAsset(assets, up.path);
  }
}

/**
 * The table-level edges a fact declares: from each upstream to its asset, and from its asset to
 * what it runs (see AssetFact.runs). A reference that resolves to nothing is reported.
 */
export function linkFact(fact: AssetFact, asset: Asset, resolve: (up: UpstreamRef, project?: string) => Asset | undefined, link: (from: string, to: string) => void, report: (d: Diagnostic) => void): void {
  const project = projectOf(fact);
  for (const up of fact.upstream) {
    const target = resolve(up, project);
    if (target) link(target.id, asset.id);
    else report(unresolvedDiagnostic(up, fact));
  }
  for (const run of fact.runs ?? []) {
    const target = resolve(run, project);
    if (target) link(asset.id, target.id);
    else report(unresolvedDiagnostic(run, fact));
  }
}

/** The dbt project a fact belongs to (its refs look there first). */
export function projectOf(fact: AssetFact): string | undefined {
  return typeof fact.meta?.project === 'string' ? fact.meta.project : undefined;
}

/** What an upstream reference that resolves to nothing is reported as. */
export function unresolvedDiagnostic(up: UpstreamRef, fact: AssetFact): Diagnostic {
  const at = fact.location ?? { path: fact.source_ref, line: 1, column: 1 };
  const what = up.kind === 'ref' ? `ref('${up.name}') points to no model, seed or snapshot` : up.kind === 'source' ? `source('${up.source}', '${up.table}') is not declared in any sources YAML` : up.kind === 'name' ? `upstream asset "${up.name}" is not known` : `upstream file "${'path' in up ? up.path : ''}" is not known`;
  return { path: at.path, line: at.line, column: at.column, severity: 'error', code: up.kind === 'source' ? 'unknown-source' : 'unknown-ref', message: `${fact.name}: ${what}` };
}
