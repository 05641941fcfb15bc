// The fast path: SELECT-shaped statements (what dbt models and views are made of) parsed straight
// from our tokens into the AST subset the scope builder reads, then through the same
// buildStatement as node-sql-parser's output, so both paths share one set of IR rules.
// Anything outside the grammar returns undefined and the caller falls back to node-sql-parser;
// test/unit/fastSelect.test.ts checks the two paths give identical IR.
import type { AstNode } from '../sqlParser';
import type { StatementIR } from '../queryIr';
import { buildStatement } from '../scopeBuilder';
import { tokenizeSql } from '../tokenizer';
import type { SqlToken } from '../tokenizer';
import { normalizeDialect } from '../sqlParser';
import { Cursor } from './cursor';
import { bail } from './cursor';
import { dottedName, expectName, tableNode } from './names';
import { parseQuery } from './selectParser';

/**
 * The IR of the statement at text[start, end), or undefined when the fast grammar does not
 * cover it (or on any doubt). Never throws.
 */
export function fastParseStatement(text: string, start: number, end: number): StatementIR | undefined {
  try {
    const sql = text.slice(start, end);
    const tokens = tokenizeSql(sql);
    if (!lexicallySafe(sql, tokens)) return undefined;
    const c = new Cursor(tokens);
    c.parseQuery = () => parseQuery(c);
    const ast = parseStatement(c);
    c.acceptPunct(';');
    if (!c.atEnd()) return undefined;
    return buildStatement(ast, start, end);
  } catch {
    // A bail, or any unexpected failure: the full parser decides.
    return undefined;
  }
}

/**
 * The dialects the fast path serves. The PostgreSQL build's reading (postgres, duckdb,
 * materialize) and Redshift's are checked equal by the differential test. Snowflake is served
 * too: the fast grammar is standard SQL that means the same there (double quotes name
 * identifiers, `::` casts) and every Snowflake-only form (QUALIFY, `a:b` paths, `* EXCLUDE`,
 * `$1`) bails; its IR is checked against the PostgreSQL build, because node-sql-parser's own
 * Snowflake build misreads some standard SQL (a double-quoted select item as a string).
 * BigQuery, Hive/Spark and MySQL quote differently and stay on node-sql-parser.
 */
export function fastPathServes(dialect: string | undefined): boolean {
  const build = normalizeDialect(dialect);
  return build === 'postgresql' || build === 'redshift' || build === 'snowflake';
}

// Token-level cases where our lexer and node-sql-parser's disagree; rare in models, so they bail.
function lexicallySafe(sql: string, tokens: readonly SqlToken[]): boolean {
  if (tokens.length === 0) return false;
  // An unterminated block comment swallows the rest of the text for us but not for node-sql-parser.
  if (sql.includes('/*', tokens[tokens.length - 1].end)) return false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'jinja') return false;
    // Backslashes escape quotes in node-sql-parser's strings, not in ours; doubled quotes likewise.
    if (t.kind === 'string' && (t.text.includes('\\') || t.text.slice(1, -1).split("''").join('').includes("'"))) return false;
    if (t.kind === 'quoted' && t.value.includes('"')) return false;
    // node-sql-parser lets `-` continue a name (`a-b.c` is a qualifier, `y--` an identifier).
    if ((t.kind === 'word' || t.kind === 'quoted') && sql.charCodeAt(t.end) === 45) return false;
  }
  return true;
}

function parseStatement(c: Cursor): AstNode {
  if (c.isKw('select') || c.isKw('with') || c.isPunct('(')) return parseQuery(c);
  if (c.acceptKw('create')) return parseCreate(c);
  if (c.acceptKw('insert')) return parseInsert(c);
  return bail();
}

/** CREATE [OR REPLACE] [TEMP|TEMPORARY] VIEW|TABLE name AS query. */
function parseCreate(c: Cursor): AstNode {
  const replace = c.acceptKw('or');
  if (replace) c.expectKw('replace');
  if (!c.acceptKw('temp')) c.acceptKw('temporary');
  if (c.acceptKw('view')) {
    const parts = dottedName(c);
    c.expectKw('as');
    const view = tableNode(parts);
    return { type: 'create', keyword: 'view', view: { db: view.db, schema: view.schema, view: view.table }, select: parseQuery(c) };
  }
  // node-sql-parser's PostgreSQL build rejects CREATE OR REPLACE TABLE.
  if (replace) bail();
  c.expectKw('table');
  const table = tableNode(dottedName(c));
  c.expectKw('as');
  return { type: 'create', keyword: 'table', table: [table], query_expr: parseQuery(c) };
}

/** INSERT INTO name [(cols)] query. */
function parseInsert(c: Cursor): AstNode {
  c.expectKw('into');
  const table = tableNode(dottedName(c));
  let columns: string[] | null = null;
  if (c.acceptPunct('(')) {
    columns = [];
    do columns.push(expectName(c));
    while (c.acceptPunct(','));
    c.expectPunct(')');
  }
  if (!c.isKw('select') && !c.isKw('with') && !c.isPunct('(')) bail();
  return { type: 'insert', table: [table], columns, values: parseQuery(c) };
}
