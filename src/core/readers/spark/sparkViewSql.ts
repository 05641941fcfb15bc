// A Spark temporary view made from several datasets (a join, a union) has no single upstream to
// stand for in the SQL that reads it. That SQL is parsed with a CTE of the view's name over the
// datasets (`WITH v AS (SELECT * FROM datalineage_view_1, datalineage_view_2) SELECT …`), whose
// names are mapped to the datasets, so the column resolver attributes each column read through the
// view as it does for a join written in SQL: to the dataset known to have it, else to each one
// that may. Only the parsed text changes, and only its first line: positions and line numbers are
// still found in the job's own text.
import type { Relation, UpstreamRef } from '../../model';
import { tokenizeSql } from '../../sql/tokenizer';

export interface ViewRead {
  relation: Relation;
  /** The datasets the view was made from (none: a frame the reader could not trace to one). */
  sources: UpstreamRef[];
}

export interface ViewSql {
  sql: string;
  /** What each relation the parsed SQL names stands for. */
  relations: { relation: Relation; upstream: UpstreamRef }[];
}

/**
 * The SQL to parse and its relations: a view of one dataset is that dataset; a view of several
 * is a CTE over them where the statement allows one (a SELECT or a WITH, as spark.sql queries
 * mostly are); any other view stands for `job`, whose reads are already the job's.
 */
export function viewSql(sql: string, views: ViewRead[], job: UpstreamRef): ViewSql {
  const relations: ViewSql['relations'] = [];
  const ctes: string[] = [];
  const first = views.some((v) => v.sources.length > 1) ? firstWord(sql) : undefined;
  for (const v of views) {
    if (v.sources.length === 1) relations.push({ relation: v.relation, upstream: v.sources[0] });
    else if (v.sources.length > 1 && first && !v.relation.schema && !v.relation.database && PLAIN_NAME.test(v.relation.name)) {
      const names = v.sources.map((upstream) => {
        const name = `datalineage_view_${relations.length + 1}`;
        relations.push({ relation: { name }, upstream });
        return name;
      });
      ctes.push(`${v.relation.name} AS (SELECT * FROM ${names.join(', ')})`);
    } else relations.push({ relation: v.relation, upstream: job });
  }
  if (!ctes.length || !first) return { sql, relations };
  const defs = ctes.join(', ');
  // No newline is added, so a parse error's line still maps to the job's text.
  return { sql: first.word === 'with' ? `${sql.slice(0, first.end)} ${defs},${sql.slice(first.end)}` : `WITH ${defs} ${sql}`, relations };
}

// A view name a CTE can take as it is (a quoted or qualified one stands for the job instead).
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The statement's first word when it is SELECT or WITH (comments and spaces skipped). */
function firstWord(sql: string): { word: 'select' | 'with'; end: number } | undefined {
  const t = tokenizeSql(sql)[0];
  const word = t?.kind === 'word' ? t.value.toLowerCase() : '';
  return word === 'select' || word === 'with' ? { word, end: t.end } : undefined;
}
