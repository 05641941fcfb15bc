// The integration suite's entry point, as @vscode/test-electron and the code-server harness
// both expect: run() resolves when every test passed and rejects otherwise.
import * as path from 'node:path';
import * as fs from 'node:fs';
import Mocha from 'mocha';

export function run(): Promise<void> {
  // Generous per-test timeout: the first test waits for activation and the first index; every
  // wait inside a test polls a condition with its own deadline.
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120_000 });
  for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
