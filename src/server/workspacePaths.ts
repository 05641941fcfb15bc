// Editor URIs ↔ the core's workspace-relative paths. Files outside the workspace folder, and
// URIs that are not files (untitled buffers, git diffs), have no path: the index ignores them.
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export class WorkspacePaths {
  constructor(readonly root: string) {}

  relative(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    let abs: string;
    try {
      abs = fileURLToPath(uri);
    } catch {
      return undefined;
    }
    const rel = path.relative(this.root, abs);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  uri(relative: string): string {
    return pathToFileURL(path.join(this.root, relative)).href;
  }
}

/** A core position (1-based line and column, as compilers print them) as the editor counts (0-based). */
export function editorPosition(l: { line: number; column?: number }): { line: number; character: number } {
  return { line: Math.max(0, l.line - 1), character: Math.max(0, (l.column ?? 1) - 1) };
}
