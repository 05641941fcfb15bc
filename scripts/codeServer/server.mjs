// Starts code-server (VS Code's server + web workbench, installed by install.sh) with
// throwaway state, and builds the workbench URL that loads an extension under
// development (and, optionally, its test suite). Used by the test runner and `npm start`.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const codeServerDir = join(repoRoot, '.vscode-test/code-server'); // where install.sh puts it
const entry = join(codeServerDir, 'node_modules/code-server/out/node/entry.js');

// Settings that keep the workbench quiet and deterministic: no welcome page, tips,
// update checks or trust prompts covering the editor (or screenshots).
const baseSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'window.commandCenter': false,
  'git.enabled': false, // built-in git would scan the temp workspace and log noise
};

/** A port nobody listens on right now (the OS picks; we release it for code-server). */
async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** Resolves once the server answers HTTP at all (any status), polling every 100 ms. */
async function waitForHttp(port, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode) throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode})`);
    const up = await new Promise((ok) => {
      const req = request({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (res) => { res.resume(); ok(true); });
      req.on('error', () => ok(false));
      req.on('timeout', () => { req.destroy(); ok(false); });
      req.end();
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server did not answer on port ${port} within ${timeoutMs} ms`);
}

/**
 * @param {object} o
 * @param {string} o.extensionPath  absolute root of the extension under development
 * @param {string} [o.testsPath]    absolute path of a compiled suite index.js exporting run()
 * @param {string} o.folder         absolute workspace folder to open
 * @param {Record<string,string>} [o.env]  extra env for the server (the extension host inherits it)
 * @param {Record<string,unknown>} [o.settings] extra user settings
 * @param {number} [o.port]         fixed port (default: a free one)
 * @param {boolean} [o.verbose]     echo code-server's own output
 * @param {number} [o.startTimeoutMs]
 */
export async function startCodeServer({ extensionPath, testsPath, folder, env = {}, settings = {}, port, verbose = false, startTimeoutMs = 30_000 }) {
  if (!existsSync(entry)) throw new Error(`code-server is not installed (${entry} missing); run scripts/codeServer/install.sh`);
  port ??= await freePort();
  const tmp = await mkdtemp(join(tmpdir(), 'datalineage-cs-'));
  const userDataDir = join(tmp, 'user-data');
  const extensionsDir = join(tmp, 'extensions');
  await mkdir(join(userDataDir, 'User'), { recursive: true });
  await mkdir(extensionsDir, { recursive: true });
  await writeFile(join(userDataDir, 'User/settings.json'), JSON.stringify({ ...baseSettings, ...settings }, null, 2));

  const args = [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    // Otherwise code-server reads, or creates with a random password, ~/.config/code-server/config.yaml.
    '--config', join(tmp, 'config.yaml')];
  // detached: own process group, so stop() also ends the extension host and pty hosts.
  const child = spawn(process.execPath, args, {
    cwd: tmp, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  // Keep the tail of the server's output for error messages; echo it only when asked.
  const tail = [];
  const onData = (buf) => {
    for (const line of buf.toString().split('\n').filter(Boolean)) {
      if (verbose) console.log(`[code-server] ${line}`);
      tail.push(line); if (tail.length > 40) tail.shift();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  const killGroup = (sig) => { try { process.kill(-child.pid, sig); } catch { /* already gone */ } };
  // If our process dies without calling stop(), don't leave an orphaned server behind.
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);

  let stopped;
  const stop = () => (stopped ??= (async () => {
    process.off('exit', onExit);
    if (child.exitCode === null && !child.signalCode) {
      const exited = new Promise((r) => child.once('exit', r));
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    killGroup('SIGKILL'); // stragglers in the group (e.g. an extension host ignoring SIGTERM)
    await rm(tmp, { recursive: true, force: true });
  })());

  try {
    await waitForHttp(port, child, startTimeoutMs);
  } catch (e) {
    await stop();
    throw new Error(`${e.message}\n--- code-server output ---\n${tail.join('\n')}`);
  }

  // Paths in the payload are on the "remote" (the server); code-server resolves
  // vscode-remote://<host:port><path> to the local file system.
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${resolve(p)}`;
  const payload = [['extensionDevelopmentPath', remote(extensionPath)]];
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  // Keep '/' readable in the printed URL (people copy it from `npm start`); encode the rest.
  const enc = (v) => encodeURIComponent(v).replaceAll('%2F', '/');
  const url = `http://127.0.0.1:${port}/?folder=${enc(resolve(folder))}&payload=${enc(JSON.stringify(payload))}`;

  return { url, port, pid: child.pid, process: child, stop, output: () => tail.join('\n') };
}
