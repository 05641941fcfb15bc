import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The CLI's parse cache lives in the user's cache folder, one file per workspace, never inside
 * the workspace: we do not write the user's files. DATALINEAGE_CACHE_DIR overrides the folder.
 */
export function cacheFileFor(workspace: string): string {
  const base = process.env.DATALINEAGE_CACHE_DIR ?? process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  const dir = process.env.DATALINEAGE_CACHE_DIR ? base : path.join(base, 'datalineage');
  const id = createHash('sha1').update(path.resolve(workspace)).digest('hex').slice(0, 16);
  return path.join(dir, `${path.basename(workspace)}-${id}.cache`);
}
