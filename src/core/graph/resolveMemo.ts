// Resolving columns is most of a rebuild's time, yet an edit changes one file: the others
// resolve exactly as before. The column phase therefore records, per job, what resolving it did
// (references, edges, output columns, diagnostics, implicit tables) and what it looked at (the
// state of every asset it touched, and the asset each relation resolved to). The next build of
// the same process replays a job whose analysis is unchanged and whose inputs still look the
// same, instead of resolving it. Any difference, and the job is resolved afresh.
import { createHash } from 'node:crypto';
import type { Diagnostic, Relation } from '../model';
import type { Asset, AssetIndex } from './assetIndex';
import { setAssetColumns } from './assetIndex';
import type { ColumnReference, LineageGraph } from './lineageGraph';

/** How the column phase changes the index; recorded when a job may be replayed later. */
export interface Effects {
  addReference(ref: ColumnReference): void;
  addEdge(from: string, to: string): void;
  setColumns(asset: Asset, names: string[], complete: boolean, defs?: { name: string; type?: string }[]): void;
  markUnresolvedStar(asset: Asset): void;
  diagnostic(d: Diagnostic): void;
  relationAsset(r: Relation): Asset;
  /** The job read this asset's state (columns, type, project): noted before the job changes it. */
  touch(asset: Asset | undefined): void;
  /** The asset a relation of the job resolved to. */
  resolved(rel: Relation, asset: Asset | undefined): void;
}

interface Host {
  assets: AssetIndex;
  graph: LineageGraph;
  diagnostics: Diagnostic[];
  relationAsset(r: Relation): Asset;
}

// A reference is kept as itself, not wrapped in { kind: 'ref', ref }: there is one per column
// reference of the workspace (270,000 wrappers, 10 MB, at 10,000 models).
export type Op =
  | ColumnReference
  | { kind: 'edge'; from: string; to: string }
  | { kind: 'columns'; asset: string; names: string[]; complete: boolean; defs?: { name: string; type?: string }[] }
  | { kind: 'star'; asset: string }
  | { kind: 'diag'; d: Diagnostic }
  | { kind: 'relation'; relation: Relation };

export function isReference(op: Op): op is ColumnReference {
  return !('kind' in op);
}

export interface JobRecord {
  touched: Map<string, string>;
  created: Set<string>;
  resolutions: [Relation, string | undefined][];
  ops: Op[];
}

/**
 * What a job's result depends on in an asset: everything the resolver reads of it, hashed. Each
 * job keeps one per asset it read (40,000 at 10,000 models, in memory and in the snapshot): as
 * the text itself, with every column name, they were about 15 MB.
 */
export function signature(a: Asset): string {
  return createHash('sha1').update(`${a.asset_type}|${a.columnsComplete ? 1 : 0}|${String(a.meta.project ?? '')}|${a.columns.map((c) => c.name.toLowerCase()).join(',')}`).digest('base64url');
}

export function directEffects(host: Host): Effects {
  return {
    addReference: (ref) => host.graph.addReference(ref),
    addEdge: (from, to) => host.graph.addEdge(from, to, 'explicit'),
    setColumns: (asset, names, complete, defs) => setAssetColumns(asset, names, complete, defs),
    markUnresolvedStar: (asset) => void (asset.meta.unresolvedStar = true),
    diagnostic: (d) => void host.diagnostics.push(d),
    relationAsset: (r) => host.relationAsset(r),
    touch: () => undefined,
    resolved: () => undefined,
  };
}

/** Effects that apply to the index and remember themselves in `record`. */
export function recordingEffects(host: Host): { effects: Effects; record: JobRecord } {
  const record: JobRecord = { touched: new Map(), created: new Set(), resolutions: [], ops: [] };
  const apply = directEffects(host);
  const effects: Effects = {
    addReference: (ref) => (record.ops.push(ref), apply.addReference(ref)),
    addEdge: (from, to) => (record.ops.push({ kind: 'edge', from, to }), apply.addEdge(from, to)),
    setColumns: (asset, names, complete, defs) => {
      record.ops.push({ kind: 'columns', asset: asset.id, names, complete, defs });
      apply.setColumns(asset, names, complete, defs);
    },
    markUnresolvedStar: (asset) => (record.ops.push({ kind: 'star', asset: asset.id }), apply.markUnresolvedStar(asset)),
    diagnostic: (d) => (record.ops.push({ kind: 'diag', d }), apply.diagnostic(d)),
    relationAsset: (r) => {
      const before = host.assets.assets.length;
      const asset = host.relationAsset(r);
      if (host.assets.assets.length > before) record.created.add(asset.id);
      record.ops.push({ kind: 'relation', relation: r });
      return asset;
    },
    touch: (asset) => {
      if (asset && !record.touched.has(asset.id) && !record.created.has(asset.id)) record.touched.set(asset.id, signature(asset));
    },
    resolved: (rel, asset) => void record.resolutions.push([rel, asset?.id]),
  };
  return { effects, record };
}

/**
 * True when replaying `record` now gives what resolving would: every asset the job looked at
 * is as it was, the implicit tables it created do not exist yet, and every relation still
 * resolves to the same asset (`resolve` is the job's own relation lookup).
 */
export function stillValid(record: JobRecord, host: Host, resolve: (rel: Relation) => Asset | undefined): boolean {
  for (const id of record.created) if (host.assets.get(id)) return false;
  for (const [id, sig] of record.touched) {
    const a = host.assets.get(id);
    if (!a || signature(a) !== sig) return false;
  }
  for (const [rel, id] of record.resolutions) if (resolve(rel)?.id !== id) return false;
  return true;
}

/** Re-applies a record through `fx`, the phase's direct effects. */
export function replay(record: JobRecord, host: Host, fx: Effects): void {
  for (const op of record.ops) {
    if (isReference(op)) {
      fx.addReference(op);
      continue;
    }
    switch (op.kind) {
      case 'edge':
        fx.addEdge(op.from, op.to);
        break;
      case 'columns':
        fx.setColumns(host.assets.get(op.asset)!, op.names, op.complete, op.defs);
        break;
      case 'star':
        fx.markUnresolvedStar(host.assets.get(op.asset)!);
        break;
      case 'diag':
        fx.diagnostic(op.d);
        break;
      case 'relation':
        fx.relationAsset(op.relation);
        break;
    }
  }
}

/**
 * The records of one process's builds: a build reads the previous build's records and writes
 * its own (records of files that are gone are dropped with the previous generation).
 */
export class ResolveMemo {
  private previous = new Map<string, JobRecord>();
  private next = new Map<string, JobRecord>();
  replayed = 0;

  get(key: string): JobRecord | undefined {
    return this.previous.get(key);
  }

  keep(key: string, record: JobRecord): void {
    this.next.set(key, record);
  }

  /** Ends a build: its records become the ones the next build replays from. */
  commit(): void {
    this.previous = this.next;
    this.next = new Map();
  }

  /** An in-place update resolved a job again: the next build replays the new record. */
  replace(oldKey: string | undefined, newKey: string | undefined, record: JobRecord): void {
    if (oldKey) this.previous.delete(oldKey);
    if (newKey) this.previous.set(newKey, record);
  }

  /** Starts a build's records (a build that failed half-way left its partial ones: dropped). */
  begin(): void {
    this.next = new Map();
    this.replayed = 0;
  }
}
