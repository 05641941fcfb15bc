// A rebuild that replays unchanged jobs from the previous build (resolveMemo) must give exactly
// the index a fresh build gives: checked on every fixture workspace, unchanged and after edits
// that change a model's columns, add a model, rename a column upstream and break a ref.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLineageIndex } from '../../src/core/lineageIndex';
import type { LineageIndex } from '../../src/core/lineageIndex';
import { MemoryFileSystem } from '../../src/core/io/fileSystem';
import { ResolveMemo } from '../../src/core/graph/resolveMemo';
import { example, fixtures, loadWorkspace as load } from './workspaceFiles';

/** Everything a front end can read from an index, in a stable order. */
function dump(index: LineageIndex): string {
  const assets = index.assets.assets
    .map((a) => ({ id: a.id, type: a.asset_type, columns: a.columns.map((c) => `${c.name}:${c.type ?? ''}:${c.description ?? ''}`), complete: a.columnsComplete, star: !!a.meta.unresolvedStar }))
    .sort((x, y) => x.id.localeCompare(y.id));
  const edges = index.graph.edges().map((e) => `${e.from}>${e.to}:${e.confidence}`).sort();
  const refs = index.graph.references.map((r) => `${r.consumer}<${r.upstream}.${r.column}:${r.usage}:${r.confidence}:${r.outputColumn ?? ''}@${r.locations.map((l) => `${l.path}:${l.line}:${l.column}`).join(',')}`).sort();
  const diags = index.diagnostics.map((d) => `${d.path}:${d.line}:${d.column ?? ''}:${d.code}:${d.message}`).sort();
  return JSON.stringify({ assets, edges, refs, diags }, null, 1);
}

async function build(files: Record<string, string>, memo?: ResolveMemo): Promise<LineageIndex> {
  return createLineageIndex(new MemoryFileSystem(files), { resolveMemo: memo });
}

const workspaces = [
  ...fs.readdirSync(fixtures).filter((d) => fs.existsSync(path.join(fixtures, d, 'workspace'))).map((d) => [d, path.join(fixtures, d, 'workspace')] as const),
  ['orders-pipeline', example] as const,
];

for (const [name, dir] of workspaces) {
  test(`replayed rebuild equals a fresh build: ${name}`, async () => {
    const files = load(dir);
    const memo = new ResolveMemo();
    await build(files, memo);
    const again = await build(files, memo);
    assert.equal(dump(again), dump(await build(files)));
    // Only jobs with an owner (dbt models, SQL in DAGs and Spark jobs) replay; plain SQL files
    // are always resolved.
    if (Object.keys(files).some((f) => f.endsWith('dbt_project.yml'))) assert.ok(again.timings.replayed > 0, `${name}: some jobs replayed (${again.timings.replayed})`);
  });
}

test('after edits, a replaying rebuild equals a fresh build of the edited workspace', async () => {
  const files = load(example);
  const memo = new ResolveMemo();
  const first = await build(files, memo);
  const stg = 'models/staging/stg_orders.sql';
  const edits: [string, (f: Record<string, string>) => void][] = [
    ['a model drops an output column', (f) => (f[stg] = f[stg].replace(/\s*coalesce\(legacy_discount_code, 'NONE'\) as discount_code,/, ''))],
    ['a new downstream model', (f) => (f['models/marts/orders_by_status.sql'] = "select status, count(*) as orders from {{ ref('stg_orders') }} group by status\n")],
    ['a column renamed in the DDL and the sources YAML', (f) => {
      f['migrations/V001__create_raw_orders.sql'] = f['migrations/V001__create_raw_orders.sql'].replace('order_total', 'total_amount');
      f['models/staging/sources.yml'] = f['models/staging/sources.yml'].replace('order_total', 'total_amount');
    }],
    ['a broken ref', (f) => (f['models/marts/fct_orders.sql'] = f['models/marts/fct_orders.sql'].replace("ref('stg_orders')", "ref('stg_ordrs')"))],
  ];
  let before = dump(first);
  for (const [what, edit] of edits) {
    edit(files);
    const replayed = await build({ ...files }, memo);
    const fresh = dump(await build({ ...files }));
    assert.notEqual(fresh, before, `${what}: the edit changes the index`);
    assert.equal(dump(replayed), fresh, what);
    before = fresh;
  }
});
