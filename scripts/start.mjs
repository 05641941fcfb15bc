// `npm start`: runs the extension in a real VS Code (code-server) on the example project and
// prints the URL to open in a browser. Stops the server on Ctrl-C.
//   node scripts/start.mjs [--port N] [--folder path]
// The caller's npm script builds dist/ first. Works offline: code-server comes from npm.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCodeServer } from './codeServer/server.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { port: { type: 'string' }, folder: { type: 'string' } } });
const port = values.port ? Number(values.port) : undefined;
if (values.port && !(port > 0 && port < 65536)) throw new Error(`--port: not a port number: ${values.port}`);
// The real example, not a copy: this is the user's own session, edits are meant to stick.
const folder = resolve(values.folder ?? join(repo, 'examples/orders-pipeline'));
if (!existsSync(folder)) throw new Error(`--folder: no such folder: ${folder}`);

const install = spawnSync('bash', [join(repo, 'scripts/codeServer/install.sh')], { stdio: 'inherit' });
if (install.status !== 0) process.exit(1);

const server = await startCodeServer({ extensionPath: repo, folder, port });
console.log(`\nDataLineage is running in VS Code (code-server) on ${folder}\n` +
  `Open ${server.url} in a browser.\n` +
  '(The payload part of the URL is what loads this extension; keep it.) Press Ctrl-C to stop.');

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopping = true;
    console.log('\nStopping code-server…');
    server.stop().finally(() => process.exit(0));
  });
}
server.process.once('exit', (code, signal) => {
  if (stopping) return;
  console.error(`code-server exited unexpectedly (${code ?? signal})\n${server.output()}`);
  server.stop().finally(() => process.exit(1));
});
