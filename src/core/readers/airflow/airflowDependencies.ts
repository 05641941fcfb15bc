// Task dependencies as Airflow builds them: `a >> b`, `a << b`, lists on either side, chains of
// them, `set_upstream` / `set_downstream`, `chain(...)`, `chain_linear(...)`,
// `cross_downstream(...)`, and TaskFlow data passing (`t2(t1())`, `op.output`, `.expand(x=t1())`).
// A TaskGroup on either side stands for its first tasks (downstream side) or last tasks
// (upstream side), as Airflow wires groups.
import type { PyNode } from '../../python/pythonParser';
import type { PyScopes } from '../../python/pyValues';
import { callArguments, callName } from '../../python/pyValues';
import type { DagDiscovery, GroupInfo, TaskInfo } from './airflowDags';
import { samePass } from '../../python/pyLoops';

type Endpoint = { task: TaskInfo } | { group: GroupInfo };

/** upstream task → downstream task pairs, deduplicated, in the order they are written. */
export function taskDependencies(root: PyNode, found: DagDiscovery, scopes: PyScopes): [TaskInfo, TaskInfo][] {
  const edges: [Endpoint, Endpoint][] = [];
  const link = (a: Endpoint[], b: Endpoint[]) => edges.push(...pairs(a, b));
  const ev = new Evaluator(found);
  for (const n of root.descendantsOfType(['binary_operator', 'call'])) {
    if (!n) continue;
    if (n.type === 'binary_operator') {
      if (isShift(n) && !(n.parent?.type === 'binary_operator' && isShift(n.parent))) for (const pass of passesOf(n, found, scopes)) ev.eval(n, pass, link);
      continue;
    }
    const name = callName(n);
    // Arguments are read for the calls that wire tasks only, not for every call in the file.
    const fn = n.childForFieldName('function');
    const upDown = fn?.type === 'attribute' && /^set_(up|down)stream$/.test(fn.childForFieldName('attribute')?.text ?? '');
    const kind = upDown ? 'set' : /(^|\.)chain$/.test(name) ? 'chain' : /(^|\.)chain_linear$/.test(name) ? 'linear' : /(^|\.)cross_downstream$/.test(name) ? 'cross' : undefined;
    if (!kind) continue;
    for (const pass of passesOf(n, found, scopes)) {
      const ends = (a: PyNode | undefined) => ev.eval(a, pass, link);
      if (kind === 'set') {
        const self = ends(fn!.childForFieldName('object') ?? undefined);
        const others = callArguments(n).positional.flatMap((a) => ends(a));
        if (name.endsWith('set_downstream')) link(self, others);
        else link(others, self);
      } else if (kind === 'chain') {
        const items = spread(callArguments(n).positional, pass).map((a) => ({ node: a, ends: ends(a) }));
        for (let i = 1; i < items.length; i++) {
          const [a, b] = [items[i - 1], items[i]];
          // chain() pairs two lists of the same length element by element.
          if (isList(a.node) && isList(b.node) && a.ends.length === b.ends.length) a.ends.forEach((e, j) => link([e], [b.ends[j]]));
          else link(a.ends, b.ends);
        }
      } else if (kind === 'linear') {
        const items = spread(callArguments(n).positional, pass).map((a) => ends(a));
        for (let i = 1; i < items.length; i++) link(items[i - 1], items[i]);
      } else {
        const { positional, keywords } = callArguments(n);
        link(ends(keywords.get('from_tasks') ?? positional[0]), ends(keywords.get('to_tasks') ?? positional[1]));
      }
    }
  }
  // Data passed between tasks: any XComArg among a task's arguments is upstream of it (read in the
  // task's own pass, when it is made in a loop).
  for (const t of found.tasks) {
    for (const call of t.calls) {
      const { positional, keywords } = callArguments(call);
      for (const a of [...positional, ...keywords.values()]) for (const up of ev.xcoms(a, t.scopes ?? scopes)) edges.push([{ task: up }, { task: t }]);
    }
  }
  return expand(edges, found.tasks);
}

/**
 * Wiring written in a loop over a list in the code runs once per pass, and each pass links its
 * own tasks (`extract >> load` in the body pairs each table's two tasks, not every extract with
 * every load); so does wiring in a DAG factory function, once per call. A loop that cannot be
 * unrolled is read once, as written.
 */
function passesOf(node: PyNode, found: DagDiscovery, scopes: PyScopes): PyScopes[] {
  return found.passes.of(node) ?? [scopes];
}

/**
 * `chain(*steps)`: the items of the list `steps` names are the arguments, each one step of the
 * chain (a list among them a fan-out step). A splat of anything not written in the code is left
 * as one argument, whose tasks are then all one step.
 */
function spread(args: PyNode[], scopes: PyScopes): PyNode[] {
  return args.flatMap((a) => {
    if (a.type !== 'list_splat') return [a];
    let inner: PyNode | undefined = a.namedChildren[0] ?? undefined;
    for (let i = 0; inner?.type === 'identifier' && i < 4; i++) inner = scopes.lookup(inner.text, inner);
    return inner && isList(inner) ? inner.namedChildren.filter((c): c is PyNode => !!c && c.type !== 'comment') : [a.namedChildren[0] ?? a];
  });
}

type Link = (a: Endpoint[], b: Endpoint[]) => void;

class Evaluator {
  constructor(private readonly found: DagDiscovery) {}

  /** The tasks and groups an expression stands for in a pass; `>>` and `<<` record their edges on the way. */
  eval(node: PyNode | null | undefined, scopes: PyScopes, link: Link, depth = 0): Endpoint[] {
    if (!node || depth > 12) return [];
    switch (node.type) {
      case 'identifier': {
        const alias = this.found.groupAliases.get(node.text);
        if (alias) return this.eval(alias, scopes, link, depth + 1);
        // A name assigned more than once (`previous = task` in a loop) stands for the task it
        // holds when the line runs (pyFlow.ts), or for nothing when that cannot be known.
        const bound = scopes.binding(node.text, node);
        return bound && bound.value !== node ? this.eval(bound.value, bound.scopes, link, depth + 1) : [];
      }
      case 'call': {
        const tasks = this.found.taskByNode.get(node.id);
        if (tasks) return tasks.filter((t) => !t.scopes || samePass(t.scopes, scopes)).map((task) => ({ task }));
        const groups = this.found.groupByNode.get(node.id) ?? [];
        return groups.filter((g) => !g.scopes || samePass(g.scopes, scopes)).map((group) => ({ group }));
      }
      case 'attribute':
        return node.childForFieldName('attribute')?.text === 'output' ? this.eval(node.childForFieldName('object'), scopes, link, depth + 1) : [];
      case 'subscript':
        return this.eval(node.childForFieldName('value'), scopes, link, depth + 1);
      case 'list':
      case 'tuple':
      case 'parenthesized_expression':
      case 'expression_list':
        return node.namedChildren.flatMap((c) => this.eval(c, scopes, link, depth + 1));
      case 'binary_operator': {
        if (!isShift(node)) return [];
        // `a >> b >> c` is `(a >> b) >> c`, nested on the left as deep as the chain is long: the
        // chain is walked down its left side here, so a long one does not use up `depth` (which
        // only stops a cycle of names bound to each other) and loses none of its first links.
        const steps: PyNode[] = [];
        let head: PyNode = node;
        while (head.type === 'binary_operator' && isShift(head)) {
          steps.push(head);
          const left = head.childForFieldName('left');
          if (!left) return [];
          head = left;
        }
        // Each step returns its right side, as Airflow's __rshift__ and __lshift__ do.
        let current = this.eval(head, scopes, link, depth + 1);
        for (let i = steps.length - 1; i >= 0; i--) {
          const right = this.eval(steps[i].childForFieldName('right'), scopes, link, depth + 1);
          if (steps[i].childForFieldName('operator')?.text === '>>') link(current, right);
          else link(right, current);
          current = right;
        }
        return current;
      }
      default:
        return [];
    }
  }

  /** The tasks whose results (XComArgs) an argument passes: TaskFlow call results and `op.output`. */
  xcoms(node: PyNode | null | undefined, scopes: PyScopes, depth = 0): TaskInfo[] {
    if (!node || depth > 12) return [];
    switch (node.type) {
      case 'identifier': {
        const bound = scopes.binding(node.text, node);
        return bound && bound.value !== node ? this.xcoms(bound.value, bound.scopes, depth + 1) : [];
      }
      case 'call': {
        // `XComArg(op)`: the operator's result, as `op.output` is.
        if (/(^|\.)XComArg$/.test(callName(node))) return this.eval(callArguments(node).positional[0], scopes, () => {}, depth + 1).flatMap((e) => ('task' in e ? [e.task] : []));
        return (this.found.taskByNode.get(node.id) ?? []).filter((t) => t.taskflow && (!t.scopes || samePass(t.scopes, scopes)));
      }
      case 'attribute':
        return node.childForFieldName('attribute')?.text === 'output'
          ? this.eval(node.childForFieldName('object'), scopes, () => {}, depth + 1).flatMap((e) => ('task' in e ? [e.task] : []))
          : [];
      case 'subscript':
        return this.xcoms(node.childForFieldName('value'), scopes, depth + 1);
      case 'list':
      case 'tuple':
      case 'set':
      case 'dictionary':
      case 'pair':
      case 'parenthesized_expression':
        return node.namedChildren.flatMap((c) => (c && !(node.type === 'pair' && c === node.childForFieldName('key')) ? this.xcoms(c, scopes, depth + 1) : []));
      default:
        return [];
    }
  }
}

function isShift(n: PyNode): boolean {
  const op = n.childForFieldName('operator')?.text;
  return n.type === 'binary_operator' && (op === '>>' || op === '<<');
}

function isList(n: PyNode): boolean {
  return n.type === 'list' || n.type === 'tuple';
}

function pairs(a: Endpoint[], b: Endpoint[]): [Endpoint, Endpoint][] {
  return a.flatMap((x) => b.map((y): [Endpoint, Endpoint] => [x, y]));
}

function inGroup(t: TaskInfo, g: GroupInfo): boolean {
  return t.dag === g.dag && !!t.group && (t.group === g || t.group.id === g.id || t.group.id.startsWith(`${g.id}.`));
}

/**
 * Groups become their root tasks (as a downstream) or leaf tasks (as an upstream). Which tasks
 * those are depends on the group's inner edges, themselves possibly written with nested groups,
 * so the expansion repeats until it no longer changes.
 */
function expand(edges: [Endpoint, Endpoint][], tasks: TaskInfo[]): [TaskInfo, TaskInfo][] {
  let known: [TaskInfo, TaskInfo][] = [];
  for (let round = 0; round < 5; round++) {
    const next = expandOnce(edges, tasks, known);
    if (next.length === known.length && next.every(([a, b], i) => known[i][0] === a && known[i][1] === b)) break;
    known = next;
  }
  return known;
}

function expandOnce(edges: [Endpoint, Endpoint][], tasks: TaskInfo[], known: [TaskInfo, TaskInfo][]): [TaskInfo, TaskInfo][] {
  const members = (g: GroupInfo) => tasks.filter((t) => inGroup(t, g));
  const roots = (g: GroupInfo) => members(g).filter((t) => !known.some(([a, b]) => b === t && inGroup(a, g)));
  const leaves = (g: GroupInfo) => members(g).filter((t) => !known.some(([a, b]) => a === t && inGroup(b, g)));
  const out: [TaskInfo, TaskInfo][] = [];
  const seen = new Set<string>();
  for (const [a, b] of edges) {
    const ups = 'task' in a ? [a.task] : leaves(a.group);
    const downs = 'task' in b ? [b.task] : roots(b.group);
    for (const u of ups) {
      for (const d of downs) {
        const key = `${u.dag.dagId}|${u.taskId}|${d.taskId}`;
        if (u === d || u.dag !== d.dag || seen.has(key)) continue;
        seen.add(key);
        out.push([u, d]);
      }
    }
  }
  return out;
}
