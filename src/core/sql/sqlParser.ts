// node-sql-parser, one dialect build at a time. The full package is ~89 MB; each build is ~300 KB,
// so the builds are required by literal path (esbuild bundles only these) and loaded lazily.

/* eslint-disable @typescript-eslint/no-require-imports */
type ParserCtor = new () => {
  astify(sql: string, opt: { database: string; parseOptions?: { includeLocations?: boolean } }): unknown;
};

const loaders: Record<string, () => ParserCtor> = {
  postgresql: () => require('node-sql-parser/build/postgresql').Parser,
  snowflake: () => require('node-sql-parser/build/snowflake').Parser,
  bigquery: () => require('node-sql-parser/build/bigquery').Parser,
  redshift: () => require('node-sql-parser/build/redshift').Parser,
  trino: () => require('node-sql-parser/build/trino').Parser,
  athena: () => require('node-sql-parser/build/athena').Parser,
  hive: () => require('node-sql-parser/build/hive').Parser,
  mysql: () => require('node-sql-parser/build/mysql').Parser,
  mariadb: () => require('node-sql-parser/build/mariadb').Parser,
  transactsql: () => require('node-sql-parser/build/transactsql').Parser,
  sqlite: () => require('node-sql-parser/build/sqlite').Parser,
};

/** Tool and adapter names (dbt adapters, settings) mapped to the parser build that reads them. */
const DIALECT_ALIASES: Record<string, string> = {
  postgres: 'postgresql',
  postgresql: 'postgresql',
  duckdb: 'postgresql',
  materialize: 'postgresql',
  snowflake: 'snowflake',
  bigquery: 'bigquery',
  redshift: 'redshift',
  trino: 'trino',
  presto: 'trino',
  athena: 'athena',
  // node-sql-parser has no Spark build; Hive is the closest grammar (backticks, LATERAL VIEW).
  spark: 'hive',
  databricks: 'hive',
  hive: 'hive',
  mysql: 'mysql',
  mariadb: 'mariadb',
  sqlserver: 'transactsql',
  tsql: 'transactsql',
  transactsql: 'transactsql',
  fabric: 'transactsql',
  synapse: 'transactsql',
  sqlite: 'sqlite',
};

export const DEFAULT_DIALECT = 'postgresql';

/** The parser build for a dialect or adapter name; unknown names fall back to Postgres. */
export function normalizeDialect(name: string | undefined): string {
  if (!name) return DEFAULT_DIALECT;
  return DIALECT_ALIASES[name.toLowerCase()] ?? DEFAULT_DIALECT;
}

const parsers = new Map<string, InstanceType<ParserCtor>>();

function parserFor(dialect: string): InstanceType<ParserCtor> {
  let p = parsers.get(dialect);
  if (!p) {
    const Ctor = (loaders[dialect] ?? loaders[DEFAULT_DIALECT])();
    p = new Ctor();
    parsers.set(dialect, p);
  }
  return p;
}

export type ParseOutcome =
  | { ok: true; statements: AstNode[] }
  | { ok: false; message: string; line?: number; column?: number };

/** A node of node-sql-parser's AST: untyped JSON, read defensively by the scope builder. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AstNode = any;

/** Parses one statement (or several) and never throws: a rejection becomes a message with a position. */
export function parseSql(sql: string, dialectName: string | undefined): ParseOutcome {
  const dialect = normalizeDialect(dialectName);
  try {
    const ast = parserFor(dialect).astify(sql, { database: dialect });
    const statements = (Array.isArray(ast) ? ast : [ast]).filter((s) => s && typeof s === 'object');
    return { ok: true, statements };
  } catch (e) {
    const err = e as { message?: string; location?: { start?: { line: number; column: number } } };
    const start = err.location?.start;
    return { ok: false, message: shortenParserMessage(err.message ?? String(e)), line: start?.line, column: start?.column };
  }
}

// Peggy lists every token it expected, which can run to hundreds of characters; the first
// few and what was found are what a person needs.
function shortenParserMessage(message: string): string {
  const m = /^Expected (.*) but (.*) found\.?$/s.exec(message);
  if (!m) return message.length > 200 ? message.slice(0, 200) + '…' : message;
  const expected = m[1].split(/, (?:or )?| or /);
  const list = expected.length > 6 ? expected.slice(0, 6).join(', ') + ', …' : expected.join(', ');
  return `expected ${list} but ${m[2]} found`;
}
