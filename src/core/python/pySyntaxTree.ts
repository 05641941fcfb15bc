// A tree-sitter syntax tree copied into plain JavaScript objects in one cursor pass. Through
// web-tree-sitter's binding every property read is a call into WebAssembly and every
// `parent` / `childForFieldName` / `namedChildren` builds new wrapper objects; the readers ask the
// same nodes many questions, so reading the WebAssembly tree directly cost three times the parse.
// After one copy each question is a field read, and one node is one object: nodes can be compared
// with `===` and the copy can outlive the WebAssembly tree, which is freed at once.
import type { Tree } from '@vscode/tree-sitter-wasm';
import { stepsFor } from './cursorSteps';

export interface Point {
  row: number;
  column: number;
}

/** The text a tree was parsed from, with line starts for positions (computed on first use). */
class PySource {
  private lineStarts?: number[];
  /** Every node of the tree in preorder: node `id` is at index `id - 1`. */
  readonly nodes: PyNode[] = [];

  constructor(readonly text: string) {}

  /** Rows count '\n' only and columns are UTF-16 code units, as web-tree-sitter reports them. */
  position(index: number): Point {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: index - starts[lo] };
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

// Most nodes are leaves; they share one empty list rather than each allocating its own.
const NO_CHILDREN: readonly PyNode[] = Object.freeze([]);

/** One syntax node, with the subset of web-tree-sitter's Node API the readers use. */
export class PyNode {
  private kids = NO_CHILDREN as PyNode[];
  /** tree-sitter's hasError: the node is, or contains, a syntax error. */
  hasError = false;
  private named?: PyNode[];
  /** The id of this node's last descendant (its own id for a leaf): its subtree is ids id..last. */
  last: number;

  constructor(
    private readonly source: PySource,
    /** Unique within the tree (preorder number, from 1). */
    readonly id: number,
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    /** The field this node fills in its parent (`function`, `arguments`, …), if any. */
    readonly field: string | null,
    readonly startIndex: number,
    readonly endIndex: number,
    readonly parent: PyNode | null,
  ) {
    this.last = id;
  }

  get children(): readonly PyNode[] {
    return this.kids;
  }

  /** Used by copyTree only. */
  addChild(node: PyNode): void {
    if (this.kids === NO_CHILDREN) this.kids = [node];
    else this.kids.push(node);
  }

  get text(): string {
    return this.source.text.slice(this.startIndex, this.endIndex);
  }

  get startPosition(): Point {
    return this.source.position(this.startIndex);
  }

  get namedChildren(): PyNode[] {
    return (this.named ??= this.kids.every((c) => c.isNamed) ? this.kids : this.kids.filter((c) => c.isNamed));
  }

  childForFieldName(name: string): PyNode | null {
    for (const c of this.kids) if (c.field === name) return c;
    return null;
  }

  /**
   * This node and its descendants of the given types, in source order (preorder). A subtree is a
   * run of the preorder list, so this is a scan of that run (the readers ask it of the whole file
   * several times per file).
   */
  descendantsOfType(types: string | string[]): PyNode[] {
    const nodes = this.source.nodes;
    const out: PyNode[] = [];
    if (typeof types === 'string') {
      for (let i = this.id - 1; i < this.last; i++) if (nodes[i].type === types) out.push(nodes[i]);
    } else {
      for (let i = this.id - 1; i < this.last; i++) if (types.includes(nodes[i].type)) out.push(nodes[i]);
    }
    return out;
  }
}

// Whether a node is named depends only on its type id (aliases have ids of their own), so each
// id of the one grammar used (Python) is asked once per thread rather than once per node.
const namedById: boolean[] = [];

/** Copies a web-tree-sitter tree; the caller still owns (and deletes) `tree`. */
export function copyTree(tree: Tree, text: string): PyNode {
  const source = new PySource(text);
  const { types, fields } = tree.language;
  // Only a tree with errors has ERROR and MISSING nodes to flag: elsewhere the slower questions
  // (one wrapper object per node) are not asked.
  const errors = tree.rootNode.hasError;
  const cursor = tree.walk();
  const c = stepsFor(tree, cursor, errors);
  let nextId = 1;
  const add = (parent: PyNode | null): PyNode => {
    const typeId = c.typeId();
    const isNamed = (namedById[typeId] ??= c.isNamed());
    const node = new PyNode(source, nextId++, types[typeId] || 'ERROR', isNamed, errors && c.isMissing(), fields[c.fieldId()] ?? null, c.start(), c.end(), parent);
    if (errors) node.hasError = c.hasError();
    parent?.addChild(node);
    source.nodes.push(node);
    return node;
  };
  try {
    const root = add(null);
    let current = root;
    for (;;) {
      if (c.firstChild()) {
        current = add(current);
        continue;
      }
      // `current` has no children left to copy; neither has its parent once it is the last child.
      for (;;) {
        current.last = nextId - 1;
        if (c.nextSibling()) break;
        if (!c.parent()) return root;
        current = current.parent as PyNode;
      }
      current = add(current.parent);
    }
  } finally {
    c.finish();
    cursor.delete();
  }
}
