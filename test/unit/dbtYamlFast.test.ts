// Differential test: the js-yaml fast path must give exactly what the `yaml` AST path gives —
// records, locations and diagnostics — and must really be taken for ordinary dbt YAML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDbtSchemaYamlWith, parseFastSchemaYaml } from '../../src/core/dbt/dbtYaml';
import { generateWorkspace } from '../../bench/generateWorkspace';

const repo = path.join(__dirname, '..', '..');

function yamlFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.ya?ml$/.test(file) && !file.split(path.sep).includes('node_modules'))
    .map((file) => path.join(dir, file));
}

/** Fast (with fallback) equals document; returns whether js-yaml alone answered. */
function compare(name: string, text: string): boolean {
  const fast = parseDbtSchemaYamlWith(name, text, 'fast');
  const document = parseDbtSchemaYamlWith(name, text, 'document');
  assert.deepEqual(fast, document, `fast and document readings differ for ${name}: ${JSON.stringify(text)}`);
  const fastOnly = parseFastSchemaYaml(name, text);
  if (fastOnly !== undefined) assert.deepEqual(fastOnly, document, `js-yaml reading differs for ${name}`);
  return fastOnly !== undefined;
}

test('fixture and example YAML: fast path taken and identical', () => {
  const fixtures = path.join(repo, 'test', 'fixtures');
  const dirs = [...fs.readdirSync(fixtures).map((name) => path.join(fixtures, name, 'workspace')), path.join(repo, 'examples', 'orders-pipeline')];
  const files = dirs.flatMap(yamlFilesUnder);
  assert.ok(files.length >= 20, `only ${files.length} fixture YAML files found`);
  const slow = files.filter((file) => !compare(path.relative(repo, file), fs.readFileSync(file, 'utf8')));
  // Files with deliberate syntax errors need the `yaml` recovery; nothing else may fall back.
  for (const file of slow) assert.match(file, /malformed/, `${file} fell back to the yaml package`);
});

test('generated bench workspace YAML: fast path taken and identical', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbtyamlfast-'));
  try {
    await generateWorkspace(dir, { models: 300 });
    await generateWorkspace(path.join(dir, 'second'), { models: 300, seed: 7 });
    const files = yamlFilesUnder(dir);
    assert.ok(files.length >= 30, `only ${files.length} generated YAML files`);
    for (const file of files) assert.ok(compare(path.relative(dir, file), fs.readFileSync(file, 'utf8')), `${file} fell back`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const HEAD = 'version: 2\n';

/** [name, text, whether js-yaml alone must answer it] */
const TRICKY: [string, string, boolean][] = [
  ['flow columns', HEAD + 'models:\n  - name: m\n    columns: [{name: a}, {name: "b", data_type: int}]\n', true],
  ['flow entries', HEAD + 'models: [{name: m, columns: [{name: a, tests: [unique]}]}, {description: nameless}]\n', true],
  ['flow item in block seq', HEAD + 'models:\n  - {name: m, columns: [{name: x}]}\n  - name: n\n', true],
  ['quoted keys', HEAD + '"models":\n  - \'name\': m\n    "columns":\n      - "name": "a b"\n        \'data_type\': \'varchar(10)\'\n', true],
  ['json style', '{"version": 2, "models": [{"name":"m","columns":[{"name":"a","description":"x"}]}]}\n', true],
  ['block scalars', HEAD + 'models:\n  - name: m\n    description: |\n      Line one.\n\n      Line two: with colon\n    columns:\n      - name: a\n        description: >-\n          folded\n          text\n', true],
  ['comments everywhere', HEAD + '# top\nmodels: # list\n  # before item\n  - # after dash\n    name: m # trailing\n    columns:\n      -\n        # comment line\n        name: a\n', true],
  ['item on next line', HEAD + 'models:\n  -\n    name: m\n  -\n\n    name: n\n', true],
  ['CRLF', HEAD.replace('\n', '\r\n') + 'models:\r\n  - name: m\r\n    columns:\r\n      - name: a\r\n        tests: [unique]\r\n', true],
  ['tabs in strings', HEAD + 'models:\n  - name: "m\\tx"\n    description: "a\tb"\n    columns:\n      - name:\tc\n        description: x\ty\n', true],
  ['unicode', HEAD + 'models:\n  - name: modèle_😀\n    description: "ünïcødé \\u00e9 \\U0001F600"\n    columns:\n      - name: 列\n      - name: "é😀"\n', true],
  ['tests as strings and dicts', HEAD + 'models:\n  - name: m\n    columns:\n      - name: a\n        tests:\n          - unique\n          - accepted_values: {values: [1, 2]}\n          - name: custom\n            test_name: relationships\n          - {config: {severity: warn}, dbt_utils.expression: {x: 1}}\n        data_tests: [not_null, {where: "x > 1", my_test: {}}]\n', true],
  ['numeric test keys', HEAD + 'models:\n  - name: m\n    columns:\n      - name: a\n        tests:\n          - {z_test: 1, 2: x}\n', false],
  ['scalar types', HEAD + 'models:\n  - name: 123\n    description: 1.50\n    columns:\n      - name: true\n        data_type: 0x1F\n      - name: 0o17\n      - name: +.5\n      - name: 0b101\n      - name: 1e500\n      - name: -0\n      - name: .NaN\n      - name: ~\n      - name: ""\n      - name: 2024-01-01\n      - name: yes\n    config: {a: 0b1, b: +0x1F, c: -0o7, d: 1_000, e: .inf, f: 017, g: 1.0e3}\n', true],
  ['sources and exposures', HEAD + 'sources:\n  - name: raw\n    project: p\n    dataset: d\n    config: {loader: x, meta: {a: [1, {b: 2}]}}\n    tables:\n      - name: t\n        quoting: {identifier: true}\n      - identifier: nameless\n      - name: u\n        config:\n          freshness: null\n          tags: [a]\nexposures:\n  - name: e\n    owner: {email: a@b.c}\n    depends_on:\n      - ref(\'m\')\n      - "source(\'raw\', \'t\')"\n      - not a ref\n      - 42\n      - [x]\n      - {a: b}\n      - ~\n  - name: f\n    owner: plain owner\n    depends_on: [ref(\'m\', v=2)]\n', true],
  ['empty doc', '', true],
  ['comments only', '# nothing here\n', true],
  ['document markers', '---\n' + HEAD + 'models:\n  - name: m\n...\n', true],
  ['scalar root', 'just a string\n', true],
  ['sequence root', '- name: m\n- name: n\n', true],
  ['no version', 'models:\n  - description: nameless\n', true],
  ['empty values', HEAD + 'models:\n  - name: m\n    columns:\n    description:\n  - name:\n  -\n', false],
  ['empty sequence items', HEAD + 'exposures:\n  - name: e\n    depends_on:\n      -\n      - ref(\'m\')\n', false],
  ['byte order mark', '\ufeff' + HEAD + 'models:\n  - name: m\n', true],
  ['__proto__ key', HEAD + 'models:\n  - name: m\n    config: {__proto__: {polluted: 1}, b: 2}\n', true],
  ['merge key without alias', HEAD + 'models:\n  - name: m\n    config: {<<: {x: 1}, b: 2}\n', true],
  ['anchors and aliases', HEAD + 'models:\n  - name: m\n    config: &cfg {materialized: view}\n  - name: n\n    config: *cfg\n    columns: &cols\n      - name: a\n  - name: o\n    columns: *cols\n', false],
  ['tags', HEAD + 'models:\n  - name: !!str m\n    config: !custom {a: 1}\n', false],
  ['explicit key', HEAD + 'models:\n  - ? name\n    : m\n', false],
  ['complex key', HEAD + 'models:\n  - name: m\n    columns:\n      - name: a\n        tests: [{[a, b]: 1}]\n', false],
  ['null key', HEAD + 'models:\n  - name: m\n    config: {~: 1, b: 2}\n', false],
  ['flow pair', HEAD + 'models:\n  - name: m\n    columns: [name: a]\n', false],
  ['duplicate keys', HEAD + 'models:\n  - name: m\n    name: n\n', false],
  ['syntax error', HEAD + 'models:\n  - name: m\n    columns:\n      - name: [a\n  - name: n\n', false],
  ['bad indentation', HEAD + 'models:\n  - name: m\n   description: x\n', false],
  ['tab indentation', HEAD + 'models:\n\t- name: m\n', false],
  ['glued comment', HEAD + 'models:\n  - name: "m"#c\n', false],
  ['glued comment after flow', HEAD + 'models:\n  - name: m\n    config: {a: 1}#c\n', false],
  ['hash inside quotes', HEAD + 'models:\n  - name: m\n    config: {meta: {slack: \'#data-alerts\', color: "#fff"}}\n    description: Order #1 # a comment\n', true],
  ['plain scalar oddities', HEAD + 'models:\n  - name: a:b\n    description: http://x.y/z?q=1 - still text\n    columns:\n      - {name: c:d}\n      - name: multi\n          line plain\n      - name: \'it\'\'s\'\n      - name: "esc\\\n          aped"\n', true],
  ['question marks', HEAD + 'models:\n  - name: m\n    description: What? Yes ? no\n', true],
  ['multi-line flow', HEAD + 'models:\n  - name: m\n    columns: [\n      {name: a},\n      {name: b,\n       description: x}\n      ]\n', true],
  ['flow end under its key', HEAD + 'models:\n  - name: m\n    columns: [\n      {name: a}\n    ]\n', false],
  ['tab before a root scalar', '\tjust a string\n', false],
  ['tab before a comment', HEAD + 'models:\n\t# comment\n  - name: m\n', true],
  ['empty collections', HEAD + 'models:\n  - name: m\n    columns: []\n    config: {}\n    tests: []\nseeds: []\nexposures: {}\n', true],
  ['keys with spaces and colons', HEAD + 'models:\n  - name: m\n    config:\n      my key: 1\n      "a: b": 2\n      a b : 3\n', true],
  ['lone CR', HEAD + 'models:\r  - name: m\r', false],
  ['YAML 1.1 directive', '%YAML 1.1\n---\n' + HEAD + 'models:\n  - name: yes\n', false],
  ['two documents', HEAD + 'models:\n  - name: m\n---\nmodels:\n  - name: n\n', false],
  ['under-indented quoted', HEAD + 'models:\n  - name: m\n    description: "a\n  b"\n', false],
  ['long key', HEAD + 'models:\n  - name: m\n    config: {' + 'k'.repeat(1100) + ': 1}\n', false],
];

test('hand-written tricky YAML: identical, and the fast path is taken where expected', () => {
  for (const [name, text, fast] of TRICKY) {
    assert.equal(compare(name, text), fast, `${name}: expected the ${fast ? 'fast' : 'fallback'} path`);
  }
});

/** Small seeded edits of valid files: whatever js-yaml accepts must read exactly as `yaml` reads it. */
test('mutated YAML: the fast path never disagrees with the yaml package', () => {
  const seedsDir = path.join(repo, 'examples', 'orders-pipeline');
  const seeds = [...yamlFilesUnder(seedsDir).map((file) => fs.readFileSync(file, 'utf8')), ...TRICKY.filter(([, , fast]) => fast).map(([, text]) => text)];
  const pieces = [' ', '\n', '\t', ':', ': ', '- ', '#', ' #', '"', "'", '[', ']', '{', '}', ',', '? ', '|', '>', '!', '&a', '*a', '~', '%', '@', '\\', '\r\n', '---', 'name', 'é'];
  let state = 2024;
  const random = (n: number): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
  let fastCount = 0;
  for (let i = 0; i < 2000; i++) {
    let text = seeds[random(seeds.length)];
    for (let edits = 1 + random(3); edits > 0; edits--) {
      const at = random(text.length + 1);
      text = random(3) === 0 ? text.slice(0, at) + text.slice(at + 1 + random(3)) : text.slice(0, at) + pieces[random(pieces.length)] + text.slice(at);
    }
    if (compare(`mutant ${i}`, text)) fastCount++;
  }
  assert.ok(fastCount > 500, `only ${fastCount} mutants took the fast path`);
});
