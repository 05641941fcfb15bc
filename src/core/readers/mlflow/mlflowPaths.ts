// Turning the paths an MLflow run recorded into workspace-relative ones. MLflow stores absolute
// paths (`mlflow.source.name` is the script as the process saw it, artifact URIs are
// `file:///home/me/proj/mlruns/…`), so the workspace's absolute root is recovered from the
// artifact location of a store whose workspace-relative folder is known.
import { isUri, normalizePath } from '../../io/paths';
import * as posix from 'node:path/posix';

export interface PathContext {
  /** Workspace files, plus data paths DVC tracks (they may be git-ignored and not listed). */
  known: Set<string>;
  /** The folder the run most likely ran in: the store's parent, as `./mlruns` is created in the cwd. */
  cwd: string;
  /** The workspace's absolute root, when the store's artifact locations reveal it. */
  absoluteRoot?: string;
}

/** A local path from a `file:` URI or an OS path, with forward slashes; other URIs unchanged. */
export function localPath(raw: string): string {
  let p = raw.trim().replace(/\\/g, '/');
  if (/^file:/i.test(p)) {
    p = p.replace(/^file:(\/\/[^/]*)?/i, '');
    try {
      p = decodeURIComponent(p);
    } catch {
      // A stray `%` is a literal character in a hand-written tag.
    }
    if (/^\/[a-z]:\//i.test(p)) p = p.slice(1); // file:///C:/… is C:/…
  }
  return p;
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[a-z]:\//i.test(p);
}

/**
 * The absolute workspace root implied by an artifact location that should end with `tail`
 * (e.g. `mlruns/1` for experiment 1 of the store at `mlruns`).
 */
export function inferAbsoluteRoot(artifactLocation: string | undefined, tail: string): string | undefined {
  if (!artifactLocation || (isUri(artifactLocation) && !/^file:/i.test(artifactLocation))) return undefined;
  const p = localPath(artifactLocation).replace(/\/$/, '');
  if (!isAbsolute(p) || !p.endsWith(`/${tail}`)) return undefined;
  return p.slice(0, p.length - tail.length - 1);
}

/**
 * The workspace path a recorded path names. `mustExist` is for code: a script outside the
 * workspace (a notebook kernel, a site-packages launcher) is no lineage, so it is skipped.
 * Data paths outside the workspace and URIs are kept as written, like every reader keeps them.
 */
export function workspacePath(raw: string, ctx: PathContext, mustExist: boolean): string | undefined {
  const p = localPath(raw);
  if (!p) return undefined;
  if (isUri(p) && !isAbsolute(p)) return mustExist ? undefined : p;
  if (isAbsolute(p)) return fromAbsolute(p, ctx) ?? (mustExist ? undefined : p);
  const candidates = [normalizePath(p, ctx.cwd), normalizePath(p)];
  const found = candidates.find((c) => ctx.known.has(c));
  return found ?? (mustExist ? undefined : candidates[0]);
}

function fromAbsolute(p: string, ctx: PathContext): string | undefined {
  const root = ctx.absoluteRoot;
  if (root !== undefined && p.toLowerCase().startsWith(`${root.toLowerCase()}/`)) return normalizePath(p.slice(root.length + 1));
  // Without a known root, the longest tail of the path that is a workspace file is the best guess
  // (a run recorded on another machine, or a store with no artifact location).
  const segs = posix.normalize(p).split('/').filter(Boolean);
  if (/^[a-z]:$/i.test(segs[0] ?? '')) segs.shift();
  for (let i = 0; i < segs.length; i++) {
    const tail = segs.slice(i).join('/');
    if (ctx.known.has(tail)) return tail;
  }
  return undefined;
}

/** Paths DVC tracks: `x.csv.dvc` stands for `x.csv`, which is usually not committed. */
export function dvcTrackedPaths(allFiles: string[]): string[] {
  return allFiles.filter((f) => f.endsWith('.dvc') && !f.includes('/.dvc/')).map((f) => f.slice(0, -'.dvc'.length));
}
