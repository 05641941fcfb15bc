// A full build of a large workspace allocates far more short-lived objects (file texts, parse
// results, render inputs, the cache's save buffers) than the index it keeps, and V8 collects the
// old generation only when it has grown: a server that goes quiet after its build keeps that
// garbage, and the pages it sits on, for as long as nothing allocates. So the server asks for one
// full collection once the build and the first save are done and the editor is quiet.
//
// A collection frees empty pages; live objects spread thin over many pages need a compacting one
// to give theirs back. Compacting copies everything alive while the old pages are still held, so
// for a moment the process holds its live heap twice: it is worth it only when much of the
// committed heap is empty (see IndexSession.collectSoon).
//
// Node offers no API for either, so the server turns on two V8 flags: --expose-gc (read when a
// context is created, so a new vm context gets `gc`) and --compact-on-every-full-gc, on only for
// that one collection. Where the runtime refuses either, nothing is collected early.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** Runs one full collection, compacting every page or not. */
export type GarbageCollector = (compact: boolean) => void;

/** A function that runs one full collection, or undefined where that is not possible. */
export function garbageCollector(): GarbageCollector | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    if (typeof gc !== 'function') return undefined;
    return (compact) => {
      if (!compact) return gc();
      v8.setFlagsFromString('--compact-on-every-full-gc');
      try {
        gc();
      } finally {
        v8.setFlagsFromString('--no-compact-on-every-full-gc');
      }
    };
  } catch {
    return undefined;
  }
}
