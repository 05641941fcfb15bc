// One spelling per file, whichever tool names it: Spark writes `./data/x.parquet`, DVC depends on
// `data/x.parquet` from wdir `.`, a DAG passes `jobs/../data/x.parquet` — all one `file` asset.
// URIs (s3://…, dbfs:/…, gs://…) and absolute paths are kept as written.
import * as posix from 'node:path/posix';

export function isUri(path: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/?\//i.test(path) || /^[a-z]+:\//i.test(path);
}

/** `path` relative to the workspace, with `./`, `..` and doubled slashes resolved. */
export function normalizePath(path: string, baseDir = ''): string {
  const p = path.trim().replace(/\\/g, '/');
  if (!p || isUri(p) || p.startsWith('/')) return p;
  const joined = posix.normalize(baseDir ? posix.join(baseDir, p) : p);
  return joined === '.' ? '' : joined.replace(/^\.\//, '').replace(/\/$/, '');
}

export function fileAssetId(path: string): string {
  return `file:${path}`;
}
