// `datalineage columns ASSET`: each output column with the upstream columns whose values flow
// into it (projection lineage: filters and joins are reads, not lineage).
import type { Asset } from '../graph/assetIndex';
import type { LineageGraph } from '../graph/lineageGraph';
import type { AssetSummary } from './assetSummary';
import { summarize } from './assetSummary';

export interface ColumnAnswer {
  name: string;
  type?: string;
  description?: string;
  upstream: string[];
  /** True when the column comes through `select *` of an upstream whose columns are unknown. */
  unresolved?: boolean;
}

export interface ColumnsAnswer {
  asset: AssetSummary;
  columns: ColumnAnswer[];
}

export function columnLineage(src: { graph: LineageGraph; get(id: string): Asset | undefined }, asset: Asset): ColumnsAnswer {
  const flows = src.graph.flowsInto(asset.id);
  const columns: ColumnAnswer[] = asset.columns.map((c) => {
    const upstream = flows
      .filter((f) => f.outputColumn?.toLowerCase() === c.name.toLowerCase())
      .map((f) => `${src.get(f.upstream)?.name ?? f.upstream}.${f.column}`);
    const answer: ColumnAnswer = { name: c.name, upstream: [...new Set(upstream)] };
    if (c.type) answer.type = c.type;
    if (c.description) answer.description = c.description;
    return answer;
  });
  for (const f of flows) {
    if (f.outputColumn === '*') columns.push({ name: '*', upstream: [`${src.get(f.upstream)?.name ?? f.upstream}.*`], unresolved: true });
  }
  return { asset: summarize(asset), columns };
}
