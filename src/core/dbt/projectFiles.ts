// Which workspace files belong to a dbt project, by the folders its dbt_project.yml declares.
import type { DbtProject } from './dbtProject';

export interface ProjectFiles {
  projectFile: string;
  profiles?: string;
  manifest?: string;
  models: string[];
  snapshots: string[];
  seeds: string[];
  macros: string[];
  yaml: string[];
  /** Folders whose files are dbt's (never re-read as plain SQL). */
  ownedPrefixes: string[];
  /** A file's folders below the model/seed/snapshot path it lives in, for dbt's config tree. */
  folders(path: string): string[];
}

// Folders dbt itself reads or writes besides the configured ones.
const DBT_OWNED = ['target', 'dbt_packages', 'analyses', 'tests', 'logs'];

export function projectFiles(project: DbtProject, allFiles: string[]): ProjectFiles {
  const base = project.root ? `${project.root}/` : '';
  const dirs = (paths: string[]) => paths.map((p) => `${base}${p.replace(/^\.\/|\/+$/g, '')}/`);
  const modelDirs = dirs(project.modelPaths);
  const seedDirs = dirs(project.seedPaths);
  const snapshotDirs = dirs(project.snapshotPaths);
  const macroDirs = dirs(project.macroPaths);
  const under = (f: string, ds: string[]) => ds.some((d) => f.startsWith(d));
  const isYaml = (f: string) => f.endsWith('.yml') || f.endsWith('.yaml');
  const manifest = `${base}${project.targetPath}/manifest.json`;
  const profiles = `${base}profiles.yml`;
  return {
    projectFile: `${base}dbt_project.yml`,
    profiles: allFiles.includes(profiles) ? profiles : undefined,
    manifest: allFiles.includes(manifest) ? manifest : undefined,
    models: allFiles.filter((f) => f.endsWith('.sql') && under(f, modelDirs) && !under(f, snapshotDirs)),
    snapshots: allFiles.filter((f) => f.endsWith('.sql') && under(f, snapshotDirs)),
    seeds: allFiles.filter((f) => f.endsWith('.csv') && under(f, seedDirs)),
    macros: allFiles.filter((f) => f.endsWith('.sql') && under(f, macroDirs)),
    yaml: allFiles.filter((f) => isYaml(f) && under(f, [...modelDirs, ...seedDirs, ...snapshotDirs])),
    ownedPrefixes: [...modelDirs, ...seedDirs, ...snapshotDirs, ...macroDirs, ...DBT_OWNED.map((d) => `${base}${d}/`)],
    folders: (path) => {
      const dir = [...modelDirs, ...seedDirs, ...snapshotDirs].find((d) => path.startsWith(d));
      const rest = dir ? path.slice(dir.length) : path;
      return rest.split('/').slice(0, -1);
    },
  };
}
