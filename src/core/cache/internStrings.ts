// Data read back with v8's deserializer holds each string as a copy of its own, where the index
// that wrote it shared one string among every object naming the same asset, path or column. A
// restored language server's update records (see inPlaceUpdate.ts) are mostly such names, so
// they are walked once and every string replaced by the first equal one.

/** Replaces, in place, every string inside `root` (plain objects and arrays) by a shared copy. */
export function internStrings<T>(root: T): T {
  const table = new Map<string, string>();
  const shared = (s: string): string => {
    const known = table.get(s);
    if (known !== undefined) return known;
    table.set(s, s);
    return s;
  };
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        if (typeof v === 'string') node[i] = shared(v);
        else if (v && typeof v === 'object') stack.push(v);
      }
    } else if (node && typeof node === 'object' && !ArrayBuffer.isView(node)) {
      const o = node as Record<string, unknown>;
      for (const key of Object.keys(o)) {
        const v = o[key];
        if (typeof v === 'string') o[key] = shared(v);
        else if (v && typeof v === 'object') stack.push(v);
      }
    }
  }
  return root;
}
