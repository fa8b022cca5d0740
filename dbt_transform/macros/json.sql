{#
  JSON access to the stream payload. DuckDB stores `payload` as JSON and uses its json functions;
  Snowflake reads it as VARIANT (parse_json of its text, whatever the RAW column type) with path
  notation and LATERAL FLATTEN. Paths are dot-separated keys, e.g. 'order.customer.customer_id'.
#}

{# The payload as a JSON document. #}
{% macro json_document(expr) -%}
  {{ return(adapter.dispatch('json_document', 'orderstream')(expr)) }}
{%- endmacro %}

{% macro default__json_document(expr) -%}
  cast({{ expr }} as json)
{%- endmacro %}

{% macro snowflake__json_document(expr) -%}
  parse_json(to_varchar({{ expr }}))
{%- endmacro %}


{# A scalar at `path` as text (null when missing or JSON null). #}
{% macro json_text(expr, path) -%}
  {{ return(adapter.dispatch('json_text', 'orderstream')(expr, path)) }}
{%- endmacro %}

{% macro default__json_text(expr, path) -%}
  json_extract_string({{ expr }}, '$.{{ path }}')
{%- endmacro %}

{% macro snowflake__json_text(expr, path) -%}
  {#- quoted keys: case-sensitive, and `order` is a reserved word -#}
  {{ expr }}:{% for key in path.split('.') %}{% if not loop.first %}.{% endif %}"{{ key }}"{% endfor %}::varchar
{%- endmacro %}


{#
  A FROM-clause fragment joining each row of the preceding relation to the elements of the JSON
  array at `path`, one row per element. The element is `<alias>.value` (a JSON value for
  json_text), its 0-based position `<alias>.index`. Rows whose array is empty or missing drop out.
#}
{% macro json_array_elements(expr, path, alias) -%}
  {{ return(adapter.dispatch('json_array_elements', 'orderstream')(expr, path, alias)) }}
{%- endmacro %}

{% macro default__json_array_elements(expr, path, alias) -%}
  cross join lateral (
    select
      unnest(cast(json_extract({{ expr }}, '$.{{ path }}') as json[])) as value,
      unnest(range(cast(json_array_length({{ expr }}, '$.{{ path }}') as bigint))) as index
  ) as {{ alias }}
{%- endmacro %}

{% macro snowflake__json_array_elements(expr, path, alias) -%}
  cross join lateral flatten(
    input => {{ expr }}:{% for key in path.split('.') %}{% if not loop.first %}.{% endif %}"{{ key }}"{% endfor %}
  ) as {{ alias }}
{%- endmacro %}
