// Python files (Airflow DAGs, PySpark jobs) are parsed with tree-sitter's Python grammar from
// @vscode/tree-sitter-wasm (runtime and grammar shipped as a matched pair). The runtime is
// WebAssembly and initialises asynchronously once per thread; after initPython() resolves,
// parsing is synchronous, so readers can stay plain functions. Readers get a plain-object copy of
// the tree (see pySyntaxTree.ts), never the WebAssembly one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Language, Parser as TsParser, Tree } from '@vscode/tree-sitter-wasm';
import { copyTree } from './pySyntaxTree';
import { useBinding } from './cursorSteps';
import type { PyNode } from './pySyntaxTree';

export type { PyNode } from './pySyntaxTree';

export interface PyTree {
  rootNode: PyNode;
}

let parser: TsParser | undefined;
let language: Language | undefined;
let loading: Promise<void> | undefined;
let failure: string | undefined;

/**
 * Where the .wasm files are: next to the bundle (dist/wasm, copied by the build), one folder up
 * (bundled tests in dist/test), or in node_modules when running from sources.
 */
function wasmDir(): string | undefined {
  const candidates = [path.join(__dirname, 'wasm'), path.join(__dirname, '..', 'wasm')];
  try {
    candidates.push(path.dirname(require.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter-python.wasm')));
  } catch {
    // not installed next to the sources: only the bundled copies can serve
  }
  return candidates.find((d) => fs.existsSync(path.join(d, 'tree-sitter-python.wasm')));
}

/** Loads the runtime and the Python grammar; safe to call many times. Never rejects. */
export function initPython(): Promise<void> {
  if (!loading) loading = load();
  return loading;
}

async function load(): Promise<void> {
  try {
    const dir = wasmDir();
    if (!dir) throw new Error('tree-sitter-python.wasm not found');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('@vscode/tree-sitter-wasm') as typeof import('@vscode/tree-sitter-wasm');
    // Emscripten fills this object in as the runtime's module (see cursorSteps.ts).
    const module = { locateFile: (file: string) => path.join(dir, file) };
    await ts.Parser.init(module);
    useBinding(module as unknown as Record<string, unknown>);
    language = await ts.Language.load(fs.readFileSync(path.join(dir, 'tree-sitter-python.wasm')));
    parser = new ts.Parser();
    parser.setLanguage(language);
  } catch (e) {
    failure = `the Python parser could not start: ${(e as Error).message}`;
  }
}

/** Why Python files cannot be read, when initPython() failed. */
export function pythonUnavailable(): string | undefined {
  return failure ?? (parser ? undefined : 'the Python parser was not initialised');
}

/**
 * The syntax tree of a Python file, or undefined when the parser is unavailable. tree-sitter
 * always returns a tree: syntax errors appear as ERROR / MISSING nodes (see syntaxErrors).
 */
export function parsePython(text: string): PyTree | undefined {
  const tree = parser?.parse(text);
  if (!tree) return undefined;
  try {
    return { rootNode: copyTree(tree, text) };
  } finally {
    tree.delete();
  }
}

/** The first few syntax errors, as 1-based positions, for diagnostics. */
export function syntaxErrors(tree: PyTree, max = 5): { line: number; column: number; text: string }[] {
  const out: { line: number; column: number; text: string }[] = [];
  const visit = (n: PyNode) => {
    if (out.length >= max) return;
    if (n.type === 'ERROR' || n.isMissing) {
      out.push({ line: n.startPosition.row + 1, column: n.startPosition.column + 1, text: n.isMissing ? `missing ${n.type}` : n.text.slice(0, 40) });
      return;
    }
    if (n.hasError) for (const c of n.children) visit(c);
  };
  visit(tree.rootNode);
  return out;
}

/** The WebAssembly tree itself (the caller deletes it): only for tests that check the copy. */
export function parseTreeSitter(text: string): Tree | undefined {
  return parser?.parse(text) ?? undefined;
}
