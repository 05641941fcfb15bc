import { createHash } from 'node:crypto';

// The core reads the workspace only through this interface, so tests run on in-memory workspaces
// and the language server can serve unsaved editor buffers instead of the files on disk.

export interface WorkspaceFileSystem {
  /** Every file under the workspace root, as workspace-relative paths with forward slashes. */
  listFiles(): Promise<string[]>;
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile(path: string): Promise<string | undefined>;
  /** Size in bytes, or undefined when the file does not exist. */
  fileSize(path: string): Promise<number | undefined>;
  /**
   * The MD5 of the file's bytes as hex (what dvc.lock records for a file), or undefined when it
   * does not exist or is a folder. Data files can be large and binary, so this never goes
   * through readFile.
   */
  md5(path: string): Promise<string | undefined>;
  /**
   * Optional, synchronous: the file's size and, when that is at most `maxSize` bytes, its text,
   * in one step (both undefined when it cannot be read). The prefetch reads thousands of files
   * this way: a stat and an awaited read per file cost it more than the reads themselves.
   */
  readBounded?(path: string, maxSize: number): BoundedRead;
}

/** What readBounded found: `text` is undefined when the file is over the size asked for. */
export interface BoundedRead {
  size: number | undefined;
  text: string | undefined;
}

/** A workspace held in memory: tests, and the server's overlay of unsaved buffers. */
export class MemoryFileSystem implements WorkspaceFileSystem {
  private readonly files: Map<string, string>;

  constructor(files: Record<string, string> = {}) {
    this.files = new Map(Object.entries(files));
  }

  set(path: string, text: string): void {
    this.files.set(path, text);
  }

  delete(path: string): void {
    this.files.delete(path);
  }

  async listFiles(): Promise<string[]> {
    return [...this.files.keys()].sort();
  }

  async readFile(path: string): Promise<string | undefined> {
    return this.files.get(path);
  }

  async fileSize(path: string): Promise<number | undefined> {
    const text = this.files.get(path);
    return text === undefined ? undefined : Buffer.byteLength(text);
  }

  async md5(path: string): Promise<string | undefined> {
    const text = this.files.get(path);
    return text === undefined ? undefined : createHash('md5').update(text).digest('hex');
  }
}
