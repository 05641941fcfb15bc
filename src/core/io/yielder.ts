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
  return () => {
    const now = performance.now();
    if (now - last < budgetMs) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        last = performance.now();
        resolve();
      }),
    );
  };
}
