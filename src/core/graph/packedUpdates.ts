// The language server's update records (see inPlaceUpdate.ts) as the index snapshot saves them:
// frames (see frames.ts) of facts, base columns and job records, where a job's references and
// diagnostics are given by their place in the snapshot's lists, so a restored index takes back
// the very objects it restored. Each frame's records are packed as it is written, not all first.
import type { Diagnostic, FileFacts, Relation } from '../model';
import type { ColumnReference } from './lineageGraph';
import type { JobRecord, Op } from './resolveMemo';
import { isReference } from './resolveMemo';
import type { Base, JobSlot } from './inPlaceUpdate';
import { UpdateState } from './inPlaceUpdate';
import type { Frame } from '../cache/frames';
import { chunks } from '../cache/frames';
import { MissingReference } from '../cache/indexSnapshot';

/** The records as read back, before they are tied to a restored index's references. */
export interface PackedUpdates {
  facts: FileFacts[];
  base: [string, Base][];
  slots: PackedSlot[];
  cyclic: boolean;
}

type PackedOp = number | { kind: 'diagAt'; at: number } | Exclude<Op, ColumnReference>;

interface PackedSlot extends Omit<JobSlot, 'record'> {
  touched: [string, string][];
  created: string[];
  resolutions: [Relation, string | undefined][];
  ops: PackedOp[];
}

/** `state`'s frames; throws MissingReference when a reference it would take back is not in `references`. */
export function* updateFrames(state: UpdateState, references: ColumnReference[], diagnosticList: Diagnostic[]): Generator<Frame> {
  const refs = new Map<ColumnReference, number>();
  for (const r of references) refs.set(r, refs.size);
  const diagnostics = new Map(diagnosticList.map((d, i) => [d, i]));
  const { facts, base, slots, cyclic } = state.contents();
  yield ['cyclic', cyclic];
  for (const c of chunks(facts, 500)) yield ['facts', c];
  for (const c of chunks([...base], 1000)) yield ['base', c];
  for (const c of chunks(slots, 500)) yield ['slots', c.map((slot) => packSlot(slot, refs, diagnostics))];
}

function packSlot(slot: JobSlot, refs: Map<ColumnReference, number>, diagnostics: Map<Diagnostic, number>): PackedSlot {
  const record = slot.record;
  const ops: PackedOp[] = [];
  for (const op of record.ops) {
    if (isReference(op)) {
      const at = refs.get(op);
      if (at === undefined) throw new MissingReference(`${op.consumer} → ${op.upstream}.${op.column} is not in the snapshot`);
      ops.push(at);
    } else if (op.kind === 'diag') {
      // A diagnostic dropped as a duplicate is in no list: an update has nothing to take back.
      const at = diagnostics.get(op.d);
      ops.push(at === undefined ? op : { kind: 'diagAt', at });
    } else ops.push(op);
  }
  const { path, ownerId, key, range, inferred, querySql } = slot;
  return { path, ownerId, key, range, inferred, querySql, touched: [...record.touched], created: [...record.created], resolutions: record.resolutions, ops };
}

/** The records in `frames` when their head names `id`; undefined for another id. Throws when they are not records. */
export function assembleUpdates(frames: Iterable<Frame>, id: string): PackedUpdates | undefined {
  const packed: PackedUpdates = { facts: [], base: [], slots: [], cyclic: false };
  let first = true;
  for (const [kind, value] of frames) {
    if (first && (kind !== 'head' || (value as { id?: string })?.id !== id)) return undefined;
    first = false;
    if (kind === 'head') continue;
    if (kind === 'cyclic') packed.cyclic = value === true;
    else if (kind === 'facts' || kind === 'base' || kind === 'slots') for (const v of value as unknown[]) (packed[kind] as unknown[]).push(v);
    else throw new Error(`unknown update frame ${kind}`);
  }
  return first ? undefined : packed;
}

/** Records read back, tied to the restored index's references and diagnostics (in the snapshot's order). */
export function unpackUpdates(p: PackedUpdates, refs: ColumnReference[], diagnostics: Diagnostic[]): UpdateState {
  const slots = p.slots.map((s): JobSlot => {
    const record: JobRecord = { touched: new Map(s.touched), created: new Set(s.created), resolutions: s.resolutions, ops: [] };
    for (const op of s.ops) record.ops.push(typeof op === 'number' ? refs[op] : op.kind === 'diagAt' ? { kind: 'diag', d: diagnostics[op.at] } : op);
    return { path: s.path, ownerId: s.ownerId, key: s.key, range: s.range, inferred: s.inferred, querySql: s.querySql, record };
  });
  return UpdateState.fromContents(p.facts, new Map(p.base), slots, p.cyclic);
}
