// dbt's built-in macros (dbt.*, dbt_utils.*, dbt_date.*), `execute`, empty results, and Jinja in
// sources YAML: each renders the SQL dbt compile would, per dialect, and that SQL parses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMacros, renderDbtSql } from '../../src/core/dbt/jinjaRender';
import type { DbtRenderContext, MacroFile } from '../../src/core/dbt/jinjaRender';
import { createLineageIndex } from '../../src/core/lineageIndex';
import { MemoryFileSystem } from '../../src/core/io/fileSystem';

type Dialect = 'postgres' | 'snowflake' | 'bigquery';
const BUILDS: Record<Dialect, string> = { postgres: 'postgresql', snowflake: 'snowflake', bigquery: 'bigquery' };

function context(type: string, files: MacroFile[] = []): DbtRenderContext {
  return {
    projectName: 'shop',
    target: { name: 'dev', schema: 'analytics', database: 'warehouse', type },
    vars: {},
    env: {},
    macros: loadMacros(files).library,
    resolveRef: (name) => ({ schema: 'analytics', name }),
    resolveSource: (source, table) => ({ schema: source, name: table }),
    thisRelation: { schema: 'analytics', name: 'm' },
  };
}

function parses(sql: string, dialect: Dialect): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Parser } = require(`node-sql-parser/build/${BUILDS[dialect]}`) as { Parser: new () => { astify(sql: string, opt: object): unknown } };
  try {
    new Parser().astify(sql, { database: BUILDS[dialect] });
    return true;
  } catch {
    return false;
  }
}

/** Renders `select <expr> as x from t` per dialect; checks the SQL and that it parses. */
function expectExpr(expr: string, expected: Partial<Record<Dialect, string>> & { default?: string }): void {
  for (const dialect of Object.keys(BUILDS) as Dialect[]) {
    const want = expected[dialect] ?? expected.default;
    if (want === undefined) continue;
    const r = renderDbtSql(`select ${expr} as x from t`, context(dialect));
    assert.equal(r.sql, `select ${want} as x from t`, `${dialect}: ${expr}`);
    assert.deepEqual(r.diagnostics, [], `${dialect}: ${expr}`);
    assert.ok(parses(r.sql ?? '', dialect), `${dialect} parses ${r.sql}`);
  }
}

test('dates: date_trunc, dateadd, datediff, last_day, current_timestamp, per dialect', () => {
  expectExpr("{{ dbt.date_trunc('day', 'ordered_at') }}", {
    default: "date_trunc('day', ordered_at)",
    bigquery: 'timestamp_trunc(cast(ordered_at as timestamp), day)',
  });
  expectExpr("{{ date_trunc('month', 'x') }}", { snowflake: "date_trunc('month', x)" });
  expectExpr("{{ dbt.dateadd('day', 1, 'x') }}", {
    postgres: "x + ((interval '1 day') * (1))",
    snowflake: 'dateadd(day, 1, x)',
    bigquery: 'datetime_add(cast(x as datetime), interval 1 day)',
  });
  expectExpr("{{ dbt.datediff('a', 'b', 'day') }}", {
    postgres: '((b)::date - (a)::date)',
    snowflake: 'datediff(day, a, b)',
    bigquery: 'datetime_diff(cast(b as datetime), cast(a as datetime), day)',
  });
  expectExpr("{{ dbt.last_day('d', 'month') }}", {
    postgres: "cast(date_trunc('month', d) + ((interval '1 month') * (1)) + ((interval '1 day') * (-1)) as date)",
    snowflake: 'cast(last_day(d, month) as date)',
    bigquery: 'cast(last_day(cast(d as date), month) as date)',
  });
  expectExpr('{{ dbt.current_timestamp() }}', { postgres: 'now()', snowflake: "convert_timezone('UTC', current_timestamp())", bigquery: 'current_timestamp()' });
});

test('types and casts per dialect', () => {
  const types = (s: string, ts: string, i: string, bi: string, n: string, b: string, f: string) =>
    `cast(a as ${s}), cast(a as ${ts}), cast(a as ${i}), cast(a as ${bi}), cast(a as ${n}), cast(a as ${b}), cast(a as ${f})`;
  const names = ['string', 'timestamp', 'int', 'bigint', 'numeric', 'boolean', 'float'];
  expectExpr(names.map((n) => `cast(a as {{ dbt.type_${n}() }})`).join(', '), {
    postgres: types('text', 'timestamp', 'int', 'bigint', 'numeric(28,6)', 'boolean', 'float'),
    snowflake: types('varchar', 'timestamp_ntz', 'int', 'bigint', 'numeric(28,6)', 'boolean', 'float'),
    bigquery: types('string', 'timestamp', 'int64', 'int64', 'numeric', 'bool', 'float64'),
  });
  expectExpr("{{ dbt.safe_cast('a', 'date') }}", {
    postgres: 'cast(a as date)',
    snowflake: 'try_cast(a as date)',
    bigquery: 'safe_cast(a as date)',
  });
  expectExpr("{{ dbt.cast_bool_to_text('flag') }}", { postgres: 'cast(flag as text)', snowflake: 'cast(flag as varchar)', bigquery: 'cast(flag as string)' });
});

test('strings and aggregates per dialect', () => {
  expectExpr("{{ dbt.concat(['a', \"'-'\", 'b']) }}", { postgres: "a || '-' || b", snowflake: "concat(a, '-', b)", bigquery: "concat(a, '-', b)" });
  expectExpr("{{ dbt.split_part('a', \"','\", 2) }}", { default: "split_part(a, ',', 2)", bigquery: "split(a, ',')[safe_offset(1)]" });
  expectExpr("{{ dbt.hash('a') }}", { postgres: 'md5(cast(a as text))', snowflake: 'md5(cast(a as varchar))', bigquery: 'to_hex(md5(cast(a as string)))' });
  expectExpr("{{ dbt.any_value('a') }}", { postgres: 'min(a)', snowflake: 'any_value(a)', bigquery: 'any_value(a)' });
  expectExpr("{{ dbt.bool_or('a') }}", { postgres: 'bool_or(a)', snowflake: 'boolor_agg(a)', bigquery: 'logical_or(a)' });
  expectExpr("{{ dbt.listagg('a', \"','\", 'order by b') }}", { postgres: "string_agg(a, ',' order by b)", snowflake: "listagg(a, ',')", bigquery: "string_agg(a, ',')" });
  expectExpr("{{ dbt.position(\"'x'\", 'a') }}", { postgres: "position('x' in a)", snowflake: "position('x' in a)", bigquery: "strpos(a, 'x')" });
  expectExpr("{{ dbt.right('a', 3) }}", { default: 'right(a, 3)', bigquery: "case when 3 = 0 then '' else substr(a, -1 * (3)) end" });
  expectExpr("{{ dbt.replace('a', \"'x'\", \"'y'\") }}, {{ length('a') }}", { default: "replace(a, 'x', 'y'), length(a)" });
  expectExpr("'{{ dbt.escape_single_quotes(\"it's\") }}', {{ dbt.string_literal('abc') }}", { default: "'it''s', 'abc'", bigquery: "'it\\'s', 'abc'" });
});

test('set operations: except and intersect', () => {
  for (const [dialect, word] of [['postgres', 'except'], ['bigquery', 'except distinct']] as const) {
    const r = renderDbtSql('select a from t {{ dbt.except() }} select a from u', context(dialect));
    assert.equal(r.sql, `select a from t ${word} select a from u`);
    assert.ok(parses(r.sql ?? '', dialect));
  }
  assert.equal(renderDbtSql('{{ dbt.intersect() }}', context('bigquery')).sql, 'intersect distinct');
});

test('dbt_utils: surrogate keys, safe arithmetic, group_by', () => {
  const key = (t: string, cast: (c: string) => string) => `coalesce(${cast(t)}, '_dbt_utils_surrogate_key_null_')`;
  expectExpr("{{ dbt_utils.generate_surrogate_key(['a', 'b']) }}", {
    postgres: `md5(cast(${key('a', (c) => `cast(${c} as text)`)} || '-' || ${key('b', (c) => `cast(${c} as text)`)} as text))`,
    snowflake: `md5(cast(concat(${key('a', (c) => `cast(${c} as varchar)`)}, '-', ${key('b', (c) => `cast(${c} as varchar)`)}) as varchar))`,
    bigquery: `to_hex(md5(cast(concat(${key('a', (c) => `cast(${c} as string)`)}, '-', ${key('b', (c) => `cast(${c} as string)`)}) as string)))`,
  });
  expectExpr("{{ dbt_utils.surrogate_key('a', 'b') }}", { snowflake: "md5(cast(concat(coalesce(cast(a as varchar), ''), '-', coalesce(cast(b as varchar), '')) as varchar))" });
  expectExpr("{{ dbt_utils.safe_add(['a', 'b']) }}, {{ dbt_utils.safe_divide('a', 'b') }}", { default: 'coalesce(a, 0) + coalesce(b, 0), ( a ) / nullif( ( b ), 0)' });
  const r = renderDbtSql('select a, b, count(*) from t {{ dbt_utils.group_by(2) }}', context('snowflake'));
  assert.equal(r.sql, 'select a, b, count(*) from t group by 1, 2');
});

test('dbt_utils: star, union_relations, pivot, get_column_values, date spines', () => {
  const sf = (t: string) => renderDbtSql(t, context('snowflake'));
  assert.equal(sf("select {{ dbt_utils.star(ref('orders')) }} from {{ ref('orders') }}").sql, 'select * from analytics.orders');
  const star = sf("select {{ dbt_utils.star(from=ref('orders'), relation_alias='o', except=['a', 'b']) }} from {{ ref('orders') }} o");
  assert.equal(star.sql, 'select o.* /* dbt_utils.star except: a, b */ from analytics.orders o');
  assert.deepEqual(star.diagnostics.map((d) => d.code), ['approximate-star']);
  assert.ok(parses(star.sql ?? '', 'snowflake'));

  const union = sf("{{ dbt_utils.union_relations([ref('a'), ref('b')]) }}");
  assert.equal(
    union.sql,
    "select cast('analytics.a' as varchar) as _dbt_source_relation, * from analytics.a\nunion all\nselect cast('analytics.b' as varchar) as _dbt_source_relation, * from analytics.b",
  );
  assert.deepEqual(union.upstream.map((u) => u.kind === 'ref' && u.name), ['a', 'b']);
  assert.equal(sf("{{ dbt_utils.union_relations([ref('a')], include=['id'], source_column_name=none) }}").sql, 'select id from analytics.a');

  assert.equal(sf("select {{ dbt_utils.pivot('m', ['x', 'y']) }} from t").sql, 'select sum(case when m = \'x\' then 1 else 0 end) as "x",\nsum(case when m = \'y\' then 1 else 0 end) as "y" from t');
  const pivot = sf("select id, {{ dbt_utils.pivot('m', dbt_utils.get_column_values(ref('t'), 'm'), prefix='m_') }} from {{ ref('t') }} group by id");
  assert.equal(pivot.sql, 'select id, sum(case when m is not null then 1 else 0 end) as m_pivot_values_unknown from analytics.t group by id');
  assert.deepEqual(pivot.diagnostics.map((d) => d.code), ['needs-warehouse']);
  assert.ok(parses(pivot.sql ?? '', 'snowflake'));

  assert.equal(sf("{{ dbt_utils.date_spine('day', \"cast('2020-01-01' as date)\", 'current_date') }}").sql, "select cast(cast('2020-01-01' as date) as date) as date_day");
  const base = sf("with days as ({{ dbt_date.get_base_dates(n_dateparts=3650, datepart='day') }}) select cast(date_day as date) as date_day from days");
  assert.equal(base.sql, "with days as (select cast(convert_timezone('UTC', current_timestamp()) as timestamp_ntz) as date_day) select cast(date_day as date) as date_day from days");
  assert.ok(parses(base.sql ?? '', 'snowflake'));
});

test('project macros win over built-ins, dispatch overrides apply, a wrapper reaches the built-in', () => {
  const files: MacroFile[] = [
    { path: 'macros/a.sql', text: "{% macro hash(field) %}sha1({{ field }}){% endmacro %}{% macro snowflake__date_trunc(datepart, date) %}trunc({{ date }}, '{{ datepart }}'){% endmacro %}" },
    { path: 'macros/b.sql', text: "{% macro star(from) %}/* mine */ {{ dbt_utils.star(from) }}{% endmacro %}" },
  ];
  const r = renderDbtSql("{{ hash('a') }} {{ dbt.hash('b') }} {{ dbt.date_trunc('day', 'c') }} {{ dbt_utils.star(ref('t')) }}", context('snowflake', files));
  assert.equal(r.sql, "sha1(a) sha1(b) trunc(c, 'day') /* mine */ *");
  assert.deepEqual(r.diagnostics, []);
});

test('execute is true: guarded macros render, run_query and load_result give empty results', () => {
  const files: MacroFile[] = [{ path: 'macros/cols.sql', text: "{% macro cols() %}{% if not execute %}{{ return('') }}{% endif %}a, b{% endmacro %}" }];
  assert.equal(renderDbtSql('select {{ cols() }} from t', context('postgres', files)).sql, 'select a, b from t');
  const t = [
    "{% set q %}select distinct method from {{ ref('payments') }}{% endset %}",
    '{% set results = run_query(q) %}',
    '{% if execute %}{% set methods = results.columns[0].values() %}{% else %}{% set methods = [] %}{% endif %}',
    "{% set top = run_query('select 1').rows[0][0] %}",
    "{% call statement('m', fetch_result=True) %}select max(id) from {{ ref('ids') }}{% endcall %}",
    "{% set loaded = load_result('m').table.columns[0].values() %}",
    "select order_id{% for m in methods %}, sum(case when method = '{{ m }}' then amount end) as {{ m }}_amount{% endfor %},",
    "  {{ top }} as top, {{ loaded | length }} as n, {{ load_result('m')['data'] | length }} as d from {{ ref('payments') }}{{ run_query('x') }}",
  ].join('\n');
  const r = renderDbtSql(t, context('postgres'));
  assert.equal(r.sql?.trim(), 'select order_id,\n  NULL as top, 0 as n, 0 as d from analytics.payments');
  assert.deepEqual(r.upstream.map((u) => u.kind === 'ref' && u.name), ['payments', 'ids']);
  assert.deepEqual(r.diagnostics, []);
});

test('a model that renders to nothing gets an empty-render diagnostic', () => {
  const files: MacroFile[] = [
    {
      path: 'macros/events.sql',
      text: "{% macro all_events() %}{% set rels = dbt_utils.get_relations_by_pattern('raw', '%') %}{{ dbt_utils.union_relations(rels) }}{% endmacro %}",
    },
  ];
  const r = renderDbtSql('-- all events\n{{ all_events() }}\n', context('snowflake', files));
  assert.equal(r.sql, '-- all events\n');
  assert.deepEqual(r.diagnostics.map((d) => [d.line, d.code]), [[2, 'needs-warehouse'], [2, 'empty-render']]);
  assert.equal(r.usedFallback, false);
});

test('dbtReader: Jinja in sources YAML and dbt_project.yml renders; built-ins keep column lineage', async () => {
  const fs = new MemoryFileSystem({
    'dbt_project.yml': "name: shop\nprofile: shop\nvars:\n  mart_schema: marts\nmodels:\n  shop:\n    +schema: \"{{ var('mart_schema') }}\"\n",
    'models/sources.yml': [
      'version: 2',
      'sources:',
      '  - name: shop',
      "    schema: \"{{ var('raw_schema', 'raw') }}\"",
      '    database: >-',
      "      {%- if target.name == 'prod' -%}analytics{%- else -%}dev{%- endif -%}",
      '    tables:',
      '      - name: orders',
      '        columns: [{ name: a }, { name: b }, { name: ordered_at }]',
      '      - name: broken',
      "        identifier: \"{{ var('x' }}\"",
    ].join('\n'),
    'models/stg_orders.sql': [
      'select',
      "  {{ dbt_utils.generate_surrogate_key(['a', 'b']) }} as order_key,",
      "  {{ dbt.date_trunc('day', 'ordered_at') }} as ordered_at",
      "from {{ source('shop', 'orders') }}",
    ].join('\n'),
  });
  const index = await createLineageIndex(fs, { dialect: 'snowflake' });
  const source = index.assets.lookup('shop.orders')[0];
  assert.deepEqual(source?.relation, { database: 'dev', schema: 'raw', name: 'orders' });
  const broken = index.diagnostics.find((d) => d.path === 'models/sources.yml');
  assert.equal(broken?.code, 'jinja-parse');
  assert.equal(index.assets.lookup('shop.broken')[0]?.relation?.name, "{{ var('x' }}");
  const model = index.assets.lookup('stg_orders')[0];
  assert.equal(model?.relation?.schema, 'analytics_marts');
  const cols = index.columns(model).columns;
  assert.deepEqual(cols.find((c) => c.name === 'order_key')?.upstream, ['orders.a', 'orders.b']);
  assert.deepEqual(cols.find((c) => c.name === 'ordered_at')?.upstream, ['orders.ordered_at']);
  assert.deepEqual(index.diagnostics.filter((d) => d.path === 'models/stg_orders.sql'), []);
});
