-- One row per item of each streamed order event (every event carries the order's snapshot).
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
    cast({{ orderstream.json_text('item.value', 'order_item_id') }} as integer) as order_item_id,
    cast({{ orderstream.json_text('item.value', 'product_id') }} as varchar) as product_id,
    cast({{ orderstream.json_text('item.value', 'seller_id') }} as varchar) as seller_id,
    cast({{ orderstream.json_text('item.value', 'shipping_limit_date') }} as timestamp) as shipping_limit_at,
    cast({{ orderstream.json_text('item.value', 'price') }} as decimal(18, 2)) as price,
    cast({{ orderstream.json_text('item.value', 'freight_value') }} as decimal(18, 2)) as freight_value,
    cast({{ orderstream.json_text('item.value', 'product_category_name') }} as varchar) as product_category_name,
    upper({{ orderstream.json_text('item.value', 'seller_state') }}) as seller_state
from events
{{ orderstream.json_array_elements('events.doc', 'order.items', 'item') }}
