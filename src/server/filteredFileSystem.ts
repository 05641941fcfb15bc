// The user's include/exclude globs (settings) applied to the workspace listing, before any
// reader sees a file. Globs are matched against workspace-relative paths.
import { minimatch } from 'minimatch';
import type { BoundedRead, WorkspaceFileSystem } from '../core/io/fileSystem';

export class FilteredFileSystem implements WorkspaceFileSystem {
  /** Offered only when the base offers it (see WorkspaceFileSystem.readBounded). */
  readonly readBounded?: (path: string, maxSize: number) => BoundedRead;

  constructor(
    private readonly base: WorkspaceFileSystem,
    private readonly include: string[],
    private readonly exclude: string[],
  ) {
    this.readBounded = base.readBounded?.bind(base);
  }

  /** True when the settings let the index see `path`. */
  allows(path: string): boolean {
    const m = (g: string) => minimatch(path, g, { dot: true });
    if (this.include.length && !this.include.some(m)) return false;
    return !this.exclude.some(m);
  }

  async listFiles(): Promise<string[]> {
    const files = await this.base.listFiles();
    return this.include.length || this.exclude.length ? files.filter((f) => this.allows(f)) : files;
  }

  readFile(path: string): Promise<string | undefined> {
    return this.base.readFile(path);
  }

  fileSize(path: string): Promise<number | undefined> {
    return this.base.fileSize(path);
  }

  md5(path: string): Promise<string | undefined> {
    return this.base.md5(path);
  }
}
