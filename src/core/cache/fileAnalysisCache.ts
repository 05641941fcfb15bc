// The analysis cache persisted as one file outside the workspace (we never write the user's
// files): the CLI keeps it in the user's cache folder, the language server in the extension's
// storage. Entries not used by a run are dropped when it saves, so the file tracks the workspace.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { AnalysisCache, CachedAnalysis } from './analysisCache';

export class FileAnalysisCache implements AnalysisCache {
  private loaded = new Map<string, CachedAnalysis>();
  private readonly used = new Map<string, CachedAnalysis>();
  private dirty = false;

  constructor(readonly file: string) {}

  /** Reads the cache file; a missing or unreadable file is an empty cache, never an error. */
  async load(): Promise<void> {
    try {
      const data = deserialize(await fsp.readFile(this.file)) as { version: number; entries: [string, CachedAnalysis][] };
      if (data?.version === 1 && Array.isArray(data.entries)) this.loaded = new Map(data.entries);
    } catch {
      this.loaded = new Map();
    }
  }

  get(key: string): CachedAnalysis | undefined {
    const hit = this.used.get(key) ?? this.loaded.get(key);
    if (hit) this.used.set(key, hit);
    return hit;
  }

  set(key: string, value: CachedAnalysis): void {
    this.used.set(key, value);
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.dirty && this.used.size === this.loaded.size) return;
    await fsp.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    // v8 serialisation reads back several times faster than JSON for this shape of data.
    await fsp.writeFile(tmp, serialize({ version: 1, entries: [...this.used] }));
    await fsp.rename(tmp, this.file);
  }
}
