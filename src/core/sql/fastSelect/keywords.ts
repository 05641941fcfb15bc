// Word lists that decide what node-sql-parser would make of a name. They mirror its PostgreSQL
// build (5.4): the differential test (test/unit/fastSelect.test.ts) checks them against it.

/** Reserved in at least one of the node-sql-parser builds we serve, plus clause words: never a bare name. */
export const RESERVED = new Set([
  'all', 'alter', 'add', 'and', 'as', 'asc', 'at', 'between', 'by', 'call', 'case', 'create', 'contains', 'constraint',
  'current_date', 'current_time', 'current_timestamp', 'current_user', 'delete', 'desc', 'describe', 'distinct', 'drop',
  'else', 'end', 'exists', 'explain', 'except', 'false', 'from', 'full', 'group', 'having', 'in', 'inner', 'insert',
  'intersect', 'into', 'is', 'ilike', 'join', 'json', 'left', 'like', 'limit', 'not', 'null', 'nulls', 'offset', 'on',
  'or', 'order', 'outer', 'partition', 'recursive', 'rename', 'right', 'row', 'rows', 'select', 'session_user', 'set',
  'show', 'system_user', 'table', 'then', 'true', 'truncate', 'union', 'update', 'using', 'with', 'when', 'where',
  'window', 'global', 'session', 'local', 'persist', 'persist_only', 'pivot', 'unpivot', 'qualify',
  // Clause and construct words the fast path leaves to the full parser when they appear as names.
  'cross', 'natural', 'lateral', 'over', 'filter', 'within', 'fetch', 'values', 'returning', 'interval', 'cast',
  'extract', 'array', 'any', 'some', 'similar', 'escape', 'collate', 'top', 'sample', 'tablesample', 'unnest',
  'materialized', 'only', 'ignore', 'respect', 'localtime', 'localtimestamp', 'user', 'current_role', 'default',
]);

/** node-sql-parser's `aggr_func` names; every other call is a plain `function` (usage 'transform'). */
export const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max', 'array_agg', 'string_agg', 'group_concat']);

/** Aggregates node-sql-parser accepts with an OVER clause (array_agg/string_agg … OVER it rejects). */
export const WINDOWED_AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max']);

/** Calls that become `window_func` with OVER; other non-aggregates with OVER it rejects. */
export const WINDOW_FUNCTIONS = new Set(['row_number', 'rank', 'dense_rank', 'lag', 'lead', 'first_value', 'last_value', 'nth_value']);

/** Reserved words that still read as ordinary calls when followed by `(`. */
export const CALLABLE_RESERVED = new Set(['left', 'right']);

/**
 * Calls with grammar of their own in node-sql-parser (keyword arguments, special shapes) or that
 * take a table/grouping meaning: left to the full parser.
 */
export const SPECIAL_CALLS = new Set([
  'trim', 'position', 'substring', 'overlay', 'make_interval', 'crosstab', 'json_to_record', 'json_to_recordset',
  'jsonb_to_record', 'jsonb_to_recordset', 'percentile_cont', 'percentile_disc', 'mode', 'rollup', 'cube',
  'grouping', 'grouping_sets', 'flatten', 'generate_series', 'ntile', 'cume_dist', 'percent_rank',
]);

/** Niladic keywords node-sql-parser reads as function calls without parentheses. */
export const NILADIC = new Set(['current_date', 'current_timestamp', 'current_time']);

export const INTERVAL_UNITS = new Set([
  'year', 'years', 'month', 'months', 'week', 'weeks', 'day', 'days', 'hour', 'hours', 'minute', 'minutes',
  'second', 'seconds', 'to',
]);

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A bare word node-sql-parser reads as a plain identifier (ASCII only: its letter classes differ from ours). */
export function isPlainName(word: string): boolean {
  return IDENT.test(word) && !RESERVED.has(word.toLowerCase());
}
