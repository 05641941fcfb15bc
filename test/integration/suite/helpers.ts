// What every integration test file needs: workspace paths, waiting for conditions (never fixed
// sleeps), and the code-server harness's screenshot and click handshakes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const folder = () => vscode.workspace.workspaceFolders![0].uri;
export const file = (rel: string) => vscode.Uri.joinPath(folder(), rel);

export async function until<T>(what: string, check: () => Thenable<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Asks the code-server harness for a screenshot of the workbench and waits until it is taken.
 * Under @vscode/test-electron there is no harness (no env variable): nothing to do.
 */
export async function screenshot(name: string, waitForSelector = ''): Promise<void> {
  const dir = process.env.DATALINEAGE_SCREENSHOT_DIR;
  if (!dir) return;
  console.log(`[screenshot] ${name} ${waitForSelector}`);
  await until(`screenshot ${name}`, () => fs.existsSync(path.join(dir, `${name}.done`)) || undefined, 20_000);
}

/**
 * A real mouse click through the harness on the first visible match of `selector` (CSS or
 * Playwright `text=…`) in the workbench or any webview frame. Under @vscode/test-electron there
 * is no harness: returns false and the caller skips what needs the click.
 */
export async function harnessClick(name: string, selector: string): Promise<boolean> {
  const dir = process.env.DATALINEAGE_SCREENSHOT_DIR;
  if (!dir) return false;
  console.log(`[click] ${name} ${selector}`);
  await until(`click ${name}`, () => fs.existsSync(path.join(dir, `${name}.done`)) || fs.existsSync(path.join(dir, `${name}.failed`)) || undefined, 30_000);
  const failed = path.join(dir, `${name}.failed`);
  if (fs.existsSync(failed)) throw new Error(`click ${name} failed: ${fs.readFileSync(failed, 'utf8')}`);
  return true;
}
