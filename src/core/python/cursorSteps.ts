// The cursor steps copyTree takes over a tree-sitter tree, in two implementations.
//
// web-tree-sitter keeps a cursor's state in JavaScript and, for every step or question, writes it
// into the binding's transfer buffer (four `setValue` calls, each switching on a type string),
// calls the WebAssembly function, and reads the state back (four `getValue`). Copying a tree asks
// six or seven questions per node, so that marshalling cost about as much as tree-sitter's parse.
//
// The binding's C side (lib/binding_web/lib/tree-sitter.c) reads the cursor from the transfer
// buffer on every call and writes it back after each move; questions (type, field, start, end)
// only read it. So while one copy runs and nothing else calls into tree-sitter (copyTree is
// synchronous), the buffer already holds the current cursor: the WebAssembly functions can be
// called directly, with the state written once before the walk (DirectSteps). Emscripten puts
// those functions on the module object Parser.init was given (`_ts_tree_cursor_*_wasm`).
//
// That object is not web-tree-sitter's public API, so its shape is checked once (bindingFor) and
// any mismatch falls back to the public cursor (PublicSteps); the unit tests compare both
// copies with web-tree-sitter's own nodes. Trees with syntax errors always take the public path:
// they need `hasError` of each node, which only a node wrapper answers.
import type { Tree, TreeCursor } from '@vscode/tree-sitter-wasm';

export interface CursorSteps {
  firstChild(): boolean;
  nextSibling(): boolean;
  parent(): boolean;
  typeId(): number;
  isNamed(): boolean;
  fieldId(): number;
  start(): number;
  end(): number;
  /** Only asked when the tree has errors. */
  isMissing(): boolean;
  hasError(): boolean;
  /** Leaves the cursor object consistent for its delete(). */
  finish(): void;
}

export class PublicSteps implements CursorSteps {
  constructor(private readonly c: TreeCursor) {}
  firstChild(): boolean {
    return this.c.gotoFirstChild();
  }
  nextSibling(): boolean {
    return this.c.gotoNextSibling();
  }
  parent(): boolean {
    return this.c.gotoParent();
  }
  typeId(): number {
    return this.c.nodeTypeId;
  }
  isNamed(): boolean {
    return this.c.nodeIsNamed;
  }
  fieldId(): number {
    return this.c.currentFieldId;
  }
  start(): number {
    return this.c.startIndex;
  }
  end(): number {
    return this.c.endIndex;
  }
  isMissing(): boolean {
    return this.c.nodeIsMissing;
  }
  hasError(): boolean {
    return this.c.currentNode.hasError;
  }
  finish(): void {}
}

type TreeFn = (tree: number) => number;

/** The binding's exports copyTree calls, as Emscripten names them on the module object. */
const EXPORTS = {
  firstChild: '_ts_tree_cursor_goto_first_child_wasm',
  nextSibling: '_ts_tree_cursor_goto_next_sibling_wasm',
  parent: '_ts_tree_cursor_goto_parent_wasm',
  typeId: '_ts_tree_cursor_current_node_type_id_wasm',
  isNamed: '_ts_tree_cursor_current_node_is_named_wasm',
  fieldId: '_ts_tree_cursor_current_field_id_wasm',
  start: '_ts_tree_cursor_start_index_wasm',
  end: '_ts_tree_cursor_end_index_wasm',
} as const;

interface Binding {
  module: Record<string, unknown>;
  /** Address of the transfer buffer (its first four 32-bit words hold a cursor). */
  transfer: number;
}

let binding: Binding | undefined;
let dropped: Binding | undefined;

/**
 * Remembers the module object Parser.init filled in, if it has the shape DirectSteps relies on.
 * `_ts_init` only returns the static transfer buffer's address (and writes the version numbers
 * Parser.init already read into it), so asking it again changes nothing.
 */
export function useBinding(module: Record<string, unknown>): boolean {
  const fns = [...Object.values(EXPORTS), '_ts_init'];
  if (!fns.every((f) => typeof module[f] === 'function') || !(module.HEAP32 instanceof Int32Array)) return false;
  const transfer = (module._ts_init as () => number)();
  if (!Number.isInteger(transfer) || transfer <= 0 || transfer % 4 !== 0) return false;
  binding = { module, transfer };
  return true;
}

/** Tests compare both paths: dropBinding() makes copies take the public cursor until restored. */
export function dropBinding(): void {
  dropped = binding ?? dropped;
  binding = undefined;
}

export function restoreBinding(): void {
  binding = dropped ?? binding;
}

export function directStepsAvailable(): boolean {
  return binding !== undefined;
}

export class DirectSteps implements CursorSteps {
  private readonly tree: number;
  private readonly module: Record<string, unknown>;
  private readonly at: number;
  private readonly state: Record<number, number>;
  private readonly goFirst: TreeFn;
  private readonly goNext: TreeFn;
  private readonly goParent: TreeFn;
  private readonly type: TreeFn;
  private readonly named: TreeFn;
  private readonly field: TreeFn;
  private readonly startIndex: TreeFn;
  private readonly endIndex: TreeFn;

  /** Writes `cursor`'s state into the transfer buffer, as web-tree-sitter does before each call. */
  constructor(b: Binding, tree: Tree, cursor: TreeCursor) {
    const m = b.module;
    // Emscripten replaces each export's lazy wrapper by the WebAssembly function on first call,
    // so the functions are looked up per walk rather than kept from initialisation.
    this.goFirst = m[EXPORTS.firstChild] as TreeFn;
    this.goNext = m[EXPORTS.nextSibling] as TreeFn;
    this.goParent = m[EXPORTS.parent] as TreeFn;
    this.type = m[EXPORTS.typeId] as TreeFn;
    this.named = m[EXPORTS.isNamed] as TreeFn;
    this.field = m[EXPORTS.fieldId] as TreeFn;
    this.startIndex = m[EXPORTS.start] as TreeFn;
    this.endIndex = m[EXPORTS.end] as TreeFn;
    this.module = m;
    this.tree = (tree as unknown as Record<number, number>)[0];
    this.state = cursor as unknown as Record<number, number>;
    this.at = b.transfer >> 2;
    // The heap view is replaced when WebAssembly memory grows: read it now, not at initialisation.
    // WebAssembly memory is little-endian, as is every platform VS Code runs on (Int32Array uses
    // the platform's byte order; web-tree-sitter's own stores are explicitly little-endian).
    const heap = m.HEAP32 as Int32Array;
    for (let i = 0; i < 4; i++) heap[this.at + i] = this.state[i];
  }

  /**
   * Reads the cursor back into its JavaScript object. The four words are the cursor's stack
   * (pointer, size, capacity) and root alias: a deep walk can reallocate the stack, and
   * delete() frees whatever pointer the object holds.
   */
  finish(): void {
    const heap = this.module.HEAP32 as Int32Array;
    for (let i = 0; i < 4; i++) this.state[i] = heap[this.at + i];
  }

  firstChild(): boolean {
    return this.goFirst(this.tree) === 1;
  }
  nextSibling(): boolean {
    return this.goNext(this.tree) === 1;
  }
  parent(): boolean {
    return this.goParent(this.tree) === 1;
  }
  typeId(): number {
    return this.type(this.tree);
  }
  isNamed(): boolean {
    return this.named(this.tree) === 1;
  }
  fieldId(): number {
    return this.field(this.tree);
  }
  start(): number {
    return this.startIndex(this.tree);
  }
  end(): number {
    return this.endIndex(this.tree);
  }
  isMissing(): boolean {
    throw new Error('DirectSteps serve trees without errors only');
  }
  hasError(): boolean {
    throw new Error('DirectSteps serve trees without errors only');
  }
}

/** The steps for one walk of `cursor` over `tree` (the cursor is still deleted by the caller). */
export function stepsFor(tree: Tree, cursor: TreeCursor, errors: boolean): CursorSteps {
  return binding && !errors ? new DirectSteps(binding, tree, cursor) : new PublicSteps(cursor);
}
