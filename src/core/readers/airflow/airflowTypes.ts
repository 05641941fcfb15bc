// What the Airflow reader finds in a DAG file, as DagDiscovery (airflowDags.ts) records it: DAGs,
// their TaskGroups and tasks, and where a task written in a loop is placed.
import type { PyNode } from '../../python/pythonParser';
import type { PyScopes } from '../../python/pyValues';

export interface DagInfo {
  dagId: string;
  /** The DAG(...) call, or the @dag decorator. */
  node: PyNode;
  kwargs: Map<string, PyNode>;
  cosmos: boolean;
  tasks: TaskInfo[];
  /** A DAG made in a loop (a DAG factory): the scopes of its pass. */
  scopes?: PyScopes;
  /** An Airflow 3 `@asset` function's DAG: the asset its one task updates, and the assets its parameters name. */
  asset?: { produces: AssetRef; reads: AssetRef[] };
}

/** An asset as an `@asset` function defines it: its URI (its name when it has none). */
export interface AssetRef {
  uri: string;
  at: PyNode;
}

export interface GroupInfo {
  /** The group id as Airflow spells it (prefixed by its parent group's id). */
  id: string;
  prefix: boolean;
  dag?: DagInfo;
  /** A group made in a loop (or in a DAG factory): the scopes of its pass. */
  scopes?: PyScopes;
}

export interface TaskInfo {
  dag: DagInfo;
  taskId: string;
  /** The expression whose value is the task (the outermost call of `.partial().expand()`). */
  node: PyNode;
  /** Where the task is written: the operator call, or the `def` of a TaskFlow function. */
  at: PyNode;
  operator: string;
  group?: GroupInfo;
  /** Every call of the chain (operator, `.partial`, `.expand`, `.override`, the @task decorator). */
  calls: PyNode[];
  kwargs: Map<string, PyNode>;
  taskflow: boolean;
  mapped: boolean;
  /** A task made in a loop: the scopes of its pass (the loop variable bound to its item). */
  scopes?: PyScopes;
}

/** Where a pass of a loop puts its tasks. */
export interface Placement {
  dag: DagInfo;
  group?: GroupInfo;
  scopes: PyScopes;
}

export interface Context {
  dag?: DagInfo;
  /** Under a DAG or group made in a loop: one place per pass, the task's pass picks its own. */
  passes?: Placement[];
  group?: GroupInfo;
  /** Inside a TaskFlow function body: operators built there are not DAG tasks. */
  skip?: boolean;
}

/** A function decorated with @task or @task_group: what its calls make. */
export interface DecoratedFn {
  def: PyNode;
  label: string;
  operator: string;
  decorator?: PyNode;
  prefix: boolean;
}
