/**
 * For long synchronous loops in a process that must keep answering (the language server builds
 * its index on the same thread that answers the editor): returns a function to call once per
 * iteration, which hands the event loop a turn (setImmediate, so I/O and messages get in) when
 * `budgetMs` have passed since the last turn, and returns undefined otherwise — so the loop pays
 * for an `await` only when it actually yields. Without a budget it never yields (CLI, tests).
 */
export function yielder(budgetMs?: number): () => Promise<void> | undefined {
  if (!budgetMs || budgetMs <= 0) return () => undefined;
  let last = performance.now();
  // Concurrent loops (the prefetch runs many readers) share one turn: each with its own
  // setImmediate, every reader would run its full budget again inside the same check phase.
  let pending: Promise<void> | undefined;
  return () => {
    if (pending) return pending;
    if (performance.now() - last < budgetMs) return undefined;
    pending = new Promise<void>((resolve) =>
      setImmediate(() => {
        last = performance.now();
        pending = undefined;
        resolve();
      }),
    );
    return pending;
  };
}
