// Differential tests for the fast SELECT path: on every statement we can collect (fixture SQL,
// rendered dbt models of the fixtures and of a generated bench workspace, hand-written cases and
// mutations of them), whenever fastParseStatement returns an IR it must equal the IR that
// buildStatement makes from node-sql-parser's AST. Both are compared as JSON, which is how the IR
// travels (worker messages, the analysis cache).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fastParseStatement, fastPathServes } from '../../src/core/sql/fastSelect';
import { parseSql } from '../../src/core/sql/sqlParser';
import { buildStatement } from '../../src/core/sql/scopeBuilder';
import { splitStatements, tokenizeSql } from '../../src/core/sql/tokenizer';
import { readDbtWorkspace } from '../../src/core/dbt/dbtReader';
import { generateWorkspace } from '../../bench/generateWorkspace';

interface Stmt { label: string; text: string; start: number; end: number }

interface Tally {
  compared: number;
  fastOnly: string[];
  mismatches: string[];
  fastRejected: number;
  total: number;
}

function statementsOf(label: string, text: string): Stmt[] {
  return splitStatements(text).map((s, i) => ({ label: `${label}#${i}`, text, start: s.start, end: s.start + s.text.length }));
}

const json = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
/** Fast vs node-sql-parser on one statement; the reference is built only when the fast path answers. */
function compare(s: Stmt, dialect: string, tally: Tally): void {
  tally.total++;
  const fast = fastParseStatement(s.text, s.start, s.end);
  if (!fast) {
    tally.fastRejected++;
    return;
  }
  const parsed = parseSql(s.text.slice(s.start, s.end), dialect);
  if (!parsed.ok || !parsed.statements[0]) {
    tally.fastOnly.push(`${s.label} [${dialect}]: ${parsed.ok ? 'no statement' : parsed.message}`);
    return;
  }
  tally.compared++;
  const reference = buildStatement(parsed.statements[0], s.start, s.end);
  if (!isDeepStrictEqual(json(fast), json(reference))) tally.mismatches.push(`${s.label} [${dialect}]: ${s.text.slice(s.start, s.end).slice(0, 300)}`);
}

function run(stmts: Stmt[], dialect = 'postgres'): Tally {
  const tally: Tally = { compared: 0, fastOnly: [], mismatches: [], fastRejected: 0, total: 0 };
  for (const s of stmts) compare(s, dialect, tally);
  return tally;
}

function listFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out;
}

/** Every SQL statement of a workspace: dbt models rendered (plus their incremental form), other SQL as is. */
async function workspaceStatements(root: string, label: string): Promise<Stmt[]> {
  const files = listFiles(root);
  const read = async (p: string) => fs.promises.readFile(path.join(root, p), 'utf8').catch(() => undefined);
  const dbt = await readDbtWorkspace(files, read, 'postgres');
  const out: Stmt[] = [];
  for (const file of files.filter((f) => f.endsWith('.sql'))) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    if (!dbt.owns(file)) {
      out.push(...statementsOf(`${label}/${file}`, text));
      continue;
    }
    if (file.includes('/macros/') || file.startsWith('macros/')) continue;
    const r = dbt.render({ path: file, originalText: text, dialect: 'postgres', ownerId: file });
    if (r.sql) out.push(...statementsOf(`${label}/${file}`, r.sql));
    if (r.incrementalSql) out.push(...statementsOf(`${label}/${file}+incremental`, r.incrementalSql));
  }
  return out;
}

async function fixtureStatements(): Promise<Stmt[]> {
  const root = path.join(__dirname, '..', '..', 'test', 'fixtures');
  const out: Stmt[] = [];
  for (const name of fs.readdirSync(root)) {
    const ws = path.join(root, name, 'workspace');
    if (fs.existsSync(ws)) out.push(...(await workspaceStatements(ws, name)));
  }
  return out;
}

function report(name: string, t: Tally): void {
  const accepted = t.total - t.fastRejected;
  console.log(`fastSelect ${name}: ${t.total} statements, fast path accepted ${accepted} (${((100 * accepted) / Math.max(1, t.total)).toFixed(1)}%), compared ${t.compared}, mismatches ${t.mismatches.length}, fast-only ${t.fastOnly.length}`);
}

function assertClean(t: Tally): void {
  assert.deepEqual(t.mismatches, [], 'fast path IR differs from node-sql-parser IR');
  assert.deepEqual(t.fastOnly, [], 'fast path accepted statements node-sql-parser rejects');
}

// node-sql-parser's Redshift build rejects a few statements its PostgreSQL build reads (FILTER on
// array_agg, some CREATE TABLE AS forms); there the fast path's IR has no reference to equal.
test('hand-written statements: fast IR equals node-sql-parser IR in every served dialect', () => {
  for (const dialect of ['postgres', 'redshift']) {
    const t = run(HAND_WRITTEN.flatMap((sql, i) => statementsOf(`hand${i}`, sql)), dialect);
    report(`hand-written [${dialect}]`, t);
    assert.deepEqual(t.mismatches, [], 'fast path IR differs from node-sql-parser IR');
    if (dialect !== 'postgres') continue;
    assertClean(t);
    assert.ok(t.compared >= 60, `only ${t.compared} hand-written statements were compared`);
  }
});

test('Snowflake-only syntax always bails to the Snowflake build', () => {
  const snowflakeOnly = [
    'select a from t qualify row_number() over (partition by a order by b) = 1',
    'select payload:browser:family as family from t',
    'select * exclude (a) from t',
    'select $1, $2 from t',
    "select a from t sample (10)",
    'select f.value from t, lateral flatten(input => t.arr) f',
  ];
  for (const sql of snowflakeOnly) assert.equal(fastParseStatement(sql, 0, sql.length), undefined, sql);
  assert.equal(fastPathServes('snowflake'), true);
  assert.equal(fastPathServes('bigquery'), false);
});

test('statements outside the fast grammar are left to node-sql-parser', () => {
  for (const sql of MUST_REJECT) assert.equal(fastParseStatement(sql, 0, sql.length), undefined, sql);
});

test('fixture SQL and rendered fixture models: identical IR', async () => {
  const stmts = await fixtureStatements();
  assert.ok(stmts.length >= 40, `collected only ${stmts.length} fixture statements`);
  const t = run(stmts);
  report('fixtures', t);
  assertClean(t);
});

test('bench workspace models: identical IR, ≥ 95% on the fast path, and faster', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fastselect-'));
  try {
    await generateWorkspace(dir, { models: 300 });
    const stmts = (await workspaceStatements(dir, 'bench')).filter((s) => s.label.includes('/models/'));
    assert.ok(stmts.length >= 300, `collected only ${stmts.length} bench statements`);
    const t = run(stmts); // each model and, for incremental ones, its incremental rendering
    report('bench models', t);
    assertClean(t);
    assert.ok(t.compared / t.total >= 0.95, `fast path took only ${t.compared} of ${t.total}`);
    timing(stmts);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function timing(stmts: Stmt[]): void {
  const time = (f: (s: Stmt) => unknown): number => {
    for (const s of stmts.slice(0, 20)) f(s); // warm-up
    const t0 = performance.now();
    for (const s of stmts) f(s);
    return (performance.now() - t0) / stmts.length;
  };
  const fast = time((s) => fastParseStatement(s.text, s.start, s.end));
  const tokens = time((s) => tokenizeSql(s.text.slice(s.start, s.end)));
  const full = time((s) => {
    const p = parseSql(s.text.slice(s.start, s.end), 'postgres');
    return p.ok && buildStatement(p.statements[0], s.start, s.end);
  });
  console.log(`fastSelect timing per bench model: fast path ${fast.toFixed(3)} ms (tokenizer alone ${tokens.toFixed(3)} ms), node-sql-parser + buildStatement ${full.toFixed(3)} ms, ×${(full / fast).toFixed(1)}`);
}

/** Deterministic mutations of the hand-written statements: truncations, deletions, swaps, junk. */
function mutations(): Stmt[] {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const junk = ['(', ')', ',', 'select', 'from', '::', "'", '"', 'case', 'end', 'over', '*', 'join', 'on', '{{', '--', '/*', 'and', ';'];
  const out: Stmt[] = [];
  HAND_WRITTEN.forEach((sql, i) => {
    const toks = tokenizeSql(sql);
    for (let k = 0; k < 8 && toks.length > 1; k++) {
      const a = toks[Math.floor(rnd() * toks.length)];
      const b = toks[Math.floor(rnd() * toks.length)];
      const variants = [ // truncation, deletion, inserted junk, swap
        sql.slice(0, a.start),
        sql.slice(0, a.start) + sql.slice(a.end),
        sql.slice(0, a.start) + junk[Math.floor(rnd() * junk.length)] + ' ' + sql.slice(a.start),
        a.start < b.start ? sql.slice(0, a.start) + b.text + sql.slice(a.end, b.start) + a.text + sql.slice(b.end) : sql,
      ];
      variants.forEach((v, j) => out.push({ label: `mut${i}.${k}.${j}`, text: v, start: 0, end: v.length }));
    }
  });
  return out;
}

test('malformed and mutated inputs never throw, and whatever the fast path accepts matches', () => {
  const stmts = mutations();
  const junk = ['', ';', '(', ')', 'select', 'select (', "select 'abc", 'select "a', 'with', 'with a as (', '{{ x }}', 'select * from', 'select a,, b from t', '((((((((select 1'];
  for (const j of junk) stmts.push({ label: `junk:${j}`, text: j, start: 0, end: j.length });
  const t = run(stmts);
  report('mutations', t);
  assert.deepEqual(t.mismatches, []);
  assert.doesNotThrow(() => fastParseStatement('select 1', 5, 100));
  assert.doesNotThrow(() => fastParseStatement('select 1', -3, 2));
  if (t.fastOnly.length) console.log(`fastSelect mutations accepted only by the fast path: ${t.fastOnly.length}\n  ${t.fastOnly.slice(0, 10).join('\n  ')}`);
});

// One statement per grammar feature and tricky precedence; each is compared in every served dialect.
const HAND_WRITTEN = [
  'select a, b as bee, c cee, "Quoted Col", t.d, s.t.e from t',
  'select * from raw.orders',
  'select o.*, c.name from raw.orders o join raw.customers c on c.id = o.customer_id',
  'select distinct a, b from db.sch.tbl as x',
  'select "A"."B" from "My Schema"."My Table" "A"',
  'select a + b * c - d / e % f as g, -a, +b, (a), (a + b) from t',
  "select a || '-' || b, a::int, cast(b as varchar(10)), c::numeric(12, 2), d::double precision from t",
  'select x::int + 1, (x)::text, sum(x)::numeric, round((a / 100.0)::numeric, 2) from t',
  'select count(*), count(1), count(distinct a), sum(b), avg(c), min(d), max(e) from t',
  "select array_agg(a), string_agg(b, ','), count(*) filter (where c > 1) as n from t group by d",
  'select coalesce(a, b, 0), nullif(a, 0), greatest(a, b), lower(c), upper(d), length(e), abs(f) from t',
  "select date_trunc('month', created_at), left(a, 2), right(b, 3), now(), current_date, current_timestamp from t",
  'select coalesce(sum(a), 0) as total, max(b) + min(c) as spread, count(*) * 2 from t group by d, e',
  "select case when a > 1 then 'x' when a < 0 then 'y' else 'z' end as band, case b when 1 then c end from t",
  'select case when a is null then b else c end, case when a is not null and not b then 1 end as f from t',
  'select sum(case when a then b else 0 end) as s, max(case when c = 1 then d end) from t',
  'select row_number() over (partition by a order by b desc) as rn, rank() over (order by c) from t',
  'select lag(x) over (partition by a order by b), lead(x, 1, 0) over (order by b nulls last) from t',
  'select sum(x) over (partition by a order by b rows between unbounded preceding and current row) as running from t',
  'select avg(x) over (), count(*) over (partition by a), first_value(y) over (partition by a order by b rows 2 preceding) from t',
  'select min(x) over (partition by a, b order by c asc, d desc rows between 1 preceding and 1 following) from t',
  "select extract(year from d), extract(epoch from e) as ep, date '2020-01-01', interval '3 days' from t",
  "select a from t where b = 1 and c <> 2 or d != 3 and not e and f >= 4 and g <= 5 and h < 6 and i > 7",
  "select a from t where b in (1, 2, 3) and c not in ('x', 'y') and d like 'a%' and e not like '%b' and f ilike 'c'",
  'select a from t where b between 1 and 10 and c not between d and e',
  'select a from t where b is true and c is not false and d is null',
  'select a from t where b in (select c from u where u.d = t.e)',
  'select a from t where exists (select 1 from u where u.b = t.b) and not exists (select 1 from v)',
  'select a, (select max(b) from u where u.c = t.c) as mb from t',
  'select exists (select 1 from u) as e from t',
  'select a from t where b = (select max(b) from t)',
  'select a, count(*) from t group by a having count(*) > 1 and sum(b) > 10',
  'select a, b, sum(c) from t group by 1, 2 order by 3 desc, 1',
  'select a from t order by a desc nulls first, b asc nulls last limit 10 offset 5',
  'select a from t limit all',   'select a, b from x left join y on x.id = y.id right join z on z.id = y.id full outer join w on w.id = z.id',
  'select a from x inner join y using (id) left outer join z using (id, k) cross join w',
  'select a from x, y, z where x.id = y.id and y.id = z.id',
  'select a from x join y using (id), w',
  'select a from x, y join z on z.a = y.a',
  'select s.a from (select a from t) s join (select b from u) as v on v.b = s.a',
  'select * from (select * from (select a, b from t) inner_q) outer_q',
  'select a from t union select b from u',   'select a from t union all select b from u union all select c from v',
  'select a from t intersect select b from u except select c from v',
  'select a from t union distinct select b from u order by 1',
  'select a from t union all select b from u order by a limit 5',
  '(select a from t) union (select b from u)',
  '(select a from t order by a limit 1) union all (select b from u)',
  'with a as (select id, x from t) select id, x from a',
  'with a as (select id from t), b as (select id from a) select b.id from b join a on a.id = b.id',
  'with recursive r (n) as (select 1 union all select n + 1 from r where n < 10) select n from r',
  'with r(a, b) as (select x, y from t) select a, b from r',
  'with a as (select x from t union all select y from u) select * from a',
  'with a as (select x from t) select x from a union select x from a',
  'select a from (with b as (select 1 as a) select a from b) s',
  'create view s.v as select a, b from t',   'create or replace view d.s.v as with x as (select a from t) select a from x',
  'create temp view v as select 1 as one',
  'create table s.t2 as select a, sum(b) as b from t group by a',
  'create temporary table t3 as (select a from t)',
  'create table d.s.t4 as select * from t',
  'insert into s.t (a, b) select x, y from u',
  'insert into t select * from u union all select * from v',
  'insert into d.s.t (a) with w as (select 1 as a) select a from w',
  'select a from t where b = 1;',
  'select 1, 1.5, .5, 2.0, true, false, null, \'it\'\'s\' from t',
  'select a from t where b = 1 and (c = 2 or d = 3) and -e * 2 > f',
  'select f.a date, g.b as "Weird Name", h.c from f, g, h',
  'select t.date, t.type, t.name, t.value, t.year, status, first, last from t',
  'select count(*) as n, count(distinct t.a) filter (where t.b) from t where t.c in (select c from u union select c from v)',
  "select a from t where b = 'x' group by a having max(c) between 1 and 2 order by a",
  'select x.a from schema_one.table_one x left join schema_two.table_two y on x.k = y.k and y.flag where x.b is not null',
]

// Outside the fast grammar (or read differently by node-sql-parser): left to the full parser.
const MUST_REJECT = [
  'update t set a = 1',   'merge into t using s on t.id = s.id when matched then update set a = s.a',
  'create table t (a int, b text)',   'alter table t add column c int',
  'select a from t where b is distinct from c',
  'select a from t where b is not distinct from c',
  'select a from t qualify row_number() over (partition by a order by b) = 1',
  'select sum(a) over w from t window w as (partition by b)',
  'select * from t, lateral (select 1) x',
  'select * from t pivot (sum(a) for b in (1, 2))',
  'select a[1], b->>\'k\' from t',
  'select stddev(a) over (partition by b) from t',
  "select string_agg(a, ',' order by b) from t",
  'select {{ col }} from t',   'select * exclude (a) from t',
  'select distinct on (a) a, b from t',
  'select a from t join u on t.id = u.id, v',
  'select `a` from `t`',
  "select e'\\n' from t",
  'select a from generate_series(1, 10) a',
  'select trim(a) from t',
  'values (1, 2)',
  'select a from t for update',
  'select sum(a) over (order by b range between unbounded preceding and current row) from t',
]
