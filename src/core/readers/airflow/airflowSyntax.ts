// Syntax shapes Airflow code is written in: operator chains (`Op.partial(...).expand(...)`,
// `fn.override(...)(...)`), `with X(...) as name` statements and `@asset` functions' parameters.
import type { PyNode } from '../../python/pythonParser';
import { callName } from '../../python/pyValues';
import { parameterName } from '../../python/pyCalls';

const CHAIN_METHODS = new Set(['expand', 'expand_kwargs', 'partial', 'override']);

/**
 * `Op.partial(...).expand(...)`, `fn.override(...)(...)`, `fn.expand(...)`: the calls of the chain,
 * outermost first, and the dotted name at its base (`Op`, `fn`).
 */
export function chainOf(call: PyNode): { base: string; calls: PyNode[]; mapped: boolean } {
  const calls = [call];
  let mapped = false;
  let node = call;
  for (let i = 0; i < 6; i++) {
    const fn = node.childForFieldName('function');
    if (!fn) return { base: '', calls, mapped };
    if (fn.type === 'call') {
      calls.push(fn);
      node = fn;
      continue;
    }
    if (fn.type === 'attribute' && CHAIN_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) {
      if (fn.childForFieldName('attribute')?.text.startsWith('expand')) mapped = true;
      const obj = fn.childForFieldName('object');
      if (obj?.type === 'call') {
        calls.push(obj);
        node = obj;
        continue;
      }
      return { base: obj?.text ?? '', calls, mapped };
    }
    return { base: callName(node), calls, mapped };
  }
  return { base: '', calls, mapped };
}

/**
 * The calls of a `with` statement's items, in order. An item that is a name (`dag = DAG(...)`
 * then `with dag:`, or `with tg:` for a TaskGroup made earlier) stands for the call bound to it
 * where the `with` runs, as `lookup` finds it.
 */
export function withCalls(stmt: PyNode, lookup: (name: PyNode) => PyNode | undefined): PyNode[] {
  const clause = stmt.namedChildren.find((c) => c?.type === 'with_clause');
  const out: PyNode[] = [];
  for (const item of clause?.namedChildren ?? []) {
    let v = item?.childForFieldName('value');
    if (v?.type === 'as_pattern') v = v.namedChildren[0];
    if (v?.type === 'identifier') v = lookup(v) ?? null;
    if (v?.type === 'call') out.push(v);
  }
  return out;
}

export function withStatementOf(call: PyNode): PyNode | undefined {
  for (let n = call.parent; n; n = n.parent) if (n.type === 'with_statement') return n;
  return undefined;
}

/** `with X(...) as name`: the name. */
export function withAlias(call: PyNode): string | undefined {
  if (call.parent?.type !== 'as_pattern') return undefined;
  const target = call.parent.childForFieldName('alias') ?? call.parent.namedChildren[1];
  const id = target?.type === 'identifier' ? target : target?.namedChildren[0];
  return id?.type === 'identifier' ? id.text : undefined;
}

/** The assets an `@asset` function's parameters name (`def clean(self, context, raw_orders)`): its inlets. */
export function assetParams<T>(def: PyNode, assets: Map<string, T>): T[] {
  const params = def.childForFieldName('parameters')?.namedChildren ?? [];
  return params.flatMap((p) => {
    const name = p && parameterName(p);
    const a = name ? assets.get(name) : undefined;
    return a ? [a] : [];
  });
}
