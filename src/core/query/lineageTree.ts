// The lineage tree of one asset, in the shape of the tutorial's GET /lineage/{id}: nested
// `downstream` / `upstream` lists, bounded by depth and by a node budget so a wide graph
// cannot blow up the answer.
import type { Asset } from '../graph/assetIndex';
import type { LineageGraph } from '../graph/lineageGraph';
import type { AssetSummary } from './assetSummary';
import { summarize } from './assetSummary';

export type Direction = 'downstream' | 'upstream' | 'both';

export interface LineageNode extends AssetSummary {
  downstream: LineageNode[];
  upstream: LineageNode[];
  /** Set where the depth limit or node budget cut the tree. */
  truncated?: boolean;
}

export interface TreeSource {
  graph: LineageGraph;
  get(id: string): Asset | undefined;
}

// Children in pipeline order (tables before models before orchestration), then by name, so the
// tree reads the way data flows and prints the same on every run.
const TYPE_ORDER = ['table', 'view', 'dbt_seed', 'dbt_snapshot', 'dbt_model', 'dag', 'airflow_task', 'spark_job', 'dvc_stage', 'file', 'mlflow_run', 'mlflow_model', 'dbt_exposure'];

export function lineageTree(src: TreeSource, root: Asset, direction: Direction, depth: number, budget = 5000): { graph: LineageNode } {
  const state = { left: budget };
  const node = leaf(root);
  if (direction !== 'upstream') node.downstream = expand(src, root.id, 'downstream', depth, new Set([root.id]), state);
  if (direction !== 'downstream') node.upstream = expand(src, root.id, 'upstream', depth, new Set([root.id]), state);
  return { graph: node };
}

function expand(src: TreeSource, id: string, dir: 'downstream' | 'upstream', depth: number, path: Set<string>, state: { left: number }): LineageNode[] {
  if (depth <= 0) return [];
  const edges = dir === 'downstream' ? src.graph.downstreamOf(id).map((e) => e.to) : src.graph.upstreamOf(id).map((e) => e.from);
  const assets = edges.map((e) => src.get(e)).filter((a): a is Asset => !!a && !path.has(a.id));
  assets.sort(compareAssets);
  const out: LineageNode[] = [];
  for (const a of assets) {
    if (state.left <= 0) {
      // Out of budget: say so on what is shown, rather than end the list silently.
      out[out.length - 1] = { ...(out[out.length - 1] ?? leaf(a)), truncated: true };
      break;
    }
    state.left--;
    const child = leaf(a);
    path.add(a.id);
    child[dir] = expand(src, a.id, dir, depth - 1, path, state);
    path.delete(a.id);
    if (depth === 1 && (dir === 'downstream' ? src.graph.downstreamOf(a.id) : src.graph.upstreamOf(a.id)).length) child.truncated = true;
    out.push(child);
  }
  return out;
}

function leaf(a: Asset): LineageNode {
  return { ...summarize(a), downstream: [], upstream: [] };
}

export function compareAssets(a: { asset_type: string; name: string }, b: { asset_type: string; name: string }): number {
  const ta = TYPE_ORDER.indexOf(a.asset_type);
  const tb = TYPE_ORDER.indexOf(b.asset_type);
  return (ta < 0 ? 99 : ta) - (tb < 0 ? 99 : tb) || a.name.localeCompare(b.name);
}

/** The tutorial's print_lineage_tree: one space of indent per level, then "└── ". */
export function formatTree(node: LineageNode, dir: 'downstream' | 'upstream', indent = 0, lines: string[] = []): string[] {
  const prefix = ' '.repeat(indent) + (indent > 0 ? '└── ' : '');
  lines.push(`${prefix}[${node.asset_type.toUpperCase()}] ${node.name}${node.truncated ? ' …' : ''}`);
  for (const child of node[dir]) formatTree(child, dir, indent + 1, lines);
  return lines;
}
