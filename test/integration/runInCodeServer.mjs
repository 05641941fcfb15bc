// Runs the extension's integration suite inside a real VS Code (code-server's workbench in
// headless Chromium) — the way to run it on machines that cannot download desktop VS Code.
// The suite is loaded through the workbench URL's extensionTestsPath. Exit code: the suite's (0 = passed).
//
// Screenshot handshake: the suite runs in the extension host and cannot drive the browser,
// so it logs `[screenshot] <name>`; we capture <dir>/<name>.png, then create <dir>/<name>.done,
// which the suite polls for before going on. <dir> reaches the suite as env
// DATALINEAGE_SCREENSHOT_DIR (code-server's extension host inherits the server's env).
//
// Env overrides (mainly for testing this harness): DATALINEAGE_EXTENSION_PATH,
// DATALINEAGE_TESTS_PATH, DATALINEAGE_WORKSPACE (folder copied as the workspace),
// DATALINEAGE_SCREENSHOT_DIR, DATALINEAGE_TEST_TIMEOUT_MS (default 8 min),
// DATALINEAGE_SETTINGS (JSON of extra user settings, e.g. '{"workbench.colorTheme":"Default Dark Modern"}'),
// DATALINEAGE_VERBOSE=1 (echo code-server and browser console output), CHROMIUM_PATH.
import { spawnSync, execSync } from 'node:child_process';
import { cp, mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import { startCodeServer } from '../../scripts/codeServer/server.mjs';

const t0 = Date.now();
const secs = (from = t0) => `${((Date.now() - from) / 1000).toFixed(1)} s`;
const env = process.env;
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const extensionPath = resolve(env.DATALINEAGE_EXTENSION_PATH ?? repo);
const testsPath = resolve(env.DATALINEAGE_TESTS_PATH ?? join(repo, 'dist/integration/index.js'));
const workspaceSource = resolve(env.DATALINEAGE_WORKSPACE ?? join(repo, 'examples/orders-pipeline'));
const shotDir = resolve(env.DATALINEAGE_SCREENSHOT_DIR ?? join(repo, 'media/screenshots'));
const failureShot = join(repo, '.vscode-test/failure.png'); // .vscode-test/ is git-ignored
const timeoutMs = Number(env.DATALINEAGE_TEST_TIMEOUT_MS ?? 8 * 60_000);
const verbose = /^(1|true)$/i.test(env.DATALINEAGE_VERBOSE ?? '');

// Workbench chatter that says nothing about the extension (shown with DATALINEAGE_VERBOSE=1).
// CodeExpectedError is the workbench logging a cancelled quick pick (the suite closes one).
const noise = /^(Resolv(ing|ed) connection token|Creating a socket|\[Service Worker\]|Updating additional builtin extensions cache|Ignoring fetching additional builtin extensions|ChatSessionStore:|CodeExpectedError)/;

/** Polls every frame (webviews are nested iframes) until `selector` is visible there. */
async function visibleInAnyFrame(page, selector, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const frame of page.frames()) {
      if (await frame.locator(selector).first().isVisible().catch(() => false)) return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

const fail = (msg) => { console.error(`runInCodeServer: ${msg}`); process.exit(1); };

// 1. code-server (a no-op once installed).
const install = spawnSync('bash', [join(repo, 'scripts/codeServer/install.sh')], { stdio: 'inherit' });
if (install.status !== 0) fail('installing code-server failed');
if (!existsSync(testsPath)) fail(`test bundle not found: ${testsPath} (run \`npm run build\` first)`);
const chromiumPath = env.CHROMIUM_PATH ?? (() => {
  try { return execSync('command -v chromium', { shell: '/bin/sh' }).toString().trim(); } catch { return ''; }
})();
if (!chromiumPath) fail('chromium not found; install it (e.g. `apt-get install -y chromium`) or set CHROMIUM_PATH');

// 2. A throwaway copy of the example: tests may edit and save files, the repo's copy must not change.
// Keep the folder's name so the workbench (and screenshots) show "orders-pipeline".
const wsParent = await mkdtemp(join(tmpdir(), 'datalineage-ws-'));
const workspace = join(wsParent, basename(workspaceSource));
await cp(workspaceSource, workspace, { recursive: true });

// Stale .done files would let the suite skip past a screenshot, so start clean (and end clean:
// they are handshake files, not artifacts).
await mkdir(shotDir, { recursive: true });
const clearDoneFiles = async () => {
  for (const f of await readdir(shotDir)) if (f.endsWith('.done') || f.endsWith('.failed')) await rm(join(shotDir, f), { force: true });
};
await clearDoneFiles();

let server, browser, page;
const shots = [];
let code = 1;
let cleaning, interrupted = false;
const cleanUp = () => (cleaning ??= (async () => {
  await browser?.close().catch(() => {});
  await server?.stop().catch(() => {});
  await rm(wsParent, { recursive: true, force: true });
  await clearDoneFiles().catch(() => {});
})());
// The server runs in its own process group, so Ctrl-C in the terminal does not reach it.
// (Playwright's own signal handlers are off: they would exit before this clean-up ran.)
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { interrupted = true; console.error(`runInCodeServer: ${sig}, stopping`); cleanUp().finally(() => process.exit(130)); });
}
const tServer = Date.now();
try {
  server = await startCodeServer({
    extensionPath, testsPath, folder: workspace, verbose,
    settings: JSON.parse(env.DATALINEAGE_SETTINGS ?? '{}'),
    // EXTENSIONS_GALLERY={} turns code-server's marketplace (open-vsx.org) off: offline it only
    // produces ENOTFOUND errors, and tests must not depend on it anyway.
    env: { DATALINEAGE_SCREENSHOT_DIR: shotDir, EXTENSIONS_GALLERY: '{}' },
  });
  console.log(`code-server up on port ${server.port} (${secs(tServer)})`);

  browser = await chromium.launch({
    executablePath: chromiumPath, headless: true,
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  if (verbose) page.on('console', (m) => console.log(`[browser ${m.type()}] ${m.text()}`));

  // Screenshots are taken one at a time, in the order the suite asks for them.
  let shotQueue = Promise.resolve();
  // `[screenshot] <name> <selector>`: the picture waits until the selector (CSS, or Playwright's
  // `text=…`) is visible in the workbench or any of its webview frames (CodeLens, hovers and
  // Markdown previews render a moment after the API has answered).
  const takeShot = (name, selector) => (shotQueue = shotQueue.then(async () => {
    if (selector && !(await visibleInAnyFrame(page, selector, 15_000))) console.error(`[harness] ${name}: "${selector}" did not appear; taking the screenshot anyway`);
    await page.screenshot({ path: join(shotDir, `${name}.png`) });
    await writeFile(join(shotDir, `${name}.done`), '');
    shots.push(name);
    console.log(`[harness] screenshot ${name}.png`);
  }).catch((e) => console.error(`[harness] screenshot ${name} failed: ${e.message}`)));

  // `[click] <name> <selector>`: a real mouse click on the first visible match in any frame
  // (webview content lives in nested iframes the extension host cannot reach), then
  // <dir>/<name>.done (or <name>.failed with the reason) so the suite can go on.
  const click = (name, selector) => (shotQueue = shotQueue.then(async () => {
    let error = '';
    try {
      if (!(await visibleInAnyFrame(page, selector, 15_000))) throw new Error(`"${selector}" is not visible`);
      for (const frame of page.frames()) {
        const target = frame.locator(selector).first();
        if (await target.isVisible().catch(() => false)) {
          await target.click({ timeout: 10_000 });
          break;
        }
      }
    } catch (e) {
      error = e.message;
    }
    await writeFile(join(shotDir, `${name}.${error ? 'failed' : 'done'}`), error);
    console.log(`[harness] click ${name}${error ? ` failed: ${error}` : ''}`);
  }));

  let exited;
  const exitCode = new Promise((r) => { exited = r; });
  // Receives the workbench's log and the extension host's console (the suite's output).
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    // args are console.log's arguments: apply its %s/%d formatting (mocha's reporters use it).
    const text = (Array.isArray(args) ? format(...args) : String(args)).replace(/\n+$/, '');
    if (!verbose && noise.test(text)) return;
    for (const line of text.split('\n')) {
      (type === 'error' ? console.error : console.log)(`[vscode] ${line}`);
      const m = /\[screenshot\] ([\w.-]+)(?: (.+))?/.exec(line);
      if (m) takeShot(m[1], m[2]?.trim());
      const c = /\[click\] ([\w.-]+) (.+)/.exec(line);
      if (c) click(c[1], c[2].trim());
    }
  });
  await page.exposeFunction('codeAutomationExit', (c) => exited(Number(c)));

  const tSuite = Date.now();
  let timer; // the budget covers the whole run, install and start-up included
  const timedOut = new Promise((r) => { timer = setTimeout(() => r('timeout'), timeoutMs - (Date.now() - t0)); });
  const serverDied = new Promise((r) => server.process.once('exit', () => r('server-exit')));
  await page.goto(server.url);
  const result = await Promise.race([exitCode, timedOut, serverDied]);
  clearTimeout(timer);
  await shotQueue;
  if (result === 'timeout') console.error(`runInCodeServer: run did not finish within ${timeoutMs / 1000} s (DATALINEAGE_TEST_TIMEOUT_MS)`);
  else if (result === 'server-exit' && !interrupted) console.error(`runInCodeServer: code-server exited during the run\n${server.output()}`);
  else code = result;
  console.log(`suite ran in ${secs(tSuite)}`);
} catch (e) {
  console.error(`runInCodeServer: ${e.stack ?? e}`);
} finally {
  if (code !== 0 && page) {
    await page.screenshot({ path: failureShot }).then(() => console.error(`failure screenshot: ${failureShot}`), () => {});
  }
  await cleanUp();
}

console.log(`Integration suite ${code === 0 ? 'PASSED' : `FAILED (exit ${code})`} in ${secs()}; ` +
  `${shots.length} screenshot(s)${shots.length ? `: ${shots.join(', ')} -> ${shotDir}` : ''}`);
process.exit(code);
