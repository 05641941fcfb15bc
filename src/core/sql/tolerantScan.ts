// The fallback when the AST parser rejects a statement: a keyword-driven scan that still finds
// which tables the statement reads and writes, so table lineage survives dialect gaps. It knows
// nothing about columns and prefers missing a reference over inventing one.

import type { Relation } from '../model';
import type { SqlToken } from './tokenizer';
import { isPunct, isWord, readQualifiedName, skipParens, tokenizeSql } from './tokenizer';
import { relationFromParts } from './queryIr';

export interface TableReference {
  relation: Relation;
  /** Absolute offset of the name's first token. */
  offset: number;
  role: 'read' | 'write';
}

interface Scan {
  tokens: SqlToken[];
  baseOffset: number;
  ctes: Set<string>;
  found: TableReference[];
}

// Words that begin a clause, so they can be neither a table name nor its alias.
const CLAUSE_WORDS = new Set([
  'where', 'join', 'inner', 'left', 'right', 'full', 'cross', 'outer', 'on', 'using', 'group', 'order', 'limit',
  'having', 'union', 'except', 'intersect', 'minus', 'window', 'qualify', 'natural', 'set', 'values', 'select',
  'returning', 'when', 'then', 'as', 'lateral', 'pivot', 'unpivot', 'sample', 'tablesample', 'for', 'offset',
  'fetch', 'into', 'from', 'with', 'and', 'or', 'not', 'default', 'partition', 'cluster', 'distribute', 'sort',
  'by', 'straight_join', 'apply', 'if', 'exists', 'only', 'table', 'view',
]);

// Functions whose arguments use FROM as a separator (`EXTRACT(YEAR FROM ts)`).
const FROM_FUNCTIONS = new Set(['extract', 'substring', 'substr', 'trim', 'overlay', 'position']);

const CREATE_MODIFIERS = new Set([
  'or', 'replace', 'temp', 'temporary', 'transient', 'materialized', 'global', 'local', 'external', 'secure',
  'recursive', 'unlogged', 'volatile', 'multiset', 'force',
]);

export function scanTableReferences(statementText: string, baseOffset: number): TableReference[] {
  const tokens = tokenizeSql(statementText);
  const scan: Scan = { tokens, baseOffset, ctes: collectCteNames(tokens), found: [] };
  const openers: string[] = [];
  const isCreate = isWord(tokens[0], 'create');
  let sawSelect = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (isPunct(token, '(')) openers.push(isWord(tokens[i - 1]) ? tokens[i - 1].value.toLowerCase() : '');
    else if (isPunct(token, ')')) openers.pop();
    if (token.kind !== 'word') continue;
    const word = token.value.toLowerCase();
    if (word === 'select') sawSelect = true;
    else if (word === 'from') readFrom(scan, i, openers[openers.length - 1] ?? '');
    else if (word === 'join') readReference(scan, i + 1, 'read', false);
    else if (word === 'into') readReference(scan, isWord(tokens[i + 1], 'table') ? i + 2 : i + 1, 'write', false);
    else if (word === 'insert') readInsert(scan, i);
    else if (word === 'update') readUpdate(scan, i);
    else if (word === 'merge' && !isWord(tokens[i + 1], 'into')) readReference(scan, i + 1, 'write', false);
    else if (word === 'create') readCreate(scan, i + 1);
    else if (word === 'using' && !isPunct(tokens[i + 1], '(') && !(isCreate && !sawSelect)) {
      // In CREATE … USING delta / USING btree, USING names a format or an index method.
      readReference(scan, i + 1, 'read', false);
    }
  }
  return scan.found;
}

/** Names introduced by `WITH x AS (` or `, y (a, b) AS [NOT] [MATERIALIZED] (`. */
function collectCteNames(tokens: SqlToken[]): Set<string> {
  const names = new Set<string>();
  for (let i = 1; i < tokens.length; i++) {
    const before = tokens[i - 1];
    const token = tokens[i];
    if (!(isWord(before, 'with', 'recursive') || isPunct(before, ',')) || (token.kind !== 'word' && token.kind !== 'quoted')) continue;
    let j = i + 1;
    if (isPunct(tokens[j], '(')) j = skipParens(tokens, j);
    if (!isWord(tokens[j], 'as')) continue;
    j++;
    while (isWord(tokens[j], 'not', 'materialized')) j++;
    if (isPunct(tokens[j], '(')) names.add(token.value.toLowerCase());
  }
  return names;
}

function readFrom(scan: Scan, i: number, opener: string): void {
  const { tokens } = scan;
  if (FROM_FUNCTIONS.has(opener)) return;
  // `a IS [NOT] DISTINCT FROM b` compares values; b is not a table.
  if (isWord(tokens[i - 1], 'distinct') && isWord(tokens[i - 2], 'is', 'not')) return;
  const role = isWord(tokens[i - 1], 'delete') ? 'write' : 'read';
  readReference(scan, i + 1, role, role === 'read');
}

function readUpdate(scan: Scan, i: number): void {
  const { tokens } = scan;
  // FOR UPDATE, ON UPDATE and MERGE's THEN UPDATE SET are not table writes.
  if (isWord(tokens[i - 1], 'for', 'on', 'then', 'key') || isWord(tokens[i + 1], 'set')) return;
  readReference(scan, i + 1, 'write', false);
}

/** `INSERT OVERWRITE [TABLE] t` (Hive, Spark) and SQL Server's `INSERT t`; INTO is read on its own. */
function readInsert(scan: Scan, i: number): void {
  const { tokens } = scan;
  // MERGE's `THEN INSERT (…)`, Databricks' `INSERT *` and BigQuery's `INSERT ROW` name no table.
  if (isWord(tokens[i + 1], 'into') || isWord(tokens[i - 1], 'then') || isWord(tokens[i + 1], 'row')) return;
  let j = isWord(tokens[i + 1], 'overwrite') ? i + 2 : i + 1;
  if (isWord(tokens[j], 'into')) return;
  if (isWord(tokens[j], 'table')) j++;
  readReference(scan, j, 'write', false);
}

function readCreate(scan: Scan, i: number): void {
  const { tokens } = scan;
  while (isWord(tokens[i]) && CREATE_MODIFIERS.has(tokens[i].value.toLowerCase())) i++;
  if (!isWord(tokens[i], 'table', 'view')) return;
  i++;
  if (isWord(tokens[i], 'if') && isWord(tokens[i + 1], 'not') && isWord(tokens[i + 2], 'exists')) i += 3;
  readReference(scan, i, 'write', false);
}

/** Records the name at `i`; in a FROM list, also the names after top-level commas. */
function readReference(scan: Scan, i: number, role: TableReference['role'], fromList: boolean): void {
  const { tokens } = scan;
  while (isWord(tokens[i], 'only', 'lateral')) i++;
  const start = tokens[i];
  const name = readQualifiedName(tokens, i);
  if (!start || !name) return;
  if (start.kind === 'word' && CLAUSE_WORDS.has(start.value.toLowerCase())) return;
  const isFunction = role === 'read' && isPunct(tokens[name.next], '(');
  const isCte = name.parts.length === 1 && scan.ctes.has(name.parts[0].toLowerCase());
  // A name built by Jinja has no knowable value, so it is skipped rather than guessed.
  if (!name.jinja && !isFunction && !isCte && name.parts.length > 0) {
    scan.found.push({ relation: relationFromParts(name.parts), offset: scan.baseOffset + start.start, role });
  }
  if (!fromList) return;
  const next = skipAlias(tokens, isFunction ? skipParens(tokens, name.next) : name.next);
  if (isPunct(tokens[next], ',')) readReference(scan, next + 1, role, true);
}

function skipAlias(tokens: SqlToken[], i: number): number {
  const explicit = isWord(tokens[i], 'as');
  const j = explicit ? i + 1 : i;
  const token = tokens[j];
  const isAlias = token && (token.kind === 'quoted' || (token.kind === 'word' && !CLAUSE_WORDS.has(token.value.toLowerCase())));
  if (!isAlias) return i;
  return isPunct(tokens[j + 1], '(') ? skipParens(tokens, j + 1) : j + 1;
}
