-- One row per payment of each streamed order event (every event carries the order's snapshot).
with events as (
    select
        event_id,
        order_id,
        {{ orderstream.json_document('payload') }} as doc
    from {{ source('stream', 'raw_order_events') }}
    -- At-least-once delivery may land an event twice (a re-published message has a new offset):
    -- keep the first copy.
    qualify row_number() over (
        partition by event_id order by ingested_at, kafka_partition, kafka_offset
    ) = 1
)

select
    cast(events.event_id as varchar) as event_id,
    cast(events.order_id as varchar) as order_id,
    cast({{ orderstream.json_text('payment.value', 'payment_sequential') }} as integer) as payment_sequential,
    cast({{ orderstream.json_text('payment.value', 'payment_type') }} as varchar) as payment_type,
    cast({{ orderstream.json_text('payment.value', 'payment_installments') }} as integer) as payment_installments,
    cast({{ orderstream.json_text('payment.value', 'payment_value') }} as decimal(18, 2)) as payment_value
from events
{{ orderstream.json_array_elements('events.doc', 'order.payments', 'payment') }}
