{#
  Instants (TIMESTAMPTZ: ingested_at, loaded_at) as naive UTC timestamps: the incremental watermark,
  whatever the session's time zone. Times a person sees use to_business_time instead.
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


{#
  The business time zone (var `business_time_zone`, default America/Sao_Paulo; core's runDbt
  passes the apps' `businessTimeZone`): every hour and day a person sees is a local hour or day
  of this zone. Olist history timestamps are already naive local times of it; stream instants
  are converted into it with the macros below. The name is checked before it reaches SQL.
#}
{% macro business_time_zone() -%}
  {%- set zone = var('business_time_zone', 'America/Sao_Paulo') -%}
  {%- if not modules.re.match('^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$', zone) -%}
    {{ exceptions.raise_compiler_error("var business_time_zone is not an IANA time zone name: '" ~ zone ~ "'") }}
  {%- endif -%}
  {{ return(zone) }}
{%- endmacro %}


{#
  An instant (TIMESTAMPTZ, e.g. event_time) as the naive local time of the business time zone:
  2017-02-19T01:30:00Z is 2017-02-18 23:30:00 in Sao Paulo (the second 23:30 of that 25-hour day).
#}
{% macro to_business_time(expr) -%}
  {{ return(adapter.dispatch('to_business_time', 'orderstream')(expr, orderstream.business_time_zone())) }}
{%- endmacro %}

{% macro default__to_business_time(expr, zone) -%}
  timezone('{{ zone }}', cast({{ expr }} as timestamptz))
{%- endmacro %}

{% macro snowflake__to_business_time(expr, zone) -%}
  convert_timezone('{{ zone }}', cast({{ expr }} as timestamp_tz))::timestamp_ntz
{%- endmacro %}


{#
  A naive timestamp that holds a UTC wall clock (the stream payload's Olist-style timestamps,
  written by core's formatNaiveTimestamp) as the naive local time of the business time zone.
#}
{% macro utc_wall_clock_to_business_time(expr) -%}
  {{ return(adapter.dispatch('utc_wall_clock_to_business_time', 'orderstream')(expr, orderstream.business_time_zone())) }}
{%- endmacro %}

{% macro default__utc_wall_clock_to_business_time(expr, zone) -%}
  timezone('{{ zone }}', timezone('UTC', cast({{ expr }} as timestamp)))
{%- endmacro %}

{% macro snowflake__utc_wall_clock_to_business_time(expr, zone) -%}
  convert_timezone('UTC', '{{ zone }}', cast({{ expr }} as timestamp_ntz))
{%- endmacro %}
