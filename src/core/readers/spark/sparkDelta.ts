// Delta Lake's Python API, as lakehouse jobs upsert: `DeltaTable.forName(spark, "silver.customers")`
// (or `forPath`), then `.merge(updates, cond).whenMatchedUpdateAll().whenNotMatchedInsertAll()
// .execute()`, or `.update(...)` / `.delete(...)`. The table is written by the job: a merge with
// the source frame's columns (what UpdateAll/InsertAll write), an update or delete as a write of
// the table itself. `.toDF()` reads the table as a frame.
import type { Location } from '../../model';
import type { PyNode } from '../../python/pythonParser';
import type { PyScopes } from '../../python/pyValues';
import { callArguments, stringValue } from '../../python/pyValues';
import { normalizePath } from '../../io/paths';
import type { Frame } from './sparkFrames';
import type { SparkWrite, WriteTarget } from './sparkWrites';
import { tableRelation } from './sparkWrites';

export type DeltaValue = { kind: 'deltaClass' } | { kind: 'delta'; target: WriteTarget; merge?: Frame };

/** Merge builder steps that keep the merge as it is (their own expressions are not followed). */
const MERGE_STEPS = /^(alias|as_|when(Not)?Matched(BySource)?\w*|withSchemaEvolution)$/;

interface DeltaContext {
  scopes: PyScopes;
  writes: SparkWrite[];
  at(node: PyNode): Location;
  unknownArg(node: PyNode | undefined, what: string): void;
  frameOf(node: PyNode): Frame | undefined;
  /** A frame that reads `target` (toDF). */
  readTarget(target: WriteTarget): Frame;
}

/** `DeltaTable.forName(spark, name)` / `DeltaTable.forPath(spark, path)`. */
export function deltaTable(ctx: DeltaContext, method: string, call: PyNode): DeltaValue | undefined {
  if (method !== 'forName' && method !== 'forPath') return undefined;
  const { positional, keywords } = callArguments(call);
  const arg = positional[1] ?? keywords.get(method === 'forName' ? 'tableOrViewName' : 'path');
  const s = stringValue(arg, ctx.scopes);
  if (!s) {
    ctx.unknownArg(arg, method === 'forName' ? 'the Delta table this job names' : 'the Delta table path this job names');
    return undefined;
  }
  const target: WriteTarget = method === 'forName' ? { kind: 'relation', relation: tableRelation(s.value) } : { kind: 'path', path: normalizePath(s.value) };
  return { kind: 'delta', target };
}

/** A method of a Delta table or of its merge builder. */
export function deltaMethod(ctx: DeltaContext, d: Extract<DeltaValue, { kind: 'delta' }>, method: string, call: PyNode): DeltaValue | { kind: 'frame'; frame: Frame } | undefined {
  if (method === 'toDF') return { kind: 'frame', frame: ctx.readTarget(d.target) };
  if (method === 'merge') {
    const { positional, keywords } = callArguments(call);
    const source = positional[0] ?? keywords.get('source');
    return { ...d, merge: source ? ctx.frameOf(source) : undefined };
  }
  if (MERGE_STEPS.test(method)) return d;
  if (method === 'execute' || method === 'update' || method === 'updateExpr' || method === 'delete') {
    const merged = method === 'execute' ? d.merge : undefined;
    ctx.writes.push({ target: d.target, frame: merged, ...(method === 'execute' && !merged && { unfollowed: true }), location: ctx.at(call) });
  }
  return undefined;
}
