// Renders dbt models with @huggingface/jinja. Rendering never throws: engine errors become
// diagnostics placed on the original template's lines, and a failed render falls back to
// the refs found statically in the template.

import type { Environment } from '@huggingface/jinja';
import type { Macro } from '@huggingface/jinja/dist/ast';
import type { FunctionValue } from '@huggingface/jinja/dist/runtime';
import type { ActiveRender, DbtRenderContext, MacroFile, MacroLibrary, MacroLoc, RenderState } from './jinjaContext';
import { createRenderScope, createStubScope, defaultSchemaName, newRenderState, withActive } from './jinjaContext';
import { BUILTIN_ALIAS, DbtInterpreter, macroLines } from './jinjaInterpreter';
import { BUILTIN_MACRO_FILES } from './builtinMacros';
import type { Extraction, JinjaDiagnostic } from './jinjaExtract';
import { extractFromExpressionTags, extractFromProgram, extractFromTags } from './jinjaExtract';
import { compileTemplate, errorText, forEachStatement } from './jinjaSource';
import { createGlobals, fromJs, none, ReturnSignal, str, toJs } from './jinjaValues';

export type { DbtRenderContext, DbtTarget, MacroFile, MacroLibrary } from './jinjaContext';

export interface RenderResult {
  /** Undefined when rendering failed. */
  sql?: string;
  /** Every ref()/source() call, in call order, deduplicated. */
  upstream: Extraction['upstream'];
  renderedRelations: RenderState['renderedRelations'];
  /** Merged keyword arguments of config(...) calls. */
  config: Record<string, unknown>;
  /** Lines are those of the original template. */
  diagnostics: JinjaDiagnostic[];
  /** True when the render failed and upstream came from static extraction. */
  usedFallback: boolean;
}

const libraryScopes = new WeakMap<MacroLibrary, Environment>();

/** The scope renders start from: globals, then the library's macros, then the dbt stubs. */
function libraryScope(library: MacroLibrary): Environment {
  // A library made elsewhere than loadMacros gets the built-ins alone.
  let scope = libraryScopes.get(library);
  if (!scope) {
    scope = libraryScopes.get(loadMacros([]).library) as Environment;
    libraryScopes.set(library, scope);
  }
  return scope;
}

export function renderDbtSql(template: string, ctx: DbtRenderContext): RenderResult {
  const compiled = compileTemplate(template);
  if (!compiled.program) return fallbackResult(extractFromTags(compiled), []);
  const program = compiled.program;
  const state = newRenderState();
  const render: ActiveRender = { ctx, state, lines: compiled.lines };
  const env = createRenderScope(ctx, libraryScope(ctx.macros));
  try {
    const output = withActive(render, () => new DbtInterpreter(env).run(program));
    const sql = String(output.value);
    // A macro that renders nothing (often one that needs the warehouse) leaves no SQL to read:
    // say so rather than show a model with no columns and no reason.
    if (!hasSql(sql)) state.diagnostics.push({ ...state.loc, message: 'The model rendered to empty SQL; it has no column lineage', code: 'empty-render' });
    const { upstream, renderedRelations, config, diagnostics } = state;
    return { sql, upstream, renderedRelations, config, diagnostics, usedFallback: false };
  } catch (e) {
    state.diagnostics.push({ ...state.loc, message: renderErrorMessage(e, render.macro), code: 'jinja-render' });
    const extraction = extractFromProgram(program, compiled.lines);
    extraction.config = { ...extraction.config, ...state.config };
    return fallbackResult(extraction, state.diagnostics);
  }
}

/**
 * A YAML value written in Jinja (`schema: "{{ var('raw_schema', 'raw') }}"`), rendered with the
 * project's context and trimmed, as dbt does for sources and dbt_project.yml configs. No value
 * when the render fails; the diagnostics say why.
 */
export function renderJinjaValue(text: string, ctx: DbtRenderContext): { value?: string; diagnostics: JinjaDiagnostic[] } {
  const compiled = compileTemplate(text);
  if (!compiled.program) return { diagnostics: [{ ...(compiled.error ?? { line: 1, column: 1, message: 'Unparseable Jinja' }), code: 'jinja-parse' }] };
  const program = compiled.program;
  const state = newRenderState();
  const render: ActiveRender = { ctx, state, lines: compiled.lines };
  try {
    const output = withActive(render, () => new DbtInterpreter(createRenderScope(ctx, libraryScope(ctx.macros))).run(program));
    return { value: String(output.value).trim(), diagnostics: state.diagnostics };
  } catch (e) {
    return { diagnostics: [...state.diagnostics, { ...state.loc, message: renderErrorMessage(e, render.macro), code: 'jinja-render' }] };
  }
}

/** True when the text has anything besides whitespace, comments and semicolons. */
function hasSql(sql: string): boolean {
  return /[^\s;]/.test(sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ''));
}

function renderErrorMessage(e: unknown, macro: MacroLoc | undefined): string {
  const text = e instanceof ReturnSignal ? 'return() used outside a macro' : errorText(e);
  return macro ? `${text} (in macro ${macro.name}, ${macro.path}:${macro.line})` : text;
}

function fallbackResult(extraction: Extraction, renderDiagnostics: JinjaDiagnostic[]): RenderResult {
  return {
    sql: undefined,
    upstream: extraction.upstream,
    renderedRelations: [],
    config: extraction.config,
    diagnostics: [...renderDiagnostics, ...extraction.diagnostics],
    usedFallback: true,
  };
}

/** The fast path: ref()/source()/config() calls with literal arguments, found without rendering. */
export function extractJinjaRefs(template: string): { upstream: Extraction['upstream']; config: Record<string, unknown>; diagnostics: JinjaDiagnostic[] } {
  const quick = extractFromExpressionTags(template);
  if (quick) return quick;
  const compiled = compileTemplate(template);
  return compiled.program ? extractFromProgram(compiled.program, compiled.lines) : extractFromTags(compiled);
}

type MacroDiagnostic = JinjaDiagnostic & { path: string };
type Compiled = ReturnType<typeof compileTemplate>;

// The built-in library parses once per process; each project's scope defines its macros anew.
let builtins: { path: string; compiled: Compiled }[] | undefined;

function builtinFiles(): { path: string; compiled: Compiled }[] {
  builtins ??= BUILTIN_MACRO_FILES.map((f) => ({ path: f.path, compiled: compileTemplate(f.text) }));
  return builtins;
}

/**
 * Parses macro files once; the returned library is shared by every render. dbt's built-in
 * macros come first, so a project macro of the same name replaces them.
 */
export function loadMacros(files: MacroFile[]): { library: MacroLibrary; diagnostics: MacroDiagnostic[] } {
  const scope = createGlobals();
  const interpreter = new DbtInterpreter(scope);
  const macroNames: string[] = [];
  const diagnostics: MacroDiagnostic[] = [];
  for (const { path, compiled } of builtinFiles()) {
    for (const name of defineMacros(compiled, path, interpreter, scope, diagnostics)) {
      scope.setVariable(`${BUILTIN_ALIAS}${name}`, scope.lookupVariable(name));
    }
  }
  for (const file of files) macroNames.push(...defineMacros(compileTemplate(file.text), file.path, interpreter, scope, diagnostics));
  const library: MacroLibrary = { macroNames };
  libraryScopes.set(library, createStubScope(scope));
  return { library, diagnostics };
}

function defineMacros(compiled: Compiled, path: string, interpreter: DbtInterpreter, scope: Environment, diagnostics: MacroDiagnostic[]): string[] {
  if (!compiled.program) {
    const { line, column, message } = compiled.error ?? { line: 1, column: 1, message: 'Unparseable macro file' };
    diagnostics.push({ path, line, column, message, code: 'jinja-parse' });
    return [];
  }
  const names: string[] = [];
  // Only macro definitions count; other top-level text in a macro file is ignored, as in dbt.
  for (const stmt of compiled.program.body) {
    if (stmt.type !== 'Macro') continue;
    const name = (stmt as Macro).name.value;
    forEachStatement([stmt], (s) => {
      const loc = compiled.lines.get(s);
      if (loc) macroLines.set(s, { ...loc, path, name });
    });
    interpreter.evaluate(stmt, scope);
    names.push(name);
  }
  return names;
}

/**
 * The schema a model lands in: the project's `generate_schema_name` macro when it defines one,
 * otherwise dbt's default (`<target schema>_<custom>` or the target schema).
 */
export function resolveSchemaName(
  customSchema: string | undefined,
  ctx: Pick<DbtRenderContext, 'target' | 'macros' | 'vars' | 'env' | 'projectName'>,
  node: Record<string, unknown> = {},
): string {
  const fallback = defaultSchemaName(customSchema, ctx.target);
  const scope = libraryScope(ctx.macros);
  const macro = scope.lookupVariable('generate_schema_name');
  if (macro.type !== 'FunctionValue') return fallback;
  const state = newRenderState();
  const thisRelation = { schema: ctx.target.schema, name: String(node.name ?? '') };
  const renderCtx: DbtRenderContext = { ...ctx, thisRelation, resolveRef: () => undefined, resolveSource: () => undefined };
  const env = createRenderScope(renderCtx, scope);
  const args = [customSchema === undefined ? none() : str(customSchema), fromJs({ resource_type: 'model', fqn: [ctx.projectName], config: {}, ...node })];
  try {
    const result = withActive({ ctx: renderCtx, state, lines: new WeakMap() }, () => (macro as FunctionValue).value(args, env));
    return String(toJs(result) ?? '').trim() || fallback;
  } catch {
    return fallback;
  }
}
