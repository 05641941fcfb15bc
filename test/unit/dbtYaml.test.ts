import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dependencyRef, parseDbtSchemaYaml, parseJinjaCall } from '../../src/core/dbt/dbtYaml';

const SOURCES = `version: 2

sources:
  - name: raw
    database: analytics
    schema: raw_data
    loader: fivetran
    freshness:
      warn_after: {count: 12, period: hour}
    tables:
      - name: orders
        identifier: raw_orders
        description: One row per order, as loaded.
        loaded_at_field: _loaded_at
        columns:
          - name: order_id
            data_type: integer
            description: Primary key.
            data_tests:
              - unique
              - not_null
          - name: status
            data_type: varchar
            tests:
              - accepted_values:
                  values: ['placed', 'shipped']
          - name: customer_id
            tests:
              - relationships:
                  to: source('raw', 'customers')
                  field: id
              - name: customer_fk_present
                test_name: not_null
              - dbt_utils.not_empty_string:
                  config: {severity: warn}
      - name: customers
  - name: stripe
    tables:
      - name: payments
`;

test('sources: identifier, schema default, columns with types, tests and lines', () => {
  const result = parseDbtSchemaYaml('models/staging/_sources.yml', SOURCES);
  assert.deepEqual(result.diagnostics, []);
  const at = (line: number, column: number) => ({ path: 'models/staging/_sources.yml', line, column });
  const rawMeta = { loader: 'fivetran', freshness: { warn_after: { count: 12, period: 'hour' } } };
  assert.deepEqual(result.sources, [
    {
      sourceName: 'raw', tableName: 'orders', database: 'analytics', schema: 'raw_data', identifier: 'raw_orders',
      description: 'One row per order, as loaded.', location: at(11, 15),
      loaderMeta: { ...rawMeta, loaded_at_field: '_loaded_at' },
      columns: [
        { name: 'order_id', type: 'integer', description: 'Primary key.', tests: ['unique', 'not_null'], location: at(16, 19) },
        { name: 'status', type: 'varchar', tests: ['accepted_values'], location: at(22, 19) },
        { name: 'customer_id', tests: ['relationships', 'not_null', 'dbt_utils.not_empty_string'], location: at(27, 19) },
      ],
    },
    { sourceName: 'raw', tableName: 'customers', database: 'analytics', schema: 'raw_data', identifier: 'customers', columns: [], location: at(36, 15), loaderMeta: rawMeta },
    { sourceName: 'stripe', tableName: 'payments', schema: 'stripe', identifier: 'payments', columns: [], location: at(39, 15) },
  ]);
});

const MODELS = `version: 2
models:
  - name: stg_orders
    description: "Orders, cleaned: one row per order."
    config:
      materialized: view
      tags: ['staging']
    columns:
      - name: order_id
        description: "{{ doc('order_id') }}"
        tests: [unique, not_null]
      - name: order_total
        data_type: numeric(12,2)
seeds:
  - name: country_codes
    columns:
      - name: code
snapshots:
  - name: orders_snapshot
    description: SCD2 history of orders.
exposures:
  - name: weekly_revenue
    type: dashboard
    label: Weekly revenue
    maturity: high
    url: https://bi.example.com/dashboards/12
    description: Revenue by week for finance.
    owner:
      name: Finance Analytics
      email: finance@example.com
    depends_on:
      - ref('fct_orders')
      - ref("finance", "dim_dates")
      - "{{ ref('dim_customers', v=2) }}"
      - source('raw', 'orders')
      - metric('revenue')
`;

test('models, seeds, snapshots and exposures', () => {
  const path = 'models/marts/schema.yml';
  const at = (line: number, column: number) => ({ path, line, column });
  const result = parseDbtSchemaYaml(path, MODELS);
  assert.deepEqual(result.models, [
    {
      name: 'stg_orders', description: 'Orders, cleaned: one row per order.', location: at(3, 11),
      config: { materialized: 'view', tags: ['staging'] },
      columns: [
        { name: 'order_id', description: "{{ doc('order_id') }}", tests: ['unique', 'not_null'], location: at(9, 15) },
        { name: 'order_total', type: 'numeric(12,2)', location: at(12, 15) },
      ],
    },
  ]);
  assert.deepEqual(result.seeds, [{ name: 'country_codes', columns: [{ name: 'code', location: at(17, 15) }], location: at(15, 11) }]);
  assert.deepEqual(result.snapshots, [{ name: 'orders_snapshot', description: 'SCD2 history of orders.', columns: [], location: at(19, 11) }]);
  assert.deepEqual(result.exposures, [
    {
      name: 'weekly_revenue', type: 'dashboard', label: 'Weekly revenue', url: 'https://bi.example.com/dashboards/12',
      description: 'Revenue by week for finance.', owner: 'Finance Analytics', location: at(22, 11),
      dependsOn: [
        { kind: 'ref', name: 'fct_orders' },
        { kind: 'ref', package: 'finance', name: 'dim_dates' },
        { kind: 'ref', name: 'dim_customers', version: '2' },
        { kind: 'source', source: 'raw', table: 'orders' },
      ],
    },
  ]);
  assert.deepEqual(result.diagnostics, [
    {
      path, line: 36, column: 9, severity: 'warning', code: 'dbt-depends-on',
      message: "Exposure 'weekly_revenue' depends on something that is not a ref() or source(): metric('revenue')",
    },
  ]);
});

test('malformed YAML reports yaml-parse with a line and keeps what was readable', () => {
  const text = `version: 2
models:
  - name: good_model
    columns:
      - name: id
  - name: broken
    description: "unterminated
`;
  const result = parseDbtSchemaYaml('models/bad.yml', text);
  assert.deepEqual(result.diagnostics, [
    { path: 'models/bad.yml', line: 8, column: 1, severity: 'error', message: 'Missing closing "quote', code: 'yaml-parse' },
  ]);
  assert.equal(result.models[0].name, 'good_model');
  assert.deepEqual(result.models[0].columns.map((c) => c.name), ['id']);
});

test('bad indentation and tabs do not throw', () => {
  const broken = parseDbtSchemaYaml('x.yml', 'models:\n  - name: a\n bad: [');
  assert.deepEqual(broken.models.map((m) => m.name), ['a']);
  assert.ok(broken.diagnostics.length > 0 && broken.diagnostics.every((d) => d.code === 'yaml-parse' && d.line >= 3));
  for (const text of ['\tmodels: x', ': : :', 'a: 1\na: 2', 'key: [unclosed']) {
    const result = parseDbtSchemaYaml('x.yml', text);
    assert.deepEqual(result.models, []);
    assert.ok(result.diagnostics.length > 0 && result.diagnostics.every((d) => d.code === 'yaml-parse'), text);
  }
  // An unresolved alias or an alias bomb makes toJS throw; the entry survives without its config.
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdef'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill('*' + 'abcdef'[i]).join(', ')}]`)];
  for (const config of ['*missing', '{x: *f}']) {
    const result = parseDbtSchemaYaml('x.yml', `${bomb.join('\n')}\nmodels:\n  - name: m\n    config: ${config}\n`);
    assert.deepEqual(result.models, [{ name: 'm', columns: [], location: { path: 'x.yml', line: 8, column: 11 } }]);
  }
  for (const text of ['', '- a\n- b', '# only a comment']) assert.deepEqual(parseDbtSchemaYaml('x.yml', text).diagnostics, []);
});

test('YAML that is not a dbt schema file yields nothing and no error', () => {
  const texts = [
    'name: ci\non:\n  push:\n    branches: [main]\njobs:\n  build:\n    runs-on: ubuntu-latest\n',
    'models:\n  default: gpt\n  fallback: [a, b]\n',
    'models:\n  - id: 1\n    weight: 2\n',
    'just a string\n',
  ];
  for (const text of texts) {
    assert.deepEqual(parseDbtSchemaYaml('config/app.yml', text), { sources: [], models: [], seeds: [], snapshots: [], exposures: [], diagnostics: [] });
  }
});

test('a nameless entry in a version 2 file is a warning', () => {
  const result = parseDbtSchemaYaml('models/s.yml', 'version: 2\nmodels:\n  - description: no name\n  - name: ok\n');
  assert.deepEqual(result.models.map((m) => m.name), ['ok']);
  assert.deepEqual(result.diagnostics, [
    { path: 'models/s.yml', line: 3, column: 5, severity: 'warning', code: 'dbt-schema', message: "An entry under 'models' has no name; dbt will reject it." },
  ]);
});

test('dependency strings are tokenized, not pattern-matched', () => {
  assert.deepEqual(dependencyRef("ref( 'a' )"), { kind: 'ref', name: 'a' });
  assert.deepEqual(dependencyRef("ref('a', version='3')"), { kind: 'ref', name: 'a', version: '3' });
  assert.deepEqual(dependencyRef("{{source('s','t')}}"), { kind: 'source', source: 's', table: 't' });
  for (const bad of ["ref('a' 'b')", "ref('a'", "ref(a)", "source('a')", "ref('a', 'b', 'c')", 'fct_orders', "ref('a') + 1", '']) {
    assert.equal(dependencyRef(bad), undefined, bad);
  }
  assert.deepEqual(parseJinjaCall("{{ env_var('DBT_SCHEMA', default='dev') | lower }}"), { name: 'env_var', args: ['DBT_SCHEMA'], kwargs: { default: 'dev' } });
});
