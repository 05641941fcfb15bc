{#- Custom schemas are used as written (staging, marts) instead of dbt's default
    "<target schema>_<custom schema>", so the relations match what the DAG and Spark job read. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
