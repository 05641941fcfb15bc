import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest } from '../../src/core/dbt/manifest';
import { parseSeedCsv } from '../../src/core/dbt/seeds';

const loc = (column: number) => ({ path: 'seeds/country_codes.csv', line: 1, column });

test('seed header: quoted names, BOM, CRLF, spaces', () => {
  const text = '\uFEFFcode, "Country Name","says ""hi"", twice",population\r\nDE,Germany,x,83\r\n';
  assert.deepEqual(parseSeedCsv('seeds/country_codes.csv', text), {
    columns: [
      { name: 'code', location: loc(1) },
      { name: 'Country Name', location: loc(7) },
      { name: 'says "hi", twice', location: loc(22) },
      { name: 'population', location: loc(43) },
    ],
    diagnostics: [],
  });
  assert.deepEqual(parseSeedCsv('s.csv', 'a,b').columns.map((c) => c.name), ['a', 'b']);
  assert.deepEqual(parseSeedCsv('s.csv', 'a;b;c\n1;2;3', ';').columns.map((c) => c.name), ['a', 'b', 'c']);
  assert.deepEqual(parseSeedCsv('s.tsv', 'a\t\t"c"\n', '\t').columns.map((c) => c.location?.column), [1, 4]);
  assert.deepEqual(parseSeedCsv('s.csv', '"multi\nline",b').columns.map((c) => c.name), ['multi\nline', 'b']);
});

test('seed header: empty, binary, blank and repeated headers', () => {
  for (const text of ['', '\uFEFF', '\r\n1,2\r\n']) {
    assert.deepEqual(parseSeedCsv('seeds/e.csv', text), {
      columns: [],
      diagnostics: [{ path: 'seeds/e.csv', line: 1, severity: 'error', message: 'The seed has no header row.', code: 'seed-empty' }],
    });
  }
  const binary = 'PK\u0003\u0004\u0014\u0000\u0006\u0000xl/workbook.xml';
  assert.deepEqual(parseSeedCsv('seeds/book.csv', binary).diagnostics, [
    { path: 'seeds/book.csv', line: 1, severity: 'error', message: 'The seed does not look like a text CSV file.', code: 'seed-binary' },
  ]);
  assert.deepEqual(parseSeedCsv('seeds/d.csv', 'id,,ID\n'), {
    columns: [{ name: 'id', location: { path: 'seeds/d.csv', line: 1, column: 1 } }],
    diagnostics: [
      { path: 'seeds/d.csv', line: 1, column: 4, severity: 'warning', message: 'Column 4 has an empty header.', code: 'seed-header' },
      { path: 'seeds/d.csv', line: 1, column: 5, severity: 'warning', message: "Column 5 repeats the header 'ID'.", code: 'seed-header' },
    ],
  });
});

function manifest(version: number): Record<string, unknown> {
  return {
    metadata: { dbt_schema_version: `https://schemas.getdbt.com/dbt/manifest/v${version}.json`, dbt_version: '1.8.7' },
    nodes: {
      'model.jaffle_shop.stg_orders': {
        resource_type: 'model', name: 'stg_orders', package_name: 'jaffle_shop', original_file_path: 'models/staging/stg_orders.sql',
        database: 'analytics', schema: 'dbt_stg', alias: 'stg_orders', description: 'Cleaned orders.',
        depends_on: { macros: ['macro.dbt.run_query'], nodes: ['source.jaffle_shop.raw.orders'] },
        columns: {
          order_id: { name: 'order_id', description: 'Primary key.', data_type: 'integer', meta: {}, tags: [] },
          order_total: { name: 'order_total', description: '', data_type: null },
        },
        raw_code: "select * from {{ source('raw', 'orders') }}",
        compiled_code: 'select * from "analytics"."raw"."raw_orders"',
      },
      'seed.jaffle_shop.country_codes': {
        resource_type: 'seed', name: 'country_codes', package_name: 'jaffle_shop', original_file_path: 'seeds/country_codes.csv',
        database: 'analytics', schema: 'dbt_seeds', alias: 'countries', depends_on: { macros: [], nodes: [] }, columns: {}, raw_code: '',
      },
      'test.jaffle_shop.unique_stg_orders_order_id.e3b0c4': {
        resource_type: 'test', name: 'unique_stg_orders_order_id', column_name: 'order_id', attached_node: 'model.jaffle_shop.stg_orders',
        test_metadata: { name: 'unique', kwargs: { column_name: 'order_id', model: "{{ get_where_subquery(ref('stg_orders')) }}" }, namespace: null },
        depends_on: { nodes: ['model.jaffle_shop.stg_orders'] },
      },
      'test.jaffle_shop.dbt_utils_at_least_one_stg_orders_ORDER_ID.1a2b': {
        resource_type: 'test', name: 'dbt_utils_at_least_one', column_name: 'ORDER_ID',
        test_metadata: { name: 'at_least_one', kwargs: {}, namespace: 'dbt_utils' },
        depends_on: { nodes: ['model.jaffle_shop.stg_orders'] },
      },
      'test.jaffle_shop.assert_positive_totals': { resource_type: 'test', name: 'assert_positive_totals', depends_on: { nodes: [] } },
    },
    sources: {
      'source.jaffle_shop.raw.orders': {
        resource_type: 'source', name: 'orders', source_name: 'raw', package_name: 'jaffle_shop', identifier: 'raw_orders',
        database: 'analytics', schema: 'raw', original_file_path: 'models/staging/_sources.yml',
        columns: { status: { name: 'status', data_type: 'varchar', description: 'Order status.' } },
      },
    },
    exposures: {
      'exposure.jaffle_shop.weekly_revenue': {
        resource_type: 'exposure', name: 'weekly_revenue', package_name: 'jaffle_shop', original_file_path: 'models/exposures.yml',
        depends_on: { nodes: ['model.jaffle_shop.stg_orders'] }, description: '',
      },
    },
    metrics: {}, groups: {}, selectors: {}, disabled: {}, parent_map: {}, child_map: {},
  };
}

const EXPECTED_NODES = [
  {
    uniqueId: 'model.jaffle_shop.stg_orders', resourceType: 'model', name: 'stg_orders', packageName: 'jaffle_shop',
    originalFilePath: 'models/staging/stg_orders.sql', database: 'analytics', schema: 'dbt_stg', alias: 'stg_orders',
    description: 'Cleaned orders.', dependsOn: ['source.jaffle_shop.raw.orders'],
    columns: [
      { name: 'order_id', type: 'integer', description: 'Primary key.', tests: ['unique', 'dbt_utils.at_least_one'] },
      { name: 'order_total' },
    ],
    rawCode: "select * from {{ source('raw', 'orders') }}",
    compiledCode: 'select * from "analytics"."raw"."raw_orders"',
  },
  {
    uniqueId: 'seed.jaffle_shop.country_codes', resourceType: 'seed', name: 'country_codes', packageName: 'jaffle_shop',
    originalFilePath: 'seeds/country_codes.csv', database: 'analytics', schema: 'dbt_seeds', alias: 'countries', dependsOn: [], columns: [],
  },
  {
    uniqueId: 'source.jaffle_shop.raw.orders', resourceType: 'source', name: 'orders', packageName: 'jaffle_shop', sourceName: 'raw',
    originalFilePath: 'models/staging/_sources.yml', database: 'analytics', schema: 'raw', alias: 'raw_orders', dependsOn: [],
    columns: [{ name: 'status', type: 'varchar', description: 'Order status.' }],
  },
  {
    uniqueId: 'exposure.jaffle_shop.weekly_revenue', resourceType: 'exposure', name: 'weekly_revenue', packageName: 'jaffle_shop',
    originalFilePath: 'models/exposures.yml', dependsOn: ['model.jaffle_shop.stg_orders'], columns: [],
  },
];

test('manifest: models, seeds, sources, exposures; tests folded into columns', () => {
  assert.deepEqual(parseManifest('target/manifest.json', JSON.stringify(manifest(12))), { nodes: EXPECTED_NODES, diagnostics: [] });
  assert.deepEqual(parseManifest('target/manifest.json', JSON.stringify(manifest(9))).diagnostics, []);
});

test('manifest: an unsupported schema version still parses, with a warning', () => {
  const result = parseManifest('target/manifest.json', JSON.stringify(manifest(4)));
  assert.deepEqual(result.nodes, EXPECTED_NODES);
  assert.deepEqual(result.diagnostics, [{
    path: 'target/manifest.json', line: 1, severity: 'warning', code: 'manifest-version',
    message: 'The manifest has schema v4; DataLineage reads v9–v12, so some fields may be missing.',
  }]);
});

test('manifest: bad JSON and non-manifests are diagnostics', () => {
  const truncated = JSON.stringify(manifest(12), null, 1).slice(0, 500);
  const result = parseManifest('target/manifest.json', truncated);
  assert.deepEqual(result.nodes, []);
  assert.equal(result.diagnostics.length, 1);
  const [diagnostic] = result.diagnostics;
  assert.equal(diagnostic.code, 'manifest-json');
  assert.equal(diagnostic.line, truncated.split('\n').length);
  for (const text of ['', '{"a":', 'null', '[]', '{"metadata": {}}']) {
    const { nodes, diagnostics } = parseManifest('m.json', text);
    assert.deepEqual(nodes, []);
    assert.equal(diagnostics.length, 1, text);
    assert.match(diagnostics[0].code, /^manifest(-json)?$/);
  }
});

test('manifest: a large manifest parses in one pass', () => {
  const data = manifest(12) as { nodes: Record<string, unknown> };
  const template = data.nodes['model.jaffle_shop.stg_orders'] as Record<string, unknown>;
  for (let i = 0; i < 20000; i++) {
    data.nodes[`model.jaffle_shop.m${i}`] = { ...template, name: `m${i}`, raw_code: 'select 1 as x -- '.repeat(60) };
  }
  const text = JSON.stringify(data);
  assert.ok(text.length > 20_000_000);
  const started = Date.now();
  const { nodes, diagnostics } = parseManifest('target/manifest.json', text);
  assert.equal(nodes.length, 20004);
  assert.deepEqual(diagnostics, []);
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
});
