{#
  Instants (TIMESTAMPTZ: event_time, ingested_at, loaded_at) as naive UTC timestamps, comparable
  with Olist's zone-less wall-clock timestamps, whatever the session's time zone.
#}
{% macro utc_timestamp(expr) -%}
  {{ return(adapter.dispatch('utc_timestamp', 'orderstream')(expr)) }}
{%- endmacro %}

{% macro default__utc_timestamp(expr) -%}
  timezone('UTC', cast({{ expr }} as timestamptz))
{%- endmacro %}

{% macro snowflake__utc_timestamp(expr) -%}
  convert_timezone('UTC', cast({{ expr }} as timestamp_tz))::timestamp_ntz
{%- endmacro %}


{# The span between two timestamps in fractional days. #}
{% macro days_between(start_expr, end_expr) -%}
  ({{ dbt.datediff(start_expr, end_expr, 'second') }} / 86400.0)
{%- endmacro %}


{# One row per day from `start_date` to `end_date` (ISO dates, inclusive), column `date_day`. #}
{% macro day_series(start_date, end_date) -%}
  {%- set days = (modules.datetime.date.fromisoformat(end_date) - modules.datetime.date.fromisoformat(start_date)).days + 1 -%}
  {{ return(adapter.dispatch('day_series', 'orderstream')(start_date, days)) }}
{%- endmacro %}

{% macro default__day_series(start_date, days) -%}
  select cast(date '{{ start_date }}' + cast(n as integer) as date) as date_day
  from range({{ days }}) as t(n)
{%- endmacro %}

{% macro snowflake__day_series(start_date, days) -%}
  select dateadd(day, row_number() over (order by seq4()) - 1, '{{ start_date }}'::date) as date_day
  from table(generator(rowcount => {{ days }}))
{%- endmacro %}


{# ISO day of week: Monday = 1 .. Sunday = 7. #}
{% macro iso_day_of_week(expr) -%}
  {{ return(adapter.dispatch('iso_day_of_week', 'orderstream')(expr)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(expr) -%}
  isodow({{ expr }})
{%- endmacro %}

{% macro snowflake__iso_day_of_week(expr) -%}
  dayofweekiso({{ expr }})
{%- endmacro %}
