import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceFileSystem } from './fileSystem';

// Folders that never hold pipeline sources and can be huge: skipping them keeps the walk fast.
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', 'dbt_packages', 'logs', '.vscode-test', '.dvc']);

/** The workspace on disk. Read-only: the core never writes the user's files. */
export class NodeFileSystem implements WorkspaceFileSystem {
  constructor(readonly root: string) {}

  async listFiles(): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch {
        return; // unreadable folder: index what we can
      }
      for (const e of entries) {
        if (e.isDirectory()) {
          if (!SKIPPED_DIRS.has(e.name)) await walk(path.join(dir, e.name));
        } else if (e.isFile()) {
          out.push(path.relative(this.root, path.join(dir, e.name)).split(path.sep).join('/'));
        }
      }
    };
    await walk(this.root);
    return out.sort();
  }

  async readFile(rel: string): Promise<string | undefined> {
    try {
      return await fsp.readFile(path.join(this.root, rel), 'utf8');
    } catch {
      return undefined;
    }
  }

  async fileSize(rel: string): Promise<number | undefined> {
    try {
      return (await fsp.stat(path.join(this.root, rel))).size;
    } catch {
      return undefined;
    }
  }
}
