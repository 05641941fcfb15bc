// The analysis cache persisted outside the workspace (we never write the user's files): the CLI
// keeps it in the user's cache folder, the language server in the extension's storage. Two
// files: the per-file analyses (read only when something changed) and the last index snapshot
// (read first: an unchanged workspace needs nothing else). Entries a run did not use are dropped
// when it saves, so the file tracks the workspace.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { AnalysisCache, CachedAnalysis } from './analysisCache';
import type { IndexSnapshot } from './indexSnapshot';

const FORMAT = 2;

export class FileAnalysisCache implements AnalysisCache {
  private loaded?: Map<string, CachedAnalysis>;
  private readonly used = new Map<string, CachedAnalysis>();
  private dirty = false;
  private snapshot?: () => IndexSnapshot;

  constructor(readonly file: string) {}

  async readSnapshot(): Promise<IndexSnapshot | undefined> {
    const data = await readSerialized<IndexSnapshot>(`${this.file}.snapshot`);
    return data && typeof data.fingerprint === 'string' ? data : undefined;
  }

  writeSnapshot(snapshot: () => IndexSnapshot): void {
    this.snapshot = snapshot;
  }

  // get() is synchronous (it runs inside the column phase), so the entries are loaded by
  // prepare(), which the index awaits before it asks for any.
  async prepare(): Promise<void> {
    await this.entries();
  }

  get(key: string): CachedAnalysis | undefined {
    const hit = this.used.get(key) ?? this.loaded?.get(key);
    if (hit) this.used.set(key, hit);
    return hit;
  }

  set(key: string, value: CachedAnalysis): void {
    this.used.set(key, value);
    this.dirty = true;
  }

  async save(): Promise<void> {
    await fsp.mkdir(path.dirname(this.file), { recursive: true });
    if (this.dirty || (this.loaded && this.used.size !== this.loaded.size)) await writeSerialized(this.file, { version: FORMAT, entries: [...this.used] });
    if (this.snapshot) await writeSerialized(`${this.file}.snapshot`, this.snapshot());
  }

  private async entries(): Promise<Map<string, CachedAnalysis>> {
    if (!this.loaded) {
      const data = await readSerialized<{ version: number; entries: [string, CachedAnalysis][] }>(this.file);
      this.loaded = data?.version === FORMAT && Array.isArray(data.entries) ? new Map(data.entries) : new Map();
    }
    return this.loaded;
  }
}

/** A missing, truncated or foreign file is an empty cache, never an error. */
async function readSerialized<T>(file: string): Promise<T | undefined> {
  try {
    return deserialize(await fsp.readFile(file)) as T;
  } catch {
    return undefined;
  }
}

async function writeSerialized(file: string, data: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  // v8 serialisation reads back several times faster than JSON for this shape of data.
  await fsp.writeFile(tmp, serialize(data));
  await fsp.rename(tmp, file);
}
