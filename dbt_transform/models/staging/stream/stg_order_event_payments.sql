-- One row per payment of each streamed order event (every event carries the order's snapshot).
with events as (
    select * from {{ ref('base_order_events') }}
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
