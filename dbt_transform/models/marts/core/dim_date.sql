-- One row per calendar day from var dim_date_start to var dim_date_end.
with days as (
    {{ orderstream.day_series(var('dim_date_start'), var('dim_date_end')) }}
)

select
    date_day,
    extract(year from date_day) as year,
    extract(quarter from date_day) as quarter,
    extract(month from date_day) as month,
    extract(day from date_day) as day_of_month,
    -- ISO day of week, Monday = 1 .. Sunday = 7
    {{ orderstream.iso_day_of_week('date_day') }} as day_of_week,
    cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start,
    cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
    {{ orderstream.iso_day_of_week('date_day') }} >= 6 as is_weekend
from days
