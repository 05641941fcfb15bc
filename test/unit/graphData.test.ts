// The graph view's data (`lineage/graphData`) on the bundled example and on small in-memory
// workspaces: depths, the node budget and its "+N" counts, the type filter, column edges.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { createLineageIndex } from '../../src/core/lineageIndex';
import { NodeFileSystem } from '../../src/core/io/nodeFileSystem';
import { MemoryFileSystem } from '../../src/core/io/fileSystem';
import { EditorView } from '../../src/server/editorView';
import { WorkspacePaths } from '../../src/server/workspacePaths';
import { graphData } from '../../src/server/graphData';
import type { GraphData, GraphQuery, LookupError } from '../../src/protocol/lineageProtocol';

const exampleRoot = path.join(__dirname, '../../examples/orders-pipeline');
let example: EditorView;
const paths = new WorkspacePaths(exampleRoot);

before(async () => {
  example = new EditorView(await createLineageIndex(new NodeFileSystem(exampleRoot)));
});

function ok(r: GraphData | LookupError): GraphData {
  if ('error' in r) assert.fail(r.error);
  return r;
}
const q = (focus: string, more: Partial<GraphQuery> = {}): GraphQuery => ({ focus, upstreamDepth: 1, downstreamDepth: 1, ...more });
const byDepth = (d: GraphData) =>
  Object.fromEntries(
    [...new Set(d.nodes.map((n) => n.depth))].sort((a, b) => a - b).map((k) => [k, d.nodes.filter((n) => n.depth === k).map((n) => n.name).sort()]),
  );

test('one hop around fct_orders: stg_orders upstream, the DAG, the Spark job and the dashboard downstream', () => {
  const d = ok(graphData(example, paths, q('fct_orders')));
  assert.equal(d.focus, 'model.orders_pipeline.fct_orders');
  assert.deepEqual(byDepth(d), { '-1': ['stg_orders'], 0: ['fct_orders'], 1: ['customer_ltv_model', 'daily_revenue_report', 'finance_large_orders'] });
  assert.equal(d.truncated, false);
  const stg = d.nodes.find((n) => n.name === 'stg_orders')!;
  assert.equal(stg.hiddenUpstream, 1, 'raw_orders is one hop further');
  assert.equal(stg.hiddenDownstream, 0);
  const spark = d.nodes.find((n) => n.name === 'customer_ltv_model')!;
  assert.equal(spark.hiddenDownstream, 1, 'the parquet file it writes');
  assert.match(stg.uri ?? '', /models\/staging\/stg_orders\.sql$/);
  assert.equal(stg.line, 0);
  assert.deepEqual(
    d.edges.map((e) => `${e.from.split('.').pop()}→${e.to.split(/[.:]/).pop()}`).sort(),
    d.nodes.filter((n) => n.depth !== 0).map((n) => (n.depth < 0 ? `${n.name}→fct_orders` : `fct_orders→${n.id.split(/[.:]/).pop()}`)).sort(),
  );
  assert.equal(d.columnEdges, undefined, 'column edges only when asked for');
});

test('deeper downstream reaches the DVC stage (marked stale) and the MLflow model', () => {
  const d = ok(graphData(example, paths, q('fct_orders', { upstreamDepth: 0, downstreamDepth: 5 })));
  assert.ok(!d.nodes.some((n) => n.depth < 0), 'no upstream at depth 0');
  assert.equal(d.nodes.find((n) => n.name === 'fct_orders')!.hiddenUpstream, 1);
  const stage = d.nodes.find((n) => n.asset_type === 'dvc_stage');
  assert.equal(stage?.name, 'train_ltv_model');
  assert.equal(stage?.stale, true, 'dvc.lock does not match the missing data');
  assert.ok(d.nodes.some((n) => n.asset_type === 'mlflow_model'));
  assert.equal(d.nodes.find((n) => n.name === 'stg_orders'), undefined);
});

test('the type filter hides files but bridges the edges through them; the focus always stays', () => {
  const d = ok(graphData(example, paths, q('customer_ltv_model', { downstreamDepth: 3, excludeTypes: ['file', 'spark_job'] })));
  assert.ok(d.nodes.some((n) => n.name === 'customer_ltv_model'), 'the focus is kept even though its type is filtered');
  assert.ok(!d.nodes.some((n) => n.asset_type === 'file'));
  const stage = d.nodes.find((n) => n.asset_type === 'dvc_stage')!;
  const bridged = d.edges.find((e) => e.from === d.focus && e.to === stage.id);
  assert.deepEqual(bridged?.confidence, 'inferred', JSON.stringify(d.edges));
});

test('column edges between drawn nodes, flows and reads', () => {
  const d = ok(graphData(example, paths, q('fct_orders', { columns: true })));
  const edges = d.columnEdges!;
  const fromStg = edges.filter((e) => e.from.endsWith('stg_orders') && e.toColumn === 'order_total');
  assert.deepEqual(fromStg.map((e) => `${e.fromColumn}:${e.usage}`), ['order_total:identity']);
  const reads = edges.filter((e) => e.toColumn === undefined);
  assert.ok(reads.length > 0, 'filters and group-bys are read edges without an output column');
  for (const e of edges) {
    for (const [id, col] of [[e.from, e.fromColumn], [e.to, e.toColumn]] as const) {
      if (col === undefined) continue;
      const node = d.nodes.find((n) => n.id === id);
      assert.ok(node, `${id} is drawn`);
      assert.ok(node.columns.some((c) => c.name === col), `${id} has column ${col}`);
    }
  }
  const fct = d.nodes.find((n) => n.name === 'fct_orders')!;
  assert.ok(fct.columns.find((c) => c.name === 'order_total')?.line !== undefined, 'model columns carry their position');
});

test('an unknown asset is an error with suggestions, not a crash', () => {
  const r = graphData(example, paths, q('fct_ordres'));
  assert.ok('error' in r);
  assert.match(r.error, /no asset named "fct_ordres"/);
  assert.ok(r.candidates?.includes('fct_orders'));
});

test('the node budget keeps the nearest hops and counts the rest', async () => {
  // t feeds v1..v6 directly; v1 feeds w1 → x1 (two and three hops away).
  const views = Array.from({ length: 6 }, (_, i) => `create view s.v${i + 1} as select a from s.t;`);
  const fs = new MemoryFileSystem({
    'ddl.sql': 'create table s.t (a int);',
    'views.sql': [...views, 'create view s.w1 as select a from s.v1;', 'create view s.x1 as select a from s.w1;'].join('\n'),
  });
  const view = new EditorView(await createLineageIndex(fs));
  const mem = new WorkspacePaths('/mem');
  const all = ok(graphData(view, mem, q('s.t', { upstreamDepth: 0, downstreamDepth: 3 })));
  assert.equal(all.nodes.length, 9);
  assert.equal(all.truncated, false);

  const cut = ok(graphData(view, mem, q('s.t', { upstreamDepth: 0, downstreamDepth: 3, nodeBudget: 5 })));
  assert.equal(cut.nodes.length, 5);
  assert.equal(cut.truncated, true);
  assert.ok(cut.nodes.every((n) => n.depth <= 1), 'nearest hops first');
  assert.equal(cut.nodes.find((n) => n.depth === 0)!.hiddenDownstream, 2, 'two of the six views left out');
  assert.equal(cut.edges.length, 4);

  const depth1 = ok(graphData(view, mem, q('s.t', { upstreamDepth: 0, downstreamDepth: 1 })));
  assert.equal(depth1.truncated, false, 'the depth limit is not truncation');
  assert.equal(depth1.nodes.find((n) => n.name === 's.v1')!.hiddenDownstream, 1);
  const deeper = ok(graphData(view, mem, q('s.w1', { upstreamDepth: 2, downstreamDepth: 0 })));
  assert.deepEqual(byDepth(deeper), { '-2': ['s.t'], '-1': ['s.v1'], 0: ['s.w1'] });
  assert.equal(deeper.nodes.find((n) => n.name === 's.t')!.hiddenDownstream, 5, 'its other views');
});

test('an asset with no neighbours is a graph of one node', async () => {
  const view = new EditorView(await createLineageIndex(new MemoryFileSystem({ 'a.sql': 'create table lonely (a int);' })));
  const d = ok(graphData(view, new WorkspacePaths('/mem'), q('lonely', { columns: true })));
  assert.deepEqual(d.nodes.map((n) => [n.name, n.depth, n.columns.map((c) => c.name)]), [['lonely', 0, ['a']]]);
  assert.deepEqual(d.edges, []);
  assert.deepEqual(d.columnEdges, []);
});
