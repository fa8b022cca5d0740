-- One row per order: its latest state by event time (late events take their place in time, not in
-- arrival order; same instant: further lifecycle step, later arrival, greater event id), and where
-- its items and payments come from: the history when the order is there, else the stream's
-- order_created event (or, when that never arrived, the earliest event of the order).
with states as (
    select * from {{ ref('int_order_states') }}
),

latest as (
    select
        *,
        row_number() over (
            partition by order_id
            order by state_at desc, lifecycle_step desc, loaded_at desc, event_id desc nulls last
        ) as recency_rank
    from states
),

per_order as (
    select
        order_id,
        max(case when state_source = 'history' then 1 else 0 end) = 1 as in_history,
        max(case when state_source = 'stream' then 1 else 0 end) = 1 as in_stream,
        sum(case when state_source = 'stream' then 1 else 0 end) as events_count,
        max(case when state_source = 'stream' then state_at end) as last_event_at,
        max(loaded_at) as loaded_at
    from states
    group by order_id
),

items_event as (
    select
        order_id,
        event_id,
        row_number() over (
            partition by order_id
            order by case when lifecycle_step = 0 then 0 else 1 end, state_at, loaded_at, event_id
        ) as preference
    from states
    where state_source = 'stream'
)

select
    latest.order_id,
    latest.customer_id,
    latest.customer_unique_id,
    latest.customer_state,
    latest.order_status,
    latest.purchased_at,
    latest.approved_at,
    latest.delivered_carrier_at,
    latest.delivered_customer_at,
    latest.estimated_delivery_at,
    latest.state_source as status_source,
    latest.event_id as status_event_id,
    latest.state_at as status_at,
    per_order.in_history,
    per_order.in_stream,
    per_order.events_count,
    per_order.last_event_at,
    case when per_order.in_history then 'history' else 'stream' end as lines_source,
    case when per_order.in_history then null else items_event.event_id end as lines_event_id,
    per_order.loaded_at as _loaded_at
from latest
inner join per_order
    on latest.order_id = per_order.order_id
left join items_event
    on latest.order_id = items_event.order_id
   and items_event.preference = 1
where latest.recency_rank = 1
