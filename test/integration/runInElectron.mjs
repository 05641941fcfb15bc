// The same integration suite in desktop VS Code via @vscode/test-electron, for machines that
// can download VS Code (this downloads it into .vscode-test/ on first use). Offline, use
// runInCodeServer.mjs instead. Env: VSCODE_VERSION (default "stable"), DATALINEAGE_TESTS_PATH.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// Tests may edit and save files: give them a copy, never the repo's example.
const tmp = await mkdtemp(join(tmpdir(), 'datalineage-ws-'));
const workspace = join(tmp, 'orders-pipeline');
await cp(join(repo, 'examples/orders-pipeline'), workspace, { recursive: true });
// Nobody takes screenshots here; the suite skips its screenshot handshake when this is unset.
delete process.env.DATALINEAGE_SCREENSHOT_DIR;

let code = 1;
try {
  code = await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: repo,
    extensionTestsPath: resolve(process.env.DATALINEAGE_TESTS_PATH ?? join(repo, 'dist/integration/index.js')),
    launchArgs: [workspace, '--disable-extensions'],
  });
} catch (e) {
  console.error(`runInElectron: ${e?.message ?? e}`);
} finally {
  await rm(tmp, { recursive: true, force: true });
}
process.exit(code);
