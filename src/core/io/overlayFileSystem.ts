import type { BoundedRead, WorkspaceFileSystem } from './fileSystem';

/**
 * The workspace as the editor shows it: unsaved buffers over the files on disk. Lineage follows
 * what is on screen, so an edit counts before it is saved; nothing here ever writes to disk.
 * Data files (md5) always come from disk: DVC compares what is stored, not what is open.
 */
export class OverlayFileSystem implements WorkspaceFileSystem {
  private readonly buffers = new Map<string, string>();

  /** Offered only when the disk offers it (see WorkspaceFileSystem.readBounded). */
  readonly readBounded?: (path: string, maxSize: number) => BoundedRead;

  constructor(private readonly base: WorkspaceFileSystem) {
    const bounded = base.readBounded?.bind(base);
    if (bounded) {
      this.readBounded = (path, maxSize) => {
        const text = this.buffers.get(path);
        if (text === undefined) return bounded(path, maxSize);
        const size = Buffer.byteLength(text);
        return { size, text: size > maxSize ? undefined : text };
      };
    }
  }

  /** The open buffer's text for `path`, or undefined to fall back to disk. */
  set(path: string, text: string | undefined): void {
    if (text === undefined) this.buffers.delete(path);
    else this.buffers.set(path, text);
  }

  get(path: string): string | undefined {
    return this.buffers.get(path);
  }

  async listFiles(): Promise<string[]> {
    const files = await this.base.listFiles();
    const known = new Set(files);
    const extra = [...this.buffers.keys()].filter((p) => !known.has(p));
    return extra.length ? [...files, ...extra].sort() : files;
  }

  async readFile(path: string): Promise<string | undefined> {
    return this.buffers.get(path) ?? this.base.readFile(path);
  }

  async fileSize(path: string): Promise<number | undefined> {
    const text = this.buffers.get(path);
    return text !== undefined ? Buffer.byteLength(text) : this.base.fileSize(path);
  }

  md5(path: string): Promise<string | undefined> {
    return this.base.md5(path);
  }
}
