// Fixture workspaces with expected answers next to them (test/fixtures/<case>/expected.json).
// Each expected section names what to ask the index and the exact answer; `diagnostics` lists
// diagnostics that must be present (matched on path, code and, when given, line).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLineageIndex } from '../../src/core/lineageIndex';
import { NodeFileSystem } from '../../src/core/io/nodeFileSystem';
import type { ProposedChange } from '../../src/core/model';
import { formatTree } from '../../src/core/query/lineageTree';

interface Expected {
  /** The workspace folder relative to the fixture (default "workspace"), e.g. the bundled example. */
  workspace?: string;
  stats?: { assets?: number; by_type?: Record<string, number> };
  columns?: Record<string, { name: string; upstream: string[] }[]>;
  trees?: { asset: string; direction?: 'downstream' | 'upstream'; lines: string[] }[];
  impact?: { asset: string; changes: ProposedChange[]; risk_level: string; affected: { name: string; severity: string; affected_references: string[] }[] }[];
  diagnostics?: { path: string; code: string; line?: number }[];
  noDiagnostics?: boolean;
}

const root = path.join(__dirname, '..', '..', 'test', 'fixtures');
const cases = fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'expected.json')));

test('fixture folders exist', () => {
  assert.ok(cases.length >= 8, `expected at least 8 fixture workspaces, found ${cases.length}`);
});

for (const name of cases) {
  test(`fixture: ${name}`, async () => {
    const dir = path.join(root, name);
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
    const index = await createLineageIndex(new NodeFileSystem(path.join(dir, expected.workspace ?? 'workspace')));
    const find = (asset: string) => {
      const r = index.lookup(asset);
      assert.equal(r.kind, 'found', `asset "${asset}" should be found (got ${r.kind})`);
      return (r as { asset: NonNullable<ReturnType<typeof index.get>> }).asset;
    };
    if (expected.stats) {
      const s = index.stats();
      if (expected.stats.assets !== undefined) assert.equal(s.assets, expected.stats.assets, 'asset count');
      if (expected.stats.by_type) assert.deepEqual(s.by_type, expected.stats.by_type, 'assets by type');
    }
    for (const [asset, cols] of Object.entries(expected.columns ?? {})) {
      const actual = index.columns(find(asset)).columns.map((c) => ({ name: c.name, upstream: [...c.upstream].sort() }));
      assert.deepEqual(actual, cols.map((c) => ({ ...c, upstream: [...c.upstream].sort() })), `columns of ${asset}`);
    }
    for (const t of expected.trees ?? []) {
      const dir2 = t.direction ?? 'downstream';
      const tree = index.lineage(find(t.asset), dir2, 10);
      assert.deepEqual(formatTree(tree.graph, dir2), t.lines, `${dir2} tree of ${t.asset}`);
    }
    for (const i of expected.impact ?? []) {
      const r = index.impact(find(i.asset), i.changes);
      const actual = r.affected_assets.map((a) => ({ name: a.name, severity: a.severity, affected_references: a.affected_references }));
      assert.deepEqual({ risk_level: r.risk_level, affected: actual }, { risk_level: i.risk_level, affected: i.affected }, `impact on ${i.asset}`);
    }
    for (const d of expected.diagnostics ?? []) {
      const hit = index.diagnostics.find((x) => x.path === d.path && x.code === d.code && (d.line === undefined || x.line === d.line));
      assert.ok(hit, `diagnostic ${d.code} at ${d.path}${d.line ? ':' + d.line : ''} expected; got ${JSON.stringify(index.diagnostics)}`);
    }
    if (expected.noDiagnostics) assert.deepEqual(index.diagnostics, [], 'no diagnostics expected');
  });
}
