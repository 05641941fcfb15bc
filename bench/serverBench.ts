// `npm run bench:server`: the language server as the editor meets it, on the synthetic workspace:
// dist/server.js in its own process over LSP (stdio). Measures the first CodeLens after opening a
// model (cold, then warm: a second start with the cache in the same storage folder), CodeLens and
// hover response times while the user types (an edit every 100 ms), how long until an edit shows
// in the lenses, and the server's resident memory (sampled from /proc, worker threads included).
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { ensureWorkspace } from './benchWorkspace';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: '10000' },
    dags: { type: 'string', default: '0' },
    spark: { type: 'string', default: '0' },
    seed: { type: 'string', default: '42' },
    edits: { type: 'string', default: '40' },
    dir: { type: 'string' },
  },
});
const dir = path.resolve(values.dir ?? path.join(__dirname, '..', 'bench', 'workspace'));
const serverJs = path.join(__dirname, 'server.js');
const round = (n: number) => Math.round(n * 10) / 10;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 300_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Session {
  /** Every index status the server sent, and whether a build was restored from the cache. */
  statuses: string[];
  /** The server's log of each edit patched in place. */
  updates: string[];
  restored: boolean;
  /** A restored server has read what in-place updates need (see LineageIndex.prepareUpdates). */
  readyForUpdates: boolean;
  /** The garbage collection after the last full build or in-place update was logged. */
  collected: boolean;
  conn: MessageConnection;
  pid: number;
  peakRss: () => number;
  /** Shuts the server down (it saves the cache first); the peak RSS including that save. */
  stop: () => Promise<number>;
}

async function startServer(storage: string): Promise<Session> {
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  conn.onRequest('workspace/codeLens/refresh', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  // The server's own account of each build (restored from cache, or how many files it parsed).
  const statuses: string[] = [];
  const updates: string[] = [];
  let restored = false;
  let readyForUpdates = false;
  // Whether the last full build's garbage collection has been logged yet.
  let collected = false;
  conn.onNotification('lineage/status', (st: { state: string }) => void statuses.push(st.state));
  conn.onNotification('window/logMessage', (m: { message: string }) => {
    if (/^updated /.test(m.message)) {
      updates.push(m.message);
      collected = false; // the server collects again once the edits stop
    }
    if (/^heap collected/.test(m.message)) {
      collected = true;
      console.log(`  server: ${m.message}`);
    }
    if (/^ready for in-place updates/.test(m.message)) {
      readyForUpdates = true;
      console.log(`  server: ${m.message}`);
    }
    if (/^indexing again/.test(m.message)) console.log(`  server: ${m.message}`);
    if (!/^indexed /.test(m.message)) return;
    collected = false;
    if (m.message.includes('restored from cache')) restored = true;
    console.log(`  server: ${m.message}`);
  });
  conn.listen();
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 50);
  const root = pathToFileURL(dir).href;
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: root,
    workspaceFolders: [{ uri: root, name: 'bench' }],
    capabilities: { workspace: { codeLens: { refreshSupport: true } } },
    initializationOptions: { settings: {}, storagePath: storage },
  });
  await conn.sendNotification('initialized', {});
  return {
    statuses,
    updates,
    get restored() {
      return restored;
    },
    get readyForUpdates() {
      return readyForUpdates;
    },
    get collected() {
      return collected;
    },
    conn,
    pid: child.pid!,
    peakRss: () => Math.max(peak, rssMb(child.pid!)),
    stop: async () => {
      // The server answers shutdown once the cache is saved: sampled until then.
      await conn.sendRequest('shutdown').catch(() => undefined);
      clearInterval(sampler);
      const withSave = Math.max(peak, rssMb(child.pid!));
      await conn.sendNotification('exit').catch(() => undefined);
      conn.dispose();
      child.kill();
      return withSave;
    },
  };
}

/**
 * The server's RSS once it is idle: after the garbage collection that follows its last full build
 * or, five quiet seconds on, its last in-place update, and the two seconds V8 takes to hand the
 * freed pages back.
 */
async function idleRssMb(s: Session): Promise<number> {
  await until(async () => (s.collected && s.statuses[s.statuses.length - 1] === 'ready' ? true : undefined), 30_000).catch(() => console.log('  (no garbage collection logged within 30 s)'));
  await new Promise((r) => setTimeout(r, 2_000));
  return rssMb(s.pid);
}

/** A model in the middle of the pipeline, and a line of its select list to hover on. */
function pickModel(): { rel: string; text: string; hoverLine: number; hoverChar: number; otherModel: string } {
  const marts = path.join(dir, 'models');
  const all: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.sql')) all.push(path.relative(dir, path.join(d, e.name)));
    }
  };
  walk(marts);
  all.sort();
  const rel = all[Math.floor(all.length / 2)];
  const text = fs.readFileSync(path.join(dir, rel), 'utf8');
  const lines = text.split('\n');
  const hoverLine = lines.findIndex((l) => /^\s+[a-z_][a-z0-9_]*,\s*$/i.test(l));
  const otherModel = path.basename(all[0], '.sql');
  return { rel, text, hoverLine: Math.max(0, hoverLine), hoverChar: Math.max(0, (lines[hoverLine] ?? '').search(/\S/)) + 1, otherModel };
}

async function main(): Promise<void> {
  const models = Number(values.models);
  const edits = Number(values.edits);
  await ensureWorkspace(dir, models, Number(values.seed), Number(values.dags), Number(values.spark));
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'datalineage-server-bench-'));
  const model = pickModel();
  const uri = pathToFileURL(path.join(dir, model.rel)).href;
  const lenses = (s: Session) => s.conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
  console.log(`workspace: ${dir} (${models} models); file: ${model.rel}; ${os.cpus().length} cores, node ${process.version}`);

  const results: Record<string, number> = {};
  for (const label of ['cold', 'warm'] as const) {
    const t0 = performance.now();
    const s = await startServer(storage);
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text: model.text } });
    const first = await until(async () => {
      const l = await lenses(s);
      return l.length ? l : undefined;
    });
    results[`${label}FirstCodeLensMs`] = performance.now() - t0;
    results[`${label}PeakRssMb`] = s.peakRss();
    console.log(`${label}: first CodeLens after ${round(results[`${label}FirstCodeLensMs`])} ms ("${first[0].command?.title}"), peak RSS ${round(s.peakRss())} MB`);
    if (label === 'cold') {
      // Let the cache be written before the warm start (the server saves right after its first
      // build: the per-file analyses, then the index snapshot).
      await until(async () => (fs.readdirSync(storage).some((f) => f.endsWith('.cache.snapshot')) ? true : undefined), 600_000);
      results.coldIdleRssMb = await idleRssMb(s);
      results.coldSessionPeakRssMb = s.peakRss();
      console.log(`cold: server RSS when idle after the first build ${round(results.coldIdleRssMb)} MB; peak over the session (the full build, the first save) ${round(results.coldSessionPeakRssMb)} MB`);
      await s.stop();
      continue;
    }
    // A restored server reads what in-place updates need in the background (the dbt projects
    // and the update records saved with the snapshot); the user reads while it runs. Typing
    // starts after it (an edit before would wait for it).
    if (s.restored) {
      const t1 = performance.now();
      await until(async () => (s.readyForUpdates ? true : undefined));
      results.warmupMs = performance.now() - t1;
      console.log(`ready for in-place updates ${round(results.warmupMs)} ms after the first CodeLens`);
    }
    const lensMs: number[] = [];
    const hoverMs: number[] = [];
    let text = model.text;
    for (let i = 0; i < edits; i++) {
      text = i === edits - 1 ? `-- depends on {{ ref('${model.otherModel}') }}\n${text}` : `${text}\n-- edit ${i}`;
      await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: i + 2 }, contentChanges: [{ text }] });
      const t1 = performance.now();
      await lenses(s);
      lensMs.push(performance.now() - t1);
      const t2 = performance.now();
      await s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: model.hoverLine + (i === edits - 1 ? 1 : 0), character: model.hoverChar } });
      hoverMs.push(performance.now() - t2);
      await new Promise((r) => setTimeout(r, 100));
    }
    const lastEdit = performance.now();
    const before = first[0].command?.title ?? '';
    // The user stopped typing: a rebuild runs now. The editor keeps asking (the lenses of the
    // file, a hover) and each answer comes from the last complete index — how long do they take?
    const duringMs: number[] = [];
    const after = await until(async () => {
      const t3 = performance.now();
      const l = await lenses(s);
      duringMs.push(performance.now() - t3);
      const t4 = performance.now();
      await s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: model.hoverLine + 1, character: model.hoverChar } });
      duringMs.push(performance.now() - t4);
      const title = l[0]?.command?.title;
      return title && title !== before ? title : undefined;
    });
    results.editVisibleMs = performance.now() - lastEdit;
    // Typing with pauses: each pause lets the edit be patched in while the editor keeps asking
    // for the file's lenses and a hover. Every request is timed, whether or not it met an update.
    const pausedMs: number[] = [];
    const updatesBefore = s.updates.length;
    for (let i = 0; i < 15; i++) {
      text = `${text}\n-- pause ${i}`;
      await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: edits + 2 + i }, contentChanges: [{ text }] });
      const until400 = performance.now() + 400;
      while (performance.now() < until400) {
        const t5 = performance.now();
        await lenses(s);
        pausedMs.push(performance.now() - t5);
        const t6 = performance.now();
        await s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: model.hoverLine + 1, character: model.hoverChar } });
        pausedMs.push(performance.now() - t6);
      }
    }
    results.settledRssMb = rssMb(s.pid);
    // The user stops typing: what the server holds while it waits for the next edit.
    results.idleRssMb = await idleRssMb(s);
    Object.assign(results, { pausedP50: pct(pausedMs, 50), pausedP95: pct(pausedMs, 95), pausedMax: Math.max(...pausedMs), pausedUpdates: s.updates.length - updatesBefore });
    // The target's figure: every CodeLens and hover request made after an edit, in all phases.
    const all = [...lensMs, ...hoverMs, ...duringMs, ...pausedMs];
    Object.assign(results, { afterEditP95: pct(all, 95), afterEditMax: Math.max(...all), afterEditRequests: all.length });
    Object.assign(results, { lensP50: pct(lensMs, 50), lensP95: pct(lensMs, 95), hoverP50: pct(hoverMs, 50), hoverP95: pct(hoverMs, 95), rebuildP50: pct(duringMs, 50), rebuildP95: pct(duringMs, 95), peakRssMb: s.peakRss() });
    console.log(`while typing (${edits} edits, 100 ms apart): CodeLens p50 ${round(results.lensP50)} / p95 ${round(results.lensP95)} ms; hover p50 ${round(results.hoverP50)} / p95 ${round(results.hoverP95)} ms`);
    console.log(`while the rebuild after the last edit runs (${duringMs.length} requests): p50 ${round(results.rebuildP50)} / p95 ${round(results.rebuildP95)} / max ${round(Math.max(...duringMs))} ms`);
    console.log(`typing with pauses (15 edits 400 ms apart, ${results.pausedUpdates} patched in; ${pausedMs.length} requests meanwhile): p50 ${round(results.pausedP50)} / p95 ${round(results.pausedP95)} / max ${round(results.pausedMax)} ms`);
    console.log(`last edit (a new ref) visible in the lenses after ${round(results.editVisibleMs)} ms: "${before}" → "${after}"`);
    console.log(`server RSS: peak ${round(results.peakRssMb)} MB (over the warm session), right after the last edit ${round(results.settledRssMb)} MB, idle ${round(results.idleRssMb)} MB`);
    const updateMs = s.updates.map((u) => Number(/in (\d+) ms/.exec(u)?.[1] ?? NaN)).filter((n) => !Number.isNaN(n));
    results.updates = updateMs.length;
    if (updateMs.length) {
      Object.assign(results, { updateP50: pct(updateMs, 50), updateMax: Math.max(...updateMs) });
      console.log(`edits patched in place: ${updateMs.length}, each p50 ${round(results.updateP50)} / max ${round(results.updateMax)} ms; last: ${s.updates[s.updates.length - 1]}`);
    }
    // Edits were patched in: shutting down saves the index and the cache again (as five quiet
    // minutes would), from the memory the server holds when idle.
    results.savePeakRssMb = await s.stop();
    console.log(`the save at shutdown after the edits: peak RSS ${round(results.savePeakRssMb)} MB`);
  }
  fs.rmSync(storage, { recursive: true, force: true });
  const ok = (v: number, limit: number) => (v < limit ? 'ok' : 'MISSED');
  console.log(`targets: first CodeLens warm < 3 s: ${ok(results.warmFirstCodeLensMs, 3000)}; CodeLens/hover p95 after an edit < 50 ms: ${ok(results.afterEditP95, 50)} (${round(results.afterEditP95)} ms over ${results.afterEditRequests} requests, max ${round(results.afterEditMax)} ms); server memory when idle < 600 MB: ${ok(Math.max(results.idleRssMb, results.coldIdleRssMb), 600)} (cold ${round(results.coldIdleRssMb)} / warm ${round(results.idleRssMb)} MB); server memory at its peak < 600 MB: ${ok(Math.max(results.coldSessionPeakRssMb, results.peakRssMb, results.savePeakRssMb), 600)} (cold ${round(results.coldSessionPeakRssMb)} / warm ${round(results.peakRssMb)} / the save after edits ${round(results.savePeakRssMb)} MB)`);
  console.log(JSON.stringify({ bench: 'server', models, ...Object.fromEntries(Object.entries(results).map(([k, v]) => [k, round(v)])) }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
