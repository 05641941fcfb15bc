// Syntax helpers every Python reader uses: a call's dotted name and its arguments, and a node's
// position for diagnostics. They read the tree only, never values (see pyValues.ts for those).
import type { PyNode } from './pythonParser';

/** `a.b.c(...)` → "a.b.c"; a call on a call's result names the method chain: `x.y().z` → "x.y().z". */
export function callName(call: PyNode): string {
  const fn = call.childForFieldName('function');
  return fn ? dotted(fn) : '';
}

function dotted(n: PyNode): string {
  if (n.type === 'identifier') return n.text;
  if (n.type === 'attribute') {
    const obj = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute');
    return `${obj ? dotted(obj) : ''}.${attr?.text ?? ''}`;
  }
  if (n.type === 'call') return `${callName(n)}()`;
  return n.type;
}

/** Keyword arguments of a call by name, and its positional arguments in order. */
export function callArguments(call: PyNode): { positional: PyNode[]; keywords: Map<string, PyNode> } {
  const positional: PyNode[] = [];
  const keywords = new Map<string, PyNode>();
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name')?.text;
      const value = a.childForFieldName('value');
      if (name && value) keywords.set(name, value);
    } else positional.push(a);
  }
  return { positional, keywords };
}

/** 1-based line and column of a node, as diagnostics and locations use them. */
export function positionOf(node: PyNode): { line: number; column: number } {
  return { line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
}
