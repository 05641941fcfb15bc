// One build script, one bundle per entry point: the extension (client), the language server, the
// CLI, the column-lineage worker, the benchmark, the unit tests and the integration suite that
// runs inside VS Code. Webview bundles join this list as they land.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

const testEntries = readdirSync(join(root, 'test/unit'))
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => `test/unit/${f}`);

const integrationEntries = readdirSync(join(root, 'test/integration/suite'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => `test/integration/suite/${f}`);

const webviewEntries = {
  graph: 'webview/graph/main.ts',
  graphLayout: 'webview/graph/layoutWorker.ts',
  impact: 'webview/impact/main.ts',
};

rmSync(join(root, 'dist'), { recursive: true, force: true });
const bundles = {
  cli: 'src/cli/main.ts',
  parseWorker: 'src/core/workers/parseWorker.ts',
  bench: 'bench/bench.ts',
  serverBench: 'bench/serverBench.ts',
  server: 'src/server/server.ts',
};
await Promise.all([
  ...Object.entries(bundles)
    .filter(([, file]) => existsSync(join(root, file)))
    .map(([name, file]) => build({ ...common, entryPoints: { [name]: file }, outdir: 'dist' })),
  build({ ...common, entryPoints: testEntries, outdir: 'dist/test' }),
  // The extension host provides `vscode`; everything else is bundled (the .vsix has no node_modules).
  build({ ...common, entryPoints: { extension: 'src/client/extension.ts' }, outdir: 'dist', external: ['vscode'] }),
  // The suite that runs inside VS Code: its entry point and one bundle per test file (mocha
  // loads them by path); `vscode` and mocha come from the extension host and node_modules.
  build({ ...common, entryPoints: integrationEntries, outdir: 'dist/integration', external: ['vscode', 'mocha'] }),
  // Webview apps run in the browser sandbox of a webview: one script per app (and the graph's
  // layout worker), loaded from dist/webview under the CSP's nonce.
  ...Object.entries(webviewEntries)
    .filter(([, file]) => existsSync(join(root, file)))
    // Minified: they ship in the .vsix and load in every webview (ELK alone is 2.8 MB as written).
    .map(([name, file]) => build({ ...common, platform: 'browser', format: 'iife', target: 'chrome120', minify: true, entryPoints: { [name]: file }, outdir: 'dist/webview' })),
]);

// tree-sitter's runtime and Python grammar are WebAssembly files the bundles load at run time
// (src/core/python/pythonParser.ts looks for them in dist/wasm).
const wasmSource = join(root, 'node_modules/@vscode/tree-sitter-wasm/wasm');
mkdirSync(join(root, 'dist/wasm'), { recursive: true });
for (const file of ['tree-sitter.wasm', 'tree-sitter-python.wasm']) copyFileSync(join(wasmSource, file), join(root, 'dist/wasm', file));

// The codicon font the webviews' buttons use (@vscode/codicons), next to their scripts.
mkdirSync(join(root, 'dist/webview'), { recursive: true });
for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(join(root, 'node_modules/@vscode/codicons/dist', file), join(root, 'dist/webview', file));
