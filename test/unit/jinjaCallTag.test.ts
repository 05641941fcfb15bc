import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, tokenize } from '@huggingface/jinja';
import { readCallTag } from '../../src/core/dbt/jinjaCallTag';
import { engineTagCalls } from '../../src/core/dbt/jinjaExtract';
import { extractJinjaRefs } from '../../src/core/dbt/jinjaRender';
import { scanSegments } from '../../src/core/dbt/jinjaSegments';

/** A node as plain data with sorted keys (the engine's nodes are class instances). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Map) return [...value].map(([k, v]) => [plain(k), plain(v)]);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = plain((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** What the engine makes of a tag: its one statement, or 'error'. */
function engineStatement(text: string): unknown {
  try {
    const body = parse(tokenize(text)).body;
    return body.length === 1 ? plain(body[0]) : 'not one statement';
  } catch {
    return 'error';
  }
}

/** Whenever readCallTag answers, the engine parses the tag to the very same statement. */
function assertAgrees(text: string): boolean {
  const fast = readCallTag(text);
  if (fast) assert.deepEqual(plain(fast), engineStatement(text), text);
  return !!fast;
}

const ACCEPTED = [
  "{{ ref('orders') }}",
  '{{ ref("orders") }}',
  "{{ref('a','b')}}",
  "{{- ref('pkg', 'orders', v=2) -}}",
  "{{ ref('orders', version=3) }}",
  "{{ source('raw', 'orders') }}",
  "{{ config(materialized='view', tags=['intermediate']) }}",
  "{{ config(materialized='incremental', unique_key='id', on_schema_change='fail') }}",
  "{{ config(tags=[], x=[1, 'a', [2, []]], true=1) }}",
  "{{ var('high_value_threshold', 1000) }}",
  "{{ var(\"start_date\", \"2020-01-01\") }}",
  '{{ this }}',
  '{{ none }}',
  '{{ is_incremental() }}',
  "{{ cents_to_dollars('amount') }}",
  "{{\n  config(\n    materialized = 'table' ,\n    tags = [ 'a' , 'b' ]\n  )\n}}",
  "{{ ref ('spaced') }}",
  "{{ ref('') }}",
  "{{ ref('with space and -+*/()[],=:|.') }}",
  '{{ f(0123, 00) }}',
  '{{ x-}}',
  "{{ ref('multi\nline') }}",
];

// Text the grammar leaves to the engine, whatever the engine makes of it (a different tree,
// a string concatenation, an error).
const DECLINED = [
  "{{ ref('a' 'b') }}",
  "{{ ref('a' \"b\") }}",
  "{{ ref('a', ) }}",
  "{{ ref('a' 1) }}",
  "{{ ref(1.5) }}",
  '{{ ref(1x) }}',
  "{{ ref('a'b) }}",
  "{{ ref(-1) }}",
  "{{ ref(+1) }}",
  "{{ ref('a\\'b') }}",
  "{{ ref('{% generation %}') }}",
  "{{ ref('a}}b') }}",
  "{{ ref('50%') }}",
  "{{ ref('#') }}",
  "{{ ref('unterminated) }}",
  "{{ ref(x) }}",
  "{{ ref(x == 1) }}",
  "{{ ref(v=1, 'a') }}",
  "{{ ref(not=1) }}",
  "{{ not('a') }}",
  "{{ in('a') }}",
  "{{ ref('a') | upper }}",
  "{{ ref('a').name }}",
  "{{ ref('a')('b') }}",
  "{{ ref('a') if x }}",
  "{{ ref('a') ~ 'b' }}",
  "{{ adapter.dispatch('x')() }}",
  "{{ config({'a': 1}) }}",
  "{{ config(a=(1)) }}",
  "{{ config(a=['x' 'y']) }}",
  "{{ config(a=['x',]) }}",
  "{{ config(a=true) }}",
  '{{ }}',
  '{{-}}',
  '{{ x }}}',
  '{{ x\u00a0}}',
  '{{ \u00e9 }}',
  "{% if ref('a') %}",
  "{{ ref('a') }} text",
  "{{ ref('a') }",
  '{ ref() }}',
];

test('readCallTag reads its grammar exactly as the engine parses it', () => {
  for (const text of ACCEPTED) assert.ok(assertAgrees(text), `should be read: ${text}`);
});

test('readCallTag leaves everything else to the engine', () => {
  for (const text of DECLINED) assert.equal(readCallTag(text), undefined, text);
});

test('readCallTag agrees with the engine on random tags', () => {
  // Tags built from the grammar, half of them then broken by a random edit near its edges:
  // every answer must be the engine's.
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pick = <T>(xs: T[]): T => xs[random(xs.length)];
  const space = () => pick(['', '', ' ', '  ', '\n', '\t']);
  const literal = (depth: number): string =>
    random(4) === 0 && depth < 2
      ? `[${space()}${Array.from({ length: random(3) }, () => literal(depth + 1)).join(`${space()},${space()}`)}${space()}]`
      : pick(["'a'", '"b c"', "''", '1', '007', "'x.y'", '"it\'s"', "'-'"]);
  const names = ['ref', 'source', 'config', 'var', 'x', 'true', 'none', 'is_recent', 'v', 'version', 'tags'];
  const edits = ['(', ')', '[', ']', ',', '=', '==', ' ', "'", '"', '1', '.5', '-', '+', '.', '|', '{', '}', '%', '#', '\\', 'not', 'if', 'in', '~', '*', '**'];
  let read = 0;
  for (let i = 0; i < 20000; i++) {
    const positional = Array.from({ length: random(3) }, () => literal(0));
    const keywords = Array.from({ length: random(3) }, () => `${pick(names)}${space()}=${space()}${literal(0)}`);
    const args = [...positional, ...keywords].join(`${space()},${space()}`);
    let body = random(5) ? `${pick(names)}${space()}(${space()}${args}${space()})` : pick(names);
    if (random(2)) {
      const at = random(body.length + 1);
      body = random(3) ? body.slice(0, at) + pick(edits) + body.slice(at) : body.slice(0, at) + body.slice(at + 1);
    }
    const text = `{{${random(4) ? '' : '-'}${space()}${body}${space()}${random(4) ? '' : '-'}}}`;
    if (assertAgrees(text)) read++;
  }
  assert.ok(read > 5000, `only ${read} random tags fell inside the grammar`);
});

test('the tag fast path leaves extraction unchanged', () => {
  const templates = [
    ...ACCEPTED,
    ...DECLINED,
    "select * from {{ ref('a') }} join {{ source('s', 't') }} {{ config(materialized='view', tags=['x']) }}",
    "{{ ref('a', v=1) }}{{ ref('a', version='1') }}{{ ref('p', 'a') }}{{ source('only') }}{{ ref(1) }}",
  ];
  for (const t of templates) {
    const calls = engineTagCalls(t);
    const fast = readCallTag(t);
    if (fast) assert.deepEqual(plain(fast.type === 'CallExpression' && ['ref', 'source', 'config'].includes((fast.callee as { value: string }).value) ? [fast] : []), plain(calls), t);
    assert.doesNotThrow(() => extractJinjaRefs(t), t);
  }
  assert.deepEqual(extractJinjaRefs("{{ config(materialized='view', tags=['x']) }}{{ ref('a', v=1) }}{{ source('s', 't') }}{{ var('x', 1) }}"), {
    upstream: [{ kind: 'ref', name: 'a', version: '1' }, { kind: 'source', source: 's', table: 't' }],
    config: { materialized: 'view', tags: ['x'] },
    diagnostics: [],
  });
});

// The ref extraction scans with tagsOnly: it must give the full scan's list without its text segments.
test('scanSegments with tagsOnly is the full scan without the text segments', () => {
  const templates = [
    "select * from {{ ref('a') }} join {{ source('s', 't') }} on 1 = 1\n",
    "{{ config(materialized='table') }}\n{# a comment {{ ref('x') }} #}\nselect '{{' as x, \"}}\" as y from {{ ref(\"b\") }}",
    '{% if is_incremental() %}\nwhere x > (select max(x) from {{ this }})\n{% endif %}',
    "{%- raw -%}{{ ref('not_a_ref') }}{%- endraw -%} then {{ ref('c') }} and {{ {'k': 1}['k'] }}",
    "{% raw %} unterminated raw {{ ref('d') }}",
    "text before {{ ref('e') ",
    'no tags at all\nline two',
    '',
    "{{ref('f')}}{{ref('g')}}",
  ];
  for (const t of templates) {
    const full = scanSegments(t);
    const tags = scanSegments(t, true);
    assert.deepEqual(tags.segments, full.segments.filter((s) => s.kind !== 'text'), t);
    assert.deepEqual(tags.error, full.error, t);
  }
});
