// One SQL text → one analysis per statement. This is the expensive, context-free step (it needs no
// upstream schema), so its result is plain JSON: cached by content hash and computed in workers.
import type { MigrationChange, Relation } from '../model';
import type { AstNode } from './sqlParser';
import { parseSql } from './sqlParser';
import type { StatementIR } from './queryIr';
import { buildStatement } from './scopeBuilder';
import { splitStatements, lineColumnAt } from './tokenizer';
import { parseChangeStatement } from './changeStatements';
import { analyzeMerge } from './mergeStatement';
import type { MergeAnalysis } from './mergeStatement';
import { scanTableReferences } from './tolerantScan';
import { fastParseStatement, fastPathServes } from './fastSelect';

export interface ParseFailure {
  message: string;
  line: number;
  column: number;
  /** Tables a tolerant token scan still found, so table-level lineage survives the failure. */
  tables: { relation: Relation; offset: number; role: 'read' | 'write' }[];
}

export interface StatementAnalysis {
  ir?: StatementIR;
  /** Schema changes (ALTER/DROP/RENAME); their location paths are empty until the caller fills them. */
  changes?: MigrationChange[];
  failure?: ParseFailure;
}

export interface SqlAnalysis {
  statements: StatementAnalysis[];
}

/** Bump when the analysis shape or its rules change, so cached analyses are recomputed. */
export const SQL_ANALYSIS_VERSION = 2;

export function analyzeSql(text: string, dialect: string | undefined): SqlAnalysis {
  const statements: StatementAnalysis[] = [];
  for (const stmt of splitStatements(text)) {
    statements.push(guarded(text, stmt.text, stmt.start, dialect));
  }
  return { statements };
}

// Nothing a statement contains may stop the index: generated SQL (a 5,000-term OR chain) can
// exhaust the stack of the recursive AST walk. It then counts as unparsed, with its tables kept.
function guarded(full: string, sql: string, start: number, dialect: string | undefined): StatementAnalysis {
  try {
    return analyzeStatement(full, sql, start, dialect);
  } catch (e) {
    const pos = lineColumnAt(full, start);
    const reason = e instanceof RangeError ? 'the statement is too deeply nested to analyse' : `analysis failed: ${(e as Error)?.message ?? e}`;
    let tables: ParseFailure['tables'] = [];
    try {
      tables = scanTableReferences(sql, start);
    } catch {
      // the scan is iterative and should not fail; if it does, the statement has no edges
    }
    return { failure: { message: reason, line: pos.line, column: pos.column, tables } };
  }
}

function analyzeStatement(full: string, sql: string, start: number, dialect: string | undefined): StatementAnalysis {
  const end = start + sql.length;
  // Schema changes first: node-sql-parser rejects several of them (RENAME COLUMN with a schema),
  // and our change parser reads them all the same way in every dialect.
  const changes = parseChangeStatement(sql, start, full, '');
  if (changes) return { changes };
  // The fast SELECT path (fastSelect/) yields the same IR as node-sql-parser ~10× sooner for the
  // shapes models are made of; anything outside its grammar returns undefined and falls through.
  if (fastPathServes(dialect)) {
    const ir = fastParseStatement(full, start, end);
    if (ir) return { ir };
  }
  const parsed = parseSql(sql, dialect);
  if (parsed.ok) {
    const ast = parsed.statements[0];
    return ast ? { ir: buildStatement(ast, start, end) } : {};
  }
  const merge = analyzeMerge(sql, start);
  if (merge) {
    const ir = mergeToIr(merge, dialect, start, end);
    if (ir) return { ir };
  }
  const pos = parsed.line ? lineColumnAt(full, start + offsetOfLine(sql, parsed.line, parsed.column ?? 1)) : lineColumnAt(full, start);
  return { failure: { message: parsed.message, line: pos.line, column: pos.column, tables: scanTableReferences(sql, start) } };
}

function offsetOfLine(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) break;
    offset = nl + 1;
  }
  return Math.min(text.length, offset + column - 1);
}

// No parser build accepts MERGE, so its structure comes from our token-level reader; it is then
// phrased as the select it amounts to (target columns computed from the source) and goes through
// the same scope resolution as every other statement.
function mergeToIr(m: MergeAnalysis, dialect: string | undefined, start: number, end: number): StatementIR | undefined {
  const targetAlias = m.target.alias ?? m.target.relation.name;
  const from: AstNode[] = [tableItem(m.target.relation, targetAlias)];
  const sourceAlias = m.source.alias ?? m.source.relation?.name ?? '__source';
  if (m.source.relation) from.push(tableItem(m.source.relation, sourceAlias));
  else if (m.source.subquery) {
    const sub = parseSql(m.source.subquery.text, dialect);
    if (sub.ok && sub.statements[0]) from.push({ expr: { ast: sub.statements[0] }, as: sourceAlias });
  }
  const columns = m.assignments.map((a) => ({
    expr: { type: 'expr_list', value: a.refs.map(colRef) },
    as: a.targetColumn,
  }));
  // MERGE's ON (and WHEN … AND) conditions match rows between target and source: join reads.
  const condition = { type: 'expr_list', value: m.conditionRefs.map(colRef) };
  const joined = from.length > 1;
  if (joined) from[1].on = condition;
  const ir = buildStatement({ type: 'select', from, columns, where: joined ? undefined : condition }, start, end);
  return { ...ir, kind: 'merge', target: m.target.relation, targetColumns: m.assignments.map((a) => a.targetColumn) };
}

function tableItem(r: Relation, alias: string): AstNode {
  return { db: r.database ?? null, schema: r.schema ?? null, table: r.name, as: alias };
}

function colRef(r: { qualifier?: string; column: string }): AstNode {
  return { type: 'column_ref', table: r.qualifier ?? null, column: r.column };
}
