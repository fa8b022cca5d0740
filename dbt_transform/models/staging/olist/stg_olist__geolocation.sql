-- A table, not a view like the other staging models: aggregating the million raw points once per
-- build is cheaper than in each of its readers (dim_customers, dim_sellers) and tests.
{{ config(materialized='table') }}

-- One row per zip prefix: the mean of its points inside Brazil's bounding box (the raw table has
-- many points per prefix and a few far outside the country), with its most frequent city and state.
with points as (
    select
        lpad(cast(geolocation_zip_code_prefix as varchar), 5, '0') as zip_code_prefix,
        cast(geolocation_lat as double) as lat,
        cast(geolocation_lng as double) as lng,
        lower(trim(cast(geolocation_city as varchar))) as city,
        upper(cast(geolocation_state as varchar)) as state
    from {{ source('olist', 'olist_geolocation') }}
    where geolocation_lat between {{ var('brazil_lat_min') }} and {{ var('brazil_lat_max') }}
      and geolocation_lng between {{ var('brazil_lng_min') }} and {{ var('brazil_lng_max') }}
),

places as (
    select
        zip_code_prefix,
        city,
        state,
        row_number() over (
            partition by zip_code_prefix order by count(*) desc, state, city
        ) as frequency_rank
    from points
    group by zip_code_prefix, city, state
),

centres as (
    select
        zip_code_prefix,
        avg(lat) as lat,
        avg(lng) as lng,
        count(*) as points
    from points
    group by zip_code_prefix
)

select
    centres.zip_code_prefix,
    centres.lat,
    centres.lng,
    places.city,
    places.state,
    centres.points
from centres
inner join places
    on centres.zip_code_prefix = places.zip_code_prefix
   and places.frequency_rank = 1
