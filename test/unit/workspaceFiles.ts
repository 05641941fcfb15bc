// Fixture workspaces read into memory, for tests that build indexes over MemoryFileSystem.
import * as fs from 'node:fs';
import * as path from 'node:path';

// Bundled into dist/test/, two levels below the repository like test/unit/.
export const fixtures = path.join(__dirname, '..', '..', 'test', 'fixtures');
export const example = path.join(__dirname, '..', '..', 'examples', 'orders-pipeline');

/** Every file under `dir`, by workspace-relative path with forward slashes. */
export function loadWorkspace(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files[path.relative(dir, p).split(path.sep).join('/')] = fs.readFileSync(p, 'latin1');
    }
  };
  walk(dir);
  return files;
}
