// Finding what an Airflow DAG file declares, on the tree-sitter syntax tree: the DAGs (`with
// DAG(...)`, `dag = DAG(...)`, `@dag` functions, Cosmos `DbtDag`), their TaskGroups (`with
// TaskGroup(...)`, `@task_group` functions) and their tasks (operator calls with a `task_id`,
// `.partial().expand()`, TaskFlow `@task` functions where they are called, Cosmos `DbtTaskGroup`).
// Tasks belong to the DAG and group they are written under, or the ones their `dag=` /
// `task_group=` arguments name; a file with one DAG owns every task it creates. The DAGs
// themselves are found by DagDeclarations (airflowDeclarations.ts).
import type { PyNode } from '../../python/pythonParser';
import type { PyScopes } from '../../python/pyValues';
import { callArguments, callName, stringValue } from '../../python/pyValues';
import { chainOf, withAlias, withCalls, withStatementOf } from './airflowSyntax';
import { samePass } from '../../python/pyLoops';
import { enclosingFunction } from './airflowPasses';
import { DAG_CALL, DagDeclarations, TASK_DECORATOR, perPass } from './airflowDeclarations';
import type { Context, DagInfo, GroupInfo, Placement, TaskInfo } from './airflowTypes';

export type { AssetRef, DagInfo, GroupInfo, TaskInfo } from './airflowTypes';

/** Everything the file declares, with lookups from syntax nodes to DAGs, groups and tasks. */
export class DagDiscovery extends DagDeclarations {
  /** The groups an expression makes: one, or one per pass of the loops around it. */
  readonly groupByNode = new Map<number, GroupInfo[]>();
  /** Groups bound by `with TaskGroup(...) as name` (assignments are found through the scopes). */
  readonly groupAliases = new Map<string, PyNode>();
  private readonly groupCache = new Map<number, GroupInfo[] | null>();

  constructor(root: PyNode, scopes: PyScopes) {
    super(root, scopes);
    const consumed = new Set<number>();
    for (const c of this.calls) if (!consumed.has(c.id)) this.taskCall(c, consumed);
    for (const t of this.tasks) t.dag.tasks.push(t);
  }

  /** The DAG and group a node is written under. */
  contextOf(node: PyNode, depth = 0): Context {
    for (let n = node.parent; n && depth < 20; n = n.parent) {
      if (n.type === 'with_statement') {
        const items = n.childForFieldName('body') ? withCalls(n, (id) => this.scopes.lookup(id.text, id)) : [];
        for (const call of items.reverse()) {
          const dag = this.dagByCall.get(call.id);
          if (dag) return { dag };
          const dags = this.dagPasses.get(call.id);
          if (dags) return perPass(dags);
          if (this.unknownDagCalls.has(call.id)) return { skip: true };
          const groups = this.groupsOf(call, depth + 1);
          if (groups) return inGroups(groups);
        }
      } else if (n.type === 'function_definition') {
        const dag = this.dagByFunction.get(n.id);
        if (dag) return { dag };
        const dags = this.dagFnPasses.get(n.id);
        if (dags) return perPass(dags);
        if (this.taskflowDefs.has(n.id) || this.unknownDagFns.has(n.id)) return { skip: true };
        if (this.groupFnByDef.has(n.id)) {
          // A @task_group function's body runs at each call, in the group that call makes.
          const groups = this.passes.sitesOf(n).flatMap((site) => this.groupsOf(site, depth + 1) ?? []);
          return inGroups(groups);
        }
      }
    }
    // One DAG in the file: operators outside any `with` are its tasks, unless another DAG's id
    // could not be read (they may be that DAG's).
    return this.dags.length === 1 && !this.unknownDagCalls.size ? { dag: this.dags[0] } : {};
  }

  /**
   * The group a TaskGroup call or a @task_group function call creates, or one per pass when it is
   * made in a loop or in a DAG factory (memoised). None when its id is known only at run time: its
   * tasks' ids are not known either.
   */
  groupsOf(call: PyNode, depth = 0): GroupInfo[] | undefined {
    const cached = this.groupCache.get(call.id);
    if (cached !== undefined) return cached ?? undefined;
    this.groupCache.set(call.id, null); // a guard against cycles while the context is computed
    const name = callName(call);
    const { positional, keywords } = callArguments(call);
    let labelNode: PyNode | undefined;
    let label: string | undefined;
    let prefix = true;
    let fnDef: PyNode | undefined; // a @task_group function's: its body runs at each call
    if (/(^|\.)(Dbt)?TaskGroup$/.test(name)) {
      labelNode = keywords.get('group_id') ?? positional[0];
      prefix = keywords.get('prefix_group_id')?.text !== 'False';
    } else {
      const fn = this.groupFns.get(chainOf(call).base);
      if (!fn) return undefined;
      prefix = fn.prefix;
      const override = chainOf(call).calls.find((c) => callName(c).endsWith('.override'));
      labelNode = override ? callArguments(override).keywords.get('group_id') : undefined;
      label = fn.label;
      fnDef = fn.def;
    }
    const start = call.parent?.type === 'as_pattern' || call.parent?.type === 'with_item' ? withStatementOf(call) ?? call : call;
    const ctx = this.explicitContext(keywords, depth) ?? this.contextOf(start, depth + 1);
    const fixed = labelNode ? this.str(labelNode) : label;
    const passes = this.passes.of(call);
    const groups: GroupInfo[] = [];
    const add = (id: string, parent: GroupInfo | undefined, dag: DagInfo | undefined, scopes?: PyScopes) => groups.push({ id: grouped(parent, id), prefix, dag, scopes });
    let known = fixed !== undefined;
    if (ctx.passes || fnDef || (!known && labelNode && passes && passes[0] !== this.scopes)) {
      // `with TaskGroup(group_id=f"load_{table}")` in a loop, or any group in a DAG factory: all
      // passes' ids, or none.
      known = !!passes;
      for (const pass of passes ?? []) {
        const id = labelNode ? stringValue(labelNode, pass)?.value : label;
        const place = ctx.passes ? ctx.passes.find((p) => samePass(p.scopes, pass)) : { dag: ctx.dag, group: ctx.group };
        if (id && place) add(id, place.group, place.dag, fnDef ? this.passes.callView(fnDef, call, pass) : pass);
        else known = false;
      }
      if (!known) groups.length = 0;
    } else if (fixed !== undefined) add(fixed, ctx.group, ctx.dag);
    if (!known && (labelNode || fnDef)) this.unknownIds.push(labelNode ? { at: labelNode, kind: 'group' } : { at: call, kind: 'call' });
    // Called again in the same DAG, a @task_group function makes `section__1`, as Airflow suffixes
    // a colliding group id.
    if (fnDef) for (const g of groups) if (g.dag) g.id = this.uniqueId(g.dag, g.id);
    this.groupCache.set(call.id, groups);
    this.groupByNode.set(call.id, groups);
    const alias = withAlias(call);
    if (alias) this.groupAliases.set(alias, call);
    return groups;
  }

  /** `dag=dag` and `task_group=tg` / `parent_group=tg` arguments. */
  private explicitContext(keywords: Map<string, PyNode>, depth: number, scopes = this.scopes): Context | undefined {
    let dagArg = keywords.get('dag');
    // `dag=dag` inside a function that builds the operator: the DAG the call passes.
    const passed = dagArg?.type === 'identifier' && scopes !== this.scopes ? scopes.lookup(dagArg.text, dagArg) : undefined;
    if (passed?.type === 'identifier') dagArg = passed;
    // `dag = DAG(dag_id=name)` in a DAG factory function: a DAG per call.
    const made = dagArg?.type === 'identifier' ? scopes.lookup(dagArg.text, dagArg) : undefined;
    const dags = made && this.dagPasses.get(made.id);
    if (dags) return perPass(dags);
    if (dagArg?.type === 'identifier' && this.unknownDagVars.has(dagArg.text) && !this.dagByVar.has(dagArg.text)) return { skip: true };
    const dag = dagArg?.type === 'identifier' ? this.dagByVar.get(dagArg.text) : undefined;
    const groupArg = keywords.get('task_group') ?? keywords.get('parent_group');
    const bound = groupArg?.type === 'identifier' ? (this.groupAliases.get(groupArg.text) ?? this.scopes.lookup(groupArg.text, groupArg)) : undefined;
    const groups = bound?.type === 'call' ? this.groupsOf(bound, depth + 1) : undefined;
    if (groups?.length === 1 && !groups[0].scopes) return { dag: groups[0].dag ?? dag, group: groups[0] };
    if (groups) return inGroups(groups);
    return dag ? { dag } : undefined;
  }

  private taskCall(c: PyNode, consumed: Set<number>): void {
    const chain = chainOf(c);
    for (const inner of chain.calls) consumed.add(inner.id);
    const taskflow = this.taskflow.get(chain.base);
    const kwargs = new Map<string, PyNode>();
    for (const call of [...chain.calls].reverse()) for (const [k, v] of callArguments(call).keywords) kwargs.set(k, v);
    const baseName = chain.base.split('.').pop() ?? '';
    if (/^(DbtTaskGroup|TaskGroup)$/.test(baseName) || this.groupFns.has(chain.base)) {
      if (baseName !== 'DbtTaskGroup') return void this.groupsOf(c);
      // Cosmos renders one task per dbt node inside the group; without the manifest the group is one task.
      for (const g of this.groupsOf(c) ?? []) {
        if (g.dag) this.addTask({ dag: g.dag, taskId: g.id, node: c, at: c, operator: 'DbtTaskGroup', calls: chain.calls, kwargs, taskflow: false, mapped: false, scopes: g.scopes });
      }
      return;
    }
    let label: string | undefined;
    let operator: string;
    let at = c;
    const calls = [...chain.calls];
    if (taskflow) {
      const override = chain.calls.find((x) => callName(x).endsWith('.override'));
      label = this.str(override ? callArguments(override).keywords.get('task_id') : undefined) ?? taskflow.label;
      operator = taskflow.operator;
      at = taskflow.def;
      if (taskflow.decorator) {
        calls.push(taskflow.decorator);
        for (const [k, v] of callArguments(taskflow.decorator).keywords) if (!kwargs.has(k)) kwargs.set(k, v);
      }
    } else {
      if (!kwargs.has('task_id') || TASK_DECORATOR.test(chain.base) || DAG_CALL.test(chain.base)) return;
      label = this.str(kwargs.get('task_id'));
      operator = baseName;
    }
    if (!taskflow && this.madeInFunction(c, { node: c, at, operator, calls, kwargs, taskflow: false, mapped: chain.mapped })) return;
    const ctx = this.explicitContext(kwargs, 0) ?? this.contextOf(c);
    if (ctx.passes) return this.placedTasks(ctx.passes, { node: c, at, operator, calls, kwargs, taskflow: !!taskflow, mapped: chain.mapped }, label);
    if (ctx.skip || !ctx.dag) return;
    if (!label && !taskflow) {
      // Made in a loop over a constant list: a task per pass, each reading its own values.
      const passes = this.passes.of(c) ?? [];
      const labels = passes.map((p) => stringValue(kwargs.get('task_id'), p)?.value);
      if (passes.length && labels.every((l) => l)) {
        passes.forEach((pass, i) => this.addTask({ dag: ctx.dag!, taskId: grouped(ctx.group, labels[i]!), node: c, at, operator, group: ctx.group, calls, kwargs, taskflow: false, mapped: chain.mapped, scopes: pass }));
        return;
      }
    }
    if (taskflow && label) {
      // A TaskFlow function called in a loop over a list makes a task per pass, named as Airflow
      // names repeated calls (extract, extract__1, …); each reads its arguments in its pass.
      const passes = this.passes.of(c);
      if (passes && passes[0] !== this.scopes) {
        const id = grouped(ctx.group, label);
        for (const pass of passes) this.addTask({ dag: ctx.dag, taskId: this.uniqueId(ctx.dag, id), node: c, at, operator, group: ctx.group, calls, kwargs, taskflow: true, mapped: chain.mapped, scopes: pass });
        return;
      }
    }
    if (!label) {
      const idNode = kwargs.get('task_id');
      if (idNode && !taskflow) this.unknownIds.push({ at: idNode, kind: 'task' });
      return;
    }
    let taskId = grouped(ctx.group, label);
    if (taskflow) taskId = this.uniqueId(ctx.dag, taskId);
    this.addTask({ dag: ctx.dag, taskId, node: c, at, operator, group: ctx.group, calls, kwargs, taskflow: !!taskflow, mapped: chain.mapped });
  }

  /**
   * A task under a DAG or group made in a loop: one per pass of the loops around it, each put in
   * the DAG and group of the same pass, with its id read in that pass.
   */
  private placedTasks(places: Placement[], t: Omit<TaskInfo, 'dag' | 'taskId'>, label: string | undefined): void {
    const passes = this.passes.of(t.node);
    let unknown = !passes;
    for (const pass of passes ?? []) {
      const place = places.find((p) => samePass(p.scopes, pass));
      const id = label ?? (t.taskflow ? undefined : stringValue(t.kwargs.get('task_id'), pass)?.value);
      if (!id) unknown = true;
      if (!place || !id) continue;
      const taskId = grouped(place.group, id);
      this.addTask({ ...t, dag: place.dag, group: place.group, taskId: t.taskflow ? this.uniqueId(place.dag, taskId) : taskId, scopes: pass });
    }
    // An id no pass can read (an inner loop over a call, say) is reported, as outside a factory.
    const idNode = t.kwargs.get('task_id');
    if (unknown && idNode && !t.taskflow) this.unknownIds.push({ at: idNode, kind: 'task' });
  }

  /**
   * An operator made in a plain function the file calls (`def make_check(dag): return Op(task_id=…,
   * dag=dag)`, or a helper adding tasks to the DAG around its call): a task per call, and per pass
   * of the loops around the call and in the function, in the DAG and group around the call or the
   * one its `dag=` passes, read with the parameters bound to the call's arguments. A returned
   * operator's call stands for the task in wiring. False when `c` is in no such function, or is
   * under a `with` in it (the function's own DAG or group then places it).
   */
  private madeInFunction(c: PyNode, t: Omit<TaskInfo, 'dag' | 'taskId'>): boolean {
    const def = enclosingFunction(c);
    const body = def?.childForFieldName('body');
    if (!def || !body || def.parent?.type === 'decorated_definition' || !this.passes.sitesOf(def).length) return false;
    for (let n = c.parent; n && n !== def; n = n.parent) if (n.type === 'with_statement') return false;
    const returned = returningFunction(c) === def;
    const idNode = t.kwargs.get('task_id');
    const passes = this.passes.of(c);
    if (!passes && idNode) this.unknownIds.push({ at: idNode, kind: 'task' });
    for (const pass of passes ?? []) {
      const site = pass.loopItems().get(body.id); // the call this pass is made by (airflowPasses.ts)
      if (!site) continue;
      const ctx = this.explicitContext(t.kwargs, 0, pass) ?? this.contextOf(site);
      const place = ctx.passes ? ctx.passes.find((p) => samePass(p.scopes, pass)) : ctx.dag && !ctx.skip ? { dag: ctx.dag, group: ctx.group } : undefined;
      const id = stringValue(idNode, pass)?.value;
      if (!id && idNode) this.unknownIds.push({ at: idNode, kind: 'task' });
      if (!place || !id) continue;
      this.addTask({ ...t, node: returned ? site : c, dag: place.dag, group: place.group, taskId: grouped(place.group, id), scopes: pass });
    }
    return true;
  }

}

/** A task's place under groups: the group itself, or one place per pass (those in no DAG hold no tasks). */
function inGroups(groups: GroupInfo[]): Context {
  if (!groups.length) return { skip: true };
  if (groups.length === 1 && !groups[0].scopes) return { dag: groups[0].dag, group: groups[0] };
  return { passes: groups.flatMap((g) => (g.dag ? [{ dag: g.dag, group: g, scopes: g.scopes as PyScopes }] : [])) };
}

/** The function whose return value `c` is: `return Op(...)`, or `t = Op(...)` … `return t`. */
function returningFunction(c: PyNode): PyNode | undefined {
  let def = c.parent;
  while (def && def.type !== 'function_definition' && def.type !== 'class_definition' && def.type !== 'lambda') def = def.parent;
  if (def?.type !== 'function_definition') return undefined;
  if (c.parent?.type === 'return_statement') return def;
  const left = c.parent?.type === 'assignment' ? c.parent.childForFieldName('left') : undefined;
  if (left?.type !== 'identifier') return undefined;
  const returned = def.treeNodes.slice(def.id, def.last).some((n) => n.type === 'return_statement' && n.namedChildren[0]?.type === 'identifier' && n.namedChildren[0].text === left.text);
  return returned ? def : undefined;
}

/** A task or group id as Airflow spells it inside a group: prefixed by the group's id unless the group says not to. */
function grouped(group: GroupInfo | undefined, id: string): string {
  return group?.prefix ? `${group.id}.${id}` : id;
}
