// `datalineage`: the core on the command line, and the CI gate. Exit codes are the contract:
// 0 fine, 1 impact findings at or above --fail-on, 2 bad usage or input (one line on stderr).
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createLineageIndex } from '../core/lineageIndex';
import type { LineageIndex } from '../core/lineageIndex';
import { NodeFileSystem } from '../core/io/nodeFileSystem';
import { FileAnalysisCache } from '../core/cache/fileAnalysisCache';
import type { Asset } from '../core/graph/assetIndex';
import { UsageError, parseChanges, parseFailOn, parseDirection, parseDepth } from './cliArgs';
import { runIndex, runLineage, runColumns, runImpact, runMigrationImpact } from './commands';
import { cacheFileFor } from './cacheLocation';
import { HELP } from './help';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const defaultIo: Io = { out: (t) => process.stdout.write(t + '\n'), err: (t) => process.stderr.write(t + '\n') };

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`datalineage: ${e.message}`);
      return 2;
    }
    // One line, as for every failure; DATALINEAGE_DEBUG=1 adds the stack for a bug report.
    const err = e as Error;
    io.err(`datalineage: internal error: ${err?.message ?? String(e)}${process.env.DATALINEAGE_DEBUG ? `\n${err?.stack ?? ''}` : ' (set DATALINEAGE_DEBUG=1 for details)'}`);
    return 2;
  }
}

async function run(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        workspace: { type: 'string', short: 'w' },
        json: { type: 'boolean' },
        direction: { type: 'string' },
        depth: { type: 'string' },
        'rename-column': { type: 'string', multiple: true },
        'drop-column': { type: 'string', multiple: true },
        'change-type': { type: 'string', multiple: true },
        'rename-table': { type: 'string' },
        'drop-table': { type: 'boolean' },
        'fail-on': { type: 'string' },
        migration: { type: 'string' },
        dialect: { type: 'string' },
        'no-cache': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (see datalineage --help)`);
  }
  const { values: v, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (v.version) {
    io.out(VERSION);
    return 0;
  }
  if (v.help || !command) {
    io.out(HELP);
    return v.help ? 0 : 2;
  }
  if (!['index', 'lineage', 'columns', 'impact'].includes(command)) throw new UsageError(`unknown command "${command}" (commands: index, lineage, columns, impact)`);
  const workspace = path.resolve(v.workspace ?? '.');
  if (!existsSync(workspace) || !statSync(workspace).isDirectory()) throw new UsageError(`workspace "${workspace}" is not a folder`);
  const failOn = parseFailOn(v['fail-on']);
  const changes = parseChanges(v);
  if (command !== 'impact' && (changes.length || v.migration)) throw new UsageError(`change options only go with "impact"`);
  if (command === 'index') {
    if (rest.length) throw new UsageError(`"index" takes no asset (got "${rest[0]}")`);
    return runIndex(await openIndex(workspace, v), !!v.json, io);
  }
  if (command === 'impact' && v.migration) {
    if (rest.length) throw new UsageError('give either an ASSET with change options or --migration FILE, not both');
    if (changes.length) throw new UsageError('--migration reads its changes from the file; drop the --rename-column/--drop-column/--change-type options');
    // A relative path is read from the current folder, else from the workspace (CI passes
    // paths relative to the repository, people often relative to where they stand).
    const file = [path.resolve(v.migration), path.resolve(workspace, v.migration)].find((f) => existsSync(f) && statSync(f).isFile());
    if (!file) throw new UsageError(`migration file "${v.migration}" does not exist`);
    const index = await openIndex(workspace, v);
    return runMigrationImpact(index, workspace, file, !!v.json, failOn, io);
  }
  if (rest.length !== 1) throw new UsageError(`"${command}" needs exactly one ASSET (a name like stg_orders, raw.orders or an id)`);
  const index = await openIndex(workspace, v);
  const asset = findAsset(index, rest[0]);
  if (command === 'lineage') return runLineage(index, asset, parseDirection(v.direction), parseDepth(v.depth), !!v.json, io);
  if (command === 'columns') return runColumns(index, asset, !!v.json, io);
  if (!changes.length) throw new UsageError('impact needs at least one change: --rename-column OLD=NEW, --drop-column COL, --change-type COL=TYPE, --rename-table NEW or --drop-table (or --migration FILE)');
  return runImpact(index, asset, changes, !!v.json, failOn, io);
}

async function openIndex(workspace: string, v: { dialect?: string; 'no-cache'?: boolean }): Promise<LineageIndex> {
  const cache = v['no-cache'] ? undefined : new FileAnalysisCache(cacheFileFor(workspace));
  const index = await createLineageIndex(new NodeFileSystem(workspace), {
    dialect: v.dialect,
    cache,
    workerScript: path.join(__dirname, 'parseWorker.js'),
    engineVersion: engineVersion(),
  });
  // A cache that cannot be written (read-only home, full disk) only costs speed next time.
  await cache?.save().catch(() => undefined);
  return index;
}

/** This build of the CLI, so results cached by another build are not reused. */
function engineVersion(): string {
  try {
    return createHash('sha1').update(readFileSync(__filename)).digest('base64url').slice(0, 16);
  } catch {
    return VERSION;
  }
}

function findAsset(index: LineageIndex, name: string): Asset {
  const r = index.lookup(name);
  if (r.kind === 'found') return r.asset;
  if (r.kind === 'ambiguous') throw new UsageError(`"${name}" is ambiguous; candidates: ${r.candidates.map((a) => `${a.id} (${a.asset_type})`).join(', ')}`);
  const hint = r.suggestions.length ? `; did you mean: ${r.suggestions.map((a) => a.name).join(', ')}` : '';
  throw new UsageError(`unknown asset "${name}"${hint}`);
}

const VERSION = '0.1.0';
