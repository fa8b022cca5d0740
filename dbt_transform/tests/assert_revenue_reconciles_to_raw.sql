-- Severity error: a guarantee of our models (no item lost or doubled between RAW and the facts).
-- Revenue reconciles to RAW to the cent: items + freight in fct_order_items equals RAW
-- olist_order_items plus the items of the stream's orders that are not in the history (taken from
-- their order_created event, the earliest event when that is missing).
with raw_history as (
    select sum(price + freight_value) as value from {{ source('olist', 'olist_order_items') }}
),

stream_orders as (
    select
        order_id,
        items_value,
        freight_value,
        row_number() over (
            partition by order_id
            order by case when event_type = 'order_created' then 0 else 1 end, event_time, ingested_at, event_id
        ) as preference
    from {{ source('stream', 'raw_order_events') }}
    where order_id not in (select order_id from {{ source('olist', 'olist_orders') }})
),

raw_stream as (
    select sum(items_value + freight_value) as value from stream_orders where preference = 1
),

fact as (
    select sum(price + freight_value) as value from {{ ref('fct_order_items') }}
),

compared as (
    select
        cast(coalesce(fact.value, 0) as decimal(18, 2)) as fact_value,
        cast(coalesce(raw_history.value, 0) + coalesce(raw_stream.value, 0) as decimal(18, 2)) as raw_value
    from fact
    cross join raw_history
    cross join raw_stream
)

-- compared as DECIMAL(18,2): exact to the cent even where an engine sums in floating point
select fact_value, raw_value
from compared
where fact_value <> raw_value
