// A bridge to the engine's runtime values. @huggingface/jinja exports no value classes, so we
// take them from values it creates itself, and build dbt's special values on top of them.

import { Environment } from '@huggingface/jinja';
import type {
  AnyRuntimeValue,
  ArrayValue,
  BooleanValue,
  FloatValue,
  FunctionValue,
  IntegerValue,
  NullValue,
  ObjectValue,
  StringValue,
  UndefinedValue,
} from '@huggingface/jinja/dist/runtime';
import type { Relation } from '../model';
const probe = new Environment();
const ctorOf = <T>(value: unknown): T => (probe.set(`v${probe.variables.size}`, value).constructor as unknown) as T;
export const Rt = {
  String: ctorOf<typeof StringValue>(''),
  Integer: ctorOf<typeof IntegerValue>(1),
  Float: ctorOf<typeof FloatValue>(1.5),
  Boolean: ctorOf<typeof BooleanValue>(true),
  Null: ctorOf<typeof NullValue>(null),
  Undefined: ctorOf<typeof UndefinedValue>(undefined),
  Array: ctorOf<typeof ArrayValue>([]),
  Object: ctorOf<typeof ObjectValue>({}),
  Function: ctorOf<typeof FunctionValue>(() => null),
};

export type RtValue = AnyRuntimeValue;
type Impl = (positional: RtValue[], kwargs: Map<string, RtValue>, scope: Environment) => RtValue;

/** Thrown by dbt's `return()`; the macro wrapper turns it into the macro's value. */
export class ReturnSignal {
  constructor(readonly value: RtValue) {}
}

export const str = (s: string): RtValue => new Rt.String(s);
export const none = (): RtValue => new Rt.Null(null);

/** Wraps a stub so it sees positional and keyword arguments apart. */
export function fn(impl: Impl): FunctionValue {
  return new Rt.Function((args, scope) => {
    const last = args.at(-1);
    const hasKwargs = last?.type === 'KeywordArgumentsValue';
    const kwargs = hasKwargs ? (last.value as Map<string, RtValue>) : new Map<string, RtValue>();
    return impl(hasKwargs ? args.slice(0, -1) : args, kwargs, scope);
  });
}

export function toJs(value: RtValue | undefined): unknown {
  if (!value) return undefined;
  switch (value.type) {
    case 'ArrayValue':
    case 'TupleValue':
      return (value.value as RtValue[]).map(toJs);
    case 'ObjectValue':
    case 'KeywordArgumentsValue':
    case 'NamespaceValue':
      return Object.fromEntries([...(value.value as Map<string, RtValue>)].map(([k, v]) => [k, toJs(v)]));
    case 'FunctionValue':
    case 'UndefinedValue':
      return undefined;
    default:
      return value.value;
  }
}

export function fromJs(value: unknown): RtValue {
  if (value === null) return none();
  if (Array.isArray(value)) return new Rt.Array(value.map(fromJs));
  switch (typeof value) {
    case 'string':
      return str(value);
    case 'number':
      return Number.isInteger(value) ? new Rt.Integer(value) : new Rt.Float(value);
    case 'boolean':
      return new Rt.Boolean(value);
    case 'object':
      return new Rt.Object(new Map(Object.entries(value).map(([k, v]) => [k, fromJs(v)])));
    default:
      return new Rt.Undefined(undefined);
  }
}

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

export function renderRelation(relation: Relation): string {
  return [relation.schema, relation.name]
    .filter((part): part is string => !!part)
    .map((part) => (PLAIN_IDENTIFIER.test(part) ? part : `"${part.replace(/"/g, '""')}"`))
    .join('.');
}

/** A relation renders as `schema.name` yet answers `.schema`, `.identifier`, … like dbt's Relation. */
export class RelationValue extends Rt.String {
  private attrs?: Map<string, RtValue>;

  constructor(readonly relation: Relation) {
    super(renderRelation(relation));
  }

  override get builtins(): Map<string, RtValue> {
    if (this.attrs) return this.attrs;
    const r = this.relation;
    const self = fn(() => this);
    this.attrs = new Map<string, RtValue>([
      ['database', r.database === undefined ? none() : str(r.database)],
      ['schema', r.schema === undefined ? none() : str(r.schema)],
      ['identifier', str(r.name)],
      ['name', str(r.name)],
      ['table', str(r.name)],
      ['render', fn(() => str(this.value))],
      ['include', self],
      ['quote', self],
      ['incorporate', self],
    ]);
    return this.attrs;
  }
}

/** Stands in for an unknown macro's result: renders as NULL, is falsy and iterates as empty. */
export class UnknownValue extends Rt.Array {
  constructor() {
    super([]);
  }

  override toString(): string {
    return 'NULL';
  }
}

/** A function that also has attributes, like dbt's `config` with `config.get`. */
export class CallableWithAttrs extends Rt.Function {
  constructor(
    call: FunctionValue['value'],
    private readonly attrs: Map<string, RtValue>,
  ) {
    super(call);
  }

  override get builtins(): Map<string, RtValue> {
    return this.attrs;
  }
}


/** Names every environment needs; the engine's own setupGlobals is not exported. */
export function createGlobals(): Environment {
  const env = new Environment();
  for (const [name, value] of Object.entries({ true: true, false: false, none: null, True: true, False: false, None: null })) {
    env.setVariable(name, fromJs(value));
  }
  env.setVariable('range', fn((pos) => fromJs(range(pos.map((p) => Number(toJs(p)))))));
  return env;
}

function range(args: number[]): number[] {
  const [start, stop, step = 1] = args.length === 1 ? [0, args[0]] : args;
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}


/**
 * Python's mutating list and dict methods (`append`, `extend`, `update`, …), which dbt models
 * call through `{% do %}` but the engine does not provide. Returns undefined for other names.
 */
export function pythonMethod(target: RtValue, name: string): RtValue | undefined {
  if (target.type === 'ArrayValue') return listMethod(target.value as RtValue[], name);
  if (target.type === 'ObjectValue' || target.type === 'NamespaceValue') return dictMethod(target.value as Map<string, RtValue>, name);
  return undefined;
}

function listMethod(items: RtValue[], name: string): RtValue | undefined {
  switch (name) {
    case 'append':
      return fn((pos) => (items.push(pos[0] ?? none()), none()));
    case 'extend':
      return fn((pos) => (items.push(...((pos[0]?.value as RtValue[] | undefined) ?? [])), none()));
    case 'insert':
      return fn((pos) => (items.splice(Number(toJs(pos[0])), 0, pos[1] ?? none()), none()));
    case 'pop':
      return fn((pos) => items.splice(pos.length ? Number(toJs(pos[0])) : -1, 1)[0] ?? none());
    case 'remove':
      return fn((pos) => {
        const index = items.findIndex((item) => item.value === pos[0]?.value);
        if (index >= 0) items.splice(index, 1);
        return none();
      });
    default:
      return undefined;
  }
}

function dictMethod(entries: Map<string, RtValue>, name: string): RtValue | undefined {
  switch (name) {
    case 'update':
      return fn((pos, kw) => {
        for (const source of [...pos.map((p) => p.value as Map<string, RtValue>), kw]) {
          if (source instanceof Map) for (const [k, v] of source) entries.set(k, v);
        }
        return none();
      });
    case 'pop':
      return fn((pos) => {
        const key = String(toJs(pos[0]));
        const value = entries.get(key) ?? pos[1] ?? none();
        entries.delete(key);
        return value;
      });
    case 'setdefault':
      return fn((pos) => {
        const key = String(toJs(pos[0]));
        if (!entries.has(key)) entries.set(key, pos[1] ?? none());
        return entries.get(key) as RtValue;
      });
    default:
      return undefined;
  }
}
