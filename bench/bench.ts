// `npm run bench`: times the engine's phases on a synthetic dbt workspace in one process (table
// graph, cold and warm column lineage, impact) with peak memory per phase, against the targets
// the extension needs to feel instant. Prints a table and one JSON line for CI to keep.
import { parseArgs } from 'node:util';
import * as os from 'node:os';
import * as path from 'node:path';
import { existsSync, promises as fsp } from 'node:fs';
import { createLineageIndex } from '../src/core/lineageIndex';
import type { IndexOptions, LineageIndex } from '../src/core/lineageIndex';
import { NodeFileSystem } from '../src/core/io/nodeFileSystem';
import { FileAnalysisCache } from '../src/core/cache/fileAnalysisCache';
import type { Asset } from '../src/core/graph/assetIndex';
import type { ColumnReference } from '../src/core/graph/lineageGraph';
import { FLOW_USAGES } from '../src/core/model';
import { ensureWorkspace } from './benchWorkspace';
import { resultHash } from './resultHash';

const IMPACT_RUNS = 20;

interface Phase<T> {
  value: T;
  ms: number;
  peakRssMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

/** Runs one phase, sampling RSS every 50 ms: the peak is what the editor's host would feel. */
async function phase<T>(run: () => Promise<T> | T): Promise<Phase<T>> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  timer.unref();
  const t0 = performance.now();
  try {
    const value = await run();
    const ms = performance.now() - t0;
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, ms, peakRssMb: mb(peak) };
  } finally {
    clearInterval(timer);
  }
}

/** Heap still held after a full collection: what the index itself retains. */
function heapAfterGc(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  return mb(process.memoryUsage().heapUsed);
}

/**
 * The source column with the most transitive consumers, by a walk over column flows (cheap, unlike
 * running impact() for each of the thousands of source columns). Reads count as consumers but do
 * not carry on, as in impact analysis.
 */
function pickImpactTarget(index: LineageIndex): { asset: Asset; column: string; consumers: number } | undefined {
  const byUpstream = new Map<string, ColumnReference[]>();
  for (const r of index.graph.references) {
    const key = `${r.upstream}|${r.column.toLowerCase()}`;
    const list = byUpstream.get(key);
    if (list) list.push(r);
    else byUpstream.set(key, [r]);
  }
  let best: { asset: Asset; column: string; consumers: number } | undefined;
  for (const asset of index.assets.assets) {
    if (!asset.id.startsWith('source.')) continue;
    for (const c of asset.columns) {
      const consumers = new Set<string>();
      const seen = new Set<string>();
      const queue = [`${asset.id}|${c.name.toLowerCase()}`];
      for (let key = queue.pop(); key !== undefined; key = queue.pop()) {
        for (const r of byUpstream.get(key) ?? []) {
          consumers.add(r.consumer);
          const next = `${r.consumer}|${(r.outputColumn ?? '').toLowerCase()}`;
          if (r.outputColumn && FLOW_USAGES.has(r.usage) && !seen.has(next)) {
            seen.add(next);
            queue.push(next);
          }
        }
      }
      if (!best || consumers.size > best.consumers) best = { asset, column: c.name, consumers: consumers.size };
    }
  }
  return best;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function topDiagnostics(index: LineageIndex): { code: string; count: number; example: string }[] {
  const byCode = new Map<string, { count: number; example: string }>();
  for (const d of index.diagnostics) {
    const g = byCode.get(d.code);
    if (g) g.count++;
    else byCode.set(d.code, { count: 1, example: `${d.path}:${d.line} ${d.message}` });
  }
  return [...byCode].map(([code, g]) => ({ code, ...g })).sort((a, b) => b.count - a.count).slice(0, 5);
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const verdict = (ms: number, targetMs: number) => (ms < targetMs ? '✓' : '✗');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      models: { type: 'string', default: '10000' },
      dir: { type: 'string' },
      workers: { type: 'string' },
      seed: { type: 'string', default: '42' },
      dags: { type: 'string', default: '0' },
      spark: { type: 'string', default: '0' },
      'table-only': { type: 'boolean', default: false },
    },
  });
  const models = Number(values.models);
  const seed = Number(values.seed);
  const dags = Number(values.dags);
  const sparkJobs = Number(values.spark);
  if (![dags, sparkJobs].every((x) => Number.isInteger(x) && x >= 0)) throw new Error('--dags and --spark must be whole numbers ≥ 0');
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (!Number.isInteger(models) || models < 10) throw new Error('--models must be an integer ≥ 10');
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0)) throw new Error('--workers must be a non-negative integer');
  // dist/bench.js lives one folder below the repository root.
  const dir = path.resolve(values.dir ?? path.join(__dirname, '..', 'bench', 'workspace'));
  const workerScript = path.join(__dirname, 'parseWorker.js');
  const cpus = os.cpus();
  console.log(`machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown cpu'}, ${mb(os.totalmem())} MB RAM, node ${process.version}, ${os.platform()}/${os.arch()}`);
  console.log(`workspace: ${dir} (${models} models, ${dags} DAGs, ${sparkJobs} Spark jobs, seed ${seed}), workers: ${workers ?? 'default'}${existsSync(workerScript) ? '' : ' — parseWorker.js missing, parsing inline'}`);
  if (!(globalThis as { gc?: unknown }).gc) console.log('note: run with --expose-gc for heap-after-gc figures');

  const ws = await ensureWorkspace(dir, models, seed, dags, sparkJobs);
  console.log(ws.generated ? `generated ${ws.files} files, ${mb(ws.bytes ?? 0)} MB in ${round(ws.ms)} ms` : 'workspace up to date (marker matches), not regenerated');
  const fs = new NodeFileSystem(dir);
  const cacheFile = path.join(os.tmpdir(), `datalineage-bench-${process.pid}`, 'analysis.cache');
  const base: IndexOptions = { workerScript, ...(workers === undefined ? {} : { workers }) };

  // 1. Table graph only.
  const table = await phase(() => createLineageIndex(fs, { ...base, tableGraphOnly: true }));
  const tableHeap = heapAfterGc();
  const tableAssets = table.value.assets.assets.length;
  const tableHash = resultHash(table.value);
  if (values['table-only']) {
    console.log(`table graph ready ${round(table.ms)} ms, peak RSS ${table.peakRssMb} MB; ${tableHash}`);
    console.log(JSON.stringify({ models, dags, sparkJobs, seed, tableGraphMs: round(table.ms), tableHash }));
    return;
  }
  table.value = undefined as unknown as LineageIndex; // let the collector take it before the next phase
  heapAfterGc();

  // 2. Full column lineage, cold cache; saving the cache is reported on its own.
  await fsp.rm(path.dirname(cacheFile), { recursive: true, force: true });
  const coldCache = new FileAnalysisCache(cacheFile);
  const cold = await phase(() => createLineageIndex(fs, { ...base, cache: coldCache }));
  const save = await phase(() => coldCache.save());
  const cacheBytes = (await fsp.stat(cacheFile)).size;
  const coldHeap = heapAfterGc();
  const coldTimings = { ...cold.value.timings };
  const coldHash = resultHash(cold.value);
  cold.value = undefined as unknown as LineageIndex;
  heapAfterGc();

  // 3. Warm: a new cache object on the same file, as the next run would see it. The cache reads
  // its snapshot (and its per-file entries only if the workspace changed) inside createLineageIndex.
  const warmCache = new FileAnalysisCache(cacheFile);
  const warm = await phase(() => createLineageIndex(fs, { ...base, cache: warmCache }));
  const warmHeap = heapAfterGc();
  const index = warm.value;

  // 4. Impact of renaming the most-consumed source column, over the warm index.
  const pick = await phase(() => pickImpactTarget(index));
  const target = pick.value;
  const impactMs: number[] = [];
  let affected = 0;
  const impact = await phase(() => {
    if (!target) return;
    for (let i = 0; i < IMPACT_RUNS; i++) {
      const t0 = performance.now();
      affected = index.impact(target.asset, [{ type: 'column_rename', from: target.column, to: `${target.column}_renamed` }]).affected_count;
      impactMs.push(performance.now() - t0);
    }
  });
  const sortedImpact = [...impactMs].sort((a, b) => a - b);
  const impactMedian = sortedImpact.length ? percentile(sortedImpact, 50) : NaN;
  const impactP95 = sortedImpact.length ? percentile(sortedImpact, 95) : NaN;

  const stats = index.stats();
  const diagnostics = topDiagnostics(index);
  const warmTotal = warm.ms;
  const rows: [string, number, string, number | undefined, number | undefined][] = [
    ['table graph ready', table.ms, `< 2 s ${verdict(table.ms, 2000)}`, table.peakRssMb, tableHeap],
    ['column lineage, cold', cold.ms, `< 20 s ${verdict(cold.ms, 20000)}`, cold.peakRssMb, coldHeap],
    ['  cache save', save.ms, '', save.peakRssMb, undefined],
    ['second run, warm', warmTotal, `< 2 s ${verdict(warmTotal, 2000)}`, warm.peakRssMb, warmHeap],
    [`impact median (p95 ${round(impactP95)} ms)`, impactMedian, `< 100 ms ${verdict(impactMedian, 100)}`, impact.peakRssMb, undefined],
  ];
  console.log('');
  console.log(`${'phase'.padEnd(34)}${'ms'.padStart(10)}  ${'target'.padEnd(12)}${'peak RSS MB'.padStart(12)}${'heap MB*'.padStart(10)}`);
  for (const [name, ms, tgt, rss, heap] of rows) {
    console.log(`${name.padEnd(34)}${round(ms).toFixed(1).padStart(10)}  ${tgt.padEnd(12)}${String(rss ?? '').padStart(12)}${String(heap ?? '').padStart(10)}`);
  }
  console.log('* heapUsed after global.gc() at the end of the phase, with its index still alive');
  console.log('');
  console.log(`assets ${stats.assets} (table-graph run: ${tableAssets}) ${JSON.stringify(stats.by_type)}`);
  console.log(`edges ${stats.edges}, column edges ${stats.column_edges}, cache file ${mb(cacheBytes)} MB`);
  console.log(`cold: parsed ${coldTimings.parsed}, cached ${coldTimings.cached} (table ${round(coldTimings.tableGraphMs)} ms + columns ${round(coldTimings.columnLineageMs)} ms)`);
  const wt = index.timings;
  console.log(
    wt.restored
      ? `warm: restored from the index snapshot (read files ${round(wt.readMs)} ms, restore ${round(wt.columnLineageMs)} ms)`
      : `warm: parsed ${wt.parsed}, cached ${wt.cached} (read ${round(wt.readMs)} ms, table ${round(wt.tableGraphMs)} ms, columns ${round(wt.columnLineageMs)} ms)`,
  );
  console.log(target ? `impact: rename ${target.asset.name}.${target.column} (${target.consumers} transitive consumers, picked in ${round(pick.ms)} ms) → ${affected} affected assets, ${IMPACT_RUNS} runs` : 'impact: no source column found');
  console.log(`results (compare them between builds): table graph ${tableHash}; cold ${coldHash}`);
  console.log(`diagnostics ${stats.diagnostics.length}${diagnostics.length ? ', top codes:' : ''}`);
  for (const d of diagnostics) console.log(`  ${String(d.count).padStart(6)}  ${d.code.padEnd(22)} e.g. ${d.example.slice(0, 140)}`);

  await fsp.rm(path.dirname(cacheFile), { recursive: true, force: true });
  const result = {
    models,
    seed,
    cpus: cpus.length,
    node: process.version,
    workers: workers ?? null,
    tableGraphMs: round(table.ms),
    coldColumnsMs: round(cold.ms),
    cacheSaveMs: round(save.ms),
    warmIndexMs: round(warm.ms),
    warmTotalMs: round(warmTotal),
    impactMedianMs: round(impactMedian),
    impactP95Ms: round(impactP95),
    impactAffected: affected,
    peakRssMb: { table: table.peakRssMb, cold: cold.peakRssMb, save: save.peakRssMb, warm: warm.peakRssMb, impact: impact.peakRssMb },
    heapAfterGcMb: { table: tableHeap ?? null, cold: coldHeap ?? null, warm: warmHeap ?? null },
    assets: stats.assets,
    edges: stats.edges,
    columnEdges: stats.column_edges,
    diagnostics: stats.diagnostics.length,
    tableHash,
    coldHash,
    parsedCold: coldTimings.parsed,
    cachedWarm: index.timings.cached,
    pass: { tableGraph: table.ms < 2000, coldColumns: cold.ms < 20000, warm: warmTotal < 2000, impact: impactMedian < 100 },
  };
  console.log(JSON.stringify(result));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exitCode = 1;
});
