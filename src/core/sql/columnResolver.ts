// Resolves the scope IR against upstream schemas: which upstream columns flow into each output
// column, and every upstream column the query mentions (flows and reads alike). Stars expand from
// known upstream columns; where an upstream's columns are unknown the star stays as a marked,
// unresolved output rather than disappearing.
import type { ColumnUsage, Relation } from '../model';
import { FLOW_USAGES } from '../model';
import type { ColRef, FromItem, Projection, QueryIR, Scope, SubRef } from './queryIr';
import { relationKey } from './queryIr';

/** Known output columns of an upstream relation, or undefined when they are unknown. */
export type SchemaLookup = (relation: Relation) => readonly string[] | undefined;

export interface ResolvedSource {
  relation: Relation;
  column: string;
  usage: ColumnUsage;
  /** Reached only through `select *` or an ambiguous unqualified name: less certain. */
  inferred: boolean;
}

export interface ResolvedOutput {
  name: string;
  sources: ResolvedSource[];
  /** Set on the placeholder for `select *` over an upstream whose columns are unknown. */
  unresolvedStar?: Relation;
}

export interface ResolvedQuery {
  outputs: ResolvedOutput[];
  references: ResolvedSource[];
  tables: Relation[];
  /** Column names no from-item could account for (e.g. a typo, or a lateral alias). */
  unresolved: string[];
}

const READ_PRIORITY: ColumnUsage[] = ['aggregate', 'transform', 'identity'];

/** How a use of a derived column carries through: a read stays a read; transforms dominate identity. */
function compose(outer: ColumnUsage, inner: ColumnUsage): ColumnUsage {
  if (!FLOW_USAGES.has(outer)) return outer;
  if (!FLOW_USAGES.has(inner)) return inner;
  for (const u of READ_PRIORITY) if (outer === u || inner === u) return u;
  return 'identity';
}

export function resolveQuery(ir: QueryIR, lookup: SchemaLookup): ResolvedQuery {
  return new Resolver(ir, lookup).run();
}

class Resolver {
  private readonly columnMemo = new Map<string, ResolvedSource[]>();
  private readonly outputMemo = new Map<number, { names: string[]; unknown: Relation[] }>();
  private readonly unresolved = new Set<string>();
  private readonly active = new Set<string>();
  private readonly refMemo = new Map<number, Map<string, ResolvedSource[]>>();
  /** Per select scope: lower-cased output name → its first column projection. */
  private readonly byName = new Map<number, Map<string, Extract<Projection, { kind: 'column' }>>>();

  constructor(private readonly ir: QueryIR, private readonly lookup: SchemaLookup) {}

  run(): ResolvedQuery {
    const root = this.outputsOf(this.ir.root);
    const outputs: ResolvedOutput[] = root.names.map((name) => ({ name, sources: this.column(this.ir.root, name) }));
    for (const rel of root.unknown) outputs.push({ name: '*', sources: [], unresolvedStar: rel });
    return { outputs, references: this.allReferences(), tables: this.tables(), unresolved: [...this.unresolved] };
  }

  /** Output names of a scope after star expansion, plus the upstreams whose star stayed unknown. */
  private outputsOf(id: number): { names: string[]; unknown: Relation[] } {
    const memo = this.outputMemo.get(id);
    if (memo) return memo;
    const result = { names: [] as string[], unknown: [] as Relation[] };
    this.outputMemo.set(id, result); // guards recursive CTEs
    const scope = this.ir.scopes[id];
    if (scope.kind === 'setop') {
      const firstMember = this.outputsOf(scope.members[0]);
      result.names.push(...firstMember.names);
      result.unknown.push(...firstMember.unknown);
      return result;
    }
    for (const p of scope.projections) {
      if (p.kind === 'column') {
        result.names.push(p.name);
        continue;
      }
      for (const item of this.starItems(scope, p.qualifier)) {
        const inner = this.itemColumns(item);
        result.names.push(...inner.names.filter((n) => !isExcepted(p, n)));
        result.unknown.push(...inner.unknown);
      }
    }
    result.names.splice(0, result.names.length, ...dedupe(result.names));
    return result;
  }

  private itemColumns(item: FromItem): { names: string[]; unknown: Relation[] } {
    if (item.kind === 'scope') return this.outputsOf(item.scope);
    const known = this.lookup(item.relation);
    return known ? { names: [...known], unknown: [] } : { names: [], unknown: [item.relation] };
  }

  private starItems(scope: Extract<Scope, { kind: 'select' }>, qualifier: string | undefined): FromItem[] {
    if (!qualifier) return scope.from;
    const q = qualifier.toLowerCase();
    return scope.from.filter((f) => f.alias.toLowerCase() === q);
  }

  /** The upstream columns that flow into output `name` of scope `id`. */
  private column(id: number, name: string): ResolvedSource[] {
    const key = `${id}:${name.toLowerCase()}`;
    const memo = this.columnMemo.get(key);
    if (memo) return memo;
    if (this.active.has(key)) return []; // recursive CTE referring to itself
    this.active.add(key);
    const result = this.computeColumn(id, name);
    this.active.delete(key);
    this.columnMemo.set(key, result);
    return result;
  }

  private computeColumn(id: number, name: string): ResolvedSource[] {
    const scope = this.ir.scopes[id];
    if (scope.kind === 'setop') {
      // Unions match columns by position: the n-th column of each member feeds output n.
      const index = this.outputsOf(id).names.findIndex((n) => eq(n, name));
      return scope.members.flatMap((m) => {
        const memberName = this.outputsOf(m).names[index];
        return memberName === undefined ? [] : this.column(m, memberName);
      });
    }
    const proj = this.projection(id, name);
    if (proj) {
      const flows = proj.refs.filter((r) => FLOW_USAGES.has(r.usage));
      return [...flows.flatMap((r) => this.ref(id, r)), ...proj.subs.flatMap((s) => this.sub(s))];
    }
    const out: ResolvedSource[] = [];
    for (const p of scope.projections) {
      if (p.kind !== 'star' || isExcepted(p, name)) continue;
      for (const item of this.starItems(scope, p.qualifier)) {
        const cols = this.itemColumns(item);
        const has = cols.names.some((n) => eq(n, name));
        if (!has && cols.unknown.length === 0) continue;
        // A star over an upstream relation is uncertain (its column set can change under us); a
        // star over a CTE or subquery of this query is exactly as certain as that scope's columns.
        if (item.kind === 'table') out.push({ relation: item.relation, column: name, usage: 'identity', inferred: true });
        else out.push(...this.column(item.scope, name));
      }
    }
    return out;
  }

  private projection(id: number, name: string): Extract<Projection, { kind: 'column' }> | undefined {
    let map = this.byName.get(id);
    if (!map) {
      map = new Map();
      const scope = this.ir.scopes[id];
      if (scope.kind === 'select') {
        for (const p of scope.projections) if (p.kind === 'column' && !map.has(p.name.toLowerCase())) map.set(p.name.toLowerCase(), p);
      }
      this.byName.set(id, map);
    }
    return map.get(name.toLowerCase());
  }

  /** What a subquery used as a value contributes: every column it outputs. */
  private sub(s: SubRef): ResolvedSource[] {
    return this.outputsOf(s.scope).names.flatMap((n) => this.column(s.scope, n).map((r) => ({ ...r, usage: compose(s.usage, r.usage) })));
  }

  /** A column mention resolved; memoized, since allReferences() meets every mention again. */
  private ref(id: number, r: ColRef): ResolvedSource[] {
    let memo = this.refMemo.get(id);
    if (!memo) this.refMemo.set(id, (memo = new Map()));
    const key = `${r.qualifier ?? ''}\u0001${r.column}\u0001${r.usage}`;
    let result = memo.get(key);
    if (!result) memo.set(key, (result = this.resolveRef(id, r)));
    return result;
  }

  private resolveRef(id: number, r: ColRef): ResolvedSource[] {
    // ORDER BY names output columns first (SQL's rule); other clauses name input columns first.
    if (r.usage === 'order') {
      const alias = this.projectionAlias(id, r);
      if (alias) return alias;
    }
    const lateral = this.lateralAlias(id, r);
    if (lateral) return lateral;
    const found = this.findItems(id, r);
    if (!found) {
      const alias = this.projectionAlias(id, r);
      if (alias) return alias;
      this.unresolved.add(r.qualifier ? `${r.qualifier}.${r.column}` : r.column);
      return [];
    }
    return found.items.flatMap((item) => {
      const inner = item.kind === 'table' ? [{ relation: item.relation, column: r.column, usage: 'identity' as ColumnUsage, inferred: false }] : this.column(item.scope, r.column);
      // The query names this column, so a `select *` CTE between it and the upstream (dbt's import
      // CTE pattern) does not make it less certain; only an ambiguous unqualified name does.
      return inner.map((s) => ({ ...s, usage: compose(r.usage, s.usage), inferred: found.ambiguous }));
    });
  }

  /**
   * Snowflake, Redshift and Databricks let a select item use an alias defined before it
   * (`a as x, x || 'y' as y`). A from-item column of the same name wins, so the alias is taken
   * only when every from-item's columns are known and none has the name.
   */
  private lateralAlias(id: number, r: ColRef): ResolvedSource[] | undefined {
    const scope = this.ir.scopes[id];
    if (r.qualifier || scope.kind !== 'select' || !FLOW_USAGES.has(r.usage) || scope.from.length === 0) return undefined;
    // An item that itself mentions the name (`select colour`, `x + 1 as x`) is the column, not an alias.
    const alias = this.projection(id, r.column);
    if (!alias || alias.refs.some((x) => !x.qualifier && eq(x.column, r.column))) return undefined;
    for (const f of scope.from) {
      const cols = this.itemColumns(f);
      if (cols.unknown.length || cols.names.some((n) => eq(n, r.column))) return undefined;
    }
    return this.column(id, r.column).map((s) => ({ ...s, usage: compose(r.usage, s.usage) }));
  }

  // ORDER BY / GROUP BY / HAVING may name a select-list alias rather than a from-item column.
  private projectionAlias(id: number, r: ColRef): ResolvedSource[] | undefined {
    const scope = this.ir.scopes[id];
    if (r.qualifier || scope.kind !== 'select' || FLOW_USAGES.has(r.usage)) return undefined;
    if (!this.projection(id, r.column)) return undefined;
    return this.column(id, r.column).map((s) => ({ ...s, usage: r.usage }));
  }

  /** The from-item(s) a column reference points at, looking outwards for correlated subqueries. */
  private findItems(id: number, r: ColRef): { items: FromItem[]; ambiguous: boolean } | undefined {
    for (let sid: number | undefined = id; sid !== undefined; sid = this.ir.scopes[sid].parent) {
      const scope = this.ir.scopes[sid];
      if (scope.kind !== 'select') continue;
      const found = r.qualifier ? this.byQualifier(scope.from, r.qualifier) : this.byColumn(scope.from, r.column);
      if (found) return found;
    }
    return undefined;
  }

  private byQualifier(from: FromItem[], qualifier: string): { items: FromItem[]; ambiguous: boolean } | undefined {
    const q = qualifier.toLowerCase();
    const item = from.find((f) => f.alias.toLowerCase() === q) ?? from.find((f) => f.kind === 'table' && f.relation.name.toLowerCase() === q);
    return item ? { items: [item], ambiguous: false } : undefined;
  }

  private byColumn(from: FromItem[], column: string): { items: FromItem[]; ambiguous: boolean } | undefined {
    if (from.length === 0) return undefined;
    if (from.length === 1) return { items: from, ambiguous: false };
    const known: FromItem[] = [];
    const unknown: FromItem[] = [];
    for (const f of from) {
      const cols = this.itemColumns(f);
      if (cols.names.some((n) => eq(n, column))) known.push(f);
      else if (cols.unknown.length) unknown.push(f);
    }
    if (known.length === 1) return { items: known, ambiguous: false };
    if (known.length > 1) return { items: known, ambiguous: true };
    if (unknown.length === 1) return { items: unknown, ambiguous: false };
    if (unknown.length > 1) return { items: unknown, ambiguous: true };
    return undefined;
  }

  private allReferences(): ResolvedSource[] {
    const seen = new Map<string, ResolvedSource>();
    const add = (s: ResolvedSource) => {
      const key = `${relationKey(s.relation)}|${s.column.toLowerCase()}|${s.usage}|${s.inferred}`;
      if (!seen.has(key)) seen.set(key, s);
    };
    this.ir.scopes.forEach((scope, id) => {
      if (scope.kind !== 'select') return;
      for (const p of scope.projections) {
        if (p.kind === 'column') p.refs.forEach((r) => this.ref(id, r).forEach(add));
      }
      scope.reads.forEach((r) => this.ref(id, r).forEach(add));
      scope.readSubs.forEach((s) => this.sub(s).forEach(add));
    });
    // Star outputs of the root are references too: a pass-through column breaks when renamed.
    for (const name of this.outputsOf(this.ir.root).names) this.column(this.ir.root, name).forEach(add);
    return [...seen.values()];
  }

  private tables(): Relation[] {
    const seen = new Map<string, Relation>();
    for (const scope of this.ir.scopes) {
      if (scope.kind !== 'select') continue;
      for (const f of scope.from) if (f.kind === 'table') seen.set(relationKey(f.relation), f.relation);
    }
    return [...seen.values()];
  }
}

function isExcepted(p: Extract<Projection, { kind: 'star' }>, name: string): boolean {
  return !!p.except?.some((e) => eq(e, name));
}

function eq(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function dedupe(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((n) => {
    const k = n.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
