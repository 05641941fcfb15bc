import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractJinjaRefs, loadMacros, renderDbtSql, resolveSchemaName } from '../../src/core/dbt/jinjaRender';
import type { DbtRenderContext, MacroFile } from '../../src/core/dbt/jinjaRender';
import { compileTemplate } from '../../src/core/dbt/jinjaSource';
import { extractFromExpressionTags, extractFromProgram, extractFromTags } from '../../src/core/dbt/jinjaExtract';

const MACROS: MacroFile[] = [
  {
    path: 'macros/money.sql',
    text: [
      '{% macro cents_to_dollars(col, scale=2) -%}',
      '  ({{ col }} / 100)::numeric(16, {{ scale }})',
      '{%- endmacro %}',
      '',
      '{% macro default__concat_cols(a, b) %}{{ a }} || {{ b }}{% endmacro %}',
      '{% macro postgres__safe_div(a, b) %}{{ a }} / nullif({{ b }}, 0){% endmacro %}',
      "{% macro concat_cols(a, b) %}{{ return(adapter.dispatch('concat_cols', 'shop')(a, b)) }}{% endmacro %}",
      "{% macro safe_div(a, b) %}{{ return(adapter.dispatch('safe_div')(a, b)) }}{% endmacro %}",
    ].join('\n'),
  },
];

const SCHEMA_OVERRIDE: MacroFile = {
  path: 'macros/get_custom_schema.sql',
  text: [
    '{% macro generate_schema_name(custom_schema_name, node) -%}',
    '  {%- if custom_schema_name is none -%}{{ target.schema }}',
    '  {%- else -%}{{ custom_schema_name | trim }}{%- endif -%}',
    '{%- endmacro %}',
  ].join('\n'),
};

function context(overrides: Partial<DbtRenderContext> = {}, files: MacroFile[] = MACROS): DbtRenderContext {
  return {
    projectName: 'shop',
    target: { name: 'dev', schema: 'analytics', database: 'warehouse', type: 'postgres' },
    vars: { start_date: '2024-01-01', shop: { scoped_var: 'scoped' } },
    env: { DBT_REGION: 'eu' },
    macros: loadMacros(files).library,
    resolveRef: (name, pkg, version) => ({ schema: pkg ? `${pkg}_schema` : 'analytics', name: version === undefined ? name : `${name}_v${version}` }),
    resolveSource: (source, table) => ({ schema: `raw_${source}`, name: table }),
    thisRelation: { database: 'warehouse', schema: 'analytics', name: 'fct_orders' },
    ...overrides,
  };
}

const render = (template: string, overrides: Partial<DbtRenderContext> = {}) => renderDbtSql(template, context(overrides));

test('ref with one and two arguments, and with a version', () => {
  const r = render("select * from {{ ref('stg_orders') }} join {{ ref('payments_pkg', 'stg_payments') }} join {{ ref('dim', v=2) }}");
  assert.equal(r.sql, 'select * from analytics.stg_orders join payments_pkg_schema.stg_payments join analytics.dim_v2');
  assert.deepEqual(r.upstream, [
    { kind: 'ref', name: 'stg_orders' },
    { kind: 'ref', name: 'stg_payments', package: 'payments_pkg' },
    { kind: 'ref', name: 'dim', version: '2' },
  ]);
  assert.deepEqual(r.renderedRelations[1], {
    relation: { schema: 'payments_pkg_schema', name: 'stg_payments' },
    upstream: { kind: 'ref', name: 'stg_payments', package: 'payments_pkg' },
  });
  assert.equal(r.usedFallback, false);
  assert.deepEqual(r.diagnostics, []);
});

test('source, deduplicated upstream, quoting of non-plain names', () => {
  const r = render(
    "{{ source('shop', 'orders') }} {{ source('shop', 'orders') }} {{ ref('Order Items') }}",
    { resolveRef: (name) => ({ schema: 'analytics', name }) },
  );
  assert.equal(r.sql, 'raw_shop.orders raw_shop.orders analytics."Order Items"');
  assert.deepEqual(r.upstream, [
    { kind: 'source', source: 'shop', table: 'orders' },
    { kind: 'ref', name: 'Order Items' },
  ]);
  assert.equal(r.renderedRelations.length, 2);
});

test('config records keyword arguments and renders nothing', () => {
  const r = render("{{ config(materialized='table', schema='marts', alias='orders', tags=['daily', 'finance']) }}select 1");
  assert.equal(r.sql, 'select 1');
  assert.deepEqual(r.config, { materialized: 'table', schema: 'marts', alias: 'orders', tags: ['daily', 'finance'] });
  const got = render("{{ config(materialized='view') }}{{ config.get('materialized') }} {{ config.get('missing', 'dflt') }}");
  assert.equal(got.sql, 'view dflt');
});

test('var with project value, scoped value, default, and missing', () => {
  const r = render("{{ var('start_date') }}|{{ var('scoped_var') }}|{{ var('days', 7) }}|{{ var('nope') }}|");
  assert.equal(r.sql, '2024-01-01|scoped|7||');
  assert.deepEqual(r.diagnostics, [{ line: 1, column: 70, message: "var('nope') is not defined and has no default", code: 'unknown-var' }]);
});

test('is_incremental blocks follow the context', () => {
  const t = "select * from {{ ref('events') }}\n{% if is_incremental() %}where ts > (select max(ts) from {{ this }}){% endif %}";
  assert.equal(render(t).sql, 'select * from analytics.events\n');
  assert.equal(
    render(t, { isIncremental: true }).sql,
    'select * from analytics.events\nwhere ts > (select max(ts) from analytics.fct_orders)',
  );
});

test('this and target expose their attributes', () => {
  const r = render('{{ this }} {{ this.schema }}.{{ this.identifier }} {{ this.name }} {{ this.database }} {{ target.name }} {{ target.schema }} {{ target.database }} {{ target.type }}');
  assert.equal(r.sql, 'analytics.fct_orders analytics.fct_orders fct_orders warehouse dev analytics warehouse postgres');
  assert.equal(render("{{ 'x_' ~ this.name }} {{ ref('a').identifier | upper }}").sql, 'x_fct_orders A');
});

test('env_var reads only the given env, with defaults', () => {
  process.env.DL_SHOULD_NOT_LEAK = 'leaked';
  const r = render("{{ env_var('DBT_REGION') }} {{ env_var('DBT_MISSING', 'fallback') }} [{{ env_var('DL_SHOULD_NOT_LEAK') }}]");
  assert.equal(r.sql, 'eu fallback []');
  assert.equal(r.diagnostics[0].code, 'unknown-env-var');
  delete process.env.DL_SHOULD_NOT_LEAK;
});

test('project macros and adapter.dispatch', () => {
  const r = render("select {{ cents_to_dollars('amount') }} as usd, {{ concat_cols('a', 'b') }} as ab, {{ safe_div('x', 'y') }} as r");
  assert.equal(r.sql, 'select (amount / 100)::numeric(16, 2) as usd, a || b as ab, x / nullif(y, 0) as r');
  assert.deepEqual(r.diagnostics, []);
  assert.equal(render("{{ shop.cents_to_dollars('c', scale=4) }}").sql, '(c / 100)::numeric(16, 4)');
});

test('generate_schema_name: default and project override', () => {
  const plain = context();
  assert.equal(resolveSchemaName('marts', plain), 'analytics_marts');
  assert.equal(resolveSchemaName(' marts ', plain), 'analytics_marts');
  assert.equal(resolveSchemaName(undefined, plain), 'analytics');
  const overridden = context({}, [...MACROS, SCHEMA_OVERRIDE]);
  assert.equal(resolveSchemaName('marts', overridden), 'marts');
  assert.equal(resolveSchemaName(undefined, overridden), 'analytics');
});

test('an unknown macro renders as NULL with a diagnostic and the rest renders', () => {
  const t = [
    'select',
    "  {{ dbt_utils.no_such_macro(['id', ref('keys')]) }} as sk,",
    '  {{ not_a_macro() }} as x',
    "from {{ ref('orders') }}",
  ].join('\n');
  const r = render(t);
  assert.equal(r.sql, 'select\n  NULL as sk,\n  NULL as x\nfrom analytics.orders');
  assert.deepEqual(r.upstream, [{ kind: 'ref', name: 'keys' }, { kind: 'ref', name: 'orders' }]);
  assert.deepEqual(
    r.diagnostics.map((d) => [d.line, d.code]),
    [[2, 'unknown-macro'], [3, 'unknown-macro']],
  );
  assert.equal(r.usedFallback, false);
  const loop = render('{% for c in dbt_utils.get_filtered_columns_in_relation(this) %}{{ c }}{% endfor %}ok');
  assert.equal(loop.sql, 'ok');
});

test('do, set blocks, namespace, loops, list and dict methods', () => {
  const t = [
    "{%- set cols = ['id', 'amount'] -%}",
    "{%- do cols.append('status') -%}",
    "{%- set opts = {'a': 1} -%}",
    "{%- do opts.update({'b': 2}) -%}",
    '{%- set ns = namespace(n=0) -%}',
    '{%- set header -%}select{%- endset -%}',
    '{{ header }} {% for c in cols %}{{ c | upper }}{% if not loop.last %}, {% endif %}{% set ns.n = ns.n + 1 %}{% endfor %}',
    "-- {{ ns.n }} {{ opts | tojson }} {{ 'a,b'.split(',') | join('+') }}",
  ].join('\n');
  assert.equal(render(t).sql, 'select ID, AMOUNT, STATUS\n-- 3 {"a": 1, "b": 2} a+b');
});

test('whitespace control, comments and raw blocks', () => {
  const r = render("select\n  {#- a comment -#}\n  1 {%- if true %} as one{% endif %}\n{% raw %}{{ not_jinja }}{% endraw %}");
  assert.equal(r.sql, 'select1 as one\n{{ not_jinja }}');
});

test('a template that does not parse: diagnostic on the right line, fallback refs, no throw', () => {
  const t = ["select *", "from {{ ref('a') }}", '{% if var("x") %}', "join {{ source('s', 't') }} on true"].join('\n');
  const r = render(t);
  assert.equal(r.sql, undefined);
  assert.equal(r.usedFallback, true);
  assert.deepEqual(r.upstream, [{ kind: 'ref', name: 'a' }, { kind: 'source', source: 's', table: 't' }]);
  assert.deepEqual(r.diagnostics.map((d) => [d.line, d.code]), [[3, 'jinja-parse']]);

  const broken = render("select 1\nfrom {{ ref('a') }}\n\nwhere {{ x + }} and {{ ref('b') }}");
  assert.deepEqual(broken.diagnostics.map((d) => [d.line, d.column, d.code]), [[4, 7, 'jinja-parse']]);
  assert.deepEqual(broken.upstream.map((u) => u.kind === 'ref' && u.name), ['a', 'b']);

  const unterminated = render("select 1\n{{ ref('a') }}\n{{ ref('b')");
  assert.deepEqual(unterminated.diagnostics.map((d) => [d.line, d.code]), [[3, 'jinja-parse']]);
  assert.deepEqual(unterminated.upstream, [{ kind: 'ref', name: 'a' }]);
});

test('a render error: diagnostic on the right line, fallback refs from the AST', () => {
  const t = ["select *", "from {{ ref('a') }}", '{% if true %}', "  where {{ (1).foo.bar() }} = {{ ref('b') }}", '{% endif %}'].join('\n');
  const r = render(t);
  assert.equal(r.sql, undefined);
  assert.equal(r.usedFallback, true);
  assert.deepEqual(r.upstream, [{ kind: 'ref', name: 'a' }, { kind: 'ref', name: 'b' }]);
  assert.deepEqual(r.diagnostics.map((d) => [d.line, d.column, d.code]), [[4, 9, 'jinja-render']]);
});

test('errors inside a macro point at the calling line and name the macro', () => {
  const files = [{ path: 'macros/bad.sql', text: '{% macro bad() %}\n{{ (1).x.y() }}\n{% endmacro %}' }];
  const r = renderDbtSql('select 1,\n  {{ bad() }}', context({}, files));
  assert.equal(r.diagnostics[0].line, 2);
  assert.match(r.diagnostics[0].message, /in macro bad, macros\/bad\.sql:2/);
});

test('exceptions.raise_compiler_error records a diagnostic; log and run_query are harmless', () => {
  const t = "{% if execute %}{{ run_query('select 1') }}{% endif %}{{ log('hi', info=True) }}{{ exceptions.raise_compiler_error('boom') }}ok";
  const r = render(t);
  assert.equal(r.sql, 'ok');
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['dbt-compiler-error']);
});

test('loadMacros reports parse errors with the file path and keeps the other files', () => {
  const { library, diagnostics } = loadMacros([
    { path: 'macros/broken.sql', text: '{% macro broken() %}\n{% if %}\n{% endmacro %}' },
    { path: 'macros/tests.sql', text: '{% test positive(model, column_name) %}select 1{% endtest %}' },
    ...MACROS,
  ]);
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0].path, 'macros/broken.sql');
  assert.equal(diagnostics[0].code, 'jinja-parse');
  assert.ok(library.macroNames.includes('cents_to_dollars'));
  assert.ok(library.macroNames.includes('test_positive'));
});

test('extractJinjaRefs finds literal calls without rendering, in every branch', () => {
  const t = [
    "{{ config(materialized='incremental', schema='marts', unique_key=['id'], enabled=true, alias=var('a')) }}",
    "select * from {{ ref('stg_orders') }}",
    '{% if is_incremental() %}',
    "  join {{ ref('pkg', 'stg_payments') }} using (id)",
    "{% else %}{% set t = source('shop', 'orders') %}{{ t }}",
    '{% endif %}',
    "{{ ref('dim', version=3) }} {{ ref(my_var) }} {{ unknown_macro(ref('x')) }}",
  ].join('\n');
  const r = extractJinjaRefs(t);
  assert.deepEqual(r.upstream, [
    { kind: 'ref', name: 'stg_orders' },
    { kind: 'ref', name: 'stg_payments', package: 'pkg' },
    { kind: 'source', source: 'shop', table: 'orders' },
    { kind: 'ref', name: 'dim', version: '3' },
    { kind: 'ref', name: 'x' },
  ]);
  assert.deepEqual(r.config, { materialized: 'incremental', schema: 'marts', unique_key: ['id'], enabled: true });
  assert.deepEqual(r.diagnostics.map((d) => [d.line, d.code]), [[7, 'jinja-dynamic-ref']]);
});

test('extractJinjaRefs on the same inputs as the render tests', () => {
  assert.deepEqual(extractJinjaRefs("{{ ref('a') }} {{ source('s', 't') }} {{ ref('a') }}").upstream, [
    { kind: 'ref', name: 'a' },
    { kind: 'source', source: 's', table: 't' },
  ]);
  const bad = extractJinjaRefs(["select *", "from {{ ref('a') }}", '{% if var("x") %}', "join {{ source('s', 't') }} on true"].join('\n'));
  assert.deepEqual(bad.upstream, [{ kind: 'ref', name: 'a' }, { kind: 'source', source: 's', table: 't' }]);
  assert.deepEqual(bad.diagnostics.map((d) => [d.line, d.code]), [[3, 'jinja-parse']]);
  const withDo = extractJinjaRefs("{% set rels = [] %}{% do rels.append(ref('m')) %}{% for r in rels %}{{ r }}{% endfor %}");
  assert.deepEqual(withDo.upstream, [{ kind: 'ref', name: 'm' }]);
});

test('expression and if-block templates: refs from each tag parsed alone equal those of the whole template', () => {
  const whole = (t: string) => {
    const c = compileTemplate(t);
    return c.program ? extractFromProgram(c.program, c.lines) : extractFromTags(c);
  };
  const templates = [
    "{{ config(materialized='view', tags=['a']) }}\nselect * from {{ ref('a') }}\njoin {{ ref('a') }}\n{{ config(materialized='table', alias='x') }}\n",
    "{# note #}\n{{- source('s', 't') -}}\n  {{ ref('pkg', 'b', v=2) }} {{ ref(var('m')) }} {{ 'x' ~ ref('c') }}",
    "{{ config({'schema': 'marts'}) }}{{ unknown(ref('d')) }}",
    "{{ ref(source('a', 'b')) }} {{ config(alias=ref('y'), tags=['t']) }}\n{{ [ref('l1'), {'k': source('s', ref('n'))}] }}",
    "select {{ ref('a' }} from x", // does not parse: the tolerant path, with its diagnostic
    "{{ ref('a') }}\n{{ ref('b') }", // unterminated tag
    // if-blocks are taken tag by tag too; anything the parser would reject goes the whole way.
    "{{ config(materialized='incremental') }}\nselect * from {{ ref('a') }}\n{% if is_incremental() %}\nwhere x > (select max(x) from {{ this }})\n{% endif %}\n",
    "{% if ref('t') %}{{ ref('a') }}{% elif source('s', 'u') and var('v') %}\n{{ ref(x) }}{% elif y %}{% else %}{{ source('s', 't') }}{% endif %}",
    "{%- if a -%}\n  {% if b %}{{ ref('b') }}{% else %}{% if c %}{% elif d %}{{ ref('d') }}{% endif %}{% endif %}\n{%- else -%}{{ ref(e) }}{%- endif -%}",
    "{% if ref(my_var) %}x{% endif %}\n{{ config(alias=f()) }}{# {% if %} #}{% raw %}{% if %}{% endraw %}",
    "{% if a %}{{ ref('a') }}", // unclosed
    "{{ ref('a') }}{% endif %}", // stray endif
    "{% else %}{{ ref('a') }}",
    "{% if a %}{% else %}{% elif b %}{% endif %}", // elif after else
    "{% if a %}{% else %}{% else %}{% endif %}",
    "{% if a %}{% endif x %}",
    "{% if a %}{% else x %}{% endif %}",
    "{% if %}{% endif %}",
    "{% if a b %}{{ ref('a') }}{% endif %}",
    "{% elif a %}",
    "{% if a %}{{ ref('a') }}{% endif %}{% set b = ref('b') %}{{ b }}",
    "{% if 'x %}{% endif %}",
    "{% if a %}{{ ref('a' }}{% endif %}",
    "{% for r in [ref('a')] %}{% if r %}{{ r }}{% endif %}{% endfor %}",
  ];
  for (const t of templates) {
    assert.deepEqual(extractJinjaRefs(t), whole(t), t);
    assert.deepEqual(extractJinjaRefs(t), whole(t), `${t} (tags cached)`);
  }
  // The tag-by-tag path answers exactly for the templates that parse whole with no statement
  // besides if / elif / else / endif (and gives way for the others).
  const answered = templates.map((t, i) => (extractFromExpressionTags(t) ? i : -1)).filter((i) => i >= 0);
  assert.deepEqual(answered, [0, 1, 2, 3, 6, 7, 8, 9]);
});

test('never throws on odd input', () => {
  for (const t of ['', '{{', '{%', '{#', '}}', '{{ }}', '{% %}', "{{ 'unterminated }}", '{% endfor %}', '{{ ref() }}', '{{ ref(1, 2, 3) }}']) {
    assert.doesNotThrow(() => render(t), t);
    assert.doesNotThrow(() => extractJinjaRefs(t), t);
  }
});

test('call blocks, caller(), statement(), and macros defined in the model itself', () => {
  const t = [
    "{% call statement('max_id', fetch_result=True) %}select max(id) from {{ ref('ids') }}{% endcall %}",
    "{% set max_id = load_result('max_id')['data'] %}",
    '{% macro wrap(label) %}/* {{ label }} */ {{ caller() }}{% endmacro %}',
    '{% macro pick(a, b) %}{{ return(a if a else b) }}{% endmacro %}',
    "{% call wrap('body') %}select {{ pick('', 'fallback') }}{{ max_id | length }}{% endcall %}",
  ].join('\n');
  const r = render(t);
  assert.equal(r.sql, '\n\n\n\n/* body */ select fallback0');
  assert.deepEqual(r.upstream, [{ kind: 'ref', name: 'ids' }]);
  assert.deepEqual(r.diagnostics, []);
});
