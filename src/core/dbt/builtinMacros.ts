// dbt's built-in cross-database macros (dbt.date_trunc, dbt.type_string, …), written in Jinja
// so they run through the same interpreter as project macros. loadMacros loads them before the
// project's macros, so a project macro of the same name wins, and they dispatch through
// adapter.dispatch like dbt's, so a project's `snowflake__date_trunc` overrides still apply.
// Each dialect's form is the SQL dbt's adapter renders, unless node-sql-parser rejects it for
// that dialect; such deviations are noted next to the macro (lineage stays the same).
import type { MacroFile } from './jinjaContext';
import { PACKAGE_MACROS } from './builtinPackageMacros';

/** `name(args)` → `adapter.dispatch('name', 'dbt')(args)`, dbt's own shape for these macros. */
function dispatching(signature: string): string {
  const name = signature.slice(0, signature.indexOf('('));
  const args = signature
    .slice(signature.indexOf('(') + 1, -1)
    .split(',')
    .map((a) => a.split('=')[0].trim())
    .filter(Boolean)
    .join(', ');
  return `{% macro ${signature} %}{{ return(adapter.dispatch('${name}', 'dbt')(${args})) }}{% endmacro %}`;
}

const DISPATCHED = [
  'date_trunc(datepart, date)',
  'dateadd(datepart, interval, from_date_or_timestamp)',
  'datediff(first_date, second_date, datepart)',
  'safe_cast(field, type)',
  'current_timestamp()',
  'concat(fields)',
  'split_part(string_text, delimiter_text, part_number)',
  'hash(field)',
  'cast_bool_to_text(field)',
  'any_value(expression)',
  'bool_or(expression)',
  'last_day(date, datepart)',
  'position(substring_text, string_text)',
  'right(string_text, length_expression)',
  'escape_single_quotes(expression)',
  'except()',
  'intersect()',
  'type_string()',
  'type_timestamp()',
  'type_int()',
  'type_bigint()',
  'type_numeric()',
  'type_float()',
  'type_boolean()',
];

// Types: dbt's api.Column.translate_type per adapter, in the spelling each parser build accepts.
const TYPES = `
{% macro default__type_string() %}{{ return('varchar') }}{% endmacro %}
{% macro postgres__type_string() %}{{ return('text') }}{% endmacro %}
{% macro bigquery__type_string() %}{{ return('string') }}{% endmacro %}
{% macro default__type_timestamp() %}{{ return('timestamp') }}{% endmacro %}
{% macro snowflake__type_timestamp() %}{{ return('timestamp_ntz') }}{% endmacro %}
{% macro default__type_int() %}{{ return('int') }}{% endmacro %}
{% macro bigquery__type_int() %}{{ return('int64') }}{% endmacro %}
{% macro default__type_bigint() %}{{ return('bigint') }}{% endmacro %}
{% macro bigquery__type_bigint() %}{{ return('int64') }}{% endmacro %}
{% macro default__type_numeric() %}{{ return('numeric(28,6)') }}{% endmacro %}
{% macro bigquery__type_numeric() %}{{ return('numeric') }}{% endmacro %}
{% macro default__type_float() %}{{ return('float') }}{% endmacro %}
{% macro bigquery__type_float() %}{{ return('float64') }}{% endmacro %}
{% macro default__type_boolean() %}{{ return('boolean') }}{% endmacro %}
{% macro bigquery__type_boolean() %}{{ return('bool') }}{% endmacro %}
`;

const DATES = `
{% macro default__date_trunc(datepart, date) %}date_trunc('{{ datepart }}', {{ date }}){% endmacro %}
{% macro bigquery__date_trunc(datepart, date) %}timestamp_trunc(cast({{ date }} as timestamp), {{ datepart }}){% endmacro %}

{% macro default__dateadd(datepart, interval, from_date_or_timestamp) %}dateadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }}){% endmacro %}
{% macro postgres__dateadd(datepart, interval, from_date_or_timestamp) %}{{ from_date_or_timestamp }} + ((interval '1 {{ datepart }}') * ({{ interval }})){% endmacro %}
{% macro bigquery__dateadd(datepart, interval, from_date_or_timestamp) %}datetime_add(cast({{ from_date_or_timestamp }} as datetime), interval {{ interval }} {{ datepart }}){% endmacro %}

{% macro default__datediff(first_date, second_date, datepart) %}datediff({{ datepart }}, {{ first_date }}, {{ second_date }}){% endmacro %}
{% macro bigquery__datediff(first_date, second_date, datepart) %}datetime_diff(cast({{ second_date }} as datetime), cast({{ first_date }} as datetime), {{ datepart }}){% endmacro %}
{#- dbt-postgres spells each datepart out; the day form, and date_part arithmetic for the rest. -#}
{% macro postgres__datediff(first_date, second_date, datepart) -%}
{%- if datepart == 'day' -%}(({{ second_date }})::date - ({{ first_date }})::date)
{%- elif datepart == 'week' -%}((({{ second_date }})::date - ({{ first_date }})::date) / 7)
{%- elif datepart == 'month' -%}((date_part('year', ({{ second_date }})::date) - date_part('year', ({{ first_date }})::date)) * 12 + date_part('month', ({{ second_date }})::date) - date_part('month', ({{ first_date }})::date))
{%- elif datepart == 'year' -%}(date_part('year', ({{ second_date }})::date) - date_part('year', ({{ first_date }})::date))
{%- else -%}(date_part('epoch', ({{ second_date }})::timestamp - ({{ first_date }})::timestamp) / {{ {'hour': 3600, 'minute': 60}.get(datepart, 1) }})
{%- endif -%}
{%- endmacro %}

{% macro default__current_timestamp() %}current_timestamp(){% endmacro %}
{% macro postgres__current_timestamp() %}now(){% endmacro %}
{% macro snowflake__current_timestamp() %}convert_timezone('UTC', current_timestamp()){% endmacro %}
{% macro redshift__current_timestamp() %}getdate(){% endmacro %}

{#- dbt renders cast(dateadd(day, -1, dateadd(datepart, 1, date_trunc(datepart, date))) as date) by default. -#}
{% macro default__last_day(date, datepart) %}cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date){% endmacro %}
{% macro snowflake__last_day(date, datepart) %}cast(last_day({{ date }}, {{ datepart }}) as date){% endmacro %}
{% macro bigquery__last_day(date, datepart) %}cast(last_day(cast({{ date }} as date), {{ datepart }}) as date){% endmacro %}
`;

// Strings and aggregates.
const STRINGS = `
{% macro default__safe_cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}
{% macro snowflake__safe_cast(field, type) %}try_cast({{ field }} as {{ type }}){% endmacro %}
{% macro bigquery__safe_cast(field, type) %}safe_cast({{ field }} as {{ type }}){% endmacro %}

{% macro default__concat(fields) %}concat({{ fields | join(', ') }}){% endmacro %}
{% macro postgres__concat(fields) %}{{ fields | join(' || ') }}{% endmacro %}

{% macro default__split_part(string_text, delimiter_text, part_number) %}split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }}){% endmacro %}
{% macro bigquery__split_part(string_text, delimiter_text, part_number) %}split({{ string_text }}, {{ delimiter_text }})[safe_offset({{ part_number - 1 if part_number is number else part_number ~ ' - 1' }})]{% endmacro %}

{% macro default__hash(field) %}md5(cast({{ field }} as {{ dbt.type_string() }})){% endmacro %}
{% macro bigquery__hash(field) %}to_hex(md5(cast({{ field }} as {{ dbt.type_string() }}))){% endmacro %}

{% macro default__cast_bool_to_text(field) %}cast({{ field }} as {{ dbt.type_string() }}){% endmacro %}

{% macro default__any_value(expression) %}any_value({{ expression }}){% endmacro %}
{% macro postgres__any_value(expression) %}min({{ expression }}){% endmacro %}

{% macro default__bool_or(expression) %}bool_or({{ expression }}){% endmacro %}
{% macro snowflake__bool_or(expression) %}boolor_agg({{ expression }}){% endmacro %}
{% macro bigquery__bool_or(expression) %}logical_or({{ expression }}){% endmacro %}

{#- Snowflake's "within group (order by …)" and BigQuery's in-call "order by … limit" are rejected
    by node-sql-parser, so those two drop the ordering and the limit; the inputs are the same. -#}
{% macro listagg(measure, delimiter_text="','", order_by_clause=none, limit_num=none) %}{{ return(adapter.dispatch('listagg', 'dbt')(measure, delimiter_text, order_by_clause, limit_num)) }}{% endmacro %}
{% macro default__listagg(measure, delimiter_text, order_by_clause, limit_num) %}listagg({{ measure }}, {{ delimiter_text }}){% endmacro %}
{% macro postgres__listagg(measure, delimiter_text, order_by_clause, limit_num) %}string_agg({{ measure }}, {{ delimiter_text }}{{ ' ' ~ order_by_clause if order_by_clause else '' }}){% endmacro %}
{% macro bigquery__listagg(measure, delimiter_text, order_by_clause, limit_num) %}string_agg({{ measure }}, {{ delimiter_text }}){% endmacro %}

{% macro default__position(substring_text, string_text) %}position({{ substring_text }} in {{ string_text }}){% endmacro %}
{% macro bigquery__position(substring_text, string_text) %}strpos({{ string_text }}, {{ substring_text }}){% endmacro %}

{% macro default__right(string_text, length_expression) %}right({{ string_text }}, {{ length_expression }}){% endmacro %}
{% macro bigquery__right(string_text, length_expression) %}case when {{ length_expression }} = 0 then '' else substr({{ string_text }}, -1 * ({{ length_expression }})) end{% endmacro %}

{% macro replace(field, old_chars, new_chars) %}replace({{ field }}, {{ old_chars }}, {{ new_chars }}){% endmacro %}
{% macro length(expression) %}length({{ expression }}){% endmacro %}
{% macro string_literal(value) %}'{{ value }}'{% endmacro %}

{% macro default__escape_single_quotes(expression) %}{{ expression | replace("'", "''") }}{% endmacro %}
{% macro bigquery__escape_single_quotes(expression) %}{{ expression | replace("'", "\\\\'") }}{% endmacro %}

{#- Snowflake's except/intersect are not in node-sql-parser's snowflake build; dbt renders them anyway. -#}
{% macro default__except() %}except{% endmacro %}
{% macro bigquery__except() %}except distinct{% endmacro %}
{% macro default__intersect() %}intersect{% endmacro %}
{% macro bigquery__intersect() %}intersect distinct{% endmacro %}
`;

/** Where diagnostics inside a built-in macro say it lives. */
export const BUILTIN_MACRO_PATH = '(built-in dbt macros)';

/** The built-in library: dbt's cross-database macros, then the common package macros. */
export const BUILTIN_MACRO_FILES: readonly MacroFile[] = [
  { path: BUILTIN_MACRO_PATH, text: [...DISPATCHED.map(dispatching), TYPES, DATES, STRINGS].join('\n') },
  { path: BUILTIN_MACRO_PATH, text: PACKAGE_MACROS },
];
