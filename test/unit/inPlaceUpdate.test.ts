// An index patched in place after an edit (LineageIndex.update) must be exactly the index a
// fresh build of the edited workspace gives. Every dbt model of every fixture workspace and of
// the example gets a series of edits, applied one after another to the same index: a comment,
// a new ref in a comment (a table edge, no columns), a renamed output column (downstream models
// resolve again), a dropped output column, a ref to a model that does not exist, SQL that no
// longer parses, and the original text back. Edits that cannot be patched are indexed again and
// the series goes on from the fresh index; a replaying full build after the series must match too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLineageIndex } from '../../src/core/lineageIndex';
import type { LineageIndex } from '../../src/core/lineageIndex';
import { MemoryFileSystem } from '../../src/core/io/fileSystem';
import { MemoryAnalysisCache } from '../../src/core/cache/analysisCache';
import { ResolveMemo } from '../../src/core/graph/resolveMemo';
import { example, fixtures, loadWorkspace as load } from './workspaceFiles';

/** Everything a front end reads from an index, in a stable order. */
function dump(index: LineageIndex): string {
  const assets = index.assets.assets
    .map((a) => ({ id: a.id, name: a.name, type: a.asset_type, aliases: a.aliases, paths: a.paths, columns: a.columns.map((c) => `${c.name}:${c.type ?? ''}:${c.description ?? ''}`), complete: a.columnsComplete, meta: a.meta }))
    .sort((x, y) => x.id.localeCompare(y.id));
  const edges = index.graph.edges().map((e) => `${e.from}>${e.to}:${e.confidence}`).sort();
  const refs = index.graph.references.map((r) => `${r.consumer}<${r.upstream}.${r.column}:${r.usage}:${r.confidence}:${r.outputColumn ?? ''}@${r.locations.map((l) => `${l.path}:${l.line}:${l.column}`).join(',')}`).sort();
  const byPath = [...new Set(index.graph.references.flatMap((r) => r.locations.map((l) => l.path)))].sort().map((p) => `${p}:${index.graph.referencesIn(p).length}`);
  const byUpstream = index.assets.assets.map((a) => `${a.id}:${index.graph.referencesTo(a.id).length}:${index.graph.flowsInto(a.id).length}`).sort();
  const diags = index.diagnostics.map((d) => `${d.path}:${d.line}:${d.column ?? ''}:${d.severity}:${d.code}:${d.message}`).sort();
  return JSON.stringify({ assets, edges, refs, byPath, byUpstream, diags }, null, 1);
}

const options = () => ({ cache: new MemoryAnalysisCache(), keepForUpdates: true, resolveMemo: new ResolveMemo() });

/** Edits of one model's text; each returns the new text, or undefined when it does not apply. */
const EDITS: [string, (text: string, other: string) => string | undefined][] = [
  ['a comment', (t) => `${t}\n-- a comment\n`],
  ['a new ref in a comment', (t, other) => `-- depends on {{ ref('${other}') }}\n${t}`],
  ['a renamed output column', (t) => (/\bas\s+([a-z_][a-z0-9_]*)/i.test(t) ? t.replace(/\bas\s+([a-z_][a-z0-9_]*)/i, 'as $1_renamed') : undefined)],
  ['a dropped output column', (t) => (/,\s*\n\s*[a-z_][a-z0-9_.]*\s+as\s+[a-z_][a-z0-9_]*\s*,/i.test(t) ? t.replace(/,\s*\n\s*[a-z_][a-z0-9_.]*\s+as\s+[a-z_][a-z0-9_]*\s*,/i, ',') : undefined)],
  ['a ref to nothing', (t) => (t.includes("ref('") ? t.replace(/ref\('[^']+'\)/, "ref('no_such_model')") : undefined)],
  ['SQL that does not parse', (t) => `${t}\nselect from where (\n`],
];

const workspaces = [
  ...fs
    .readdirSync(fixtures)
    .filter((d) => fs.existsSync(path.join(fixtures, d, 'workspace')) && Object.keys(load(path.join(fixtures, d, 'workspace'))).some((f) => f.endsWith('dbt_project.yml')))
    .map((d) => [d, path.join(fixtures, d, 'workspace')] as const),
  ['orders-pipeline', example] as const,
];

const totals = { applied: 0, refused: 0 };

for (const [name, dir] of workspaces) {
  test(`in-place updates equal fresh builds: ${name}`, async () => {
    const files = load(dir);
    const models = Object.keys(files).filter((f) => /(^|\/)models\//.test(f) && f.endsWith('.sql')).sort();
    const memFs = new MemoryFileSystem(files);
    const opts = options();
    let index = await createLineageIndex(memFs, opts);
    let applied = 0;
    const refused: string[] = [];
    for (const model of models) {
      const original = files[model];
      const other = path.basename(models.find((m) => m !== model) ?? model, '.sql');
      const texts = EDITS.map(([what, edit]) => [what, edit(original, other)] as const).filter(([, t]) => t !== undefined);
      for (const [what, text] of [...texts, ['the original text back', original] as const]) {
        memFs.set(model, text!);
        const current = { ...files, [model]: text! };
        const outcome = await index.update([model]);
        const fresh = dump(await createLineageIndex(new MemoryFileSystem(current)));
        if (outcome.applied) {
          applied++;
          assert.equal(dump(index), fresh, `${model}: ${what}`);
        } else {
          refused.push(`${model}: ${what}: ${outcome.reason}`);
          index = await createLineageIndex(memFs, opts);
          assert.equal(dump(index), fresh, `${model}: ${what} (indexed again)`);
        }
      }
      memFs.set(model, original);
    }
    // The memo was kept up to date by the updates: a replaying build matches a fresh one.
    const replayed = await createLineageIndex(memFs, opts);
    assert.equal(dump(replayed), dump(await createLineageIndex(new MemoryFileSystem(files))));
    console.log(`# ${name}: ${applied} applied, ${refused.length} refused${refused.length ? `: ${refused.slice(0, 3).join('; ')}` : ''}`);
    totals.applied += applied;
    totals.refused += refused.length;
  });
}

test('edits that change what a model is are refused, and the index is left as it was', async () => {
  const files = load(example);
  const memFs = new MemoryFileSystem(files);
  const index = await createLineageIndex(memFs, options());
  const before = dump(index);
  const stg = 'models/staging/stg_orders.sql';
  memFs.set(stg, `{{ config(materialized='table', alias='orders_staged') }}\n${files[stg]}`);
  const outcome = await index.update([stg]);
  assert.equal(outcome.applied, false);
  assert.match(outcome.applied ? '' : outcome.reason, /name, relation and config/);
  assert.equal(dump(index), before);
  memFs.set('models/staging/sources.yml', files['models/staging/sources.yml'].replace('order_total', 'total_amount'));
  const yaml = await index.update(['models/staging/sources.yml']);
  assert.equal(yaml.applied, false);
  memFs.delete(stg);
  const gone = await index.update([stg]);
  assert.deepEqual(gone, { applied: false, reason: `${stg} is gone` });
  assert.equal(dump(index), before);
});

test('an index not built for updates refuses them', async () => {
  const memFs = new MemoryFileSystem(load(example));
  const index = await createLineageIndex(memFs);
  assert.deepEqual(await index.update(['models/staging/stg_orders.sql']), { applied: false, reason: 'the index was not built for updates' });
});

// A reopened workspace is restored from its snapshot, update records included (the language
// server patches edits without indexing again first): its updates must equal fresh builds too.
test('an index restored from its snapshot patches edits as a built one does', async () => {
  let restoredAny = 0;
  let appliedAll = 0;
  for (const [name, dir] of workspaces) {
    const files = load(dir);
    const memFs = new MemoryFileSystem(files);
    const cache = new MemoryAnalysisCache();
    await createLineageIndex(memFs, { cache, keepForUpdates: true, resolveMemo: new ResolveMemo() });
    const index = await createLineageIndex(memFs, { cache, keepForUpdates: true, resolveMemo: new ResolveMemo() });
    if (!index.timings.restored) continue; // a workspace with DVC pipelines is always indexed
    restoredAny++;
    assert.ok(index.updatable, name);
    const models = Object.keys(files).filter((f) => /(^|\/)models\//.test(f) && f.endsWith('.sql')).sort();
    let applied = 0;
    for (const model of models.slice(0, 4)) {
      const other = path.basename(models.find((m) => m !== model) ?? model, '.sql');
      for (const [what, edit] of EDITS) {
        const text = edit(files[model], other);
        if (text === undefined) continue;
        memFs.set(model, text);
        const outcome = await index.update([model]);
        if (!outcome.applied) {
          memFs.set(model, files[model]);
          continue;
        }
        applied++;
        assert.equal(dump(index), dump(await createLineageIndex(new MemoryFileSystem({ ...files, [model]: text }))), `${name}: ${model}: ${what}`);
        memFs.set(model, files[model]);
        assert.equal((await index.update([model])).applied, true, `${name}: ${model}: back to the original`);
        assert.equal(dump(index), dump(await createLineageIndex(new MemoryFileSystem(files))), `${name}: ${model}: original again`);
      }
    }
    appliedAll += applied;
  }
  assert.ok(restoredAny > 0, 'no workspace was restored from a snapshot');
  assert.ok(appliedAll > 0, 'no edit was patched into a restored index');
  console.log(`# restored indexes: ${restoredAny} workspaces, ${appliedAll} edits patched in`);
});
