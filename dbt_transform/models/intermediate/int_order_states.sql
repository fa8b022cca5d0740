-- Ephemeral: only int_orders reads it, so it is inlined there instead of written as a table on
-- every build (its tests inline it too).
{{ config(materialized='ephemeral') }}

-- Every known state of every order, from both sources, on one timeline:
--   history  one state per order of olist_orders, at its latest lifecycle timestamp;
--   stream   one state per order event, at its event time.
-- `loaded_at` is when the state reached the warehouse (the history file's load, the event's
-- ingestion): the incremental facts reprocess orders with states newer than what they hold.
with history_load as (
    select max({{ orderstream.utc_timestamp('loaded_at') }}) as loaded_at
    from {{ source('stream', 'load_manifest') }}
    where table_name in ('olist_orders', 'olist_order_items', 'olist_order_payments', 'olist_order_reviews', 'olist_customers')
),

history as (
    select
        orders.order_id,
        'history' as state_source,
        cast(null as varchar) as event_id,
        greatest(
            orders.purchased_at,
            coalesce(orders.approved_at, orders.purchased_at),
            coalesce(orders.delivered_carrier_at, orders.purchased_at),
            coalesce(orders.delivered_customer_at, orders.purchased_at)
        ) as state_at,
        case orders.order_status
            when 'created' then 0
            when 'approved' then 1
            when 'invoiced' then 2
            when 'processing' then 3
            when 'shipped' then 4
            when 'delivered' then 5
            else 6
        end as lifecycle_step,
        orders.order_status,
        orders.customer_id,
        customers.customer_unique_id,
        customers.customer_state,
        orders.purchased_at,
        orders.approved_at,
        orders.delivered_carrier_at,
        orders.delivered_customer_at,
        orders.estimated_delivery_at,
        coalesce(history_load.loaded_at, cast('1970-01-01 00:00:00' as timestamp)) as loaded_at
    from {{ ref('stg_olist__orders') }} as orders
    left join {{ ref('stg_olist__customers') }} as customers
        on orders.customer_id = customers.customer_id
    cross join history_load
),

stream as (
    select
        order_id,
        'stream' as state_source,
        event_id,
        event_at as state_at,
        lifecycle_step,
        order_status,
        customer_id,
        customer_unique_id,
        customer_state,
        purchased_at,
        approved_at,
        delivered_carrier_at,
        delivered_customer_at,
        estimated_delivery_at,
        ingested_at as loaded_at
    from {{ ref('stg_order_events') }}
)

select * from history
union all
select * from stream
