// The engine's interpreter taught dbt's leniencies: unknown macros render as NULL, `return()`
// ends a macro with a value, `ns.macro()` finds a loaded macro by name, dbt's filters and
// Python's list and dict methods. Split from jinjaRender.ts, which holds the rendering API.

import { Environment, Interpreter } from '@huggingface/jinja';
import type { CallExpression, CallStatement, Expression, FilterExpression, Identifier, Macro, MemberExpression, Statement } from '@huggingface/jinja/dist/ast';
import type { FunctionValue } from '@huggingface/jinja/dist/runtime';
import type { ActiveRender, MacroLoc } from './jinjaContext';
import { activeRender, diagnose } from './jinjaContext';
import type { RtValue } from './jinjaValues';
import { none, pythonMethod, ReturnSignal, Rt, str, toJs, UnknownValue } from './jinjaValues';

// Statement nodes of every loaded macro file; nodes are unique objects, so one map serves all libraries.
export const macroLines = new WeakMap<object, MacroLoc>();
const DBT_FILTERS = new Set(['as_bool', 'as_number', 'as_native', 'as_text']);
const PYTHON_METHODS = new Set(['append', 'extend', 'insert', 'pop', 'remove', 'update', 'setdefault']);

/** The engine's interpreter, taught dbt's leniencies: unknown macros, `return()`, dbt filters. */
export class DbtInterpreter extends Interpreter {
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

/** Built-in macros are also kept under this prefix, out of reach of project macros of the same name. */
export const BUILTIN_ALIAS = '__dl_builtin__';

/**
 * `dbt_utils.star(…)` or `my_project.m(…)`: when the namespace is unknown but a loaded macro has
 * that name, call the macro. The engine reads only `type`, `callee` and `args` of a call node.
 * A project macro `m` that wraps `dbt_utils.m` would call itself forever, so inside a macro
 * named `m` the call goes to the built-in `m` when there is one.
 */
function namespacedMacroCall(node: CallExpression, env: Environment): Statement | undefined {
  if (node.callee.type !== 'MemberExpression') return undefined;
  const { object, property } = node.callee as MemberExpression;
  if (object.type !== 'Identifier' || env.lookupVariable((object as Identifier).value).type !== 'UndefinedValue') return undefined;
  const name = (property as Identifier).value;
  if (env.lookupVariable(name).type !== 'FunctionValue') return undefined;
  const builtin = `${BUILTIN_ALIAS}${name}`;
  const wrapsItself = activeRender()?.macro?.name === name && env.lookupVariable(builtin).type === 'FunctionValue';
  const callee = wrapsItself ? { type: 'Identifier', value: builtin } : property;
  return { type: 'CallExpression', callee, args: node.args } as unknown as Statement;
}
