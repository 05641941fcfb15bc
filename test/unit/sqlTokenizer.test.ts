import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  findIdentifierPositions,
  lineColumnAt,
  readQualifiedName,
  splitStatements,
  tokenizeSql,
} from '../../src/core/sql/tokenizer';

function brief(text: string): [string, string, string][] {
  return tokenizeSql(text).map((t) => [t.kind, t.text, t.value]);
}

test('tokenizes a raw dbt model with Jinja blocks as single tokens', () => {
  const text = "{{ config(materialized='table') }}\nselect o.id, o.\"Amount\"\nfrom {{ ref('stg_orders') }} o {# note #}\n{% if is_incremental() %}where 1 = 1{% endif %}";
  const tokens = tokenizeSql(text);
  assert.deepEqual(
    tokens.map((t) => [t.kind, t.text, t.line, t.column, t.start, t.end]),
    [
      ['jinja', "{{ config(materialized='table') }}", 1, 1, 0, 34],
      ['word', 'select', 2, 1, 35, 41],
      ['word', 'o', 2, 8, 42, 43],
      ['punct', '.', 2, 9, 43, 44],
      ['word', 'id', 2, 10, 44, 46],
      ['punct', ',', 2, 12, 46, 47],
      ['word', 'o', 2, 14, 48, 49],
      ['punct', '.', 2, 15, 49, 50],
      ['quoted', '"Amount"', 2, 16, 50, 58],
      ['word', 'from', 3, 1, 59, 63],
      ['jinja', "{{ ref('stg_orders') }}", 3, 6, 64, 87],
      ['word', 'o', 3, 30, 88, 89],
      ['jinja', '{# note #}', 3, 32, 90, 100],
      ['jinja', '{% if is_incremental() %}', 4, 1, 101, 126],
      ['word', 'where', 4, 26, 126, 131],
      ['number', '1', 4, 32, 132, 133],
      ['operator', '=', 4, 34, 134, 135],
      ['number', '1', 4, 36, 136, 137],
      ['jinja', '{% endif %}', 4, 37, 137, 148],
    ],
  );
  assert.equal(tokens[8].value, 'Amount');
});

test('a Jinja expression may contain a quoted closing brace sequence', () => {
  assert.deepEqual(brief("{{ \"}}\" ~ '%}' }} x"), [
    ['jinja', "{{ \"}}\" ~ '%}' }}", "{{ \"}}\" ~ '%}' }}"],
    ['word', 'x', 'x'],
  ]);
});

test('reads every string form and strips identifier quotes', () => {
  assert.deepEqual(brief("'it''s' E'a\\'b' N'x' $$ a ; b $$ $fn$ body $$ $fn$ \"a\"\"b\" `c``d` [e f]"), [
    ['string', "'it''s'", "'it''s'"],
    ['string', "E'a\\'b'", "E'a\\'b'"],
    ['string', "N'x'", "N'x'"],
    ['string', '$$ a ; b $$', '$$ a ; b $$'],
    ['string', '$fn$ body $$ $fn$', '$fn$ body $$ $fn$'],
    ['quoted', '"a""b"', 'a"b'],
    ['quoted', '`c``d`', 'c`d'],
    ['quoted', '[e f]', 'e f'],
  ]);
});

test('tells T-SQL bracket identifiers from array subscripts', () => {
  assert.deepEqual(brief('[dbo].[orders] arr[1] ARRAY[x]'), [
    ['quoted', '[dbo]', 'dbo'],
    ['punct', '.', '.'],
    ['quoted', '[orders]', 'orders'],
    ['word', 'arr', 'arr'],
    ['punct', '[', '['],
    ['number', '1', '1'],
    ['punct', ']', ']'],
    ['word', 'ARRAY', 'ARRAY'],
    ['punct', '[', '['],
    ['word', 'x', 'x'],
    ['punct', ']', ']'],
  ]);
});

test('reads numbers, operators and punctuation', () => {
  assert.deepEqual(
    brief('1.5e3 .5 42 0x1F a::int b->>\'k\' c->d <= >= <> != || ; #temp #').map(([kind, text]) => `${kind}:${text}`),
    [
      'number:1.5e3', 'number:.5', 'number:42', 'number:0x1F',
      'word:a', 'operator:::', 'word:int',
      'word:b', 'operator:->>', "string:'k'",
      'word:c', 'operator:->', 'word:d',
      'operator:<=', 'operator:>=', 'operator:<>', 'operator:!=', 'operator:||', 'punct:;',
      'word:#temp', 'operator:#',
    ],
  );
});

test('skips line and block comments and keeps positions after them', () => {
  const tokens = tokenizeSql('-- header; with a semicolon\nselect /* a\n b */ x -- tail');
  assert.deepEqual(tokens.map((t) => [t.text, t.line, t.column]), [
    ['select', 2, 1],
    ['x', 3, 7],
  ]);
});

test('unterminated constructs run to the end of the text without throwing', () => {
  assert.deepEqual(brief('select /* abc'), [['word', 'select', 'select']]);
  for (const text of ["select 'abc", 'select "abc', 'select `abc', 'select $$ abc', 'select {{ abc', 'select {% abc', 'select {# abc', "select E'\\", 'select [abc']) {
    const tokens = tokenizeSql(text);
    assert.equal(tokens[tokens.length - 1].end, text.length, text);
  }
  assert.deepEqual(tokenizeSql(''), []);
  assert.deepEqual(tokenizeSql('  \n -- only a comment'), []);
});

test('splits statements on top-level semicolons only', () => {
  const text = "select ';' as a; -- x; y\n;\ncreate function f() as $$ begin; end $$;\n  select {{ \"a;b\" }} /* ; */ from t;\n";
  assert.deepEqual(splitStatements(text), [
    { text: "select ';' as a", start: 0, line: 1, column: 1 },
    { text: 'create function f() as $$ begin; end $$', start: 27, line: 3, column: 1 },
    { text: 'select {{ "a;b" }} /* ; */ from t', start: 70, line: 4, column: 3 },
  ]);
  assert.deepEqual(splitStatements('drop table x'), [{ text: 'drop table x', start: 0, line: 1, column: 1 }]);
  assert.deepEqual(splitStatements(' ; ;\n'), []);
});

test('finds identifiers as whole words, ignoring strings, comments and Jinja', () => {
  const text = "select amount, Amount_usd, \"amount\", \"Amount\"\n-- amount\nfrom t where note = 'amount' and {{ amount }} > AMOUNT";
  assert.deepEqual(findIdentifierPositions(text, 'amount'), [
    { offset: 7, line: 1, column: 8 },
    { offset: 27, line: 1, column: 28 },
    { offset: 104, line: 3, column: 49 },
  ]);
  assert.deepEqual(findIdentifierPositions(text, 'Amount'), [
    { offset: 7, line: 1, column: 8 },
    { offset: 37, line: 1, column: 38 },
    { offset: 104, line: 3, column: 49 },
  ]);
  assert.deepEqual(findIdentifierPositions(text, 'amount', 8, 104), [{ offset: 27, line: 1, column: 28 }]);
  assert.deepEqual(findIdentifierPositions(text, 'missing'), []);
});

test('maps offsets to 1-based lines and columns', () => {
  const text = 'ab\r\ncd\n\nef';
  assert.deepEqual(lineColumnAt(text, 0), { line: 1, column: 1 });
  assert.deepEqual(lineColumnAt(text, 4), { line: 2, column: 1 });
  assert.deepEqual(lineColumnAt(text, 8), { line: 4, column: 1 });
  assert.deepEqual(lineColumnAt(text, 99), { line: 4, column: 3 });
  assert.deepEqual(lineColumnAt(text, -5), { line: 1, column: 1 });
});

test('reads qualified names, splitting BigQuery backtick paths and flagging Jinja', () => {
  const read = (text: string) => readQualifiedName(tokenizeSql(text), 0);
  assert.deepEqual(read('analytics."Raw".orders x'), { parts: ['analytics', 'Raw', 'orders'], next: 5, jinja: false });
  assert.deepEqual(read('`proj.ds.tbl` t'), { parts: ['proj', 'ds', 'tbl'], next: 1, jinja: false });
  assert.deepEqual(read("{{ target.schema }}.orders"), { parts: ['orders'], next: 3, jinja: true });
  assert.deepEqual(read("raw_{{ var('x') }} t"), { parts: ['raw_'], next: 2, jinja: true });
  assert.equal(read('(select 1)'), undefined);
});

test('stays linear on large and pathological input', () => {
  const statement = "select o.id, sum(o.amount) as total from raw.orders o where o.status <> 'void' group by 1;\n";
  const big = statement.repeat(20000);
  const started = Date.now();
  const tokens = tokenizeSql(big);
  assert.equal(tokens.length, 28 * 20000);
  assert.equal(splitStatements(big).length, 20000);
  const oneLine = '[a '.repeat(100000) + 'x'.repeat(10) + ' ('.repeat(100000);
  tokenizeSql(oneLine);
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
});
