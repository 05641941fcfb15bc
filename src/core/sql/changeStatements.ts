// Schema changes in migration files. node-sql-parser rejects `RENAME COLUMN` and several other
// ALTER forms in every dialect, so these statements are read from tokens instead; the tokens also
// give the exact position of each changed column for diagnostics.

import type { MigrationChange, ProposedChange, Relation } from '../model';
import type { SqlToken } from './tokenizer';
import { isPunct, isWord, lineColumnAt, readQualifiedName, skipParens, tokenizeSql } from './tokenizer';
import { relationFromParts } from './queryIr';

interface Context {
  tokens: SqlToken[];
  statementText: string;
  baseOffset: number;
  fullText: string;
  path: string;
  changes: MigrationChange[];
}

interface NameAt {
  relation: Relation;
  text: string;
  token: SqlToken;
  next: number;
}

// Words that end a MySQL column definition's type in MODIFY / CHANGE.
const TYPE_STOP_WORDS = new Set([
  'not', 'null', 'default', 'first', 'after', 'comment', 'collate', 'charset', 'auto_increment', 'primary',
  'unique', 'key', 'references', 'check', 'using', 'generated', 'constraint', 'visible', 'invisible', 'on', 'as',
]);

// ALTER actions whose DROP / ALTER / RENAME target is something other than a column.
const NON_COLUMN_OBJECTS = ['constraint', 'primary', 'foreign', 'index', 'key', 'partition', 'unique', 'check', 'default', 'row', 'clustering', 'search'];

// What may follow `ALTER COLUMN a` other than a type.
const COLUMN_OPTIONS = ['set', 'drop', 'add', 'reset', 'restart', 'options', 'comment', 'unset', 'collate'];

/**
 * Returns the breaking changes a statement makes, `[]` for a recognised ALTER whose actions are
 * all additive, and undefined when the statement is not a schema change at all.
 */
export function parseChangeStatement(
  statementText: string,
  baseOffset: number,
  fullText: string,
  path: string,
): MigrationChange[] | undefined {
  const tokens = tokenizeSql(statementText);
  const ctx: Context = { tokens, statementText, baseOffset, fullText, path, changes: [] };
  if (isWord(tokens[0], 'alter')) {
    let i = 1;
    if (isWord(tokens[i], 'materialized')) i++;
    if (!isWord(tokens[i], 'table', 'view')) return undefined;
    parseAlter(ctx, i + 1);
  } else if (isWord(tokens[0], 'rename') && isWord(tokens[1], 'table')) {
    parseRenameTable(ctx, 2);
  } else if (isWord(tokens[0], 'drop')) {
    let i = 1;
    while (isWord(tokens[i], 'materialized', 'temporary', 'external', 'foreign')) i++;
    if (!isWord(tokens[i], 'table', 'view')) return undefined;
    parseDropTables(ctx, i + 1);
  } else {
    return undefined;
  }
  return ctx.changes;
}

function readName(ctx: Context, i: number): NameAt | undefined {
  const name = readQualifiedName(ctx.tokens, i);
  if (!name || name.parts.length === 0) return undefined;
  return { relation: relationFromParts(name.parts), text: name.parts.join('.'), token: ctx.tokens[i], next: name.next };
}

function push(ctx: Context, relation: Relation, change: ProposedChange, token: SqlToken): void {
  const offset = ctx.baseOffset + token.start;
  const { line, column } = lineColumnAt(ctx.fullText, offset);
  ctx.changes.push({ relation, change, location: { path: ctx.path, line, column } });
}

function skipIfExists(tokens: SqlToken[], i: number): number {
  return isWord(tokens[i], 'if') && isWord(tokens[i + 1], 'exists') ? i + 2 : i;
}

/** Index of the next top-level comma (or the end), where the following ALTER action begins. */
function endOfAction(tokens: SqlToken[], i: number): number {
  while (i < tokens.length && !isPunct(tokens[i], ',')) i = isPunct(tokens[i], '(') ? skipParens(tokens, i) : i + 1;
  return i;
}

function parseAlter(ctx: Context, i: number): void {
  const { tokens } = ctx;
  i = skipIfExists(tokens, i);
  if (isWord(tokens[i], 'only')) i++;
  const target = readName(ctx, i);
  if (!target) return;
  i = target.next;
  if (tokens[i]?.text === '*') i++;
  let inDropList = false;
  while (i < tokens.length) {
    // Snowflake and BigQuery list several columns after one DROP COLUMN: `DROP COLUMN a, b`.
    const continuesDrop: boolean = inDropList && !isWord(tokens[i], 'add', 'drop', 'alter', 'modify', 'change', 'rename', 'set');
    inDropList = continuesDrop || (isWord(tokens[i], 'drop') && !isWord(tokens[i + 1], ...NON_COLUMN_OBJECTS));
    if (continuesDrop) parseDropColumn(ctx, target, i);
    else parseAlterAction(ctx, target, i);
    i = endOfAction(tokens, i) + 1;
  }
}

function parseAlterAction(ctx: Context, target: NameAt, i: number): void {
  const { tokens } = ctx;
  if (isWord(tokens[i], 'rename')) parseRename(ctx, target, i + 1);
  else if (isWord(tokens[i], 'drop')) parseDropColumn(ctx, target, i + 1);
  else if (isWord(tokens[i], 'alter')) parseAlterColumn(ctx, target, i + 1);
  else if (isWord(tokens[i], 'modify')) parseModifyColumn(ctx, target, i + 1);
  else if (isWord(tokens[i], 'change')) parseChangeColumn(ctx, target, i + 1);
}

function columnAt(tokens: SqlToken[], i: number): SqlToken | undefined {
  const token = tokens[i];
  return token && (token.kind === 'word' || token.kind === 'quoted') ? token : undefined;
}

function parseRename(ctx: Context, target: NameAt, i: number): void {
  const { tokens } = ctx;
  if (isWord(tokens[i], 'to', 'as')) {
    const to = readName(ctx, i + 1);
    if (to) push(ctx, target.relation, { type: 'table_rename', to: to.text }, target.token);
    return;
  }
  if (isWord(tokens[i], ...NON_COLUMN_OBJECTS)) return;
  if (isWord(tokens[i], 'column')) i++;
  i = skipIfExists(tokens, i);
  const from = columnAt(tokens, i);
  const to = isWord(tokens[i + 1], 'to') ? columnAt(tokens, i + 2) : undefined;
  if (from && to) push(ctx, target.relation, { type: 'column_rename', from: from.value, to: to.value }, from);
}

function parseDropColumn(ctx: Context, target: NameAt, i: number): void {
  const { tokens } = ctx;
  if (isWord(tokens[i], ...NON_COLUMN_OBJECTS)) return;
  if (isWord(tokens[i], 'column')) i++;
  i = skipIfExists(tokens, i);
  const column = columnAt(tokens, i);
  if (column) push(ctx, target.relation, { type: 'column_drop', column: column.value }, column);
}

/**
 * Postgres, Snowflake and BigQuery: `ALTER [COLUMN] a [SET DATA] TYPE t [USING …]`. SQL Server
 * writes the type straight after the column, so any word that is not a column option is a type.
 */
function parseAlterColumn(ctx: Context, target: NameAt, i: number): void {
  if (isWord(ctx.tokens[i], ...NON_COLUMN_OBJECTS)) return;
  parseColumnType(ctx, target, i, true);
}

/** MySQL `MODIFY [COLUMN] a t`, and Snowflake's `MODIFY [COLUMN] a [SET DATA] TYPE t`. */
function parseModifyColumn(ctx: Context, target: NameAt, i: number): void {
  parseColumnType(ctx, target, i, false);
}

/**
 * `[COLUMN] a [SET DATA] [TYPE] t`. After ALTER COLUMN the TYPE keyword may only be left out
 * when a type name follows (SQL Server), not a column option such as SET DEFAULT.
 */
function parseColumnType(ctx: Context, target: NameAt, i: number, afterAlter: boolean): void {
  const { tokens } = ctx;
  if (isWord(tokens[i], 'column')) i++;
  const column = columnAt(tokens, i);
  if (!column) return;
  i++;
  if (isWord(tokens[i], 'set') && isWord(tokens[i + 1], 'data')) i += 2;
  if (isWord(tokens[i], 'type')) i++;
  else if (afterAlter && (!isWord(tokens[i]) || isWord(tokens[i], ...COLUMN_OPTIONS))) return;
  const type = readType(ctx, i);
  if (type) push(ctx, target.relation, { type: 'column_type_change', column: column.value, to: type }, column);
}

/**
 * MySQL `CHANGE [COLUMN] old new t` restates the whole definition. Column names are
 * case-insensitive in MySQL, so a new name differing only in case is not reported as a rename.
 * The type change names the old column because that is the name downstream queries use.
 */
function parseChangeColumn(ctx: Context, target: NameAt, i: number): void {
  const { tokens } = ctx;
  if (isWord(tokens[i], 'column')) i++;
  const from = columnAt(tokens, i);
  const to = columnAt(tokens, i + 1);
  if (!from || !to) return;
  if (from.value.toLowerCase() !== to.value.toLowerCase()) {
    push(ctx, target.relation, { type: 'column_rename', from: from.value, to: to.value }, from);
  }
  const type = readType(ctx, i + 2);
  if (type) push(ctx, target.relation, { type: 'column_type_change', column: from.value, to: type }, from);
}

/** The type as written, up to the end of the action or the first column-option keyword. */
function readType(ctx: Context, i: number): string | undefined {
  const { tokens } = ctx;
  const first = i;
  while (i < tokens.length && !isPunct(tokens[i], ',')) {
    const token = tokens[i];
    if (i > first && isWord(token) && TYPE_STOP_WORDS.has(token.value.toLowerCase())) break;
    if (isWord(token, 'character') && isWord(tokens[i + 1], 'set')) break;
    i = isPunct(token, '(') ? skipParens(tokens, i) : i + 1;
  }
  if (i === first) return undefined;
  const last = tokens[Math.min(i, tokens.length) - 1];
  return ctx.statementText.slice(tokens[first].start, last.end).replace(/\s+/g, ' ');
}

/** MySQL `RENAME TABLE a TO b [, c TO d]`. */
function parseRenameTable(ctx: Context, i: number): void {
  const { tokens } = ctx;
  while (i < tokens.length) {
    const from = readName(ctx, i);
    if (!from || !isWord(tokens[from.next], 'to')) return;
    const to = readName(ctx, from.next + 1);
    if (!to) return;
    push(ctx, from.relation, { type: 'table_rename', to: to.text }, from.token);
    if (!isPunct(tokens[to.next], ',')) return;
    i = to.next + 1;
  }
}

function parseDropTables(ctx: Context, i: number): void {
  const { tokens } = ctx;
  i = skipIfExists(tokens, i);
  while (i < tokens.length) {
    const name = readName(ctx, i);
    if (!name) return;
    push(ctx, name.relation, { type: 'table_drop' }, name.token);
    if (!isPunct(tokens[name.next], ',')) return;
    i = name.next + 1;
  }
}
