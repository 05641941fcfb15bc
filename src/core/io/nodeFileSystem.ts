import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { BoundedRead, WorkspaceFileSystem } from './fileSystem';

// Folders that never hold pipeline sources and can be huge: skipping them keeps the walk fast.
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', 'dbt_packages', 'logs', '.vscode-test', '.dvc']);

// readBounded reads into this one buffer first: nearly every source file fits, and then the read
// alone tells the size (no stat) and no buffer is allocated per file. Measured on the bench's
// 12,000 files: ~80 ms against ~130 ms for a stat plus readFileSync.
const CHUNK = 64 * 1024;
let chunk: Buffer | undefined;
const UNREADABLE: BoundedRead = Object.freeze({ size: undefined, text: undefined });

/**
 * The workspace on disk. Read-only: the core never writes the user's files.
 * The calls are synchronous behind the async interface on purpose: measured on 10,000 model
 * files, stat + read took 96 ms synchronously against 626 ms through fs.promises with 64 reads
 * in flight (each promise call costs more than the read itself). Indexing runs in its own
 * process (CLI, language server), so a short block of its event loop is harmless.
 */
export class NodeFileSystem implements WorkspaceFileSystem {
  constructor(readonly root: string) {}

  async listFiles(): Promise<string[]> {
    const out: string[] = [];
    // `rel` is the folder's workspace-relative path ('' at the root), kept as the walk descends:
    // deriving it per file with path.relative() was most of the walk's own time.
    const walk = (dir: string, rel: string): void => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return; // unreadable folder: index what we can
      }
      for (const e of entries) {
        if (e.isDirectory()) {
          if (!SKIPPED_DIRS.has(e.name)) walk(path.join(dir, e.name), rel + e.name + '/');
        } else if (e.isFile()) {
          out.push(rel + e.name);
        }
      }
    };
    walk(this.root, '');
    return out.sort();
  }

  async readFile(rel: string): Promise<string | undefined> {
    try {
      return fs.readFileSync(path.join(this.root, rel), 'utf8');
    } catch {
      return undefined;
    }
  }

  readBounded(rel: string, maxSize: number): BoundedRead {
    let fd: number;
    try {
      fd = fs.openSync(path.join(this.root, rel), 'r');
    } catch {
      return UNREADABLE;
    }
    try {
      const buf = (chunk ??= Buffer.allocUnsafeSlow(CHUNK));
      const n = fs.readSync(fd, buf, 0, CHUNK, 0);
      // Decoded as readFileSync(path, 'utf8') decodes (a byte-order mark is kept; see the test).
      if (n < CHUNK) return { size: n, text: n > maxSize ? undefined : buf.toString('utf8', 0, n) };
      // A larger file: its size decides whether it is read at all. The read above was positioned,
      // so the descriptor is still at the start for readFileSync.
      const size = fs.fstatSync(fd).size;
      return { size, text: size > maxSize ? undefined : fs.readFileSync(fd, 'utf8') };
    } catch {
      return UNREADABLE;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Streams the file through MD5: data files tracked by DVC can be gigabytes. */
  md5(rel: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      const hash = createHash('md5');
      const stream = fs.createReadStream(path.join(this.root, rel));
      stream.on('data', (chunk) => hash.update(chunk));
      stream.on('end', () => resolve(hash.digest('hex')));
      stream.on('error', () => resolve(undefined));
    });
  }

  async fileSize(rel: string): Promise<number | undefined> {
    try {
      return fs.statSync(path.join(this.root, rel)).size;
    } catch {
      return undefined;
    }
  }
}
