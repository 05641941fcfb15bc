// After `if … elif … else` a name may hold what any branch left in it. A name bound to different
// frames carries the columns of all of them (a job that reads the full table or the day's
// increment writes columns from both); without an `else`, the value from before the `if` is one
// of the candidates (the caller passes it as one of the ends).
import type { Value } from './sparkEval';
import { combineFrames } from './sparkFrames';

export function mergeBranches(before: Map<string, Value>, ends: Map<string, Value>[]): Map<string, Value> {
  const merged = new Map(before);
  for (const name of new Set(ends.flatMap((e) => [...e.keys()]))) {
    const values = ends.map((e) => e.get(name));
    const frames = values.flatMap((v) => (v?.kind === 'frame' ? [v.frame] : []));
    const first = values.find((v) => v);
    if (new Set(frames).size > 1) merged.set(name, { kind: 'frame', frame: frames.reduce((a, b) => combineFrames(a, b)) });
    else if (first) merged.set(name, first);
  }
  return merged;
}
