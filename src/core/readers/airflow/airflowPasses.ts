// The passes a piece of a DAG file runs in. Teams generate DAGs in loops (`for t in TABLES: with
// DAG(dag_id=f"load_{t}")`), in functions they call in loops (`def create_dag(table): with
// DAG(...)…` then `for t in TABLES: globals()[t] = create_dag(t)`), and with `@dag` functions
// defined in a loop. Each pass is a view of the scopes in which the loop variables, and a called
// function's parameters, are bound to that pass's values, so ids, SQL and wiring read in it come
// out as that pass makes them; samePass (pyLoops.ts) tells which DAG, group and task belong
// together. A `@task_group` function runs its body at each call, as a plain function does.
import type { PyNode } from '../../python/pythonParser';
import type { PyScopes } from '../../python/pyValues';
import { callName } from '../../python/pyValues';
import { flatPasses, loopPasses } from '../../python/pyLoops';
import { bindings } from '../../python/pyCalls';
import { chainOf } from './airflowSyntax';

/**
 * How a decorated function's body runs: where it is defined, in that pass (`@dag` functions,
 * called right after they are defined); at each call (`@task_group`); or not at all in this file
 * (`@task` bodies run on a worker), so it is read once where it is written.
 */
export type BodyRuns = 'where-defined' | 'per-call' | 'once';

/**
 * Bound on the function body beside the parameters: the call that made the pass, so two calls
 * that bind the same argument nodes (a default, or the same name) are still two passes.
 */
const CALL_MARK = '\u0000call';

export class FilePasses {
  private readonly entries = new Map<number, PyScopes[] | undefined | null>();
  private readonly sites = new Map<number, PyNode[]>();

  /** Calls that are an inner link of a chain (`tg.override(group_id="x")` in `tg.override(…)(t)`). */
  private inner?: Set<number>;

  /** `calls` are the file's calls; `decorated` tells how a decorated function's body runs. */
  constructor(
    private readonly calls: PyNode[],
    private readonly scopes: PyScopes,
    private readonly decorated: (def: PyNode) => BodyRuns,
  ) {}

  /**
   * The views `node` runs in: one per pass of the loops around it, and inside a plain function
   * the file calls, one per call of it (times the passes the call itself runs in). One view
   * (the scopes) when nothing repeats; undefined when a loop or call cannot be unrolled.
   */
  of(node: PyNode): PyScopes[] | undefined {
    const def = enclosingFunction(node);
    const entries = def ? this.entriesOf(def) : [this.scopes];
    return entries && flatPasses(entries, (entry) => loopPasses(node, entry));
  }

  /**
   * The calls of a plain or `@task_group` function from outside its own body (a recursive call is
   * not a site). A task group is also called through `.override(...)(…)`: the outer call is the site.
   */
  sitesOf(def: PyNode): PyNode[] {
    let sites = this.sites.get(def.id);
    if (!sites) {
      const name = def.childForFieldName('name')?.text;
      const runs = def.parent?.type === 'decorated_definition' ? this.decorated(def) : undefined;
      const outside = (s: PyNode) => s.id < def.id || s.id > def.last;
      if (!name || (runs && runs !== 'per-call')) sites = [];
      else if (!runs) sites = this.calls.filter((s) => outside(s) && s.childForFieldName('function')?.type === 'identifier' && callName(s) === name);
      else {
        const inner = (this.inner ??= new Set(this.calls.flatMap((c) => chainOf(c).calls.slice(1).map((x) => x.id))));
        sites = this.calls.filter((s) => outside(s) && !inner.has(s.id) && chainOf(s).base === name);
      }
      this.sites.set(def.id, sites);
    }
    return sites;
  }

  /** The view a function's body starts in for one call, in one pass of that call: its parameters bound to the call's arguments. */
  callView(def: PyNode, site: PyNode, pass: PyScopes): PyScopes {
    const body = def.childForFieldName('body') as PyNode;
    const name = def.childForFieldName('name')?.text ?? '';
    const params = bindings<never>({ id: def.id, name, params: def.childForFieldName('parameters'), body, lambda: false }, site);
    const view = params.reduce((v, p) => (p.node ? v.withLoopValue(body, p.name, p.node) : v), pass);
    return view.withLoopValue(body, CALL_MARK, site);
  }

  /**
   * The views a function's body starts in: a plain function's, one per call site and pass, with
   * its parameters bound to that call's arguments; a `@dag` function's, the passes of its
   * definition; any other function's body is read once, where it is written.
   */
  private entriesOf(def: PyNode): PyScopes[] | undefined {
    const memo = this.entries.get(def.id);
    if (memo !== undefined) return memo ?? undefined; // null: a call cycle, not unrolled
    this.entries.set(def.id, null);
    let out: PyScopes[] | undefined = [this.scopes];
    const sites = this.sitesOf(def);
    if (def.parent?.type === 'decorated_definition' && this.decorated(def) === 'where-defined') out = this.of(def.parent);
    else if (sites.length && def.childForFieldName('body')) out = this.bound(def, sites);
    this.entries.set(def.id, out ?? null);
    return out;
  }

  private bound(def: PyNode, sites: PyNode[]): PyScopes[] | undefined {
    return flatPasses(sites, (site) => this.of(site)?.map((pass) => this.callView(def, site, pass)));
  }
}

/** The function a node is in (not crossing a class or lambda), if any. */
export function enclosingFunction(node: PyNode): PyNode | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'function_definition') return n;
    if (n.type === 'class_definition' || n.type === 'lambda' || n.type === 'module') return undefined;
  }
  return undefined;
}
