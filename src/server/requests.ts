// The custom requests of lineageProtocol.ts as plain functions over the editor view: the same
// answers the CLI gives, plus links the editor can open.
import type { Asset } from '../core/graph/assetIndex';
import type { ProposedChange } from '../core/model';
import { migrationImpact } from '../core/impact/migrationImpact';
import { impactMarkdown } from '../core/impact/impactMarkdown';
import type { AssetLink, ImpactResult, LookupError, MigrationLookupError, NeighboursResult } from '../protocol/lineageProtocol';
import type { EditorView } from './editorView';
import type { WorkspacePaths } from './workspacePaths';
import { editorPosition } from './workspacePaths';

export function assetLink(a: Asset, paths: WorkspacePaths): AssetLink {
  const at = a.location;
  return { id: a.id, name: a.name, asset_type: a.asset_type, ...(at && { uri: paths.uri(at.path), ...editorPosition(at) }) };
}

export function findAsset(view: EditorView, name: string): Asset | LookupError {
  const found = view.index.lookup(name);
  if (found.kind === 'found') return found.asset;
  if (found.kind === 'ambiguous') return { error: `"${name}" names ${found.candidates.length} assets`, candidates: found.candidates.map((c) => c.id) };
  return { error: `no asset named "${name}"`, candidates: found.suggestions.map((c) => c.name) };
}

export function listAssets(view: EditorView, paths: WorkspacePaths, query?: string): AssetLink[] {
  const q = query?.toLowerCase();
  return view.index.assets.assets
    .filter((a) => !q || a.name.toLowerCase().includes(q))
    .map((a) => assetLink(a, paths))
    .sort((a, b) => a.asset_type.localeCompare(b.asset_type) || a.name.localeCompare(b.name));
}

export function neighbours(view: EditorView, paths: WorkspacePaths, name: string): NeighboursResult | LookupError {
  const asset = findAsset(view, name);
  if ('error' in asset) return asset;
  const links = (ids: string[]) => ids.map((id) => view.index.get(id)).filter((a): a is Asset => !!a).map((a) => assetLink(a, paths));
  return {
    asset: assetLink(asset, paths),
    upstream: links(view.index.graph.upstreamOf(asset.id).map((e) => e.from)),
    downstream: links(view.index.graph.downstreamOf(asset.id).map((e) => e.to)),
  };
}

export function impactOf(view: EditorView, name: string, changes: ProposedChange[]): ImpactResult | LookupError {
  const asset = findAsset(view, name);
  if ('error' in asset) return asset;
  const report = view.index.impact(asset, changes);
  return { report, unknownTargets: [], markdown: impactMarkdown(report) };
}

/** `text` is what the file holds or is about to hold; the graph is the last complete index. */
export function migrationImpactOf(view: EditorView, path: string, text: string, dialect: string): ImpactResult | MigrationLookupError {
  const result = migrationImpact(view.index, path, text, dialect || undefined);
  const unknown = result.unknownTargets.map((u) => `${u.name} (line ${u.line})`);
  if (!result.report) {
    if (unknown.length) return { error: `no table this migration changes is known in the workspace: ${unknown.join(', ')}`, unknownTargets: unknown };
    return { error: `no schema changes (ALTER … RENAME/DROP/TYPE, DROP TABLE) in ${path}` };
  }
  return { report: result.report, unknownTargets: unknown, markdown: impactMarkdown(result.report, unknown) };
}
