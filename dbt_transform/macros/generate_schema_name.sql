{#
  Layers get their own schemas, named as configured (`staging`, `intermediate`, `marts`) rather
  than dbt's default `<target schema>_<custom>`: the dashboard finds the marts in a schema called
  `marts`. Models without a custom schema go to the target's schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}
    {{ target.schema }}
  {%- else -%}
    {{ custom_schema_name | trim }}
  {%- endif -%}
{%- endmacro %}
