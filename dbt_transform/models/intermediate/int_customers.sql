-- One row per customer_id (Olist gives every order its own): the history's customers, plus those
-- known only from the stream (their address as of their latest event).
with history as (
    select
        customer_id,
        customer_unique_id,
        customer_zip_code_prefix,
        customer_city,
        customer_state,
        'history' as customer_source
    from {{ ref('stg_olist__customers') }}
),

stream as (
    select
        customer_id,
        customer_unique_id,
        customer_zip_code_prefix,
        customer_city,
        customer_state,
        'stream' as customer_source,
        row_number() over (
            partition by customer_id order by event_at desc, ingested_at desc, event_id desc
        ) as recency_rank
    from {{ ref('stg_order_events') }}
    where customer_id is not null
)

select * from history
union all
select
    customer_id,
    customer_unique_id,
    customer_zip_code_prefix,
    customer_city,
    customer_state,
    customer_source
from stream
where recency_rank = 1
  and customer_id not in (select customer_id from history)
