// A deterministic synthetic dbt project for the benchmark. Every model is built from the columns
// its upstreams really output, so column lineage resolves end to end and the figures measure the
// engine on the happy path, with parse and resolve work comparable to a real project.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { pipelineFiles } from './generatePipelines';

type Kind = 'key' | 'num' | 'text' | 'ts' | 'bool';
interface Col {
  name: string;
  kind: Kind;
  /** Computed in some model; later models pass it through but derive only from base columns. */
  derived?: boolean;
}
interface Rel {
  name: string;
  cols: Col[];
  call: string; // the Jinja that names it: ref(...) or source(...)
}

const PROJECT = 'bench_project';
const SYSTEMS = ['shop', 'crm', 'billing', 'events', 'erp'];
const DOMAINS = ['finance', 'marketing', 'product', 'sales', 'support', 'ops'];
const NOUNS = ['orders', 'payments', 'sessions', 'invoices', 'accounts', 'tickets', 'shipments', 'refunds', 'visits', 'leads'];
const VOCAB: Record<Exclude<Kind, 'key'>, string[]> = {
  num: ['amount', 'quantity', 'price', 'discount', 'tax', 'score', 'duration', 'weight', 'balance', 'fee', 'margin', 'cost'],
  text: ['status', 'channel', 'country', 'currency', 'category', 'segment', 'source_system', 'plan', 'region', 'device'],
  ts: ['created_at', 'closed_at', 'shipped_at', 'paid_at', 'started_at'],
  bool: ['is_active', 'is_deleted', 'is_test', 'is_paid', 'is_refunded'],
};
const BATCH = 200;
const FOLDER_LIMIT = 450; // keeps every folder under 500 files with its _models.yml

/** mulberry32: small, fast and seedable, so the same seed always yields the same workspace. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function generateWorkspace(dir: string, opts: { models: number; seed?: number; dags?: number; sparkJobs?: number }): Promise<{ files: number; bytes: number }> {
  const rnd = prng(opts.seed ?? 42);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const chance = (p: number) => rnd() < p;
  const files = new Map<string, string>();
  const n = Math.max(10, opts.models);

  files.set('dbt_project.yml', projectYaml());
  files.set('profiles.yml', profilesYaml());
  files.set('macros/generate_schema_name.sql', GENERATE_SCHEMA_NAME);
  files.set('macros/utils.sql', UTIL_MACROS);

  // ~1% of models as source tables, spread over a few source systems.
  const sources: Rel[] = [];
  const sourceDocs = new Map<string, string[]>();
  const sourceCount = Math.max(2, Math.round(n * 0.01));
  for (let i = 0; i < sourceCount; i++) {
    const sys = SYSTEMS[i % SYSTEMS.length];
    const table = `${pick(NOUNS)}_${i}`;
    const cols: Col[] = [{ name: 'id', kind: 'key' }, { name: 'customer_id', kind: 'key' }, { name: 'updated_at', kind: 'ts' }];
    addFresh(cols, int(12, 28), rnd);
    sources.push({ name: table, cols, call: `source('${sys}', '${table}')` });
    const doc = [`      - name: ${table}`, `        description: Raw ${table.replace(/_\d+$/, '')} from ${sys}.`, '        columns:'];
    for (const c of cols) doc.push(`          - name: ${c.name}`, `            data_type: ${SQL_TYPE[c.kind]}`, `            description: ${c.name.replace(/_/g, ' ')}.`);
    sourceDocs.set(sys, [...(sourceDocs.get(sys) ?? []), ...doc]);
  }
  for (const [sys, lines] of sourceDocs) {
    files.set(`models/staging/${sys}/_${sys}__sources.yml`, ['version: 2', '', 'sources:', `  - name: ${sys}`, `    schema: raw_${sys}`, '    tables:', ...lines, ''].join('\n'));
  }

  const staging = Math.max(2, Math.round(n * 0.2));
  const intermediate = Math.round(n * 0.45);
  const models: Rel[] = [];
  const folderCount = new Map<string, number>();
  const docs = new Map<string, string[]>();
  for (let i = 0; i < n; i++) {
    const layer = i < staging ? 'staging' : i < staging + intermediate ? 'intermediate' : 'marts';
    const src = layer === 'staging' ? sources[i % sources.length] : undefined;
    const group = src ? SYSTEMS[sources.indexOf(src) % SYSTEMS.length] : pick(DOMAINS);
    const noun = pick(NOUNS);
    const name = layer === 'staging' ? `stg_${group}__${src?.name}_${i}` : layer === 'intermediate' ? `int_${group}_${noun}_${i}` : `${chance(0.6) ? 'fct' : 'dim'}_${group}_${noun}_${i}`;
    // Upstreams: staging reads its source; later layers read 1–3 earlier models, half of the
    // time from the recent ones so the graph is deep as well as wide.
    let ups: Rel[];
    if (src) ups = [src];
    else {
      const lo = layer === 'intermediate' ? 0 : staging;
      const k = int(1, 3);
      const chosen = new Set<number>();
      while (chosen.size < Math.min(k, i - lo)) chosen.add(chance(0.5) ? int(Math.max(lo, i - 200), i - 1) : int(lo, i - 1));
      ups = [...chosen].map((j) => models[j]);
    }
    const { sql, cols } = modelSql(ups, layer, int, pick, chance);
    models.push({ name, cols, call: `ref('${name}')` });
    const seen = folderCount.get(`${layer}/${group}`) ?? 0;
    folderCount.set(`${layer}/${group}`, seen + 1);
    const chunk = Math.floor(seen / FOLDER_LIMIT);
    const folder = `models/${layer}/${group}${chunk ? `_${chunk + 1}` : ''}`;
    files.set(`${folder}/${name}.sql`, sql);
    if (chance(0.2)) docs.set(folder, [...(docs.get(folder) ?? []), ...modelDoc(name, cols, chance)]);
  }
  for (const [folder, lines] of docs) files.set(`${folder}/_models.yml`, ['version: 2', '', 'models:', ...lines, ''].join('\n'));
  const marts = models.slice(staging + intermediate);
  for (const [f, text] of pipelineFiles(marts, { dags: opts.dags ?? 0, sparkJobs: opts.sparkJobs ?? 0 }, rnd)) files.set(f, text);

  await fsp.rm(dir, { recursive: true, force: true });
  const dirs = new Set([...files.keys()].map((f) => path.dirname(path.join(dir, f))));
  for (const d of dirs) await fsp.mkdir(d, { recursive: true });
  let bytes = 0;
  const entries = [...files];
  // Batches bound the number of open file handles while keeping the writes parallel.
  for (let i = 0; i < entries.length; i += BATCH) {
    await Promise.all(entries.slice(i, i + BATCH).map(([f, text]) => fsp.writeFile(path.join(dir, f), text)));
  }
  for (const text of files.values()) bytes += Buffer.byteLength(text);
  return { files: files.size, bytes };
}

const SQL_TYPE: Record<Kind, string> = { key: 'bigint', num: 'numeric(12,2)', text: 'text', ts: 'timestamp', bool: 'boolean' };

/** Adds `count` new columns with names not yet in `cols`. */
function addFresh(cols: Col[], count: number, rnd: () => number): void {
  const kinds: Exclude<Kind, 'key'>[] = ['num', 'num', 'num', 'text', 'text', 'ts', 'bool'];
  for (let tries = 0; count > 0 && tries < count * 20; tries++) {
    const kind = kinds[Math.floor(rnd() * kinds.length)];
    const base = VOCAB[kind][Math.floor(rnd() * VOCAB[kind].length)];
    const name = tries < 10 ? base : `${base}_${Math.floor(rnd() * 90) + 10}`;
    if (cols.some((c) => c.name === name)) continue;
    cols.push({ name, kind });
    count--;
  }
}

type Int = (lo: number, hi: number) => number;
type Pick = <T>(xs: readonly T[]) => T;

/** One model: import CTEs, a join, an optional aggregate, derived columns, a final select. */
function modelSql(ups: Rel[], layer: string, int: Int, pick: Pick, chance: (p: number) => boolean): { sql: string; cols: Col[] } {
  const aliases = ups.map((u, i) => (ups.length === 1 ? 'src' : `${u.name.split('_')[0]}${i + 1}`));
  const imports = ups.map((u, i) => `${aliases[i]} as (\n\n    select * from {{ ${u.call} }}\n\n)`);
  const incremental = layer !== 'staging' && chance(0.15);
  const config = incremental
    ? `{{ config(materialized='incremental', unique_key='customer_id', on_schema_change='append_new_columns') }}`
    : `{{ config(materialized='${layer === 'marts' ? 'table' : 'view'}', tags=['${layer}']) }}`;
  const target = int(10, 40);
  const out: Col[] = [];
  const has = (name: string) => out.some((c) => c.name === name);
  const sel: string[] = [];
  const take = (alias: string, c: Col, as = c.name) => {
    if (has(as)) return;
    sel.push(as === c.name ? `${alias}.${c.name}` : `${alias}.${c.name} as ${as}`);
    out.push({ name: as, kind: c.kind, derived: c.derived });
  };
  const a = ups[0];
  // Keys and the watermark travel through every model, so joins and incremental filters work.
  for (const c of a.cols) if (c.kind === 'key' || c.name === 'updated_at') take(aliases[0], c, c.name === 'id' ? `${a.name.replace(/_\d+$/, '')}_id` : c.name);
  const joins: string[] = [];
  for (let i = 1; i < ups.length; i++) {
    const shared = ups[i].cols.filter((c) => c.kind === 'key' && a.cols.some((x) => x.name === c.name));
    const key = shared.length ? pick(shared).name : 'customer_id';
    joins.push(`    ${i === 1 || chance(0.5) ? 'left join' : 'inner join'} ${aliases[i]}\n        on ${aliases[0]}.${key} = ${aliases[i]}.${key}`);
  }
  for (let i = 0; i < ups.length; i++) {
    for (const c of ups[i].cols) if (out.length < target * 0.6 && c.kind !== 'key' && chance(0.7)) take(aliases[i], c);
  }
  const where: string[] = [];
  if (layer === 'staging') where.push(`${aliases[0]}.updated_at >= '{{ var("start_date", "2020-01-01") }}'`);
  if (layer === 'staging' && chance(0.2)) where.push(`{{ is_recent('${aliases[0]}.updated_at', 3650) }}`);
  const incr = incremental ? `\n    {% if is_incremental() %}\n    where ${aliases[0]}.updated_at > (select max(updated_at) from {{ this }})\n    {% endif %}` : '';
  const ctes = [...imports, `joined as (\n\n    select\n        ${sel.join(',\n        ')}\n    from ${aliases[0]}\n${joins.join('\n')}${where.length ? `\n    where ${where.join(' and ')}` : ''}${incr}\n\n)`];
  let prev = 'joined';
  let cols = out;
  if (layer !== 'staging' && chance(0.3)) {
    // Aggregate to one row per customer: realistic for marts and a different resolver path.
    const agg: string[] = ['customer_id', 'max(updated_at) as updated_at', 'count(*) as row_count'];
    const aggCols: Col[] = [{ name: 'customer_id', kind: 'key' }, { name: 'updated_at', kind: 'ts' }, { name: 'row_count', kind: 'num', derived: true }];
    const add = (expr: string, name: string, derived: boolean) => {
      if (aggCols.some((c) => c.name === name)) return;
      agg.push(`${expr} as ${name}`);
      aggCols.push({ name, kind: 'num', derived });
    };
    // The prefix replaces an earlier one (total_total_x never appears), so names stay bounded.
    for (const c of out.filter((x) => !x.derived)) {
      const fn = pick(['sum', 'avg', 'max']);
      if (c.kind === 'num') add(`${fn}(${c.name})`, `${fn === 'sum' ? 'total' : fn}_${c.name.replace(/^(total|avg|max)_/, '')}`, false);
      else if (c.kind === 'text' && chance(0.4)) add(`count(distinct ${c.name})`, `distinct_${c.name}_count`, true);
    }
    ctes.push(`aggregated as (\n\n    select\n        ${agg.join(',\n        ')}\n    from joined\n    group by customer_id\n\n)`);
    prev = 'aggregated';
    cols = aggCols;
  }
  // Derived columns (CASE with a var() threshold, window functions, project macros) are built
  // from base columns only, so names do not pile up suffixes layer after layer.
  const derived: string[] = [];
  const final = [...cols];
  const cands: [string, string, Kind][] = [
    ['row_number() over (partition by customer_id order by updated_at desc)', 'customer_row_number', 'num'],
    ['lag(updated_at) over (partition by customer_id order by updated_at)', 'previous_updated_at', 'ts'],
  ];
  const base = cols.filter((c) => !c.derived);
  for (const c of base) {
    const n = c.name;
    if (c.kind === 'num') {
      cands.push([`case\n            when ${n} >= {{ var('high_value_threshold', 1000) }} then 'high'\n            when ${n} >= 100 then 'medium'\n            else 'low'\n        end`, `${n}_band`, 'text']);
      cands.push([`sum(${n}) over (partition by customer_id order by updated_at rows between unbounded preceding and current row)`, `running_${n}`, 'num']);
      cands.push([`{{ cents_to_dollars('${n}') }}`, `${n}_usd`, 'num']);
      const other = base.find((x) => x.kind === 'num' && x !== c);
      if (other) cands.push([`{{ safe_divide('${n}', '${other.name}') }}`, `${n}_per_${other.name}`, 'num']);
    } else if (c.kind === 'text') cands.push([`coalesce(lower(${n}), 'unknown')`, `${n}_normalized`, 'text']);
    else if (c.kind === 'ts' && n !== 'updated_at') cands.push([`date_trunc('month', ${n})`, `${n}_month`, 'ts']);
    else if (c.kind === 'bool') cands.push([`case when ${n} then 1 else 0 end`, `${n}_flag`, 'num']);
  }
  while (final.length < target && cands.length) {
    const [expr, name, kind] = cands.splice(int(0, cands.length - 1), 1)[0];
    if (final.some((c) => c.name === name)) continue;
    derived.push(`${expr} as ${name}`);
    final.push({ name, kind, derived: true });
  }
  ctes.push(`final as (\n\n    select\n        ${[...cols.map((c) => c.name), ...derived].join(',\n        ')}\n    from ${prev}\n\n)`);
  const last = chance(0.1) ? 'select * from final' : `select\n    ${final.map((c) => c.name).join(',\n    ')}\nfrom final`;
  return { sql: `${config}\n\nwith ${ctes.join(',\n\n')}\n\n${last}\n`, cols: final };
}

function modelDoc(name: string, cols: Col[], chance: (p: number) => boolean): string[] {
  const lines = [`  - name: ${name}`, `    description: ${name.replace(/_\d+$/, '').replace(/_/g, ' ')}, one row per key.`, '    columns:'];
  for (const c of cols) {
    if (c.kind !== 'key' && !chance(0.5)) continue;
    lines.push(`      - name: ${c.name}`, `        description: ${c.name.replace(/_/g, ' ')}.`);
    if (c.kind === 'key' && c.name !== 'customer_id') lines.push('        tests: [not_null]');
  }
  return lines;
}

function projectYaml(): string {
  return `name: ${PROJECT}
version: "1.0.0"
config-version: 2
profile: ${PROJECT}

model-paths: ["models"]
macro-paths: ["macros"]

vars:
  start_date: "2020-01-01"
  high_value_threshold: 1000

models:
  ${PROJECT}:
    staging:
      +materialized: view
      +schema: staging
    intermediate:
      +materialized: view
      +schema: intermediate
    marts:
      +materialized: table
      +schema: marts
`;
}

function profilesYaml(): string {
  return `${PROJECT}:
  target: dev
  outputs:
    dev:
      type: postgres
      host: localhost
      user: "{{ env_var('DBT_USER', 'analytics') }}"
      port: 5432
      dbname: warehouse
      schema: analytics
      threads: 8
`;
}

const GENERATE_SCHEMA_NAME = `{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
`;

const UTIL_MACROS = `{% macro cents_to_dollars(column_name, scale=2) -%}
    round(({{ column_name }} / 100.0)::numeric, {{ scale }})
{%- endmacro %}

{% macro safe_divide(numerator, denominator) -%}
    case when {{ denominator }} = 0 then null else {{ numerator }} / {{ denominator }} end
{%- endmacro %}

{% macro is_recent(column_name, days=30) -%}
    {{ column_name }} >= current_date - interval '{{ days }} days'
{%- endmacro %}
`;
