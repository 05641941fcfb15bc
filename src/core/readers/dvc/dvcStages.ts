// From a dvc.yaml entry to the stages DVC runs (dvc/parsing/__init__.py): `vars` loading,
// `foreach` and `matrix` expansion with DVC's generated names, then each stage's fields resolved.
// Generated names follow DataResolver exactly:
// - foreach over a dict: `name@<key>`; over a list of scalars: `name@<value>` (Python str, so
//   `true`, `1.0`); over a list holding any list or dict: `name@<index>` for every item;
// - matrix: the product of its lists in key order, `name@<f1>-<f2>…` where a scalar contributes
//   its str() and a list/dict its matrix key plus index (`model0`); `item` is the dict of chosen
//   values and `key` the joined suffix.
import * as posix from 'node:path/posix';
import { normalizePath } from '../../io/paths';
import { isComposite, isDict, toPyStr } from './dvcValues';
import type { Context } from './dvcTemplating';
import { cloneContext, hasTemplate, mergeContext, resolveString, resolveValue } from './dvcTemplating';

export const DEFAULT_PARAMS_FILE = 'params.yaml';

/** Reads a vars/params file as data, or says why it cannot. */
export type LoadData = (path: string) => Promise<{ data: unknown } | { error: string }>;

/** Which files (and which keys of them) a context already holds, as DVC tracks `imports`. */
export type Imports = Map<string, string[] | null>;

export interface Expansion {
  name: string;
  definition: Record<string, unknown>;
  ctx: Context;
}

export interface StageOut {
  path: string;
  kind: 'outs' | 'metrics' | 'plots';
  index: number;
  cache: boolean;
  persist: boolean;
}

export interface StageParams {
  file: string;
  /** null: the whole file is a dependency. */
  keys: string[] | null;
}

export interface ResolvedStage {
  name: string;
  dir: string;
  cmd?: string | string[];
  deps: { path: string; index: number; dirHint: boolean }[];
  outs: StageOut[];
  params: StageParams[];
  frozen: boolean;
  alwaysChanged: boolean;
  desc?: string;
}

/** `file.yaml:key1,key2` or a dict: merged into the context, relative to `baseDir`. */
export async function loadVars(ctx: Context, vars: unknown, baseDir: string, load: LoadData, imports: Imports, issues: string[], stage = ''): Promise<void> {
  if (vars === undefined || vars === null) return;
  if (!Array.isArray(vars)) return void issues.push(`'vars' must be a list`);
  for (const [index, item] of vars.entries()) {
    if (typeof item === 'string') {
      if (hasTemplate(item)) issues.push(`interpolating is not allowed in 'vars' ('${item}')`);
      else await mergeFile(ctx, item, baseDir, load, imports, issues);
    } else if (isDict(item)) {
      mergeContext(ctx, item, `${stage}${stage ? '.' : ''}vars[${index}]`, issues);
    } else issues.push(`'vars' items must be file names or dicts`);
  }
}

async function mergeFile(ctx: Context, item: string, baseDir: string, load: LoadData, imports: Imports, issues: string[]): Promise<void> {
  const sep = item.indexOf(':');
  const file = normalizePath(sep < 0 ? item : item.slice(0, sep), baseDir);
  const keys = sep < 0 ? null : item.slice(sep + 1).split(',').filter(Boolean);
  const wanted = keys && keys.length ? keys : null;
  const prior = imports.get(file);
  if (prior !== undefined) {
    if (!wanted && prior === null) return; // the whole file may be listed twice
    if (!wanted || prior === null || wanted.some((k) => prior.includes(k))) return void issues.push(`cannot load '${item}': it is already loaded`);
  }
  const got = await load(file);
  if ('error' in got) return void issues.push(`cannot load vars from '${item}': ${got.error}`);
  const all = got.data;
  if (!isDict(all)) return void issues.push(`expected a dictionary in '${file}'`);
  let data = all;
  if (wanted) {
    const missing = wanted.find((k) => !(k in all));
    if (missing) return void issues.push(`could not find '${missing}' in '${file}'`);
    data = Object.fromEntries(wanted.map((k) => [k, all[k]]));
  }
  mergeContext(ctx, data, file, issues);
  imports.set(file, wanted ? [...(prior ?? []), ...wanted] : null);
}

/** One dvc.yaml entry → the stages it generates, each with its template and context. */
export function expandStage(name: string, def: unknown, ctx: Context, issues: string[]): Expansion[] {
  if (!isDict(def)) {
    issues.push(`stage '${name}' must be a mapping`);
    return [];
  }
  if ('matrix' in def) return expandMatrix(name, def, ctx, issues);
  if ('foreach' in def) return expandForeach(name, def, ctx, issues);
  return [{ name, definition: def, ctx }];
}

function expandForeach(name: string, def: Record<string, unknown>, ctx: Context, issues: string[]): Expansion[] {
  const data = resolveValue(def.foreach, ctx, 'foreach', issues);
  const template = def.do;
  if (!isDict(template) || !isComposite(data)) {
    issues.push(`stage '${name}': 'foreach' needs a list or dict and a 'do' mapping`);
    return [];
  }
  const entries = new Map<string, [unknown, string | undefined]>();
  if (isDict(data)) for (const [k, v] of Object.entries(data)) entries.set(k, [v, k]);
  else if (data.some(isComposite)) data.forEach((v, i) => entries.set(String(i), [v, undefined]));
  else for (const v of data) entries.set(toPyStr(v), [v, undefined]);
  return [...entries].map(([suffix, [item, key]]) => {
    const c = cloneContext(ctx);
    c.item = item;
    if (key !== undefined) c.key = key;
    return { name: `${name}@${suffix}`, definition: template, ctx: c };
  });
}

function expandMatrix(name: string, def: Record<string, unknown>, ctx: Context, issues: string[]): Expansion[] {
  const matrix = resolveValue(def.matrix, ctx, 'matrix', issues);
  if (!isDict(matrix) || !Object.values(matrix).every(Array.isArray)) {
    issues.push(`stage '${name}': 'matrix' expects a mapping of lists`);
    return [];
  }
  const { matrix: _omit, ...template } = def;
  let combos: { item: Record<string, unknown>; parts: string[] }[] = [{ item: {}, parts: [] }];
  for (const [k, values] of Object.entries(matrix) as [string, unknown[]][]) {
    combos = combos.flatMap((c) => values.map((v, i) => ({ item: { ...c.item, [k]: v }, parts: [...c.parts, isComposite(v) ? `${k}${i}` : toPyStr(v)] })));
  }
  const byKey = new Map(combos.map((c) => [c.parts.join('-'), c.item]));
  return [...byKey].map(([key, item]) => {
    const c = cloneContext(ctx);
    c.item = item;
    c.key = key;
    return { name: `${name}@${key}`, definition: template, ctx: c };
  });
}

/** Resolves one generated stage: wdir first, then the stage's own vars, then every field. */
export async function resolveStage(exp: Expansion, yamlDir: string, load: LoadData, imports: Imports, issues: string[]): Promise<ResolvedStage> {
  const def = exp.definition;
  const wdir = def.wdir === undefined || def.wdir === null ? '' : toPyStr(resolveString(String(def.wdir), exp.ctx, 'wdir', issues));
  const dir = wdir ? normalizePath(wdir, yamlDir) : yamlDir; // normalizePath('') is ''
  let ctx = exp.ctx;
  if (def.vars !== undefined) {
    ctx = cloneContext(ctx);
    await loadVars(ctx, def.vars, dir, load, new Map(imports), issues, exp.name);
  }
  const field = (key: string): unknown => (def[key] === undefined ? undefined : resolveValue(def[key], ctx, key, issues));
  const cmd = field('cmd');
  return {
    name: exp.name,
    dir,
    cmd: typeof cmd === 'string' ? cmd : Array.isArray(cmd) ? cmd.map(toPyStr) : cmd === undefined || cmd === null ? undefined : toPyStr(cmd),
    deps: list(field('deps')).flatMap((d, index) => (typeof d === 'string' || typeof d === 'number' ? [{ path: normalizePath(String(d), dir), index, dirHint: String(d).endsWith('/') }] : [])),
    outs: [...outsOf(field('outs'), 'outs', dir, issues), ...outsOf(field('metrics'), 'metrics', dir, issues), ...outsOf(field('plots'), 'plots', dir, issues)],
    params: paramsOf(field('params'), dir, issues),
    frozen: field('frozen') === true,
    alwaysChanged: field('always_changed') === true,
    desc: typeof def.desc === 'string' ? def.desc : undefined,
  };
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

/** `- path` or `- path: {cache: false, persist: true}`. */
function outsOf(v: unknown, kind: StageOut['kind'], dir: string, issues: string[]): StageOut[] {
  const outs: StageOut[] = [];
  list(v).forEach((entry, index) => {
    if (typeof entry === 'string') outs.push({ path: normalizePath(entry, dir), kind, index, cache: true, persist: false });
    else if (isDict(entry) && Object.keys(entry).length === 1) {
      const [path, opts] = Object.entries(entry)[0];
      const o = isDict(opts) ? opts : {};
      outs.push({ path: normalizePath(path, dir), kind, index, cache: o.cache !== false, persist: o.persist === true });
    } else issues.push(`'${kind}' entries must be a path or a single-key mapping`);
  });
  return outs;
}

/** `- key` (in params.yaml) or `- file.yaml: [keys]` (an empty or null list: the whole file). */
function paramsOf(v: unknown, dir: string, issues: string[]): StageParams[] {
  const byFile = new Map<string, string[] | null>();
  const add = (file: string, keys: string[] | null): void => {
    const prior = byFile.get(file);
    byFile.set(file, keys === null || prior === null ? null : [...(prior ?? []), ...keys]);
  };
  for (const entry of list(v)) {
    if (typeof entry === 'string') add(normalizePath(DEFAULT_PARAMS_FILE, dir), [entry]);
    else if (isDict(entry)) {
      for (const [file, keys] of Object.entries(entry)) {
        const ks = list(keys).map(toPyStr);
        add(normalizePath(file, dir), ks.length ? ks : null);
      }
    } else issues.push(`'params' entries must be a key or a mapping of file to keys`);
  }
  return [...byFile].map(([file, keys]) => ({ file, keys }));
}

export function dirOf(path: string): string {
  const d = posix.dirname(path);
  return d === '.' ? '' : d;
}
