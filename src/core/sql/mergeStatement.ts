// MERGE statements, which node-sql-parser rejects. Column lineage needs to know which source
// columns feed each target column, and impact needs every column the statement reads, so this
// keeps the target of each assignment and the position of every column reference.

import type { Relation } from '../model';
import type { SqlToken } from './tokenizer';
import { isPunct, isWord, readQualifiedName, skipParens, tokenizeSql } from './tokenizer';
import { relationFromParts } from './queryIr';

/** A column reference; `offset` is the absolute offset of the column token itself. */
export interface MergeColumnRef {
  qualifier?: string;
  column: string;
  offset: number;
}

export interface MergeAnalysis {
  target: { relation: Relation; alias?: string };
  source: { relation?: Relation; alias?: string; subquery?: { text: string; start: number } };
  conditionRefs: MergeColumnRef[];
  assignments: { targetColumn: string; refs: MergeColumnRef[] }[];
}

interface Range {
  from: number;
  to: number;
}

const KEYWORDS = new Set([
  'and', 'or', 'not', 'null', 'true', 'false', 'is', 'in', 'like', 'ilike', 'rlike', 'regexp', 'between', 'case',
  'when', 'then', 'else', 'end', 'as', 'cast', 'distinct', 'exists', 'select', 'from', 'where', 'interval',
  'current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp',
  'current_user', 'session_user', 'default', 'escape', 'collate', 'at', 'zone', 'similar', 'to', 'any', 'all',
  'some', 'unknown', 'nulls', 'first', 'last', 'asc', 'desc', 'over', 'partition', 'by', 'order', 'rows', 'range',
  'preceding', 'following', 'unbounded', 'current', 'row', 'filter', 'within', 'array', 'values', 'set',
  'matched', 'delete', 'update', 'insert', 'using', 'on', 'with', 'without',
]);

// Clause words that can never be a table alias.
const NOT_ALIASES = new Set(['using', 'on', 'when', 'set', 'values']);

export function analyzeMerge(statementText: string, baseOffset: number): MergeAnalysis | undefined {
  const tokens = tokenizeSql(statementText);
  if (!isWord(tokens[0], 'merge')) return undefined;
  let i = isWord(tokens[1], 'into') ? 2 : 1;
  const targetName = readQualifiedName(tokens, i);
  if (!targetName || targetName.parts.length === 0) return undefined;
  const targetAlias = readAlias(tokens, targetName.next);
  const target: MergeAnalysis['target'] = { relation: relationFromParts(targetName.parts), ...aliasField(targetAlias.alias) };
  i = targetAlias.next;
  if (!isWord(tokens[i], 'using')) return undefined;
  const source = readSource(tokens, i + 1, statementText, baseOffset);
  const analysis: MergeAnalysis = { target, source: source.source, conditionRefs: [], assignments: [] };
  i = source.next;
  if (!isWord(tokens[i], 'on')) return analysis;
  const onEnd = expressionEnd(tokens, i + 1, ['when']);
  analysis.conditionRefs.push(...columnRefs(tokens, { from: i + 1, to: onEnd }, baseOffset));
  i = onEnd;
  while (isWord(tokens[i], 'when')) i = readWhenClause(tokens, i + 1, analysis, baseOffset);
  return analysis;
}

function aliasField(alias: string | undefined): { alias?: string } {
  return alias === undefined ? {} : { alias };
}

function readAlias(tokens: SqlToken[], i: number): { alias?: string; next: number } {
  const explicit = isWord(tokens[i], 'as');
  const token = tokens[explicit ? i + 1 : i];
  const usable = token && (token.kind === 'quoted' || (token.kind === 'word' && !NOT_ALIASES.has(token.value.toLowerCase())));
  if (!usable) return { next: i };
  return { alias: token.value, next: (explicit ? i + 1 : i) + 1 };
}

function readSource(
  tokens: SqlToken[],
  i: number,
  text: string,
  baseOffset: number,
): { source: MergeAnalysis['source']; next: number } {
  let source: MergeAnalysis['source'] = {};
  let next = i;
  if (isPunct(tokens[i], '(')) {
    next = skipParens(tokens, i);
    const close = isPunct(tokens[next - 1], ')') && next - 1 > i ? tokens[next - 1].start : text.length;
    const first = tokens[i + 1];
    if (first && first.start < close) source.subquery = { text: text.slice(first.start, close).trimEnd(), start: baseOffset + first.start };
  } else {
    const name = readQualifiedName(tokens, i);
    if (!name) return { source, next };
    if (name.parts.length > 0) source.relation = relationFromParts(name.parts);
    next = name.next;
  }
  const alias = readAlias(tokens, next);
  source = { ...source, ...aliasField(alias.alias) };
  return { source, next: alias.next };
}

/** Reads one `WHEN … THEN action` clause and returns the index of the next WHEN (or the end). */
function readWhenClause(tokens: SqlToken[], i: number, analysis: MergeAnalysis, baseOffset: number): number {
  while (i < tokens.length && !isWord(tokens[i], 'and', 'then', 'when')) i++;
  if (isWord(tokens[i], 'and')) {
    const end = expressionEnd(tokens, i + 1, ['then', 'when']);
    analysis.conditionRefs.push(...columnRefs(tokens, { from: i + 1, to: end }, baseOffset));
    i = end;
  }
  if (!isWord(tokens[i], 'then')) return i;
  i++;
  if (isWord(tokens[i], 'update') && isWord(tokens[i + 1], 'set')) return readUpdateSet(tokens, i + 2, analysis, baseOffset);
  if (isWord(tokens[i], 'insert')) return readInsert(tokens, i + 1, analysis, baseOffset);
  return expressionEnd(tokens, i, ['when']);
}

function readUpdateSet(tokens: SqlToken[], i: number, analysis: MergeAnalysis, baseOffset: number): number {
  const end = expressionEnd(tokens, i, ['when']);
  for (const item of splitTopLevel(tokens, { from: i, to: end })) {
    let eq = item.from;
    while (eq < item.to && tokens[eq].text !== '=') eq++;
    const column = lastName(tokens, { from: item.from, to: eq });
    if (column === undefined || eq >= item.to) continue;
    analysis.assignments.push({ targetColumn: column, refs: columnRefs(tokens, { from: eq + 1, to: item.to }, baseOffset) });
  }
  return end;
}

/** `INSERT (cols) VALUES (exprs)` pairs positionally; without a column list nothing can be paired. */
function readInsert(tokens: SqlToken[], i: number, analysis: MergeAnalysis, baseOffset: number): number {
  const end = expressionEnd(tokens, i, ['when']);
  if (!isPunct(tokens[i], '(')) return end;
  const columnsEnd = skipParens(tokens, i);
  if (!isWord(tokens[columnsEnd], 'values') || !isPunct(tokens[columnsEnd + 1], '(')) return end;
  const valuesEnd = skipParens(tokens, columnsEnd + 1);
  const columns = splitTopLevel(tokens, { from: i + 1, to: columnsEnd - 1 });
  const values = splitTopLevel(tokens, { from: columnsEnd + 2, to: valuesEnd - 1 });
  for (let k = 0; k < Math.min(columns.length, values.length); k++) {
    const column = lastName(tokens, columns[k]);
    if (column !== undefined) analysis.assignments.push({ targetColumn: column, refs: columnRefs(tokens, values[k], baseOffset) });
  }
  return end;
}

function lastName(tokens: SqlToken[], range: Range): string | undefined {
  for (let k = range.to - 1; k >= range.from; k--) {
    if (tokens[k].kind === 'word' || tokens[k].kind === 'quoted') return tokens[k].value;
  }
  return undefined;
}

/**
 * Index of the first top-level stop word (or `)` closing an outer paren). CASE … END counts as a
 * level because its WHEN and THEN would otherwise end a MERGE clause early.
 */
function expressionEnd(tokens: SqlToken[], i: number, stops: string[]): number {
  let depth = 0;
  for (; i < tokens.length; i++) {
    const token = tokens[i];
    if (isPunct(token, '(') || isWord(token, 'case')) depth++;
    else if (isPunct(token, ')') || isWord(token, 'end')) {
      if (--depth < 0) return i;
    } else if (depth === 0 && isWord(token, ...stops)) return i;
  }
  return tokens.length;
}

function splitTopLevel(tokens: SqlToken[], range: Range): Range[] {
  const items: Range[] = [];
  let from = range.from;
  while (from < range.to) {
    let to = from;
    while (to < range.to && !isPunct(tokens[to], ',')) to = isPunct(tokens[to], '(') ? skipParens(tokens, to) : to + 1;
    to = Math.min(to, range.to);
    if (to > from) items.push({ from, to });
    from = to + 1;
  }
  return items;
}

/** Whether the name at `i` is a type, a function, a date part or a literal's prefix rather than a column. */
function isNotColumn(tokens: SqlToken[], i: number, nameEnd: number): boolean {
  const before = tokens[i - 1];
  const after = tokens[nameEnd];
  if (tokens[i].kind === 'word' && KEYWORDS.has(tokens[i].value.toLowerCase())) return true;
  if (isPunct(after, '(') || after?.kind === 'string') return true;
  if (before && (before.text === '::' || isWord(before, 'as') || before.kind === 'string' || before.kind === 'number')) return true;
  return isPunct(before, '(') && isWord(tokens[i - 2], 'extract');
}

function columnRefs(tokens: SqlToken[], range: Range, baseOffset: number): MergeColumnRef[] {
  const refs: MergeColumnRef[] = [];
  let i = range.from;
  while (i < range.to) {
    const token = tokens[i];
    if (isPunct(token, '(') && isWord(tokens[i + 1], 'select')) {
      i = skipParens(tokens, i);
      continue;
    }
    if (token.kind !== 'word' && token.kind !== 'quoted') {
      i++;
      continue;
    }
    const chain = [i];
    while (isPunct(tokens[chain[chain.length - 1] + 1], '.') && chain[chain.length - 1] + 2 < range.to) {
      const part = tokens[chain[chain.length - 1] + 2];
      if (part.kind !== 'word' && part.kind !== 'quoted') break;
      chain.push(chain[chain.length - 1] + 2);
    }
    const nameEnd = chain[chain.length - 1] + 1;
    if (!isNotColumn(tokens, i, nameEnd) && !isPunct(tokens[nameEnd], '.')) {
      const column = tokens[chain[chain.length - 1]];
      const qualifier = chain.slice(0, -1).map((k) => tokens[k].value).join('.');
      refs.push({ ...(qualifier ? { qualifier } : {}), column: column.value, offset: baseOffset + column.start });
    }
    i = nameEnd;
  }
  return refs;
}
