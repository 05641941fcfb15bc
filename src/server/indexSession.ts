// One workspace folder's index over time. Builds are serialised: an edit or a file event while a
// build runs marks the index dirty and one more build follows, so typing never queues a build
// per keystroke. Requests are answered from the last complete build (never a half-built one),
// and the parse cache makes each rebuild re-analyse only what changed.
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { LineageIndex } from '../core/lineageIndex';
import { NodeFileSystem } from '../core/io/nodeFileSystem';
import { OverlayFileSystem } from '../core/io/overlayFileSystem';
import { FileAnalysisCache } from '../core/cache/fileAnalysisCache';
import { MemoryAnalysisCache } from '../core/cache/analysisCache';
import { ResolveMemo } from '../core/graph/resolveMemo';
import type { AnalysisCache } from '../core/cache/analysisCache';
import type { ServerSettings } from '../protocol/lineageProtocol';
import { FilteredFileSystem } from './filteredFileSystem';
import { EditorView } from './editorView';
import { WorkspacePaths } from './workspacePaths';
import type { GarbageCollector } from './garbageCollection';

export interface SessionHooks {
  workerScript?: string;
  engineVersion: string;
  storagePath?: string;
  log(message: string): void;
  /** Called when a build starts (so the client can show "indexing"). */
  started(firstBuild: boolean): void;
  /** The first build's table graph is ready (CodeLens counts can show; columns still resolving). */
  tableGraph(view: EditorView): void;
  /** Called after each complete build, or with the error that stopped it. */
  finished(view: EditorView | undefined, error?: unknown, durationMs?: number): void;
  /** Runs one full garbage collection, compacting or not (see garbageCollection.ts), where available. */
  collectGarbage?: GarbageCollector;
}

export class IndexSession {
  readonly paths: WorkspacePaths;
  private readonly disk: NodeFileSystem;
  private readonly overlay: OverlayFileSystem;
  private readonly files: FilteredFileSystem;
  private readonly cache: AnalysisCache & { save?(): Promise<void> };
  private disposed = false;
  private current?: EditorView;
  /** What each build resolved, so the next one replays unchanged files (see resolveMemo.ts). */
  private readonly memo = new ResolveMemo();
  /** The next build must index, not restore: the memo is empty after a restore. */
  private fillMemo = false;
  private building?: Promise<void>;
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private saveTimer?: NodeJS.Timeout;
  private saving?: Promise<void>;
  private collectTimer?: NodeJS.Timeout;
  /** The collection to come follows a full build: it may compact (see collectSoon). */
  private collectAfterBuild = false;
  /** The first build's cache is saved just before the collection that follows it (see collectSoon). */
  private saveBeforeCollecting = false;
  /** When a buffer or file last changed (performance.now()): the collection waits for a quiet second. */
  private lastChange = 0;
  /**
   * Files changed since the last build started: 'content' when only the text changed (an
   * update may patch it in place), 'files' when a file came or went (the workspace is indexed).
   */
  private changes = new Map<string, 'content' | 'files'>();
  private readonly waiting: (() => void)[] = [];
  private readonly earlyWaiting: (() => void)[] = [];
  /** The first build's index after its table graph, until that build completes. */
  private early?: EditorView;

  constructor(
    readonly root: string,
    private readonly settings: ServerSettings,
    private readonly hooks: SessionHooks,
  ) {
    this.paths = new WorkspacePaths(root);
    this.disk = new NodeFileSystem(root);
    this.overlay = new OverlayFileSystem(this.disk);
    this.files = new FilteredFileSystem(this.overlay, settings.include, settings.exclude);
    // The cache lives in the extension's storage, never in the workspace (we only read it).
    this.cache = hooks.storagePath ? new FileAnalysisCache(path.join(hooks.storagePath, `${createHash('sha1').update(root).digest('hex').slice(0, 16)}.cache`)) : new MemoryAnalysisCache();
  }

  /** The last complete index, or undefined before the first build ends. */
  get view(): EditorView | undefined {
    return this.current;
  }

  /**
   * Resolves with the view once the first build is done (requests made at start-up wait).
   * With `tableLevel`, the first build's table graph is enough: CodeLens counts need no columns.
   */
  async ready(tableLevel = false): Promise<EditorView | undefined> {
    if (tableLevel && !this.current && this.early) return this.early;
    if (!this.current && (this.building || this.timer)) {
      await new Promise<void>((r) => (tableLevel ? this.earlyWaiting : this.waiting).push(r));
    }
    return this.current ?? (tableLevel ? this.early : undefined);
  }

  /** Resolves when no build is running or scheduled: the view reflects every edit seen so far. */
  async settled(): Promise<EditorView | undefined> {
    while (this.building || this.timer) await new Promise<void>((r) => this.waiting.push(r));
    return this.current;
  }

  /**
   * An open buffer's text (undefined when it closes: the file on disk counts again). Opening a
   * file sends its text too; a buffer that matches the disk changes nothing and builds nothing.
   */
  async setBuffer(uri: string, text: string | undefined): Promise<void> {
    const rel = this.paths.relative(uri);
    if (rel === undefined) return;
    // A buffer whose file is gone from disk (deleted while open, in the editor as "(deleted)")
    // is not part of the workspace any more; events for it may even arrive after the delete.
    const onDisk = await this.disk.readFile(rel);
    const shown = text !== undefined && onDisk !== undefined && text !== onDisk ? text : undefined;
    if (shown === this.overlay.get(rel)) return;
    this.overlay.set(rel, shown);
    if (this.files.allows(rel)) this.changed(rel, onDisk === undefined ? 'files' : 'content');
  }

  /** A file was created, changed or deleted on disk. */
  fileChanged(uri: string, kind: 'created' | 'changed' | 'deleted'): void {
    const rel = this.paths.relative(uri);
    if (rel === undefined) return;
    if (kind === 'deleted') this.overlay.set(rel, undefined);
    if (this.files.allows(rel)) this.changed(rel, kind === 'changed' ? 'content' : 'files');
  }

  private changed(rel: string, kind: 'content' | 'files'): void {
    this.lastChange = performance.now();
    if (this.changes.get(rel) !== 'files') this.changes.set(rel, kind);
    this.schedule();
  }

  /**
   * The session is replaced (the settings changed): nothing more is scheduled, the cache is saved
   * and its file closed. A build under way finishes; its result is not used.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const t of [this.timer, this.saveTimer, this.collectTimer]) if (t) clearTimeout(t);
    this.timer = this.saveTimer = this.collectTimer = undefined;
    await this.building?.catch(() => undefined);
    await this.save();
    await this.cache.close?.();
  }

  /** Builds soon; calls within the delay collapse into one build. */
  schedule(delayMs = 120): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.build();
    }, delayMs);
  }

  /** Builds now, or right after the running build when one is under way. */
  build(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.building) {
      this.dirty = true;
      return this.building;
    }
    this.building = this.run().finally(() => {
      this.building = undefined;
      if (this.dirty) {
        this.dirty = false;
        void this.build();
      } else if (!this.timer) {
        for (const wake of this.waiting.splice(0)) wake();
      }
    });
    return this.building;
  }

  /**
   * Saving keeps a reopened workspace fast, but packing the snapshot blocks this thread for up to
   * a second on a large workspace and writing the analyses takes about as long again. So new
   * analyses wait in memory, and the cache is written after the first build, when the server
   * shuts down, and after five quiet minutes. A failed save only costs speed on the next start.
   */
  private saveCache(delayMs: number): void {
    if (this.disposed) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      if (this.building) return this.saveCache(1_000);
      void this.save();
    }, delayMs);
  }

  /** Writes the cache now (the server calls it on shutdown). */
  async save(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const t0 = performance.now();
    const saving = this.cache.save?.().then(
      () => this.hooks.log(`cache saved in ${(performance.now() - t0).toFixed(0)} ms; ${memory()}`),
      (e: unknown) => this.hooks.log(`cache not saved: ${String(e)}`),
    );
    this.saving = saving;
    await saving;
    if (this.saving === saving) this.saving = undefined;
  }

  /**
   * After a full build, once no build or save is pending and nothing was edited for a second, one
   * full collection gives back what the build left (see garbageCollection.ts). It stops this
   * thread for a few tenths of a second, which should not land between keystrokes. The first
   * build's save comes just before it, so its buffers go too (a plain collection before the save
   * too, see collectNow). In-place updates and the requests around them make garbage too (200 MB
   * over 55 edits and 25,000 requests at 10,000 models), which V8 keeps while the server is quiet:
   * five quiet seconds after an update, one plain collection.
   *
   * After a full build a compacting collection follows when the first left more than a third of
   * the committed heap empty: compacting copies the live heap while holding the old pages, so for
   * a moment the process holds it twice (at 10,000 models that copy was the server's peak, about
   * 1.1 GB, when every build ended with one; a cold build now leaves 25–30% empty, which costs
   * about 60 MB when idle, against 200 MB more at the peak to compact it), and only when the copy
   * stays under the highest RSS the process has had.
   */
  private collectSoon(delayMs = 1_000, afterBuild = true): void {
    const collect = this.hooks.collectGarbage;
    if (!collect || this.disposed) return;
    this.collectAfterBuild ||= afterBuild;
    if (this.collectTimer) clearTimeout(this.collectTimer);
    this.collectTimer = setTimeout(() => {
      this.collectTimer = undefined;
      void this.collectNow(collect, delayMs);
    }, delayMs);
  }

  private async collectNow(collect: GarbageCollector, delayMs: number): Promise<void> {
    const busy = () => this.building || this.timer || this.saving || performance.now() - this.lastChange < delayMs;
    if (busy()) return this.collectSoon(delayMs, false);
    if (this.saveBeforeCollecting) {
      this.saveBeforeCollecting = false;
      // Packing the index for the save takes tens of MB for a moment; on top of the garbage the
      // build left, that was the cold session's peak. Collected first, it fits in pages the
      // garbage held, and the collection after gives back what the save left.
      collect(false);
      await this.save();
      if (this.disposed) return;
      if (busy()) return this.collectSoon(delayMs, false);
    }
    const afterBuild = this.collectAfterBuild;
    this.collectAfterBuild = false;
    const t0 = performance.now();
    const before = process.memoryUsage().heapTotal;
    collect(false);
    const after = process.memoryUsage();
    const sparse = afterBuild && after.heapTotal - after.heapUsed > after.heapTotal / 3;
    // The copy must fit under the process's high-water mark so far: a compaction that set a new
    // peak would trade the worst moment for a better idle one.
    const fits = after.rss + after.heapUsed <= process.resourceUsage().maxRSS * 1024;
    if (sparse && fits) collect(true);
    const end = process.memoryUsage();
    const how = sparse ? (fits ? ' and compacted' : ' (not compacted: the copy would raise the peak)') : '';
    this.hooks.log(`heap collected${how} in ${(performance.now() - t0).toFixed(0)} ms: ${mb(before)} → ${mb(end.heapTotal)} committed, ${mb(end.heapUsed)} used`);
  }

  /**
   * A large workspace's first index takes a while to resolve every column; its table graph
   * comes much sooner and already has what CodeLens counts, so lenses need not wait.
   */
  private showEarly(index: LineageIndex): void {
    this.early = new EditorView(index, false);
    for (const wake of this.earlyWaiting.splice(0)) wake();
    this.hooks.tableGraph(this.early);
  }

  /**
   * Edits that only change files' text are patched into the current index in place (a few
   * milliseconds, see inPlaceUpdate.ts); true when that worked. Otherwise the log says why and
   * the workspace is indexed again.
   */
  private async patch(changes: Map<string, 'content' | 'files'>): Promise<boolean> {
    const current = this.current;
    if (!current || !changes.size) return false;
    if ([...changes.values()].includes('files')) {
      this.hooks.log('indexing again: files were created or deleted');
      return false;
    }
    try {
      const outcome = await current.index.update([...changes.keys()]);
      if (!outcome.applied) {
        this.hooks.log(`indexing again: ${outcome.reason}`);
        return false;
      }
      this.current = new EditorView(current.index);
      this.hooks.log(`updated ${[...changes.keys()].join(', ')} in place: ${outcome.resolved} model${outcome.resolved === 1 ? '' : 's'} resolved again in ${outcome.ms.toFixed(0)} ms; ${memory()}`);
      this.hooks.finished(this.current, undefined, outcome.ms);
      this.saveCache(300_000);
      this.collectSoon(5_000, false);
      return true;
    } catch (e) {
      this.hooks.log(`in-place update failed, indexing again: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return false;
    }
  }

  private async run(): Promise<void> {
    const changes = this.changes;
    this.changes = new Map();
    if (!this.fillMemo && (await this.patch(changes))) return;
    const first = !this.current;
    this.hooks.started(first);
    const t0 = performance.now();
    try {
      const index = new LineageIndex(this.files, {
        dialect: this.settings.sqlDialect || undefined,
        maxFileSize: this.settings.maxFileSizeKB > 0 ? this.settings.maxFileSizeKB * 1024 : undefined,
        cache: this.cache,
        workerScript: this.hooks.workerScript,
        engineVersion: this.hooks.engineVersion,
        onTableGraph: first ? () => this.showEarly(index) : undefined,
        // Requests are answered on this thread: a build gives them a turn every 15 ms.
        yieldEveryMs: 15,
        resolveMemo: this.memo,
        restoreSnapshot: !this.fillMemo,
        keepForUpdates: true,
      });
      this.fillMemo = false;
      await index.build();
      this.current = new EditorView(index);
      this.early = undefined;
      for (const wake of this.earlyWaiting.splice(0)) wake();
      const ms = performance.now() - t0;
      const t = index.timings;
      this.hooks.log(`indexed ${this.root}: ${index.assets.assets.length} assets in ${ms.toFixed(0)} ms (${t.restored ? 'restored from cache' : `${t.parsed} parsed, ${t.cached} from cache, ${t.replayed} resolved as before`}); ${memory()}`);
      this.hooks.finished(this.current, undefined, ms);
      if (t.restored && index.updatable) {
        // The snapshot kept how each file resolved: edits are patched in place once the dbt
        // projects are read again, two seconds on (the first edit's update waits for it).
        setTimeout(() => {
          if (this.disposed || this.current?.index !== index) return; // replaced meanwhile
          const t1 = performance.now();
          index.prepareUpdates().then(
            () => {
              // The records are read now; a missing or damaged file leaves the index without them.
              if (index.updatable) this.hooks.log(`ready for in-place updates in ${(performance.now() - t1).toFixed(0)} ms; ${memory()}`);
              else this.hooks.log('the update records saved with the snapshot could not be read: the first edit indexes the workspace again');
              this.collectSoon(1_000, false); // reading the projects left their files' facts and texts
            },
            (e: unknown) => this.hooks.log(`reading the dbt projects for updates failed: ${String(e)}`),
          );
        }, 2_000);
      } else if (t.restored) {
        // A snapshot without resolution records (an index not built for updates took it): the first edit would
        // resolve every file again, so index once in the background while the editor is idle.
        this.fillMemo = true;
        this.schedule(2_000);
      }
      if (first && this.hooks.collectGarbage) this.saveBeforeCollecting = true;
      else this.saveCache(first ? 0 : 300_000);
      this.collectSoon();
    } catch (e) {
      this.hooks.log(`index build failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      this.early = undefined;
      for (const wake of this.earlyWaiting.splice(0)) wake();
      this.hooks.finished(this.current, e);
    }
  }
}

/** The server's memory as its log lines report it. */
function memory(): string {
  const mem = process.memoryUsage();
  return `heap ${mb(mem.heapUsed)}, rss ${mb(mem.rss)}`;
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1048576)} MB`;
}
