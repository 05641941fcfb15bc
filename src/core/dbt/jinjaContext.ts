// The dbt context a model renders in: ref, source, config, var, this, target, adapter and the
// other names dbt puts in scope, stubbed so that rendering needs no database and reads nothing
// from the machine (no process.env, no clock).

import { Environment } from '@huggingface/jinja';
import type { FunctionValue } from '@huggingface/jinja/dist/runtime';
import type { Relation, UpstreamRef } from '../model';
import type { JinjaDiagnostic } from './jinjaExtract';
import { pushUpstream, refUpstream } from './jinjaExtract';
import type { Loc } from './jinjaSource';
import type { RtValue } from './jinjaValues';
import { resultStubs } from './jinjaResults';
import { CallableWithAttrs, fn, fromJs, none, RelationValue, ReturnSignal, Rt, str, toJs, UnknownValue } from './jinjaValues';

export interface DbtTarget {
  name: string;
  schema: string;
  database: string;
  type: string;
}

export interface MacroFile {
  path: string;
  text: string;
}

/** Project macros, parsed once by loadMacros; callers only pass it along. */
export interface MacroLibrary {
  readonly macroNames: readonly string[];
}

export interface DbtRenderContext {
  projectName: string;
  target: DbtTarget;
  /** Project vars (dbt_project.yml), possibly scoped under the project name. */
  vars: Record<string, unknown>;
  /** Values for env_var(); the machine's environment is never consulted. */
  env: Record<string, string>;
  macros: MacroLibrary;
  resolveRef(name: string, pkg?: string, version?: string | number): Relation | undefined;
  resolveSource(source: string, table: string): Relation | undefined;
  thisRelation: Relation;
  isIncremental?: boolean;
}

/** What one render records as the template calls into the context. */
export interface RenderState {
  upstream: UpstreamRef[];
  seen: Set<string>;
  renderedRelations: { relation: Relation; upstream: UpstreamRef }[];
  config: Record<string, unknown>;
  diagnostics: JinjaDiagnostic[];
  /** The model tag being evaluated, so diagnostics point at the original template. */
  loc: Loc;
  dispatching: Set<string>;
}

/** The render in progress; stubs and the interpreter report to it. Rendering is synchronous. */
export interface ActiveRender {
  ctx: DbtRenderContext;
  state: RenderState;
  /** Statement nodes of the model template → their position. */
  lines: WeakMap<object, Loc>;
  /** Set while evaluation is inside a project macro, for error messages. */
  macro?: MacroLoc;
}

export interface MacroLoc extends Loc {
  path: string;
  name: string;
}

let active: ActiveRender | undefined;

export function activeRender(): ActiveRender | undefined {
  return active;
}

export function withActive<T>(render: ActiveRender, run: () => T): T {
  const previous = active;
  active = render;
  try {
    return run();
  } finally {
    active = previous;
  }
}

export function newRenderState(): RenderState {
  return { upstream: [], seen: new Set(), renderedRelations: [], config: {}, diagnostics: [], loc: { line: 1, column: 1 }, dispatching: new Set() };
}

export function diagnose(state: RenderState, message: string, code: string): void {
  state.diagnostics.push({ line: state.loc.line, column: state.loc.column, message, code });
}

const obj = (entries: Record<string, RtValue>): RtValue => new Rt.Object(new Map(Object.entries(entries)));

export function defaultSchemaName(custom: unknown, target: DbtTarget): string {
  return typeof custom === 'string' && custom.trim() ? `${target.schema}_${custom.trim()}` : target.schema;
}

/**
 * The per-render scope holds only values that differ between models (`this`, `target`, …);
 * the functions live in the shared stub scope and read the active render.
 */
export function createRenderScope(ctx: DbtRenderContext, stubScope: Environment): Environment {
  const env = new Environment(stubScope);
  const rel = ctx.thisRelation;
  env.setVariable('this', new RelationValue(rel));
  env.setVariable('target', fromJs({ ...ctx.target, dbname: ctx.target.database }));
  env.setVariable('project_name', str(ctx.projectName));
  env.setVariable('model', fromJs({ name: rel.name, alias: rel.name, schema: rel.schema ?? null, database: rel.database ?? null, resource_type: 'model', config: {} }));
  return env;
}

type StubImpl = (r: ActiveRender, positional: RtValue[], kwargs: Map<string, RtValue>, scope: Environment) => RtValue;

/** A context function; outside a render (which does not happen) it yields none. */
const stub = (impl: StubImpl): RtValue => fn((pos, kw, scope) => (active ? impl(active, pos, kw, scope) : none()));

/** Functions dbt puts in scope, created once per macro library and shared by every render. */
export function createStubScope(parent: Environment): Environment {
  const env = new Environment(parent);
  const stubs = { ...relationStubs(), ...configStubs(), ...adapterStubs(), ...miscStubs() };
  for (const [name, value] of Object.entries(stubs)) env.setVariable(name, value);
  return env;
}

function record(state: RenderState, upstream: UpstreamRef, relation: Relation): RelationValue {
  if (pushUpstream(state.upstream, state.seen, upstream)) state.renderedRelations.push({ relation, upstream });
  return new RelationValue(relation);
}

function relationStubs(): Record<string, RtValue> {
  const ref = stub(({ ctx, state }, pos, kw) => {
    const version = toJs(kw.get('v') ?? kw.get('version')) as string | number | undefined;
    const upstream = refUpstream(pos.map(toJs), version);
    if (!upstream || upstream.kind !== 'ref') return badCall(state, 'ref() needs one or two string arguments');
    return record(state, upstream, ctx.resolveRef(upstream.name, upstream.package, version) ?? { name: upstream.name });
  });
  const source = stub(({ ctx, state }, pos) => {
    const [s, t] = pos.map(toJs);
    if (typeof s !== 'string' || typeof t !== 'string') return badCall(state, 'source() needs two string arguments');
    return record(state, { kind: 'source', source: s, table: t }, ctx.resolveSource(s, t) ?? { schema: s, name: t });
  });
  return { ref, source };
}

function badCall(state: RenderState, message: string): RtValue {
  diagnose(state, message, 'jinja-render');
  return str('');
}

function configStubs(): Record<string, RtValue> {
  const lookup = stub(({ state }, pos) => {
    const key = String(toJs(pos[0]));
    return key in state.config ? fromJs(state.config[key]) : (pos[1] ?? none());
  });
  const attrs = new Map<string, RtValue>([
    ['get', lookup],
    ['require', lookup],
  ]);
  const config = new CallableWithAttrs((args) => {
    for (const arg of args) if (active) Object.assign(active.state.config, toJs(arg));
    return str('');
  }, attrs);
  const envVar = stub(({ ctx, state }, pos) => {
    const name = String(toJs(pos[0]));
    if (Object.hasOwn(ctx.env, name)) return str(ctx.env[name]);
    if (pos.length > 1) return pos[1];
    diagnose(state, `env_var('${name}') is not set and has no default`, 'unknown-env-var');
    return str('');
  });
  const isIncremental = stub(({ ctx }) => new Rt.Boolean(ctx.isIncremental ?? false));
  return { config, var: stub(lookupVar), env_var: envVar, is_incremental: isIncremental };
}

function lookupVar({ ctx, state }: ActiveRender, pos: RtValue[]): RtValue {
  const name = String(toJs(pos[0]));
  const scoped = ctx.vars[ctx.projectName];
  if (Object.hasOwn(ctx.vars, name)) return fromJs(ctx.vars[name]);
  if (scoped && typeof scoped === 'object' && Object.hasOwn(scoped, name)) return fromJs((scoped as Record<string, unknown>)[name]);
  if (pos.length > 1) return pos[1];
  diagnose(state, `var('${name}') is not defined and has no default`, 'unknown-var');
  return new Rt.Undefined(undefined);
}

const BACKTICK_ADAPTERS = new Set(['bigquery', 'databricks', 'spark']);

function adapterStubs(): Record<string, RtValue> {
  const empty = fn(() => new Rt.Array([]));
  const adapter = obj({
    dispatch: stub((_r, pos) => dispatcher(String(toJs(pos[0])))),
    quote: stub(({ ctx }, pos) => {
      const q = BACKTICK_ADAPTERS.has(ctx.target.type) ? '`' : '"';
      return str(`${q}${String(toJs(pos[0]))}${q}`);
    }),
    get_columns_in_relation: empty,
    get_missing_columns: empty,
    get_relation: fn(() => none()),
    type: stub(({ ctx }) => str(ctx.target.type)),
  });
  return { adapter };
}

/** adapter.dispatch('m'): the adapter's `<type>__m`, then `default__m`, then `m` itself. */
function dispatcher(name: string): RtValue {
  // The arguments, keyword ones included, pass through untouched, so this is not a `stub`.
  return new Rt.Function((args, scope) => {
    if (!active) return none();
    const { ctx, state } = active;
    for (const candidate of [...adapterChain(ctx.target.type).map((a) => `${a}__${name}`), `default__${name}`, name]) {
      // `m` usually is the macro doing the dispatch; calling it again would never end.
      if (candidate === name && state.dispatching.has(name)) continue;
      const macro = scope.lookupVariable(candidate);
      if (macro.type !== 'FunctionValue') continue;
      state.dispatching.add(name);
      try {
        return (macro as FunctionValue).value(args, scope);
      } finally {
        state.dispatching.delete(name);
      }
    }
    diagnose(state, `adapter.dispatch('${name}') found no macro to call`, 'unknown-macro');
    return new UnknownValue();
  });
}

// Adapters that inherit another's macros, as dbt's dispatch searches them; `postgresql` is the
// parser's name for the postgres adapter, which users may pass as the dialect.
const ADAPTER_PARENTS: Record<string, string[]> = { postgresql: ['postgres'], redshift: ['redshift', 'postgres'] };

function adapterChain(type: string): string[] {
  return ADAPTER_PARENTS[type] ?? [type];
}

function miscStubs(): Record<string, RtValue> {
  const blank = fn(() => str(''));
  const raise = stub(({ state }, pos) => {
    diagnose(state, `raise_compiler_error: ${String(toJs(pos[0]) ?? '')}`, 'dbt-compiler-error');
    return str('');
  });
  return {
    ...resultStubs(),
    // Built-in macros report what they could only approximate without a warehouse.
    _dl_note: stub(({ state }, pos) => {
      diagnose(state, String(toJs(pos[1]) ?? ''), String(toJs(pos[0]) ?? 'dbt-note'));
      return str('');
    }),
    log: blank,
    print: blank,
    exceptions: obj({ raise_compiler_error: raise, raise_not_implemented: raise, warn: blank }),
    return: fn((pos) => {
      throw new ReturnSignal(pos[0] ?? none());
    }),
    graph: fromJs({ nodes: {}, sources: {}, exposures: {} }),
    flags: fromJs({ FULL_REFRESH: false, WHICH: 'compile' }),
    tojson: fn((pos) => str(JSON.stringify(toJs(pos[0]) ?? null))),
    fromjson: fn((pos) => parseJson(pos)),
    default__generate_schema_name: stub(({ ctx }, pos) => str(defaultSchemaName(toJs(pos[0]), ctx.target))),
  };
}

function parseJson(pos: RtValue[]): RtValue {
  try {
    return fromJs(JSON.parse(String(toJs(pos[0]))));
  } catch {
    return pos[1] ?? none();
  }
}
