// The DAGs an Airflow file declares (`with DAG(...)`, `dag = DAG(...)`, `@dag` functions, Cosmos
// `DbtDag`, Airflow 3 `@asset` functions), one per pass where the file makes them in a loop or
// in a function it calls per table, and the decorated functions whose calls make tasks
// (`@task`) and groups (`@task_group`). DagDiscovery (airflowDags.ts) adds the groups and tasks.
import type { PyNode } from '../../python/pythonParser';
import type { PyScopes } from '../../python/pyValues';
import { callArguments, callName, stringValue } from '../../python/pyValues';
import { assetParams, withAlias, withStatementOf } from './airflowSyntax';
import { FilePasses } from './airflowPasses';
import type { BodyRuns } from './airflowPasses';
import type { AssetRef, Context, DagInfo, DecoratedFn, TaskInfo } from './airflowTypes';

export const DAG_CALL = /(^|\.)(DAG|DbtDag)$/;
const DAG_DECORATOR = /^(airflow\.(decorators|sdk)\.)?dag$/;
export const TASK_DECORATOR = /^(airflow\.(decorators|sdk)\.)?task(\.\w+)?$/;
const GROUP_DECORATOR = /^(airflow\.(decorators|sdk)\.)?task_group$/;
const ASSET_DECORATOR = /^(airflow\.sdk\.)?asset$/;

export class DagDeclarations {
  readonly dags: DagInfo[] = [];
  readonly tasks: TaskInfo[] = [];
  /** The tasks an expression makes: one, or one per pass of the loops around it. */
  readonly taskByNode = new Map<number, TaskInfo[]>();
  /** DAG, group and task ids known only when the code runs (`f"load_{table}"` in a loop): not read. */
  readonly unknownIds: { at: PyNode; kind: 'dag' | 'group' | 'task' | 'call' }[] = [];
  /** `@asset` functions by name: other DAGs schedule on them and take them as inlets by that name. */
  readonly assetFns = new Map<string, AssetRef>();
  /** The passes each part of the file runs in (loops, DAG factory functions, `@dag` functions in loops). */
  readonly passes: FilePasses;
  /** The DAG(...) calls with such ids, and the names bound to them: their tasks belong to no DAG read. */
  protected readonly unknownDagCalls = new Set<number>();
  protected readonly unknownDagVars = new Set<string>();
  protected readonly dagByCall = new Map<number, DagInfo>();
  /** DAGs made once per pass, by their DAG(...) call and by their `@dag` function's def. */
  protected readonly dagPasses = new Map<number, DagInfo[]>();
  protected readonly dagFnPasses = new Map<number, DagInfo[]>();
  /** `@dag` functions whose dag_id is known only at run time: their tasks are in no DAG read. */
  protected readonly unknownDagFns = new Set<number>();
  protected readonly dagByFunction = new Map<number, DagInfo>();
  protected readonly dagByVar = new Map<string, DagInfo>();
  protected readonly taskflow = new Map<string, DecoratedFn>();
  protected readonly taskflowDefs = new Set<number>();
  protected readonly groupFns = new Map<string, DecoratedFn>();
  protected readonly groupFnByDef = new Map<number, DecoratedFn>();
  protected readonly calls: PyNode[];
  private readonly usedIds = new Map<DagInfo, Set<string>>();

  constructor(root: PyNode, protected readonly scopes: PyScopes) {
    this.calls = root.descendantsOfType('call').filter((n): n is PyNode => !!n && n.parent?.type !== 'decorator');
    this.passes = new FilePasses(this.calls, scopes, bodyRuns);
    for (const d of root.descendantsOfType('decorated_definition')) if (d) this.decorated(d);
    for (const dag of this.dags) if (dag.asset) dag.asset.reads = assetParams(dag.asset.produces.at, this.assetFns);
    for (const c of this.calls) if (DAG_CALL.test(callName(c))) this.dagCall(c);
  }

  protected str(node: PyNode | undefined): string | undefined {
    return node ? stringValue(node, this.scopes)?.value : undefined;
  }

  private decorated(d: PyNode): void {
    const def = d.childForFieldName('definition');
    if (def?.type !== 'function_definition') return;
    const fnName = def.childForFieldName('name')?.text ?? '';
    for (const dec of d.namedChildren) {
      if (dec?.type !== 'decorator') continue;
      const expr = dec.namedChildren[0];
      if (!expr) continue;
      const call = expr.type === 'call' ? expr : undefined;
      const name = decoratorName(dec);
      const args = call ? callArguments(call) : { positional: [], keywords: new Map<string, PyNode>() };
      if (DAG_DECORATOR.test(name)) {
        const idNode = args.keywords.get('dag_id') ?? args.positional[0];
        const dagId = idNode ? this.str(idNode) : fnName;
        if (dagId) {
          const dag: DagInfo = { dagId, node: dec, kwargs: args.keywords, cosmos: false, tasks: [] };
          this.dags.push(dag);
          this.dagByFunction.set(def.id, dag);
        } else this.dagsPerPass(idNode!, dec, args.keywords, false, def.id);
      } else if (TASK_DECORATOR.test(name)) {
        const label = this.str(args.keywords.get('task_id')) ?? fnName;
        this.taskflow.set(fnName, { def, label, operator: `@${name.replace(/^airflow\.(decorators|sdk)\./, '')}`, decorator: call, prefix: true });
        this.taskflowDefs.add(def.id);
      } else if (ASSET_DECORATOR.test(name)) {
        this.assetFunction(def, fnName, dec, call, args.keywords);
      } else if (GROUP_DECORATOR.test(name)) {
        const label = this.str(args.keywords.get('group_id') ?? args.positional[0]) ?? fnName;
        const fn = { def, label, operator: '@task_group', decorator: call, prefix: args.keywords.get('prefix_group_id')?.text !== 'False' };
        this.groupFns.set(fnName, fn);
        this.groupFnByDef.set(def.id, fn);
      }
    }
  }

  /**
   * Airflow 3's `@asset` function is a DAG named for the function with one task of that name,
   * which updates the asset (`uri=`, else the asset's name). Its body runs as a TaskFlow task's.
   */
  private assetFunction(def: PyNode, fnName: string, dec: PyNode, call: PyNode | undefined, kwargs: Map<string, PyNode>): void {
    const name = this.str(kwargs.get('name')) ?? fnName;
    const produces = { uri: this.str(kwargs.get('uri')) ?? name, at: def };
    this.assetFns.set(fnName, produces);
    const dag: DagInfo = { dagId: fnName, node: dec, kwargs, cosmos: false, tasks: [], asset: { produces, reads: [] } };
    this.dags.push(dag);
    this.taskflowDefs.add(def.id);
    this.addTask({ dag, taskId: fnName, node: dec, at: def, operator: '@asset', calls: call ? [call] : [], kwargs: new Map(), taskflow: true, mapped: false });
  }

  private dagCall(c: PyNode): void {
    const { positional, keywords } = callArguments(c);
    const idNode = keywords.get('dag_id') ?? positional[0];
    const dagId = this.str(idNode);
    if (!dagId) {
      // A DAG factory: `for name in [...]: with DAG(dag_id=f"report_{name}")`, or a function
      // making the DAG called in such a loop: a DAG per pass.
      const bound = withStatementOf(c) || c.parent?.type === 'assignment';
      if (idNode && bound && this.dagsPerPass(idNode, c, keywords, callName(c).endsWith('DbtDag'))) return;
      if (idNode && !bound) this.unknownIds.push({ at: idNode, kind: 'dag' });
      this.unknownDagCalls.add(c.id);
      const name = withAlias(c) ?? (c.parent?.type === 'assignment' ? c.parent.childForFieldName('left')?.text : undefined);
      if (name) this.unknownDagVars.add(name);
      return;
    }
    const dag: DagInfo = { dagId, node: c, kwargs: keywords, cosmos: callName(c).endsWith('DbtDag'), tasks: [] };
    this.dags.push(dag);
    this.dagByCall.set(c.id, dag);
    const alias = withAlias(c);
    if (alias) this.dagByVar.set(alias, dag);
    const assigned = c.parent?.type === 'assignment' ? c.parent.childForFieldName('left') : undefined;
    if (assigned?.type === 'identifier') this.dagByVar.set(assigned.text, dag);
  }

  /**
   * A DAG whose id differs per pass (made in a loop, in a function called in one, or by a `@dag`
   * function defined in one): a DAG per pass, each read in its own pass. False, with a note, when
   * an id is known only at run time. `fn` is the `@dag` function's def.
   */
  private dagsPerPass(idNode: PyNode, node: PyNode, kwargs: Map<string, PyNode>, cosmos: boolean, fn?: number): boolean {
    const passes = this.passes.of(node) ?? [];
    const ids = passes.map((p) => stringValue(idNode, p)?.value);
    if (!passes.length || !ids.every((id) => id)) {
      this.unknownIds.push({ at: idNode, kind: 'dag' });
      if (fn !== undefined) this.unknownDagFns.add(fn);
      return false;
    }
    const dags = passes.map((pass, i): DagInfo => ({ dagId: ids[i]!, node, kwargs, cosmos, tasks: [], scopes: pass }));
    this.dags.push(...dags);
    if (fn !== undefined) this.dagFnPasses.set(fn, dags);
    else this.dagPasses.set(node.id, dags);
    return true;
  }

  // A TaskFlow function called twice makes `extract` and `extract__1`, as Airflow names them.
  protected uniqueId(dag: DagInfo, id: string): string {
    const used = this.usedIds.get(dag) ?? new Set<string>();
    this.usedIds.set(dag, used);
    let candidate = id;
    for (let i = 1; used.has(candidate); i++) candidate = `${id}__${i}`;
    used.add(candidate);
    return candidate;
  }

  protected addTask(t: TaskInfo): void {
    if (this.tasks.some((x) => x.dag === t.dag && x.taskId === t.taskId && x.node.id === t.node.id)) return;
    this.usedIds.set(t.dag, (this.usedIds.get(t.dag) ?? new Set()).add(t.taskId));
    this.tasks.push(t);
    this.taskByNode.set(t.node.id, [...(this.taskByNode.get(t.node.id) ?? []), t]);
  }
}

export function perPass(dags: DagInfo[]): Context {
  return { passes: dags.map((d) => ({ dag: d, scopes: d.scopes as PyScopes })) };
}

/** How a decorated function's body runs (see BodyRuns): `@dag` where defined, `@task_group` per call. */
function bodyRuns(def: PyNode): BodyRuns {
  const names = (def.parent?.namedChildren ?? []).flatMap((d) => (d?.type === 'decorator' ? [decoratorName(d)] : []));
  return names.some((n) => DAG_DECORATOR.test(n)) ? 'where-defined' : names.some((n) => GROUP_DECORATOR.test(n)) ? 'per-call' : 'once';
}

/** `@dag` and `@dag(...)` both name `dag`. */
function decoratorName(dec: PyNode): string {
  const expr = dec.namedChildren[0];
  return expr?.type === 'call' ? callName(expr) : (expr?.text ?? '');
}
