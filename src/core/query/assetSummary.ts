import type { Asset } from '../graph/assetIndex';

/** The fields every JSON answer uses to name an asset (the CLI contract). */
export interface AssetSummary {
  id: string;
  name: string;
  asset_type: string;
  source_ref: string;
}

export function summarize(a: Asset): AssetSummary {
  return { id: a.id, name: a.name, asset_type: a.asset_type, source_ref: a.source_ref };
}
