// Renders dbt models with @huggingface/jinja. Rendering never throws: engine errors become
// diagnostics placed on the original template's lines, and a failed render falls back to
// the refs found statically in the template.

import { Environment, Interpreter } from '@huggingface/jinja';
import type { CallExpression, CallStatement, Expression, FilterExpression, Identifier, Macro, MemberExpression, Statement } from '@huggingface/jinja/dist/ast';
import type { FunctionValue } from '@huggingface/jinja/dist/runtime';
import type { ActiveRender, DbtRenderContext, MacroFile, MacroLibrary, MacroLoc, RenderState } from './jinjaContext';
import { activeRender, createRenderScope, createStubScope, defaultSchemaName, diagnose, newRenderState, withActive } from './jinjaContext';
import type { Extraction, JinjaDiagnostic } from './jinjaExtract';
import { extractFromProgram, extractFromTags } from './jinjaExtract';
import { compileTemplate, errorText, forEachStatement } from './jinjaSource';
import type { RtValue } from './jinjaValues';
import { createGlobals, fromJs, none, pythonMethod, ReturnSignal, Rt, str, toJs, UnknownValue } from './jinjaValues';

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

// Statement nodes of every loaded macro file; nodes are unique objects, so one map serves all libraries.
const macroLines = new WeakMap<object, MacroLoc>();
const libraryScopes = new WeakMap<MacroLibrary, Environment>();
const DBT_FILTERS = new Set(['as_bool', 'as_number', 'as_native', 'as_text']);
const PYTHON_METHODS = new Set(['append', 'extend', 'insert', 'pop', 'remove', 'update', 'setdefault']);

/** The engine's interpreter, taught dbt's leniencies: unknown macros, `return()`, dbt filters. */
class DbtInterpreter extends Interpreter {
  override evaluate(node: Statement | undefined, env: Environment): RtValue {
    if (!node) return super.evaluate(node, env);
    const render = activeRender();
    if (render) track(node, render);
    switch (node.type) {
      case 'CallExpression':
        return this.evaluateDbtCall(node as CallExpression, env);
      case 'CallStatement':
        return this.evaluateCallBlock(node as CallStatement, env);
      case 'Macro':
        return this.defineMacro(node as Macro, env);
      case 'FilterExpression':
        return this.evaluateDbtFilter(node as FilterExpression, env);
      case 'MemberExpression':
        return this.evaluateMember(node as MemberExpression, env);
      default:
        return super.evaluate(node, env);
    }
  }

  private evaluateDbtCall(node: CallExpression, env: Environment): RtValue {
    // Only plain names are checked first: evaluating a callee twice must have no side effects.
    if (!isPlainName(node.callee) || this.evaluate(node.callee, env).type === 'FunctionValue') {
      return super.evaluate(node, env);
    }
    const namespaced = namespacedMacroCall(node, env);
    if (namespaced) return super.evaluate(namespaced, env);
    // The arguments still run, so a ref() inside an unknown macro's arguments is recorded.
    for (const arg of node.args) this.evaluate(argumentValue(arg), env);
    const render = activeRender();
    if (render) diagnose(render.state, `Unknown macro ${nameOf(node.callee)}(); rendered as NULL`, 'unknown-macro');
    return new UnknownValue();
  }

  private evaluateCallBlock(node: CallStatement, env: Environment): RtValue {
    if (this.evaluate(node.call.callee, env).type === 'FunctionValue') return super.evaluate(node, env);
    const render = activeRender();
    if (render) diagnose(render.state, `Unknown macro ${nameOf(node.call.callee)}() in {% call %}`, 'unknown-macro');
    return str('');
  }

  /** Defines the macro, wrapped so that dbt's `{{ return(x) }}` becomes the macro's value. */
  private defineMacro(node: Macro, env: Environment): RtValue {
    super.evaluate(node, env);
    const inner = env.lookupVariable(node.name.value) as FunctionValue;
    const wrapped = new Rt.Function((args, scope) => {
      try {
        return inner.value(args, scope);
      } catch (e) {
        if (e instanceof ReturnSignal) return e.value;
        throw e;
      }
    });
    env.setVariable(node.name.value, wrapped);
    return none();
  }

  /** Adds Python's list and dict methods; other member lookups are the engine's. */
  private evaluateMember(node: MemberExpression, env: Environment): RtValue {
    const name = node.computed || node.property.type !== 'Identifier' ? '' : (node.property as Identifier).value;
    if (!PYTHON_METHODS.has(name)) return super.evaluate(node, env);
    const target = this.evaluate(node.object, env);
    const method = pythonMethod(target, name);
    const shadowed = target.value instanceof Map && target.value.has(name);
    if (method && !shadowed) return method;
    // The object is already evaluated; hand it to the engine under a temporary name.
    const scope = new Environment(env);
    scope.setVariable('__dl_target', target);
    return super.evaluate({ ...node, object: { type: 'Identifier', value: '__dl_target' } } as unknown as Statement, scope);
  }

  private evaluateDbtFilter(node: FilterExpression, env: Environment): RtValue {
    const filter = node.filter;
    if (filter.type !== 'Identifier' || !DBT_FILTERS.has((filter as Identifier).value)) return super.evaluate(node, env);
    const operand = this.evaluate(node.operand, env);
    return (filter as Identifier).value === 'as_text' ? str(String(toJs(operand) ?? '')) : operand;
  }
}

function track(node: Statement, render: ActiveRender): void {
  const loc = render.lines.get(node);
  if (loc) {
    render.state.loc = loc;
    render.macro = undefined;
    return;
  }
  const inMacro = macroLines.get(node);
  if (inMacro) render.macro = inMacro;
}

function isPlainName(node: Expression): boolean {
  if (node.type === 'Identifier') return true;
  const member = node as MemberExpression;
  return node.type === 'MemberExpression' && !member.computed && member.property.type === 'Identifier' && isPlainName(member.object);
}

function nameOf(node: Expression): string {
  if (node.type === 'Identifier') return (node as Identifier).value;
  const member = node as MemberExpression;
  return node.type === 'MemberExpression' ? `${nameOf(member.object)}.${nameOf(member.property)}` : node.type;
}

function argumentValue(arg: Expression): Expression {
  const wrapped = arg as Expression & { value?: Expression; argument?: Expression };
  if (arg.type === 'KeywordArgumentExpression') return wrapped.value as Expression;
  if (arg.type === 'SpreadExpression' || arg.type === 'KeywordSpreadExpression') return wrapped.argument as Expression;
  return arg;
}

/**
 * `dbt_utils.star(…)` or `my_project.m(…)`: when the namespace is unknown but a loaded macro has
 * that name, call the macro. The engine reads only `type`, `callee` and `args` of a call node.
 */
function namespacedMacroCall(node: CallExpression, env: Environment): Statement | undefined {
  if (node.callee.type !== 'MemberExpression') return undefined;
  const { object, property } = node.callee as MemberExpression;
  if (object.type !== 'Identifier' || env.lookupVariable((object as Identifier).value).type !== 'UndefinedValue') return undefined;
  if (env.lookupVariable((property as Identifier).value).type !== 'FunctionValue') return undefined;
  return { type: 'CallExpression', callee: property, args: node.args } as unknown as Statement;
}

/** The scope renders start from: globals, then the library's macros, then the dbt stubs. */
function libraryScope(library: MacroLibrary): Environment {
  let scope = libraryScopes.get(library);
  if (!scope) {
    scope = createStubScope(createGlobals());
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
    const { upstream, renderedRelations, config, diagnostics } = state;
    return { sql: String(output.value), upstream, renderedRelations, config, diagnostics, usedFallback: false };
  } catch (e) {
    state.diagnostics.push({ ...state.loc, message: renderErrorMessage(e, render.macro), code: 'jinja-render' });
    const extraction = extractFromProgram(program, compiled.lines);
    extraction.config = { ...extraction.config, ...state.config };
    return fallbackResult(extraction, state.diagnostics);
  }
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
  const compiled = compileTemplate(template);
  return compiled.program ? extractFromProgram(compiled.program, compiled.lines) : extractFromTags(compiled);
}

/** Parses macro files once; the returned library is shared by every render. */
export function loadMacros(files: MacroFile[]): { library: MacroLibrary; diagnostics: (JinjaDiagnostic & { path: string })[] } {
  const scope = createGlobals();
  const interpreter = new DbtInterpreter(scope);
  const macroNames: string[] = [];
  const diagnostics: (JinjaDiagnostic & { path: string })[] = [];
  for (const file of files) {
    const compiled = compileTemplate(file.text);
    if (!compiled.program) {
      const { line, column, message } = compiled.error ?? { line: 1, column: 1, message: 'Unparseable macro file' };
      diagnostics.push({ path: file.path, line, column, message, code: 'jinja-parse' });
      continue;
    }
    // Only macro definitions count; other top-level text in a macro file is ignored, as in dbt.
    for (const stmt of compiled.program.body) {
      if (stmt.type !== 'Macro') continue;
      const name = (stmt as Macro).name.value;
      forEachStatement([stmt], (s) => {
        const loc = compiled.lines.get(s);
        if (loc) macroLines.set(s, { ...loc, path: file.path, name });
      });
      interpreter.evaluate(stmt, scope);
      macroNames.push(name);
    }
  }
  const library: MacroLibrary = { macroNames };
  libraryScopes.set(library, createStubScope(scope));
  return { library, diagnostics };
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
