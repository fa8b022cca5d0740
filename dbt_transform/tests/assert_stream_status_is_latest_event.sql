-- Severity error: a guarantee of our models (the latest state by event time wins).
-- For orders known only from the stream, fct_orders' status is the status of the event with the
-- latest event time (late-arriving events included), ties by lifecycle step.
with ranked as (
    select
        order_id,
        order_status,
        row_number() over (
            partition by order_id
            order by event_at desc, lifecycle_step desc, ingested_at desc, event_id desc
        ) as recency_rank
    from {{ ref('stg_order_events') }}
)

select facts.order_id, facts.order_status, ranked.order_status as latest_event_status
from {{ ref('fct_orders') }} as facts
inner join ranked
    on facts.order_id = ranked.order_id
   and ranked.recency_rank = 1
where not facts.in_history
  and facts.order_status <> ranked.order_status
