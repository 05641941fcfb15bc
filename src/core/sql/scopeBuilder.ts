// Reduces node-sql-parser's AST to the scope IR (see queryIr.ts). The AST is untyped JSON whose
// shape varies a little by dialect, so every access is defensive: an unknown node is walked
// generically for column references rather than rejected.
import type { ColumnInfo, ColumnUsage, Relation } from '../model';
import type { AstNode } from './sqlParser';
import type { ColRef, FromItem, Projection, QueryIR, Scope, StatementIR, SubRef } from './queryIr';

type CteEnv = ReadonlyMap<string, number>;

interface Sink {
  refs: ColRef[];
  subs: SubRef[];
}

const SKIPPED_KEYS = new Set(['loc', 'tableList', 'columnList', 'surround']);

/** Turns one parsed statement into its IR. `start`/`end` locate it in the parsed text. */
export function buildStatement(ast: AstNode, start: number, end: number): StatementIR {
  const b = new ScopeBuilder();
  const type = String(ast?.type ?? '').toLowerCase();
  if (type === 'select') return { kind: 'select', query: b.query(ast), start, end };
  if (type === 'create') return buildCreate(b, ast, start, end);
  if (type === 'insert' || type === 'replace') {
    const target = tableRelation(first(ast.table));
    const targetColumns = Array.isArray(ast.columns) ? ast.columns.map(nameOf).filter(Boolean) : undefined;
    const values = ast.values;
    const query = values && String(values.type).toLowerCase() === 'select' ? b.query(values) : undefined;
    return { kind: 'insert', target, targetColumns, query, start, end };
  }
  if (type === 'update') return buildUpdate(b, ast, start, end);
  return { kind: 'other', start, end };
}

function buildCreate(b: ScopeBuilder, ast: AstNode, start: number, end: number): StatementIR {
  const keyword = String(ast.keyword ?? '').toLowerCase();
  if (keyword === 'view') {
    const v = ast.view ?? {};
    const target = tableRelation({ db: v.db, schema: v.schema, table: v.view ?? v.table });
    return { kind: 'create_view', target, query: ast.select ? b.query(ast.select) : undefined, start, end };
  }
  if (keyword !== 'table') return { kind: 'other', start, end };
  const target = tableRelation(first(ast.table));
  if (ast.query_expr) return { kind: 'create_table_as', target, query: b.query(ast.query_expr), start, end };
  const columnDefs: ColumnInfo[] = [];
  for (const def of ast.create_definitions ?? []) {
    if (def?.resource !== 'column') continue;
    const name = columnName(def.column);
    if (name) columnDefs.push({ name, type: dataTypeText(def.definition) });
  }
  return { kind: 'create_table', target, columnDefs, start, end };
}

// UPDATE t SET a = expr FROM s WHERE … is lineage too: each assigned column is an output of t
// computed from the expression, so it is modelled as a select over t (and any FROM tables).
function buildUpdate(b: ScopeBuilder, ast: AstNode, start: number, end: number): StatementIR {
  const tables = [...(ast.table ?? []), ...(ast.from ?? [])];
  const target = tableRelation(first(ast.table));
  const synthetic = { type: 'select', from: tables, columns: [] as AstNode[], where: ast.where };
  for (const set of ast.set ?? []) {
    synthetic.columns.push({ expr: set.value, as: set.column });
  }
  return { kind: 'update', target, query: b.query(synthetic), start, end };
}

class ScopeBuilder {
  private readonly scopes: Scope[] = [];

  query(ast: AstNode): QueryIR {
    const root = this.select(ast, undefined, new Map());
    return { scopes: this.scopes, root };
  }

  private add(scope: Scope): number {
    this.scopes.push(scope);
    return this.scopes.length - 1;
  }

  /** A SELECT, possibly with a WITH clause and set operations chained through `_next`. */
  private select(ast: AstNode, parent: number | undefined, env: CteEnv): number {
    const withEnv = this.ctes(ast.with, parent, env);
    if (!ast._next) return this.core(ast, parent, withEnv);
    const id = this.add({ kind: 'setop', parent, members: [] });
    const members: number[] = [];
    for (let node: AstNode = ast; node; node = node._next) {
      // The first member's WITH belongs to the whole set operation; a later member may bring its own.
      members.push(this.core(node, id, node === ast ? withEnv : this.ctes(node.with, id, withEnv)));
    }
    (this.scopes[id] as Extract<Scope, { kind: 'setop' }>).members = members;
    return id;
  }

  /** WITH a AS (…), b AS (… a …): each CTE sees the ones before it. */
  private ctes(list: AstNode, parent: number | undefined, env: CteEnv): CteEnv {
    if (!Array.isArray(list) || list.length === 0) return env;
    const next = new Map(env);
    for (const cte of list) {
      const name = nameOf(cte?.name);
      const stmt = cte?.stmt?.ast ?? cte?.stmt;
      if (!name || !stmt) continue;
      const id = this.select(stmt, parent, next);
      const renamed = Array.isArray(cte.columns) ? cte.columns.map(columnName).filter(Boolean) : [];
      if (renamed.length) this.renameOutputs(id, renamed as string[]);
      next.set(name.toLowerCase(), id);
    }
    return next;
  }

  // `WITH r(a, b) AS (…)` renames the CTE's outputs by position.
  private renameOutputs(id: number, names: string[]): void {
    const scope = this.scopes[id];
    const targets = scope.kind === 'setop' ? [this.scopes[scope.members[0]]] : [scope];
    for (const s of targets) {
      if (s?.kind !== 'select') continue;
      s.projections.forEach((p, i) => {
        if (p.kind === 'column' && names[i]) p.name = names[i];
      });
    }
  }

  /** One SELECT without its WITH clause, which select() has already turned into `env`. */
  private core(ast: AstNode, parent: number | undefined, env: CteEnv): number {
    const scope: Extract<Scope, { kind: 'select' }> = { kind: 'select', parent, from: [], projections: [], reads: [], readSubs: [] };
    const id = this.add(scope);
    const reads: Sink = { refs: scope.reads, subs: scope.readSubs };
    this.fromItems(ast.from, id, env, scope.from, reads);
    this.projections(ast.columns, id, env, scope.projections);
    this.walk(ast.where, 'filter', id, env, reads);
    this.walk(ast.having, 'filter', id, env, reads);
    this.walk(ast.qualify, 'filter', id, env, reads);
    this.positional(ast.groupby?.columns ?? ast.groupby, 'group', id, env, scope, reads);
    this.positional((ast.orderby ?? []).map((o: AstNode) => o?.expr), 'order', id, env, scope, reads);
    this.walk(ast.window, 'window', id, env, reads);
    return id;
  }

  private fromItems(list: AstNode, id: number, env: CteEnv, out: FromItem[], reads: Sink): void {
    if (!Array.isArray(list)) return;
    for (const item of list) {
      if (!item || typeof item !== 'object') continue;
      const sub = item.expr?.ast ?? (item.expr?.type === 'select' ? item.expr : undefined);
      let alias: string | undefined;
      if (sub) {
        alias = nameOf(item.as) ?? `__subquery${out.length}`;
        out.push({ alias, kind: 'scope', scope: this.select(sub, id, env) });
      } else if (typeof item.table === 'string') {
        const rel = tableRelation(item);
        const cte = !rel.schema && !rel.database ? env.get(rel.name.toLowerCase()) : undefined;
        alias = nameOf(item.as) ?? rel.name;
        out.push(cte !== undefined ? { alias, kind: 'scope', scope: cte } : { alias, kind: 'table', relation: rel });
      } else if (item.expr) {
        this.walk(item.expr, 'transform', id, env, reads); // table function: its arguments are read
      }
      this.walk(item.on, 'join', id, env, reads);
      if (Array.isArray(item.using) && alias) {
        const prev = out.length > 1 ? out[out.length - 2].alias : undefined;
        for (const u of item.using) {
          const col = nameOf(u);
          if (!col) continue;
          reads.refs.push({ qualifier: alias, column: col, usage: 'join' });
          if (prev) reads.refs.push({ qualifier: prev, column: col, usage: 'join' });
        }
      }
    }
  }

  private projections(list: AstNode, id: number, env: CteEnv, out: Projection[]): void {
    if (list === '*') {
      out.push({ kind: 'star' });
      return;
    }
    if (!Array.isArray(list)) return;
    for (const col of list) {
      // BigQuery's `* EXCEPT (a)` and `* REPLACE (expr AS a)` wrap the star in an item of their own.
      if ((col?.type === 'except' || col?.type === 'replace') && col.expr?.type === 'column_ref') {
        const items: AstNode[] = Array.isArray(col.expr_list) ? col.expr_list : [];
        const names = items.map((i) => (col.type === 'except' ? columnName(i.expr) : nameOf(i.as))).filter((n): n is string => !!n);
        out.push({ kind: 'star', qualifier: qualifierOf(col.expr), except: names });
        if (col.type === 'replace') this.projections(items, id, env, out);
        continue;
      }
      const expr = col?.expr;
      if (expr?.type === 'column_ref' && columnName(expr) === '*') {
        out.push({ kind: 'star', qualifier: qualifierOf(expr), except: excluded(expr) });
        continue;
      }
      const sink: Sink = { refs: [], subs: [] };
      const usage: ColumnUsage = expr?.type === 'column_ref' ? 'identity' : 'transform';
      this.walk(expr, usage, id, env, sink);
      const name = nameOf(col?.as) ?? implicitName(expr);
      out.push({ kind: 'column', name, refs: sink.refs, subs: sink.subs });
    }
  }

  // GROUP BY 1 / ORDER BY 2 point at select-list items; the referenced item's columns are read.
  private positional(list: AstNode, usage: ColumnUsage, id: number, env: CteEnv, scope: Extract<Scope, { kind: 'select' }>, reads: Sink): void {
    if (!Array.isArray(list)) return;
    for (const e of list) {
      if (e?.type === 'number' && Number.isInteger(e.value)) {
        const p = scope.projections[e.value - 1];
        if (p?.kind === 'column') {
          for (const r of p.refs) reads.refs.push({ ...r, usage });
        }
      } else {
        this.walk(e, usage, id, env, reads);
      }
    }
  }

  /** Collects column references and subqueries in an expression, with the usage they carry. */
  private walk(node: AstNode, usage: ColumnUsage, id: number, env: CteEnv, sink: Sink): void {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) this.walk(n, usage, id, env, sink);
      return;
    }
    if (node.ast && typeof node.ast === 'object') {
      sink.subs.push({ scope: this.select(node.ast, id, env), usage });
      return;
    }
    switch (node.type) {
      case 'column_ref': {
        const column = columnName(node);
        if (column && column !== '*') sink.refs.push({ qualifier: qualifierOf(node), column, usage });
        return;
      }
      case 'aggr_func':
      case 'window_func':
        return this.walkFunction(node, usage, id, env, sink);
      case 'select':
        sink.subs.push({ scope: this.select(node, id, env), usage });
        return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (!SKIPPED_KEYS.has(key) && value && typeof value === 'object') this.walk(value, usage, id, env, sink);
    }
  }

  private walkFunction(node: AstNode, usage: ColumnUsage, id: number, env: CteEnv, sink: Sink): void {
    const inner: ColumnUsage = node.type === 'aggr_func' && (usage === 'identity' || usage === 'transform') ? 'aggregate' : usage === 'identity' ? 'transform' : usage;
    this.walk(node.args, inner, id, env, sink);
    this.walk(node.filter, 'filter', id, env, sink);
    this.walk(node.within_group_orderby ?? node.orderby, 'order', id, env, sink);
    const spec = node.over?.as_window_specification?.window_specification;
    if (spec) {
      this.walk(spec.partitionby, 'window', id, env, sink);
      this.walk(spec.orderby, 'window', id, env, sink);
    }
  }
}

function first(x: AstNode): AstNode {
  return Array.isArray(x) ? x[0] : x;
}

/** A plain name from the parser's many shapes: 'x', {value:'x'}, {expr:{value:'x'}}. */
export function nameOf(x: AstNode): string | undefined {
  if (typeof x === 'string') return x;
  if (!x || typeof x !== 'object') return undefined;
  if (typeof x.value === 'string') return x.value;
  if (x.expr) return nameOf(x.expr);
  return undefined;
}

/**
 * A column reference's parts. Snowflake's semi-structured paths (`payload:browser:family`)
 * arrive as dotted parts with `notations`; the column is the part before the first `:`.
 */
function refParts(ref: AstNode): { qualifier?: string; column?: string } {
  const parts = [nameOf(ref.schema), nameOf(ref.table), nameOf(ref.column)].filter((p): p is string => !!p);
  const notations: string[] = Array.isArray(ref.notations) ? ref.notations : [];
  const path = notations.indexOf(':');
  if (path < 0 || parts.length < 2) return { qualifier: nameOf(ref.table) || undefined, column: nameOf(ref.column) };
  const columnAt = parts.length - notations.length - 1 + path;
  return { qualifier: columnAt > 0 ? parts[columnAt - 1] : undefined, column: parts[columnAt] };
}

function columnName(ref: AstNode): string | undefined {
  if (!ref || typeof ref !== 'object') return undefined;
  return refParts(ref).column;
}

function qualifierOf(ref: AstNode): string | undefined {
  return refParts(ref).qualifier;
}

// Snowflake's `* EXCLUDE (a, b)` arrives as a function-shaped suffix of the star.
function excluded(star: AstNode): string[] | undefined {
  const suffix = star?.suffix;
  const fn = Array.isArray(suffix?.name?.name) ? nameOf(suffix.name.name[0]) : undefined;
  if (fn?.toLowerCase() !== 'exclude') return undefined;
  const args: AstNode[] = suffix.args?.value ?? [];
  return args.map(columnName).filter((n): n is string => !!n);
}

/** A FROM/INTO item's relation. Two parts arrive as {db, table}; three as {db, schema, table}. */
export function tableRelation(item: AstNode): Relation {
  const table = String(item?.table ?? '');
  const db = nameOf(item?.db);
  const schema = nameOf(item?.schema);
  if (schema) return { database: db, schema, name: table };
  if (db) return { schema: db, name: table };
  // BigQuery's `project.dataset.table` arrives as one quoted name.
  const parts = table.split('.');
  if (parts.length === 3) return { database: parts[0], schema: parts[1], name: parts[2] };
  if (parts.length === 2) return { schema: parts[0], name: parts[1] };
  return { name: table };
}

// The name a database gives an unaliased expression: the column's own name, else the function's.
function implicitName(expr: AstNode): string {
  if (!expr || typeof expr !== 'object') return '?column?';
  if (expr.type === 'column_ref') return columnName(expr) ?? '?column?';
  if (expr.type === 'cast') return implicitName(expr.expr);
  const fn = expr.name;
  if (typeof fn === 'string') return fn.toLowerCase();
  const fnName = Array.isArray(fn?.name) ? nameOf(fn.name[fn.name.length - 1]) : undefined;
  if (fnName) return fnName.toLowerCase();
  if (expr.type === 'case') return 'case';
  return '?column?';
}

function dataTypeText(def: AstNode): string | undefined {
  if (!def?.dataType) return undefined;
  let t = String(def.dataType).toLowerCase();
  if (def.length !== undefined && def.length !== null) t += def.scale !== undefined && def.scale !== null ? `(${def.length},${def.scale})` : `(${def.length})`;
  return t;
}
