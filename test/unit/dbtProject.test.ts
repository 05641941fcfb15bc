import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, parseDbtProject, parseProfiles } from '../../src/core/dbt/dbtProject';
import { createLineageIndex } from '../../src/core/lineageIndex';
import { MemoryFileSystem } from '../../src/core/io/fileSystem';

const PROJECT = `name: 'jaffle_shop'
version: '1.0.0'
config-version: 2
profile: 'jaffle'

model-paths: ["models", "./extra_models/"]
seed-paths: ["seeds"]
macro-paths: ["macros"]
target-path: "target"

vars:
  start_date: '2020-01-01'
  jaffle_shop:
    currency: EUR

models:
  +materialized: view
  +tags: ['all']
  jaffle_shop:
    +schema: core
    pre_hook: "grant usage on schema {{ target.schema }} to role reporter"
    staging:
      +materialized: view
      +schema: stg
      tags: ['staging']
      stripe:
        +tags: nightly
        +post-hook: "analyze {{ this }}"
    marts:
      materialized: table
      +meta: {owner: finance}
      finance:
        +meta: {pii: false}
        +enabled: false
        fct_revenue:
          +alias: revenue
  dbt_utils:
    +enabled: false
seeds:
  jaffle_shop:
    +schema: seeds
    country_codes:
      +column_types: {code: varchar(2)}
snapshots:
  jaffle_shop:
    +target_schema: snapshots
`;

test('parseDbtProject reads paths, vars and config trees', () => {
  const { project, diagnostics } = parseDbtProject('analytics/dbt_project.yml', PROJECT);
  assert.deepEqual(diagnostics, []);
  assert.ok(project);
  assert.deepEqual({ ...project, modelConfig: undefined, seedConfig: undefined, snapshotConfig: undefined }, {
    root: 'analytics',
    name: 'jaffle_shop',
    profile: 'jaffle',
    modelPaths: ['models', 'extra_models'],
    seedPaths: ['seeds'],
    snapshotPaths: ['snapshots'],
    macroPaths: ['macros'],
    vars: { start_date: '2020-01-01', jaffle_shop: { currency: 'EUR' } },
    modelConfig: undefined,
    seedConfig: undefined,
    snapshotConfig: undefined,
    targetPath: 'target',
  });
  assert.deepEqual(project.seedConfig, { jaffle_shop: { '+schema': 'seeds', country_codes: { '+column_types': { code: 'varchar(2)' } } } });
  assert.deepEqual(project.snapshotConfig, { jaffle_shop: { '+target_schema': 'snapshots' } });
  assert.equal(Object.keys(project.modelConfig).length, 4);
});

test('defaults and legacy path keys', () => {
  const legacy = parseDbtProject('dbt_project.yml', 'name: old\nsource-paths: [src]\ndata-paths: [data]\n');
  assert.deepEqual(legacy, {
    project: {
      root: '', name: 'old', modelPaths: ['src'], seedPaths: ['data'], snapshotPaths: ['snapshots'], macroPaths: ['macros'],
      vars: {}, modelConfig: {}, seedConfig: {}, snapshotConfig: {}, targetPath: 'target',
    },
    diagnostics: [],
  });
  const modern = parseDbtProject('a/b/dbt_project.yml', 'name: new\nmodel-paths: [m]\nsource-paths: [ignored]\n');
  assert.deepEqual(modern.project?.modelPaths, ['m']);
  assert.equal(modern.project?.root, 'a/b');
});

test('a bad path list is a warning and falls back to the default', () => {
  const result = parseDbtProject('dbt_project.yml', 'name: p\nmodel-paths:\n  nested: true\n');
  assert.deepEqual(result.project?.modelPaths, ['models']);
  assert.deepEqual(result.diagnostics, [
    { path: 'dbt_project.yml', line: 3, column: 3, severity: 'warning', message: "'model-paths' should be a list of folder names.", code: 'dbt-project' },
  ]);
});

test('malformed or nameless dbt_project.yml gives diagnostics, not a throw', () => {
  const broken = parseDbtProject('dbt_project.yml', 'name: p\nmodels:\n  p:\n    +schema: [x\n');
  assert.ok(broken.diagnostics.some((d) => d.code === 'yaml-parse' && d.severity === 'error'));
  assert.equal(broken.project?.name, 'p');
  for (const text of ['', 'version: 2', '- a list', 'name: [1, 2]']) {
    const result = parseDbtProject('dbt_project.yml', text);
    assert.equal(result.project, undefined, text);
    assert.deepEqual(result.diagnostics.filter((d) => d.code === 'dbt-project'), [
      { path: 'dbt_project.yml', line: 1, severity: 'error', message: 'dbt_project.yml has no project name.', code: 'dbt-project' },
    ]);
  }
});

test('configFor: deepest folder wins, + is optional, tags and hooks accumulate', () => {
  const tree = parseDbtProject('dbt_project.yml', PROJECT).project!.modelConfig;
  assert.deepEqual(configFor(tree, 'jaffle_shop', []), {
    materialized: 'view', tags: ['all'], schema: 'core',
    'pre-hook': ['grant usage on schema {{ target.schema }} to role reporter'],
  });
  assert.deepEqual(configFor(tree, 'jaffle_shop', ['staging', 'stripe']), {
    materialized: 'view', tags: ['all', 'staging', 'nightly'], schema: 'stg',
    'pre-hook': ['grant usage on schema {{ target.schema }} to role reporter'],
    'post-hook': ['analyze {{ this }}'],
  });
  assert.deepEqual(configFor(tree, 'jaffle_shop', ['marts', 'finance', 'fct_revenue']), {
    materialized: 'table', tags: ['all'], schema: 'core', meta: { owner: 'finance', pii: false }, enabled: false, alias: 'revenue',
    'pre-hook': ['grant usage on schema {{ target.schema }} to role reporter'],
  });
  // A folder without its own block inherits from the nearest one that has one.
  assert.deepEqual(configFor(tree, 'jaffle_shop', ['marts', 'unknown', 'deeper']).materialized, 'table');
  // Another package's block applies only to that package.
  assert.deepEqual(configFor(tree, 'dbt_utils', ['any']), { materialized: 'view', tags: ['all'], enabled: false });
  assert.deepEqual(configFor({}, 'p', ['a']), {});
});

test('a model\'s own config() and schema YAML add to the folder\'s tags and hooks, merge meta, replace the rest', async () => {
  const index = await createLineageIndex(new MemoryFileSystem({
    'dbt_project.yml': PROJECT,
    'models/staging/stripe/stg_payments.sql': "{{ config(tags=['pii'], materialized='table', post_hook='vacuum {{ this }}') }}\nselect 1 as id\n",
    'models/staging/stripe/schema.yml': 'version: 2\nmodels:\n  - name: stg_payments\n    config:\n      tags: [finance]\n',
  }));
  const meta = index.get('model.jaffle_shop.stg_payments')?.meta;
  assert.deepEqual(meta?.tags, ['all', 'staging', 'nightly', 'finance', 'pii']);
  assert.equal(meta?.materialized, 'table');
});

const PROFILES = `config:
  send_anonymous_usage_stats: false

jaffle:
  target: "{{ env_var('DBT_TARGET', 'dev') }}"
  outputs:
    dev:
      type: postgres
      host: localhost
      user: "{{ env_var('DBT_USER') }}"
      dbname: analytics
      schema: "dbt_{{ env_var('DBT_USER', 'me') }}"
      threads: 4
    prod:
      type: snowflake
      database: "{{ env_var('SNOWFLAKE_DB') }}"
      schema: analytics
other:
  target: bq
  outputs:
    bq:
      type: bigquery
      project: my-gcp-project
      dataset: marts
`;

test('parseProfiles picks the target output and resolves env_var defaults', () => {
  assert.deepEqual(parseProfiles(PROFILES, 'jaffle'), {
    target: { name: 'dev', type: 'postgres', schema: 'dbt_me', database: 'analytics' },
    diagnostics: [],
  });
  assert.deepEqual(parseProfiles(PROFILES, 'other').target, { name: 'bq', type: 'bigquery', schema: 'marts', database: 'my-gcp-project' });
});

test('parseProfiles: unresolvable env_var, missing output, missing profile', () => {
  const prod = parseProfiles(PROFILES.replace("env_var('DBT_TARGET', 'dev')", "env_var('DBT_TARGET', default='prod')"), 'jaffle');
  assert.deepEqual(prod, {
    target: { name: 'prod', type: 'snowflake', schema: 'analytics', database: '' },
    diagnostics: [{
      path: 'profiles.yml', line: 16, column: 17, severity: 'info', code: 'dbt-env-var',
      message: "Cannot resolve {{ env_var('SNOWFLAKE_DB') }} without the environment; using ''.",
    }],
  });
  const missingOutput = parseProfiles('p:\n  target: ci\n  outputs:\n    dev: {type: duckdb}\n', undefined, 'dbt/profiles.yml');
  assert.deepEqual(missingOutput, {
    diagnostics: [{ path: 'dbt/profiles.yml', line: 2, column: 3, severity: 'warning', message: "profiles.yml has no output named 'ci'.", code: 'dbt-profile' }],
  });
  assert.deepEqual(parseProfiles(PROFILES, 'nope').diagnostics, [
    { path: 'profiles.yml', line: 1, severity: 'warning', message: "profiles.yml has no profile 'nope'.", code: 'dbt-profile' },
  ]);
  assert.equal(parseProfiles(PROFILES).diagnostics[0].message, 'profiles.yml holds several profiles and dbt_project.yml names none.');
  const broken = parseProfiles('p:\n  target: dev\n  outputs: [\n');
  assert.equal(broken.target, undefined);
  assert.ok(broken.diagnostics.some((d) => d.code === 'yaml-parse'));
});
