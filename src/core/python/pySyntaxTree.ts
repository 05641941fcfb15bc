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
  /** Every node of the tree in preorder: node `id` is at index `id - 1` (set when the copy is done). */
  nodes: PyNode[] = [];

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

const NAMED = 1;
const MISSING = 2;
const HAS_ERROR = 4;

// Children lists are collected here and copied out at their exact length: a list grown by push()
// from one element keeps room for 17, and most parents have two or three children. Its entries
// are cleared after each use, so it holds no tree alive.
const scratch: PyNode[] = [];

/**
 * One syntax node, with the subset of web-tree-sitter's Node API the readers use. A file has a
 * few hundred nodes and the bench's 2,000 files 460,000, all made in one pass and dropped after
 * the file is read, so the node is kept small: the three flags share one number, and a children
 * list is made only when asked for (from the preorder list, where a node's children follow it).
 */
export class PyNode {
  private kids?: readonly PyNode[];
  private named?: readonly PyNode[];
  /** The id of this node's last descendant (its own id for a leaf): its subtree is ids id..last. */
  last: number;

  constructor(
    private readonly source: PySource,
    /** Unique within the tree (preorder number, from 1). */
    readonly id: number,
    readonly type: string,
    /** NAMED | MISSING | HAS_ERROR. */
    private flags: number,
    /** The field this node fills in its parent (`function`, `arguments`, …), if any. */
    readonly field: string | null,
    readonly startIndex: number,
    readonly endIndex: number,
    readonly parent: PyNode | null,
  ) {
    this.last = id;
  }

  get isNamed(): boolean {
    return (this.flags & NAMED) !== 0;
  }

  get isMissing(): boolean {
    return (this.flags & MISSING) !== 0;
  }

  /** tree-sitter's hasError: the node is, or contains, a syntax error. */
  get hasError(): boolean {
    return (this.flags & HAS_ERROR) !== 0;
  }

  /** Used by copyTree only. */
  markError(): void {
    this.flags |= HAS_ERROR;
  }

  /** The first child is the next node in preorder; each next sibling follows the last descendant of the one before. */
  get children(): readonly PyNode[] {
    // Kept this small so it inlines where the readers loop over children.
    return this.kids ?? this.listChildren();
  }

  private listChildren(): readonly PyNode[] {
    if (this.last === this.id) return (this.kids = NO_CHILDREN);
    const nodes = this.source.nodes;
    let n = 0;
    for (let i = this.id; i < this.last; i = nodes[i].last) scratch[n++] = nodes[i];
    const kids = scratch.slice(0, n);
    // Emptied by hand: setting `length = 0` would drop its storage, which the next list regrows.
    for (let i = 0; i < n; i++) scratch[i] = undefined as unknown as PyNode;
    return (this.kids = kids);
  }

  /** Every node of the tree in preorder: node `id` is at index `id - 1`, its subtree up to index `last - 1`. */
  get treeNodes(): readonly PyNode[] {
    return this.source.nodes;
  }

  get text(): string {
    return this.source.text.slice(this.startIndex, this.endIndex);
  }

  get startPosition(): Point {
    return this.source.position(this.startIndex);
  }

  get namedChildren(): PyNode[] {
    if (this.named) return this.named as PyNode[];
    const kids = this.children;
    let all = true;
    for (let i = 0; i < kids.length; i++) if (!kids[i].isNamed) all = false;
    return (this.named = all ? kids : kids.filter((c) => c.isNamed)) as PyNode[];
  }

  childForFieldName(name: string): PyNode | null {
    const kids = this.children;
    for (let i = 0; i < kids.length; i++) if (kids[i].field === name) return kids[i];
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

// The preorder list is built here and copied out at its exact length: pushed from empty, a list
// of n nodes allocates about 3n slots on the way. Cleared after each copy (and dropped after a
// large one), so it holds no tree alive.
const building: PyNode[] = [];
const KEEP_BUILDING = 1 << 16;

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
    const flags = (isNamed ? NAMED : 0) | (errors && c.isMissing() ? MISSING : 0);
    const node = new PyNode(source, nextId++, types[typeId] || 'ERROR', flags, fields[c.fieldId()] ?? null, c.start(), c.end(), parent);
    if (errors && c.hasError()) node.markError();
    building[nextId - 2] = node;
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
        if (!c.parent()) {
          source.nodes = building.slice(0, nextId - 1);
          return root;
        }
        current = current.parent as PyNode;
      }
      current = add(current.parent);
    }
  } finally {
    c.finish();
    cursor.delete();
    if (building.length > KEEP_BUILDING) building.length = 0;
    else building.fill(undefined as unknown as PyNode, 0, nextId - 1);
  }
}
