// Code is split into functions: Spark jobs into functions that take and return DataFrames (`def
// clean(df): return df.dropDuplicates()`, handed to `df.transform(fn)` or `foreachBatch(fn)`),
// DAG files into functions that build operators (`def make_check(dag): return Op(…, dag=dag)`).
// A body read where it is defined sees its parameters unknown; read again at a call with the
// arguments bound, it yields what that call makes. This file finds the function a call names and
// pairs its parameters with the call's arguments; the readers read the body.
import type { PyNode } from './pythonParser';
import { callArguments } from './pyValues';

/** A parameter and what the call gives it: an argument's node, or a value the caller has already. */
export interface Binding<V> {
  name: string;
  node?: PyNode;
  value?: V;
  /** Annotated as a SparkSession (or named `spark`): the session when nothing else is given. */
  session: boolean;
}

/** A function the evaluator can read a body of: a `def`, or a lambda (whose body is an expression). */
export interface Callee {
  id: number;
  name: string;
  params: PyNode | null;
  body: PyNode;
  lambda: boolean;
}

/** The `def` or lambda a node names, by name among the file's functions (the last one wins, as in Python). */
export function calleeOf(node: PyNode | undefined, functions: () => Map<string, PyNode>): Callee | undefined {
  if (node?.type === 'lambda') {
    const body = node.childForFieldName('body');
    return body ? { id: node.id, name: '<lambda>', params: node.childForFieldName('parameters'), body, lambda: true } : undefined;
  }
  const def = node?.type === 'identifier' ? functions().get(node.text) : undefined;
  const body = def?.childForFieldName('body');
  // Methods take `self` first and are called through an object: they are not followed.
  if (!def || !body || def.parent?.parent?.type === 'class_definition') return undefined;
  return { id: def.id, name: node!.text, params: def.childForFieldName('parameters'), body, lambda: false };
}

/** Functions defined anywhere in the file (nested ones too), by name. */
export function functionsOf(root: PyNode): Map<string, PyNode> {
  const out = new Map<string, PyNode>();
  for (const def of root.descendantsOfType('function_definition')) {
    const name = def.childForFieldName('name')?.text;
    if (name) out.set(name, def);
  }
  return out;
}

/** A parameter's name (`x`, `x=1`, `x: int`); none for `*args`, `**kw` and the `*` and `/` markers. */
export function parameterName(p: PyNode): string | undefined {
  if (p.type === 'comment' || p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern' || p.type === 'keyword_separator' || p.type === 'positional_separator') return undefined;
  return (p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier')))?.text;
}

/**
 * The callee's parameters, each with its argument: positional ones in order, then keywords by
 * name; a parameter with no argument keeps its default's node. `given` stands for arguments the
 * caller holds as values (the frame `transform` and `foreachBatch` pass).
 */
export function bindings<V>(callee: Callee, call: PyNode | undefined, given: V[] = []): Binding<V>[] {
  const { positional, keywords } = call ? callArguments(call) : { positional: [], keywords: new Map<string, PyNode>() };
  const args: { node?: PyNode; value?: V }[] = [...given.map((value) => ({ value })), ...positional.map((node) => ({ node }))];
  const out: Binding<V>[] = [];
  let i = 0;
  for (const p of callee.params?.namedChildren ?? []) {
    const name = p && parameterName(p);
    if (!p || !name) continue;
    const arg = args[i++] ?? (keywords.has(name) ? { node: keywords.get(name) } : { node: p.childForFieldName('value') ?? undefined });
    out.push({ name, ...arg, session: name === 'spark' || /SparkSession/.test(p.text) });
  }
  return out;
}
