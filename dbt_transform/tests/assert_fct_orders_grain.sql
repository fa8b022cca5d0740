-- Severity error: a guarantee of our models, not an assumption about the data.
-- Fact grain: fct_orders holds exactly one row per distinct order of RAW history and stream.
-- Returns the orders missing from the fact, the extra ones, and any order_id repeated.
with expected as (
    select order_id from {{ source('olist', 'olist_orders') }}
    union
    select order_id from {{ source('stream', 'raw_order_events') }}
),

actual as (
    select order_id, count(*) as occurrences from {{ ref('fct_orders') }} group by order_id
)

select coalesce(expected.order_id, actual.order_id) as order_id,
       case
           when actual.order_id is null then 'missing from fct_orders'
           when expected.order_id is null then 'not in RAW'
           else 'repeated'
       end as problem
from expected
full outer join actual
    on expected.order_id = actual.order_id
where actual.order_id is null
   or expected.order_id is null
   or actual.occurrences > 1
