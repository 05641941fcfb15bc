// What dbt's database calls return when nothing can be asked: run_query, statement and
// load_result give agate-like tables with no rows. We emulate `dbt compile`, where `execute` is
// true, so code guarded by `{% if execute %}` runs and must find the shapes it expects:
// `results.columns[0].values()`, `results.rows`, `load_result('x')['data']`, `.table`.

import type { Environment } from '@huggingface/jinja';
import type { FunctionValue } from '@huggingface/jinja/dist/runtime';
import type { RtValue } from './jinjaValues';
import { fn, Rt, str, UnknownValue } from './jinjaValues';

/**
 * An empty list whose every index still answers: iterating it or taking its length sees no
 * items, while `x[0]` yields `item`. Results have no rows, yet templates index them blindly
 * (`results.columns[0]`, `rows[0][0]`) and dbt compile would have had a value there.
 */
class EmptyIndexable extends Rt.Array {
  constructor(
    item: () => RtValue,
    private readonly attrs: Map<string, RtValue>,
  ) {
    const items: RtValue[] = [];
    // The engine reads an index through `Array.prototype.at`; only this array's `at` changes.
    Object.defineProperty(items, 'at', { value: () => item() });
    super(items);
  }

  override get builtins(): Map<string, RtValue> {
    return new Map([['length', new Rt.Integer(0)], ...this.attrs]);
  }
}

function emptyIndexable(item: () => RtValue, attrs: Record<string, RtValue> = {}): RtValue {
  return new EmptyIndexable(item, new Map(Object.entries(attrs)));
}

const emptyList = fn(() => new Rt.Array([]));

/** An agate column: no values, and a cell read from it is unknown (renders NULL, is falsy). */
function emptyColumn(): RtValue {
  return emptyIndexable(() => new UnknownValue(), { values: emptyList, values_distinct: emptyList, values_without_nulls: emptyList, name: str('') });
}

function emptyRow(): RtValue {
  return emptyIndexable(() => new UnknownValue(), { values: emptyList, keys: emptyList, items: emptyList, dict: fn(() => new Rt.Object(new Map())) });
}

/**
 * An agate table with no rows: iterates (its rows) as empty and is falsy, as dbt_utils'
 * `{% for row in load_result('x')['table'] %}` expects; rendered directly it prints nothing.
 */
class EmptyTable extends EmptyIndexable {
  constructor() {
    const blank = fn(() => str(''));
    super(
      emptyRow,
      new Map<string, RtValue>([
        ['columns', emptyIndexable(emptyColumn)],
        ['rows', emptyIndexable(emptyRow)],
        ['column_names', new Rt.Array([])],
        ['column_types', new Rt.Array([])],
        ['print_table', blank],
        ['print_json', blank],
      ]),
    );
  }

  override toString(): string {
    return '';
  }
}

/** dbt's load_result: `['data']` as rows, `.table` as the table, `.response` with no code. */
class EmptyResult extends Rt.Object {
  constructor() {
    super(
      new Map<string, RtValue>([
        ['data', emptyIndexable(emptyRow)],
        ['table', new EmptyTable()],
        ['response', new Rt.Object(new Map<string, RtValue>([['code', str('')], ['rows_affected', new Rt.Integer(0)]]))],
      ]),
    );
  }

  override toString(): string {
    return '';
  }
}

/**
 * dbt's `statement` renders its `{% call %}` body to get the SQL it would run; rendering it
 * here records the refs inside, while the result stays empty because nothing runs.
 */
function runCallerBody(_pos: RtValue[], _kw: Map<string, RtValue>, scope: Environment): RtValue {
  const caller = scope.lookupVariable('caller');
  if (caller.type === 'FunctionValue') (caller as FunctionValue).value([], scope);
  return str('');
}

export function resultStubs(): Record<string, RtValue> {
  return {
    execute: new Rt.Boolean(true),
    run_query: fn(() => new EmptyTable()),
    statement: fn(runCallerBody),
    load_result: fn(() => new EmptyResult()),
  };
}
