// Column expressions in PySpark code: which columns an expression names, whether it is a bare
// column (its lineage stays identity), whether they sit inside an aggregate, and its alias.
// Strings are column names where PySpark reads them so (`select("x")`, `F.sum("x")`) and
// literals elsewhere (`F.lit("x")`); SQL strings (`filter("a > 1")`, `F.expr`) go through the
// SQL tokenizer.
import type { Location } from '../../model';
import type { PyNode } from '../../python/pythonParser';
import type { PyScopes } from '../../python/pyValues';
import { positionOf, stringValue } from '../../python/pyValues';
import { tokenizeSql } from '../../sql/tokenizer';
import type { SqlToken } from '../../sql/tokenizer';
import type { Frame, Mention } from './sparkFrames';

export interface ExprContext {
  path: string;
  scopes: PyScopes;
  /** The DataFrame a Python expression stands for, when it is one (`orders`, `df.alias("o")`). */
  frameOf(node: PyNode): Frame | undefined;
}

export interface ColMention extends Mention {
  aggregate: boolean;
}

export interface ColExpr {
  mentions: ColMention[];
  /** Columns a window's partitionBy/orderBy reads. */
  windowReads: Mention[];
  /** The expression is one column, unchanged (aliases and sort directions aside). */
  bare: boolean;
  star: boolean;
  alias?: string;
  /** The name Spark gives the expression's output column when it has no alias. */
  defaultName?: string;
}

const AGGREGATES = new Set([
  'sum', 'count', 'avg', 'mean', 'min', 'max', 'countdistinct', 'count_distinct', 'sumdistinct', 'sum_distinct',
  'approx_count_distinct', 'approxcountdistinct', 'first', 'last', 'collect_list', 'collect_set', 'stddev',
  'stddev_pop', 'stddev_samp', 'variance', 'var_pop', 'var_samp', 'percentile_approx', 'percentile', 'median',
  'mode', 'any_value', 'max_by', 'min_by', 'bool_and', 'bool_or', 'every', 'some', 'corr', 'covar_pop',
  'covar_samp', 'kurtosis', 'skewness', 'product', 'array_agg', 'listagg', 'string_agg', 'count_if',
]);
/** Functions every string argument of which is a column name. */
const ALL_COLUMN_ARGS = new Set(['coalesce', 'concat', 'greatest', 'least', 'struct', 'array', 'countdistinct', 'count_distinct', 'hash', 'xxhash64', 'named_struct']);
/** Functions whose first string argument is a literal, not a column. */
const LITERAL_ARGS = new Set(['lit', 'typedlit', 'when', 'format_string', 'concat_ws', 'udf', 'pandas_udf', 'broadcast']);
const SORT_METHODS = new Set(['asc', 'desc', 'asc_nulls_first', 'asc_nulls_last', 'desc_nulls_first', 'desc_nulls_last']);
const ALIAS_METHODS = new Set(['alias', 'name', 'as_']);
/** DataFrame attributes that are not columns. */
export const FRAME_ATTRIBUTES = new Set(['columns', 'schema', 'dtypes', 'write', 'writeStream', 'na', 'stat', 'rdd', 'sparkSession', 'sql_ctx', 'isStreaming', 'storageLevel']);
const SQL_KEYWORDS = new Set([
  'and', 'or', 'not', 'in', 'is', 'null', 'like', 'rlike', 'ilike', 'regexp', 'between', 'true', 'false', 'case', 'when',
  'then', 'else', 'end', 'as', 'distinct', 'asc', 'desc', 'nulls', 'first', 'last', 'interval', 'date', 'timestamp',
  'exists', 'any', 'all', 'over', 'partition', 'by', 'order', 'rows', 'range', 'preceding', 'following', 'unbounded',
  'current', 'row', 'escape', 'div', 'from', 'select', 'where', 'having', 'limit', 'union', 'on', 'using',
]);

const empty = (): ColExpr => ({ mentions: [], windowReads: [], bare: false, star: false });

function merge(parts: ColExpr[]): ColExpr {
  return { mentions: parts.flatMap((p) => p.mentions), windowReads: parts.flatMap((p) => p.windowReads), bare: false, star: false };
}

/** Where a string's text starts (after the quotes), or the node itself for computed strings. */
export function textLocation(ctx: ExprContext, node: PyNode, offset = 0): Location {
  const content = node.type === 'string' ? node.namedChildren.filter((c) => c?.type === 'string_content') : [];
  if (content.length !== 1 || !content[0]) return { path: ctx.path, ...positionOf(node) };
  const text = content[0].text;
  let { line, column } = positionOf(content[0]);
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      column = 1;
    } else column++;
  }
  return { path: ctx.path, line, column };
}

/** A column given by name: a string or a constant; anything else is an expression. */
export function columnArg(node: PyNode, ctx: ExprContext): ColExpr {
  // `[F.col(c).alias(c.lower()) for c in df.columns]`: columns named when the job runs, most
  // often all of them. Like `*`, the frame's columns pass through, not one named by the code.
  if (node.type === 'list_comprehension' || node.type === 'generator_expression') return { ...empty(), star: true };
  const s = node.type === 'string' || node.type === 'identifier' || node.type === 'concatenated_string' || node.type === 'binary_operator' ? stringValue(node, ctx.scopes) : undefined;
  if (!s) return columnExpr(node, ctx, false);
  if (s.value === '*') return { ...empty(), star: true };
  const mention: ColMention = { name: s.value, confidence: s.viaVariable ? 'inferred' : 'explicit', location: textLocation(ctx, node), aggregate: false };
  return { mentions: [mention], windowReads: [], bare: true, star: false, defaultName: s.value.split('.').pop() };
}

/** A Column expression: `F.col("x") * 2`, `df.amount`, `F.sum("x").alias("t")`, `(a > 1) & (b < 2)`. */
export function columnExpr(node: PyNode, ctx: ExprContext, inAggregate: boolean, depth = 0): ColExpr {
  if (depth > 40) return empty();
  const sub = (n: PyNode | null | undefined, agg = inAggregate) => (n ? columnExpr(n, ctx, agg, depth + 1) : empty());
  switch (node.type) {
    case 'parenthesized_expression':
      return sub(node.namedChildren[0]);
    case 'binary_operator':
    case 'comparison_operator':
    case 'boolean_operator':
    case 'not_operator':
    case 'unary_operator':
    case 'list':
    case 'tuple':
      return merge(node.namedChildren.map((c) => sub(c)));
    case 'attribute': {
      const obj = node.childForFieldName('object');
      const attr = node.childForFieldName('attribute');
      const frame = obj ? ctx.frameOf(obj) : undefined;
      if (!frame || !attr || FRAME_ATTRIBUTES.has(attr.text)) return empty();
      const m: ColMention = { name: attr.text, frame, confidence: 'explicit', location: { path: ctx.path, ...positionOf(attr) }, aggregate: inAggregate };
      return { mentions: [m], windowReads: [], bare: true, star: false, defaultName: attr.text };
    }
    case 'subscript': {
      const value = node.childForFieldName('value');
      const frame = value ? ctx.frameOf(value) : undefined;
      const index = node.childForFieldName('subscript');
      if (!frame) return sub(value); // F.col("s")["field"]: the struct column
      if (!index) return empty();
      const named = columnArg(index, ctx);
      for (const m of named.mentions) Object.assign(m, { frame, aggregate: inAggregate });
      return named;
    }
    case 'identifier': {
      // A Column kept in a variable (`amount = F.col("a") * 2`) stands for its expression.
      const bound = ctx.frameOf(node) ? undefined : ctx.scopes.lookup(node.text, node);
      return bound && bound.type !== 'string' && bound.id !== node.id ? sub(bound) : empty();
    }
    case 'call':
      return callExpr(node, ctx, inAggregate, depth);
    default:
      return empty();
  }
}

function callExpr(call: PyNode, ctx: ExprContext, inAggregate: boolean, depth: number): ColExpr {
  const fn = call.childForFieldName('function');
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is PyNode => !!a && a.type !== 'comment');
  const positional = args.filter((a) => a.type !== 'keyword_argument');
  if (!fn) return empty();
  const receiver = fn.type === 'attribute' ? fn.childForFieldName('object') : null;
  const name = (fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn.text) ?? '';
  if (receiver && isColumnValue(receiver, ctx)) return columnMethod(receiver, name, positional, ctx, inAggregate, depth);
  const lower = name.toLowerCase();
  if (lower === 'col' || lower === 'column') return positional[0] ? withAggregate(columnArg(positional[0], ctx), inAggregate) : empty();
  if (lower === 'expr' && positional[0]) return sqlArg(positional[0], ctx, 'expression');
  const agg = inAggregate || AGGREGATES.has(lower);
  const parts = positional.map((a, i) => {
    const asName = ALL_COLUMN_ARGS.has(lower) || (i === 0 && !LITERAL_ARGS.has(lower)) || (lower === 'concat_ws' && i > 0);
    const e = asName ? columnArg(a, ctx) : columnExpr(a, ctx, agg, depth + 1);
    return withAggregate(e, agg);
  });
  const out = merge(parts);
  const only = out.mentions.length === 1 ? out.mentions[0].name : undefined;
  return { ...out, defaultName: only !== undefined ? `${name}(${only})` : undefined };
}

// `F.col("x")`, `df.x`, `(a + b)` are Column values; `F`, `functions`, `pyspark.sql.functions` are
// modules whose functions make them.
function isColumnValue(node: PyNode, ctx: ExprContext): boolean {
  if (node.type === 'call' || node.type === 'subscript' || node.type === 'parenthesized_expression' || node.type === 'binary_operator') return true;
  if (node.type === 'attribute') {
    const obj = node.childForFieldName('object');
    return !!obj && !!ctx.frameOf(obj);
  }
  if (node.type === 'identifier') {
    const bound = ctx.scopes.lookup(node.text, node);
    return !!bound && bound.type === 'call' && !ctx.frameOf(node);
  }
  return false;
}

function columnMethod(receiver: PyNode, method: string, args: PyNode[], ctx: ExprContext, inAggregate: boolean, depth: number): ColExpr {
  const base = columnExpr(receiver, ctx, inAggregate, depth + 1);
  if (ALIAS_METHODS.has(method)) {
    const alias = args[0] ? stringValue(args[0], ctx.scopes)?.value : undefined;
    return { ...base, alias: alias ?? base.alias };
  }
  if (SORT_METHODS.has(method)) return base;
  if (method === 'over') {
    const reads = args[0] ? windowSpec(args[0], ctx, depth) : [];
    return { ...base, bare: false, windowReads: [...base.windowReads, ...reads], alias: undefined };
  }
  const rest = args.map((a) => columnExpr(a, ctx, inAggregate, depth + 1));
  return { ...merge([base, ...rest]), defaultName: base.defaultName };
}

/** `Window.partitionBy("a").orderBy(F.col("b").desc())`, inline or through a variable. */
function windowSpec(node: PyNode, ctx: ExprContext, depth: number): Mention[] {
  if (depth > 40) return [];
  if (node.type === 'identifier') {
    const bound = ctx.scopes.lookup(node.text, node);
    return bound && bound.id !== node.id ? windowSpec(bound, ctx, depth + 1) : [];
  }
  if (node.type !== 'call') return [];
  const fn = node.childForFieldName('function');
  const receiver = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : '';
  const own = method === 'partitionBy' || method === 'orderBy' ? columnArgs(node, ctx).flatMap((e) => e.mentions) : [];
  return [...(receiver ? windowSpec(receiver, ctx, depth + 1) : []), ...own];
}

function withAggregate(e: ColExpr, aggregate: boolean): ColExpr {
  if (aggregate) for (const m of e.mentions) m.aggregate = true;
  return e;
}

/** The positional arguments of a call as columns, lists (`["a", "b"]`, `*COLS`) expanded. */
export function columnArgs(call: PyNode, ctx: ExprContext): ColExpr[] {
  return listItems(call, ctx).map(({ node, viaVariable }) => inferredIf(columnArg(node, ctx), viaVariable));
}

/** Names taken from a list in a variable came through the variable: they are inferred. */
export function inferredIf(e: ColExpr, viaVariable: boolean): ColExpr {
  if (viaVariable) for (const m of e.mentions) m.confidence = 'inferred';
  return e;
}

export function listItems(call: PyNode, ctx: ExprContext): { node: PyNode; viaVariable: boolean }[] {
  const out: { node: PyNode; viaVariable: boolean }[] = [];
  const expand = (n: PyNode, depth: number, viaVariable: boolean): void => {
    if (depth > 4) return;
    const bound = n.type === 'identifier' ? ctx.scopes.lookup(n.text, n) : undefined;
    if (n.type === 'list' || n.type === 'tuple') {
      for (const c of n.namedChildren) if (c) expand(c, depth + 1, viaVariable);
    } else if (n.type === 'binary_operator' && n.childForFieldName('operator')?.text === '+' && isListSum(n)) {
      for (const side of [n.childForFieldName('left'), n.childForFieldName('right')]) if (side) expand(side, depth + 1, viaVariable);
    } else if (n.type === 'list_splat' && n.namedChildren[0]) expand(n.namedChildren[0], depth + 1, viaVariable);
    else if (bound && isList(bound)) expand(bound, depth + 1, true);
    else out.push({ node: n, viaVariable });
  };
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) if (a && a.type !== 'keyword_argument' && a.type !== 'comment') expand(a, 0, false);
  return out;
}

const isList = (n: PyNode | undefined): boolean => n?.type === 'list' || n?.type === 'tuple';

// `["id"] + [F.col(c) for c in cols]`: a sum of lists, not of columns (`F.col("a") + 1`).
function isListSum(n: PyNode): boolean {
  const sides = [n.childForFieldName('left'), n.childForFieldName('right')];
  return sides.some((x) => isList(x ?? undefined) || x?.type === 'list_comprehension' || (x?.type === 'binary_operator' && isListSum(x)));
}

/** A SQL expression or condition given as a Python string (`filter`, `selectExpr`, `F.expr`). */
export function sqlArg(node: PyNode, ctx: ExprContext, kind: 'expression' | 'condition'): ColExpr {
  const s = stringValue(node, ctx.scopes);
  if (!s) return columnExpr(node, ctx, false);
  const located = (offset: number): Location => (s.viaVariable ? { path: ctx.path, ...positionOf(node) } : textLocation(ctx, node, offset));
  return sqlText(s.value, s.viaVariable ? 'inferred' : 'explicit', located, kind);
}

function sqlText(text: string, confidence: 'explicit' | 'inferred', located: (offset: number) => Location, kind: 'expression' | 'condition'): ColExpr {
  const tokens = tokenizeSql(text);
  const out = empty();
  const parens: boolean[] = [];
  let names = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const next = tokens[i + 1];
    if (t.kind === 'punct' && t.text === '(') parens.push(AGGREGATES.has(tokens[i - 1]?.value.toLowerCase() ?? '') || parens.some((p) => p));
    else if (t.kind === 'punct' && t.text === ')') parens.pop();
    if (t.kind === 'operator' && t.text === '*' && tokens.length === 1) out.star = true;
    if (!isName(t) || (next?.kind === 'punct' && next.text === '(')) continue;
    const prev = tokens[i - 1];
    if (prev && prev.kind === 'word' && prev.value.toLowerCase() === 'as') {
      if (!parens.length && kind === 'expression') out.alias = t.value;
      continue; // an alias, or a type in CAST(x AS type)
    }
    if (prev?.kind === 'operator' && prev.text === '::') continue;
    if (kind === 'expression' && !parens.length && prev && (isName(prev) || prev.text === ')')) {
      out.alias = t.value; // `sum(x) total`: an alias without AS
      continue;
    }
    // `o.id`: one dotted name; its parts are the qualifier and the column.
    let name = t.value;
    while (tokens[i + 1]?.text === '.' && tokens[i + 2] && isName(tokens[i + 2])) {
      name += `.${tokens[i + 2].value}`;
      i += 2;
    }
    names++;
    out.mentions.push({ name, confidence, location: located(t.start), aggregate: parens.some((p) => p) });
  }
  out.bare = names === 1 && isBareSql(tokens);
  if (kind === 'expression' && !out.alias) out.defaultName = out.bare ? out.mentions[0].name.split('.').pop() : text.trim();
  return out;
}

/** `x`, `o.x`, `x as y`, `o.x y`: one column, unchanged. */
function isBareSql(tokens: SqlToken[]): boolean {
  let i = 1;
  if (!tokens[0] || !isName(tokens[0])) return false;
  while (tokens[i]?.text === '.' && tokens[i + 1] && isName(tokens[i + 1])) i += 2;
  if (tokens[i]?.kind === 'word' && tokens[i].value.toLowerCase() === 'as') i++;
  if (tokens[i] && isName(tokens[i])) i++;
  return i === tokens.length;
}

// Spark reads "double quotes" as strings and `backticks` as identifiers.
function isName(t: SqlToken): boolean {
  if (t.kind === 'quoted') return t.text.startsWith('`');
  return t.kind === 'word' && !SQL_KEYWORDS.has(t.value.toLowerCase());
}
