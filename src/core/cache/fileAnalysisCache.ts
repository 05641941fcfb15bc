// The analysis cache persisted outside the workspace (we never write the user's files): the CLI
// keeps it in the user's cache folder, the language server in the extension's storage. Files:
// the per-file analyses (read only when something changed), the last index snapshot (read first:
// an unchanged workspace needs nothing else) and, for the language server, the update records
// taken with it. Entries a run did not use are dropped when it saves, so the file tracks the
// workspace, unless the run restored its index and may still ask for any (retainAll).
//
// The analyses file is one serialised entry after another with an index at the end, and an entry
// is read from its place in the file when asked for. A long-lived process (the language server)
// needs every model's analysis at hand for its in-place updates; held in memory they took 226 MB
// as objects at 10,000 models, and 93 MB as buffers, which also fragmented the C heap that Node
// allocates them in. Now it holds the index (a key and a position per entry) and one open file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { AnalysisCache, CachedAnalysis } from './analysisCache';
import type { IndexSnapshot, SnapshotOutput } from './indexSnapshot';
import { assembleSnapshot } from './indexSnapshot';
import type { PackedUpdates } from '../graph/packedUpdates';
import { assembleUpdates } from '../graph/packedUpdates';
import type { Frame } from './frames';
import { ByteOutput, readFrames, writeAll, writeFramesToFile } from './frames';

// 5: an entry's analyses are packed bytes (see packedAnalysis.ts), not objects.
// 6: an entry is its fields and its packed analyses side by side (see encodeEntry).
// 7: the fields are JSON.
const FORMAT = 7;

/** Where an entry's bytes are in an open analyses file. */
interface Located {
  file: OpenFile;
  offset: number;
  length: number;
}

interface OpenFile {
  fd?: number;
  entries: Map<string, Located>;
}

/** A new entry (not saved yet), or where a saved one is. */
type Entry = CachedAnalysis | Located;

const isLocated = (e: Entry): e is Located => 'offset' in e;

export class FileAnalysisCache implements AnalysisCache {
  /** The analyses file as this process last read or wrote it; opened by prepare(). */
  private opened?: OpenFile;
  /**
   * The file before the last save, still open: a build that ran during the save may not have
   * asked for all its entries yet, and they were not written (see adopt()).
   */
  private previous?: OpenFile;
  private readonly used = new Map<string, Entry>();
  /** Entries were set since the last save. */
  private dirty = false;
  private saving?: Promise<void>;
  private snapshot?: (out: SnapshotOutput) => void;

  constructor(readonly file: string) {}

  async readSnapshot(): Promise<IndexSnapshot | undefined> {
    const snap = await readFramed(`${this.file}.snapshot`, assembleSnapshot);
    return snap && typeof snap.fingerprint === 'string' ? snap : undefined;
  }

  writeSnapshot(snapshot: (out: SnapshotOutput) => void): void {
    this.snapshot = snapshot;
  }

  // Missing or damaged records: the server indexes the workspace again on the first edit.
  async readUpdates(id: string): Promise<PackedUpdates | undefined> {
    return readFramed(`${this.file}.updates`, (frames) => assembleUpdates(frames, id));
  }

  // get() is synchronous (it runs inside the column phase), so the index is read by prepare(),
  // which the index awaits before it asks for any entry.
  async prepare(): Promise<void> {
    this.open();
  }

  private open(): OpenFile {
    this.opened ??= openAnalyses(this.file);
    return this.opened;
  }

  retainAll(): void {
    for (const [key, e] of this.open().entries) if (!this.used.has(key)) this.used.set(key, e);
  }

  get(key: string): CachedAnalysis | undefined {
    const hit = this.used.get(key) ?? this.opened?.entries.get(key) ?? this.previous?.entries.get(key);
    if (!hit) return undefined;
    this.used.set(key, hit);
    if (!isLocated(hit)) return hit;
    try {
      return decodeEntry(readAt(hit));
    } catch {
      return undefined; // the file was damaged since it was opened: a miss, parsed again
    }
  }

  has(key: string): boolean {
    return this.used.has(key) || !!this.opened?.entries.has(key) || !!this.previous?.entries.has(key);
  }

  set(key: string, value: CachedAnalysis): void {
    this.used.set(key, value);
    this.dirty = true;
  }

  /**
   * Writes the entries this process used (saved ones copied from the old file, new ones
   * serialised), then the index snapshot. A process that restored its index from the snapshot
   * and read no entry leaves the analyses file as it is, for the next build that needs it.
   */
  save(): Promise<void> {
    // One save at a time: they write the same files.
    this.saving = (this.saving ?? Promise.resolve()).catch(() => undefined).then(() => this.saveNow());
    return this.saving;
  }

  private async saveNow(): Promise<void> {
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    if (this.dirty && !this.opened) this.open();
    const old = this.opened;
    // The file already holds exactly the entries used: nothing new, none read from elsewhere.
    const same = old && !this.dirty && this.used.size === old.entries.size && [...this.used.values()].every((e) => isLocated(e) && e.file === old);
    if (old && !same) {
      const written = [...this.used];
      this.dirty = false;
      const tmp = temporary(this.file);
      await writeAnalyses(tmp, written);
      await fs.promises.rename(tmp, this.file);
      this.adopt(openAnalyses(this.file), old);
    }
    if (this.snapshot) {
      // The update records go to a file of their own: a restore reads only the index (the first
      // answers wait for it), and the records after (see LineageIndex.prepareUpdates). Both are
      // written in one synchronous go, so no update changes the index half-way (see frames.ts);
      // the records first, as the snapshot names them.
      const written: [string, string][] = [];
      const write = (file: string) => (frames: Iterable<Frame>) => {
        const tmp = temporary(file);
        writeFramesToFile(tmp, frames);
        written.push([tmp, file]);
      };
      try {
        this.snapshot({ updates: write(`${this.file}.updates`), index: write(`${this.file}.snapshot`) });
      } catch (e) {
        for (const [tmp] of written) fs.rmSync(tmp, { force: true });
        throw e;
      }
      for (const [tmp, file] of written) await fs.promises.rename(tmp, file);
    }
  }

  async close(): Promise<void> {
    await this.saving?.catch(() => undefined);
    for (const f of [this.opened, this.previous]) if (f?.fd !== undefined) fs.closeSync(f.fd);
    this.opened = this.previous = undefined;
    this.used.clear();
  }

  /**
   * Switches to the file just written. A build may have run while it was written, so the old
   * file stays open for the entries it has not asked for yet (until the next save), and an
   * entry it read but that was not written is kept in memory. Used entries are found in the new
   * file by key: a key is a hash of everything that decides the entry.
   */
  private adopt(next: OpenFile, old: OpenFile): void {
    for (const [key, e] of this.used) {
      const moved = next.entries.get(key);
      if (moved) this.used.set(key, moved);
      else if (isLocated(e) && e.file !== next) {
        this.used.set(key, decodeEntry(readAt(e)));
        this.dirty = true;
      }
    }
    if (this.previous?.fd !== undefined) fs.closeSync(this.previous.fd);
    this.previous = old;
    this.opened = next;
  }
}

/** Where `file` is written before it is renamed over it: a reader never sees half a file. */
const temporary = (file: string) => `${file}.${process.pid}.tmp`;

/** What `assemble` makes of a file's frames; undefined when the file is missing, cut short or foreign. */
async function readFramed<T>(file: string, assemble: (frames: Iterable<Frame>) => T): Promise<T | undefined> {
  try {
    return assemble(readFrames(await fs.promises.readFile(file)));
  } catch {
    return undefined;
  }
}

function fdOf(file: OpenFile): number {
  if (file.fd === undefined) throw new Error('analyses file is closed');
  return file.fd;
}

/** The entry's bytes, read from their place in the file. */
function readAt(at: Located): Buffer {
  const fd = fdOf(at.file);
  const buf = Buffer.allocUnsafe(at.length);
  if (fs.readSync(fd, buf, 0, at.length, at.offset) !== at.length) throw new Error('analyses file is shorter than its index');
  return buf;
}

/**
 * Layout: each entry's serialised bytes one after another, then an index (v8-serialised
 * { version, keys, lengths }, entries in the order of `keys`), then 4 bytes (little-endian)
 * giving the index's length. The index comes last so entries can be serialised and written a
 * chunk at a time (serialising them all first churned ~90 MB through the C heap, which Node does
 * not give back). A missing, truncated or foreign file is an empty cache, never an error.
 */
function openAnalyses(file: string): OpenFile {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const tail = Buffer.alloc(4);
    if (size < 4 || fs.readSync(fd, tail, 0, 4, size - 4) !== 4) throw new Error('short');
    const indexLength = tail.readUInt32LE(0);
    if (indexLength + 4 > size) throw new Error('short');
    const index = Buffer.allocUnsafe(indexLength);
    fs.readSync(fd, index, 0, indexLength, size - 4 - indexLength);
    const h = deserialize(index) as { version: number; keys: string[]; lengths: Uint32Array };
    if (h?.version !== FORMAT || !Array.isArray(h.keys) || !(h.lengths instanceof Uint32Array) || h.keys.length !== h.lengths.length) throw new Error('foreign');
    const opened: OpenFile = { fd, entries: new Map() };
    let offset = 0;
    h.keys.forEach((key, i) => {
      opened.entries.set(key, { file: opened, offset, length: h.lengths[i] });
      offset += h.lengths[i];
    });
    if (offset !== size - 4 - indexLength) throw new Error('inconsistent');
    return opened;
  } catch {
    if (fd !== undefined) fs.closeSync(fd);
    return { entries: new Map() };
  }
}

/**
 * An entry's bytes: its small fields as JSON, then its packed analyses as they are (they are v8
 * bytes already). Serialising the whole entry copied every analysis into a buffer of its own,
 * which lived until the next collection: 80 MB more at the peak of a first save at 10,000 models.
 * The fields are JSON, not v8: each v8 serialisation holds about 2 KB of C heap until the next
 * full collection (its serialiser's zone), 33 MB over the first save of 10,000 entries.
 * Layout: u32 length of the fields, the fields, u32 length of the analysis, the analysis, then
 * the incremental run's analysis (the rest, when there is one).
 */
function encodeEntry(e: CachedAnalysis): Uint8Array[] {
  const fields: Omit<CachedAnalysis, 'analysis' | 'incrementalAnalysis'> = {};
  if (e.sql !== undefined) fields.sql = e.sql;
  if (e.renderedRelations !== undefined) fields.renderedRelations = e.renderedRelations;
  if (e.renderDiagnostics !== undefined) fields.renderDiagnostics = e.renderDiagnostics;
  const meta = Buffer.from(JSON.stringify(fields));
  // allocUnsafe takes small buffers from Node's pool, not a C allocation each.
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32LE(meta.length, 0);
  const mid = Buffer.allocUnsafe(4);
  mid.writeUInt32LE(e.analysis.length, 0);
  return e.incrementalAnalysis ? [head, meta, mid, e.analysis, e.incrementalAnalysis] : [head, meta, mid, e.analysis];
}

function decodeEntry(bytes: Buffer): CachedAnalysis {
  const metaEnd = 4 + bytes.readUInt32LE(0);
  const fields = JSON.parse(bytes.toString('utf8', 4, metaEnd)) as Omit<CachedAnalysis, 'analysis' | 'incrementalAnalysis'>;
  const start = metaEnd + 4;
  const end = start + bytes.readUInt32LE(metaEnd);
  if (end > bytes.length) throw new Error('entry shorter than its analysis');
  const entry: CachedAnalysis = { analysis: bytes.subarray(start, end), ...fields };
  if (end < bytes.length) entry.incrementalAnalysis = bytes.subarray(end);
  return entry;
}

/**
 * Writes entries in the layout openAnalyses() reads, through one reused buffer of a megabyte.
 * Unlike the snapshot, the entries do not change while they are written: the process answers
 * requests between two megabytes.
 */
async function writeAnalyses(file: string, entries: [string, Entry][]): Promise<void> {
  const lengths = new Uint32Array(entries.length);
  const fd = fs.openSync(file, 'w');
  const out = new ByteOutput((bytes) => writeAll(fd, bytes));
  try {
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i][1];
      let flushed = false;
      if (isLocated(e)) {
        lengths[i] = e.length;
        flushed = out.putFromFile(fdOf(e.file), e.offset, e.length);
      } else {
        for (const part of encodeEntry(e)) {
          lengths[i] += part.length;
          flushed = out.put(part) || flushed;
        }
      }
      if (flushed) await new Promise((resolve) => setImmediate(resolve));
    }
    const index = serialize({ version: FORMAT, keys: entries.map(([key]) => key), lengths });
    const tail = Buffer.allocUnsafe(4);
    tail.writeUInt32LE(index.length, 0);
    out.put(index);
    out.put(tail);
    out.flush();
  } finally {
    fs.closeSync(fd);
  }
}
