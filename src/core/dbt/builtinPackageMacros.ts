// The most used macros of dbt_utils and dbt_date, in Jinja. Called as `dbt_utils.x(…)` they are
// found by name (the namespace is not a package we load). Where the real macro asks the warehouse
// (column lists, distinct values, table lists) we have no answer at render time: these render the
// closest SQL that still parses and keeps upstream columns visible, and `_dl_note` records an
// info diagnostic saying what was approximated.

export const PACKAGE_MACROS = `
{#- The exact SQL dbt_utils renders: md5 over the null-guarded casts, so each column is an input. -#}
{% macro generate_surrogate_key(field_list) -%}
{%- set fields = [] -%}
{%- for field in field_list -%}
{%- do fields.append("coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), '_dbt_utils_surrogate_key_null_')") -%}
{%- if not loop.last %}{% do fields.append("'-'") %}{% endif -%}
{%- endfor -%}
{{ dbt.hash(dbt.concat(fields)) }}
{%- endmacro %}

{#- The deprecated form: a list or the columns as separate arguments, nulls as ''. -#}
{% macro surrogate_key(field_list) -%}
{%- set columns = field_list if field_list is not string else [field_list] + varargs -%}
{%- set fields = [] -%}
{%- for field in columns -%}
{%- do fields.append("coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), '')") -%}
{%- if not loop.last %}{% do fields.append("'-'") %}{% endif -%}
{%- endfor -%}
{{ dbt.hash(dbt.concat(fields)) }}
{%- endmacro %}

{#- The column list needs the warehouse; '*' lets lineage expand the star from the upstream
    columns. except/prefix/suffix cannot apply to '*': they are kept in a comment and noted. -#}
{% macro star(from, relation_alias=False, except=[], prefix='', suffix='', quote_identifiers=True) -%}
{%- if except or prefix or suffix -%}
{{ _dl_note('approximate-star', 'dbt_utils.star() rendered as *: except/prefix/suffix are not applied, so excluded columns still show') }}
{%- endif -%}
{{ relation_alias ~ '.' if relation_alias else '' }}*
{%- if except %} /* dbt_utils.star except: {{ except | join(', ') }} */{% endif -%}
{%- endmacro %}

{% macro get_column_values(table, column, order_by='count(*) desc', max_records=none, default=none, where=none) -%}
{{ _dl_note('needs-warehouse', 'dbt_utils.get_column_values() reads the warehouse; rendered as ' ~ ('its default' if default is not none else 'an empty list')) }}
{{- return(default if default is not none else []) -}}
{%- endmacro %}

{#- With values (a literal list) the real output. Without (they usually come from
    get_column_values), one column that still reads the pivoted column, so the SELECT parses. -#}
{% macro pivot(column, values, alias=True, agg='sum', cmp='=', prefix='', suffix='', then_value=1, else_value=0, quote_identifiers=True, distinct=False) -%}
{%- for value in values -%}
{{ agg }}({{ 'distinct ' if distinct else '' }}case when {{ column }} {{ cmp }} '{{ dbt.escape_single_quotes(value) }}' then {{ then_value }} else {{ else_value }} end)
{%- if alias %} as {{ adapter.quote(prefix ~ value ~ suffix) if quote_identifiers else (prefix ~ value ~ suffix) | lower | replace(' ', '_') }}{% endif -%}
{%- if not loop.last %},
{% endif -%}
{%- else -%}
{{ agg }}(case when {{ column }} is not null then {{ then_value }} else {{ else_value }} end) as {{ prefix }}pivot_values_unknown{{ suffix }}
{%- endfor -%}
{%- endmacro %}

{#- One select per relation, the source column first as dbt_utils does; include lists the
    columns, anything else reads '*' (exclude needs the column list: noted). -#}
{% macro union_relations(relations, column_override=none, include=[], exclude=[], source_column_name='_dbt_source_relation', where=none) -%}
{%- if exclude -%}
{{ _dl_note('approximate-star', 'dbt_utils.union_relations(exclude=…) rendered with *: excluded columns still show') }}
{%- endif -%}
{%- for relation in relations -%}
{%- if not loop.first %}
union all
{% endif -%}
select {% if source_column_name %}cast({{ dbt.string_literal(relation) }} as {{ dbt.type_string() }}) as {{ source_column_name }}, {% endif -%}
{{ include | join(', ') if include else '*' }} from {{ relation }}{% if where %} where {{ where }}{% endif %}
{%- endfor -%}
{%- endmacro %}

{% macro get_relations_by_pattern(schema_pattern, table_pattern, exclude='', database=target.database) -%}
{{ _dl_note('needs-warehouse', 'dbt_utils.get_relations_by_pattern() reads the warehouse; rendered as an empty list') }}
{{- return([]) -}}
{%- endmacro %}
{% macro get_relations_by_prefix(schema, prefix, exclude='', database=target.database) -%}
{{ _dl_note('needs-warehouse', 'dbt_utils.get_relations_by_prefix() reads the warehouse; rendered as an empty list') }}
{{- return([]) -}}
{%- endmacro %}
{% macro get_filtered_columns_in_relation(from, except=[]) %}{{ return([]) }}{% endmacro %}
{% macro get_single_value(query, default=none) %}{{ return(default) }}{% endmacro %}
{% macro get_table_types_sql() %}case table_type when 'BASE TABLE' then 'table' when 'EXTERNAL TABLE' then 'external' when 'MATERIALIZED VIEW' then 'materializedview' else lower(table_type) end as table_type{% endmacro %}
{% macro _is_relation(obj, macro) %}{% endmacro %}
{% macro _is_ephemeral(obj, macro) %}{% endmacro %}

{#- The spine's rows come from generating dates; its one column, from the start date. -#}
{% macro date_spine(datepart, start_date, end_date) -%}
select cast({{ start_date }} as date) as date_{{ datepart }}
{%- endmacro %}

{#- dbt_date.get_base_dates: one date_<datepart> column of the timestamp type. -#}
{% macro get_base_dates(start_date=none, end_date=none, n_dateparts=none, datepart='day') -%}
select cast({{ "'" ~ start_date ~ "'" if start_date else dbt.current_timestamp() }} as {{ dbt.type_timestamp() }}) as date_{{ datepart }}
{%- endmacro %}

{% macro safe_add(field_list) -%}
{%- set fields = field_list if field_list is not string else [field_list] + varargs -%}
{%- set parts = [] -%}
{%- for field in fields %}{% do parts.append('coalesce(' ~ field ~ ', 0)') %}{% endfor -%}
{{ parts | join(' + ') }}
{%- endmacro %}

{% macro safe_subtract(field_list) -%}
{%- set parts = [] -%}
{%- for field in field_list %}{% do parts.append('coalesce(' ~ field ~ ', 0)') %}{% endfor -%}
{{ parts | join(' - ') }}
{%- endmacro %}

{% macro safe_divide(numerator, denominator) %}( {{ numerator }} ) / nullif( ( {{ denominator }} ), 0){% endmacro %}

{% macro group_by(n) %}group by {% for i in range(1, n + 1) %}{{ i }}{{ ', ' if not loop.last else '' }}{% endfor %}{% endmacro %}
`;
