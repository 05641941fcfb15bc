// Turns every dbt project in the workspace into facts: models (refs found in the Jinja AST without
// rendering, so the table graph is quick), sources, seeds, snapshots, exposures and model docs.
// Rendering waits for the column phase and goes through `DbtWorkspace.render`.
import { createHash } from 'node:crypto';
import type { AssetFact, Diagnostic, FileFacts, QuerySource, Relation, UpstreamRef } from '../model';
import { normalizeDialect } from '../sql/sqlParser';
import type { DbtProject } from './dbtProject';
import { configFor, overlayConfig, parseDbtProject, parseProfiles } from './dbtProject';
import { parseSeedCsv } from './seeds';
import { readManifestFacts } from './manifestFacts';
import type { DbtRenderContext, MacroLibrary } from './jinjaRender';
import { extractJinjaRefs, loadMacros, renderDbtSql, renderJinjaValue, resolveSchemaName } from './jinjaRender';
import { modelFact, snapshotName } from './dbtFacts';
import { projectFiles, type ProjectFiles } from './projectFiles';
import { WorkerPool } from '../workers/workerPool';

export interface DbtRenderOutcome {
  sql?: string;
  /** The model rendered as an incremental run, when it has an `is_incremental()` branch. */
  incrementalSql?: string;
  renderedRelations: { relation: Relation; upstream: UpstreamRef }[];
  diagnostics: Diagnostic[];
}

export interface DbtProjectState {
  project: DbtProject;
  target: DbtRenderContext['target'];
  macros: MacroLibrary;
  /** Changes whenever anything a render depends on changes: the cache key's context part. */
  contextHash: string;
  relations: Map<string, Relation>; // model/seed/snapshot name → relation
  sources: Map<string, Relation>; // "source.table" → relation
  /**
   * A model or snapshot file read again in this project's context, for an in-place update;
   * undefined when the file is disabled or its config needs rendering that reports a problem.
   */
  readModel?: (path: string, text: string) => FileFacts | undefined;
}

export interface DbtWorkspace {
  files: FileFacts[];
  projects: DbtProjectState[];
  /** Paths that belong to a dbt project and must not be read again as plain SQL. */
  owns(path: string): boolean;
  render(query: QuerySource): DbtRenderOutcome;
  contextHashOf(query: QuerySource): string;
  /**
   * A model file's facts read again after an edit, when the edit leaves everything else the
   * project knows as it was (the same asset, relation and config); undefined otherwise, and the
   * caller indexes the workspace again.
   */
  rereadModel(path: string, text: string): FileFacts | undefined;
}

export type ReadText = (path: string) => Promise<string | undefined>;

export async function readDbtWorkspace(allFiles: string[], read: ReadText, defaultDialect: string, pool?: WorkerPool): Promise<DbtWorkspace> {
  const files: FileFacts[] = [];
  const states: DbtProjectState[] = [];
  const owned: string[] = [];
  const byQueryPath = new Map<string, { state: DbtProjectState; fact: AssetFact }>();
  for (const projectPath of allFiles.filter((f) => f === 'dbt_project.yml' || f.endsWith('/dbt_project.yml'))) {
    const text = await read(projectPath);
    const parsed = parseDbtProject(projectPath, text ?? '');
    if (!parsed.project) {
      files.push({ path: projectPath, assets: [], changes: [], queries: [], diagnostics: parsed.diagnostics });
      continue;
    }
    const pf = projectFiles(parsed.project, allFiles);
    owned.push(...pf.ownedPrefixes);
    const first = files.length;
    const state = await readProject(parsed.project, pf, read, defaultDialect, files, parsed.diagnostics, pool ?? new WorkerPool({}));
    states.push(state);
    // Only this project's files: each model renders in its own project's context.
    for (const f of files.slice(first)) for (const fact of f.assets) if (fact.asset_type === 'dbt_model' || fact.asset_type === 'dbt_snapshot') byQueryPath.set(fact.location?.path ?? '', { state, fact });
  }
  // ref('x') looks in the model's own project first, then in the others (dbt's package order);
  // ref('pkg', 'x') only in project pkg.
  const resolveRef = (from: DbtProjectState, name: string, pkg?: string): Relation | undefined => {
    const key = name.toLowerCase();
    if (pkg) return states.find((s) => s.project.name === pkg)?.relations.get(key);
    return from.relations.get(key) ?? states.map((s) => s.relations.get(key)).find((r) => r);
  };
  // Cross-project refs make every render depend on every project's relations.
  const workspaceHash = createHash('sha1').update(states.map((s) => s.contextHash).join('|')).digest('base64url');
  return {
    files,
    projects: states,
    owns: (path) => owned.some((p) => path === p || path.startsWith(p)),
    render: (q) => {
      const hit = byQueryPath.get(q.path);
      return hit ? renderModel(hit.state, hit.fact, q.originalText, (name, pkg) => resolveRef(hit.state, name, pkg)) : { renderedRelations: [], diagnostics: [] };
    },
    contextHashOf: (q) => (byQueryPath.has(q.path) ? workspaceHash : ''),
    rereadModel: (path, text) => {
      const hit = byQueryPath.get(path);
      const f = hit?.state.readModel?.(path, text);
      const fact = f?.assets[0];
      // Rendering reads the fact's relation and path, which this check keeps as they were.
      return hit && f && fact && sameExceptUpstream(fact, hit.fact) ? f : undefined;
    },
  };
}

async function readProject(project: DbtProject, pf: ProjectFiles, read: ReadText, defaultDialect: string, out: FileFacts[], diagnostics: Diagnostic[], pool: WorkerPool): Promise<DbtProjectState> {
  const profileText = pf.profiles ? await read(pf.profiles) : undefined;
  const profile = profileText ? parseProfiles(profileText, project.profile, pf.profiles) : { diagnostics: [] };
  diagnostics.push(...profile.diagnostics);
  const target = profile.target ?? { name: 'dev', schema: 'analytics', database: '', type: defaultDialect };
  const macroFiles = [];
  for (const path of pf.macros) macroFiles.push({ path, text: (await read(path)) ?? '' });
  const loaded = loadMacros(macroFiles);
  for (const d of loaded.diagnostics) diagnostics.push({ path: d.path, line: d.line, column: d.column, severity: 'warning', code: d.code, message: d.message });
  const state: DbtProjectState = { project, target, macros: loaded.library, contextHash: '', relations: new Map(), sources: new Map() };
  const dialect = normalizeDialect(target.type);
  const scheme = target.type || 'warehouse';
  const schemaCtx = { target, macros: loaded.library, vars: project.vars, env: {}, projectName: project.name };
  const facts: AssetFact[] = [];
  const fileOut = (path: string): FileFacts => {
    const f: FileFacts = { path, assets: [], changes: [], queries: [], diagnostics: [] };
    out.push(f);
    return f;
  };
  const projectFacts = fileOut(pf.projectFile);
  projectFacts.diagnostics.push(...diagnostics);
  const valueCtx: DbtRenderContext = { ...schemaCtx, resolveRef: resolveNothing, resolveSource: resolveNothing, thisRelation: { name: '' } };
  const jinja = jinjaValues(valueCtx);

  // YAML first: model docs and configs written there apply to the SQL files read next.
  const docs = new Map<string, ModelDoc>();
  // Parsing YAML and Jinja is most of this phase, and each file parses on its own: both batches
  // go to the workers at once.
  const yamlTexts = await Promise.all(pf.yaml.map(async (path) => ({ path, text: (await read(path)) ?? '' })));
  const sqlPaths = [...pf.models, ...pf.snapshots];
  const sqlTexts = await Promise.all(sqlPaths.map(async (path) => (await read(path)) ?? ''));
  const [yamls, extractions] = await Promise.all([pool.run('yaml', yamlTexts), pool.run('jinja', sqlTexts.map((text) => ({ text })))]);
  for (const [i, path] of pf.yaml.entries()) {
    const y = yamls[i];
    const f = fileOut(path);
    f.diagnostics.push(...y.diagnostics);
    const at = (loc: { line: number; column: number } | undefined) => ({ path, line: loc?.line ?? 1, column: loc?.column ?? 1, out: f.diagnostics });
    for (const m of [...y.models, ...y.seeds, ...y.snapshots]) docs.set(m.name.toLowerCase(), { columns: m.columns, description: m.description, config: m.config });
    for (const s of y.sources) {
      const relation: Relation = {
        database: jinja(s.database, at(s.location)) || target.database || undefined,
        schema: jinja(s.schema, at(s.location)) || s.sourceName,
        name: jinja(s.identifier, at(s.location)) || s.tableName,
      };
      state.sources.set(`${s.sourceName}.${s.tableName}`.toLowerCase(), relation);
      const fact: AssetFact = {
        id: `source.${project.name}.${s.sourceName}.${s.tableName}`,
        asset_type: 'table',
        name: s.tableName,
        aliases: [`${s.sourceName}.${s.tableName}`],
        source_ref: `${scheme}://${[relation.database, relation.schema, relation.name].filter(Boolean).join('/')}`,
        relation,
        location: s.location,
        columns: s.columns,
        upstream: [],
        origin: 'dbt',
        meta: { description: s.description, source: s.sourceName, project: project.name },
      };
      f.assets.push(fact);
      facts.push(fact);
    }
    for (const e of y.exposures) {
      const fact: AssetFact = { id: `exposure.${project.name}.${e.name}`, asset_type: 'dbt_exposure', name: e.name, source_ref: e.url ?? path, location: e.location, upstream: e.dependsOn, origin: 'dbt', meta: { description: e.description, owner: e.owner, type: e.type, label: e.label } };
      f.assets.push(fact);
    }
  }

  for (const path of pf.seeds) {
    const name = stem(path);
    const seed = parseSeedCsv(path, (await read(path)) ?? '');
    const cfg = overlayConfig(configFor(project.seedConfig, project.name, pf.folders(path)), docs.get(name.toLowerCase())?.config ?? {});
    const relation = relationFor(renderConfig(cfg, jinja, projectFacts), name, target, schemaCtx);
    state.relations.set(name.toLowerCase(), relation);
    const docCols = docs.get(name.toLowerCase())?.columns ?? [];
    const columns = seed.columns.map((c) => ({ ...(docCols.find((d) => d.name.toLowerCase() === c.name.toLowerCase()) ?? {}), ...c }));
    const f = fileOut(path);
    f.diagnostics.push(...seed.diagnostics);
    f.assets.push({ id: `seed.${project.name}.${name}`, asset_type: 'dbt_seed', name, source_ref: path, relation, location: { path, line: 1, column: 1 }, columns, columnsComplete: columns.length > 0, upstream: [], origin: 'dbt', meta: { project: project.name } });
  }

  const { readModel, rereadModel } = modelReader({ project, pf, docs, target, schemaCtx, jinja, dialect });
  state.readModel = rereadModel;
  for (const [i, path] of sqlPaths.entries()) {
    const f = readModel(path, sqlTexts[i], extractions[i], projectFacts);
    if (!f) continue;
    const relation = f.assets[0].relation!;
    state.relations.set(f.assets[0].name.toLowerCase(), relation);
    out.push(f);
  }
  if (pf.manifest) {
    const text = await read(pf.manifest);
    if (text) out.push(readManifestFacts(pf.manifest, text, project.name, scheme));
  }
  state.contextHash = contextHash(state, macroFiles);
  return state;
}

interface ModelContext {
  project: DbtProject;
  pf: ProjectFiles;
  docs: Map<string, ModelDoc>;
  target: DbtProjectState['target'];
  schemaCtx: Parameters<typeof resolveSchemaName>[1];
  jinja: RenderValue;
  dialect: string;
}

type ModelDoc = { columns: AssetFact['columns']; description?: string; config?: Record<string, unknown> };

/**
 * One model or snapshot file's facts. Kept on the project state: an edit to a model's SQL is read
 * again with the same project context (see DbtWorkspace.rereadModel). Made here, not inside
 * readProject: a closure there would keep that function's whole scope alive with the state,
 * every file's facts and text included (20,000 objects and the model texts at 10,000 models).
 */
function modelReader(c: ModelContext): {
  readModel: (path: string, text: string, extracted: ReturnType<typeof extractJinjaRefs>, configOut: FileFacts) => FileFacts | undefined;
  rereadModel: NonNullable<DbtProjectState['readModel']>;
} {
  const { project, pf, docs, target, schemaCtx, jinja, dialect } = c;
  const readModel = (path: string, text: string, extracted: ReturnType<typeof extractJinjaRefs>, configOut: FileFacts): FileFacts | undefined => {
    const isSnapshot = pf.snapshots.includes(path);
    const name = (isSnapshot ? snapshotName(text) : undefined) ?? stem(path);
    const doc = docs.get(name.toLowerCase());
    const tree = isSnapshot ? project.snapshotConfig : project.modelConfig;
    const cfg = renderConfig(overlayConfig(configFor(tree, project.name, pf.folders(path)), doc?.config ?? {}, extracted.config), jinja, configOut);
    if (cfg.enabled === false) return undefined;
    const relation = isSnapshot ? { database: target.database || undefined, schema: String(cfg.target_schema ?? target.schema), name: String(cfg.alias ?? name) } : relationFor(cfg, name, target, schemaCtx);
    const f: FileFacts = { path, assets: [], changes: [], queries: [], diagnostics: [] };
    for (const d of extracted.diagnostics) f.diagnostics.push({ path, line: d.line, column: d.column, severity: 'warning', code: d.code, message: d.message });
    const fact = modelFact(project.name, name, path, isSnapshot, relation, extracted.upstream, doc, cfg);
    f.assets.push(fact);
    f.queries.push({ path, originalText: text, dialect, ownerId: fact.id });
    return f;
  };
  // An edit's config is rendered again; a problem in it means the workspace is indexed again.
  const rereadModel = (path: string, text: string): FileFacts | undefined => {
    const configOut: FileFacts = { path: pf.projectFile, assets: [], changes: [], queries: [], diagnostics: [] };
    const f = readModel(path, text, extractJinjaRefs(text), configOut);
    return f && !configOut.diagnostics.length ? f : undefined;
  };
  return { readModel, rereadModel };
}

// Module-level, not `() => undefined` in readProject: any function made there holds that call's
// scope, and this one lives on in the project state (through the YAML value renderer).
const resolveNothing = (): undefined => undefined;

type JinjaAt = { path: string; line: number; column: number; out: Diagnostic[] };
type RenderValue = (text: string | undefined, at: JinjaAt) => string | undefined;

/**
 * Renders YAML values written in Jinja; plain values pass through. On failure the raw text
 * stays and a diagnostic says why, once per file and text. An empty result (an unset var)
 * is '', for the caller's default.
 */
function jinjaValues(ctx: DbtRenderContext): RenderValue {
  const reported = new Set<string>();
  return (text, at) => {
    if (text === undefined || !/{{|{%/.test(text)) return text;
    const r = renderJinjaValue(text, ctx);
    for (const d of r.diagnostics) {
      const key = `${at.path}\0${text}\0${d.message}`;
      if (reported.has(key)) continue;
      reported.add(key);
      at.out.push({ path: at.path, line: at.line, column: at.column, severity: 'warning', code: d.code, message: `${d.message} (rendering "${text.trim()}")` });
    }
    return r.value ?? text;
  };
}

// dbt renders these config values, so `+schema: "{{ var('s') }}"` in dbt_project.yml works.
const RENDERED_CONFIG = ['schema', 'database', 'alias', 'target_schema', 'target_database'];

function renderConfig(cfg: Record<string, unknown>, jinja: RenderValue, projectFacts: FileFacts): Record<string, unknown> {
  const out = { ...cfg };
  const at = { path: projectFacts.path, line: 1, column: 1, out: projectFacts.diagnostics };
  for (const key of RENDERED_CONFIG) if (typeof out[key] === 'string') out[key] = jinja(out[key] as string, at) || undefined;
  return out;
}

// generate_schema_name is rendered with the same context for every model of a project (no
// per-model node is passed), so its answer depends only on the custom schema: render each once.
// With 10,000 models and a handful of schemas this saved ~0.3 s of the table graph.
const schemaMemo = new WeakMap<object, Map<string, string>>();

function relationFor(cfg: Record<string, unknown>, name: string, target: DbtProjectState['target'], ctx: Parameters<typeof resolveSchemaName>[1]): Relation {
  const custom = typeof cfg.schema === 'string' ? cfg.schema : undefined;
  const database = typeof cfg.database === 'string' ? cfg.database : target.database || undefined;
  let memo = schemaMemo.get(ctx);
  if (!memo) schemaMemo.set(ctx, (memo = new Map()));
  const key = custom ?? '\0';
  let schema = memo.get(key);
  if (schema === undefined) memo.set(key, (schema = resolveSchemaName(custom, ctx)));
  return { database, schema, name: typeof cfg.alias === 'string' ? cfg.alias : name };
}

// Approximations the built-in macros report: worth knowing, not worth a warning.
const INFO_CODES = new Set(['unknown-macro', 'needs-warehouse', 'approximate-star']);

function renderModel(state: DbtProjectState, fact: AssetFact, text: string, resolveRef: DbtRenderContext['resolveRef']): DbtRenderOutcome {
  const ctx: DbtRenderContext = {
    projectName: state.project.name,
    target: state.target,
    vars: state.project.vars,
    env: {},
    macros: state.macros,
    resolveRef,
    resolveSource: (source, table) => state.sources.get(`${source}.${table}`.toLowerCase()),
    thisRelation: fact.relation ?? { name: fact.name },
  };
  const r = renderDbtSql(text, ctx);
  // Columns read only in an incremental branch (the usual `updated_at > max(updated_at)` filter)
  // break incremental runs when renamed, so such models are also rendered as an incremental run.
  // A plain text check decides whether that second render is needed; the render itself parses.
  const inc = text.includes('is_incremental') ? renderDbtSql(text, { ...ctx, isIncremental: true }) : undefined;
  const path = fact.location?.path ?? '';
  const seen = new Set<string>();
  const unique = [...r.diagnostics, ...(inc?.diagnostics ?? [])].filter((d) => {
    const key = `${d.line}:${d.column}:${d.code}:${d.message}`;
    return !seen.has(key) && !!seen.add(key);
  });
  const diagnostics: Diagnostic[] = unique.map((d) => ({ path, line: d.line, column: d.column, severity: INFO_CODES.has(d.code) ? 'info' : 'warning', code: d.code, message: d.message }));
  const renderedRelations = [...r.renderedRelations, ...(inc?.renderedRelations ?? [])];
  return { sql: r.sql, incrementalSql: inc?.sql, renderedRelations, diagnostics };
}

function contextHash(state: DbtProjectState, macros: { path: string; text: string }[]): string {
  const h = createHash('sha1');
  h.update(JSON.stringify([state.project.vars, state.target, [...state.relations], [...state.sources]]));
  for (const m of macros) h.update(m.text);
  return h.digest('base64url');
}

/** Two facts of one model that differ at most in what they reference (the table graph's edges). */
function sameExceptUpstream(a: AssetFact, b: AssetFact): boolean {
  return JSON.stringify({ ...a, upstream: undefined }) === JSON.stringify({ ...b, upstream: undefined });
}

function stem(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
}
