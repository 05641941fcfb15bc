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

const FORMAT = 3;

/**
 * Entries are kept serialised, one buffer each, and read back when asked for: a long-lived
 * process (the language server) keeps every model's analysis for its in-place updates, and as
 * objects those took more memory than the index itself (~226 MB at 10,000 models).
 */
type Entry = CachedAnalysis | Uint8Array;

export class FileAnalysisCache implements AnalysisCache {
  private loaded?: Map<string, Uint8Array>;
  private readonly used = new Map<string, Entry>();
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
    if (!hit) return undefined;
    this.used.set(key, hit);
    if (!(hit instanceof Uint8Array)) return hit;
    try {
      return deserialize(hit) as CachedAnalysis;
    } catch {
      return undefined;
    }
  }

  has(key: string): boolean {
    return this.used.has(key) || !!this.loaded?.has(key);
  }

  set(key: string, value: CachedAnalysis): void {
    this.used.set(key, value);
    this.dirty = true;
  }

  /**
   * Writes the entries this process used (new ones are serialised here, once, and kept that
   * way), then the index snapshot.
   */
  async save(): Promise<void> {
    await fsp.mkdir(path.dirname(this.file), { recursive: true });
    // A process that restored its index from the snapshot never read the entries and has used
    // none: the file stays as it is, to be read by the next build that needs it (the language
    // server's background index after a restore).
    if (this.dirty && !this.loaded) await this.entries();
    if (this.loaded) {
      const changed = this.dirty || this.used.size !== this.loaded.size;
      for (const [key, value] of this.used) if (!(value instanceof Uint8Array)) this.used.set(key, serialize(value));
      // The file now holds exactly `used`: nothing to read back from it in this process.
      this.loaded = new Map();
      this.dirty = false;
      if (changed) await writeSerialized(this.file, { version: FORMAT, entries: [...this.used] });
    }
    if (this.snapshot) await writeSerialized(`${this.file}.snapshot`, this.snapshot());
  }

  private async entries(): Promise<Map<string, Uint8Array>> {
    if (!this.loaded) {
      const data = await readSerialized<{ version: number; entries: [string, Uint8Array][] }>(this.file);
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
