// The DAG reader's cheaper paths through task SQL must give exactly what the plain ones give:
// Jinja neutralised a run of text at a time (against the character-at-a-time original kept here)
// and a `;`-free script scanned whole (against splitting it into statements first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sqlReads } from '../../src/core/readers/airflow/airflowReader';
import { neutralizeJinja } from '../../src/core/readers/airflow/airflowSql';

/** The original neutralizeJinja loop, with the shared tag replacement passed in. */
function neutralizeByCharacter(sql: string, replaceTag: (tag: string, quoted: boolean) => string): string {
  let out = '';
  let quoted = false;
  let i = 0;
  while (i < sql.length) {
    const two = sql.slice(i, i + 2);
    if (two === '{{' || two === '{%' || two === '{#') {
      const close = two === '{{' ? '}}' : two === '{%' ? '%}' : '#}';
      const end = sql.indexOf(close, i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      out += replaceTag(sql.slice(i, stop), quoted);
      i = stop;
      continue;
    }
    if (!quoted && two === '--') {
      const nl = sql.indexOf('\n', i);
      const stop = nl < 0 ? sql.length : nl;
      out += sql.slice(i, stop);
      i = stop;
      continue;
    }
    if (sql[i] === "'") quoted = !quoted;
    out += sql[i++];
  }
  return out;
}

// Small pseudo-random generator, so failures reproduce.
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

const FRAGMENTS = [
  'select ', 'a', ', b', ' from ', 'schema.t', ' join x on x.id = t.id', ' where ', "'", "'it''s'", '--', ' -- note\n', '\n', ' ',
  '{{ ds }}', '{{ params.t }}', "{{ params['s'] }}", '{{ var.value.x }}', '{% if x %}', '{% endif %}', '{# c #}', '{{', '}}', '{%', '%}',
  '{#', '#}', '{', '}', '%', '#', '-', 'é', '𝒳', '\r\n', ';', 'insert into out.t ', 'with c as (select 1) ', '/* x; */', '"q"', '(', ')',
];

function randomSql(next: () => number): string {
  let s = '';
  const n = 1 + Math.floor(next() * 30);
  for (let i = 0; i < n; i++) s += FRAGMENTS[Math.floor(next() * FRAGMENTS.length)];
  return s;
}

test('neutralizeJinja copying runs of text gives what copying characters gave', () => {
  const params = new Map([['t', 'orders'], ['s', 'a_much_longer_schema_name']]);
  const next = random(7);
  for (let k = 0; k < 20000; k++) {
    const sql = randomSql(next);
    const p = k % 2 ? params : new Map<string, string>();
    // The tag replacement is the shared code: take it from the function itself, one tag at a time.
    const expected = neutralizeByCharacter(sql, (tag, quoted) => {
      // A tag alone, behind an opening quote when it was inside one, is replaced as in context.
      const alone = neutralizeJinja(quoted ? `'${tag}` : tag, p);
      return quoted ? alone.slice(1) : alone;
    });
    assert.equal(neutralizeJinja(sql, p), expected, JSON.stringify(sql));
  }
});

test('a SQL text without ";" is scanned whole, as its one statement would be', () => {
  const next = random(11);
  const samples = [
    '',
    '   \n  -- only a comment',
    '\n  insert into reports.r\n  select customer_id, sum(tax) from marts.f where x is not null group by 1\n',
    '/* lead */ select * from a join b on a.id = b.id',
    "  -- c\n  merge into t using s on t.id = s.id when matched then update set x = 'a'",
    'with c as (select * from raw.x) select * from c join other.y using (id)',
  ];
  for (let k = 0; k < 20000; k++) samples.push(randomSql(next).replace(/;/g, ' '));
  for (const sql of samples) {
    assert.ok(!sql.includes(';'));
    assert.deepEqual(sqlReads(sql), sqlReads(sql, true), JSON.stringify(sql));
  }
  // With a ";" the statements are still scanned one by one.
  assert.deepEqual(sqlReads('select * from a; select * from b'), sqlReads('select * from a; select * from b', true));
});
