// The synthetic workspace both benchmarks run on (engine: bench.ts; language server:
// serverBench.ts), generated once and reused while its parameters match.
import * as path from 'node:path';
import { existsSync, promises as fsp } from 'node:fs';
import { generateWorkspace } from './generateWorkspace';

const MARKER = '.bench-workspace.json';
// Bump when generateWorkspace changes, so an old workspace on disk is regenerated.
const GENERATOR_VERSION = 2;

export async function ensureWorkspace(dir: string, models: number, seed: number, dags: number, sparkJobs: number): Promise<{ generated: boolean; ms: number; files?: number; bytes?: number }> {
  const markerPath = path.join(dir, MARKER);
  const want = { models, seed, dags, sparkJobs, version: GENERATOR_VERSION };
  if (existsSync(markerPath)) {
    try {
      const have = JSON.parse(await fsp.readFile(markerPath, 'utf8')) as typeof want;
      if (have.models === want.models && have.seed === want.seed && have.dags === want.dags && have.sparkJobs === want.sparkJobs && have.version === want.version) return { generated: false, ms: 0 };
    } catch {
      // unreadable marker: regenerate
    }
  }
  const t0 = performance.now();
  const { files, bytes } = await generateWorkspace(dir, { models, seed, dags, sparkJobs });
  // Written last, so an interrupted generation is never mistaken for a complete one.
  await fsp.writeFile(markerPath, JSON.stringify({ ...want, files, bytes }));
  return { generated: true, ms: performance.now() - t0, files, bytes };
}

