-- One row per item of each streamed order event (every event carries the order's snapshot).
with events as (
    select * from {{ ref('base_order_events') }}
)

select
    cast(events.event_id as varchar) as event_id,
    cast(events.order_id as varchar) as order_id,
    cast({{ orderstream.json_text('item.value', 'order_item_id') }} as integer) as order_item_id,
    cast({{ orderstream.json_text('item.value', 'product_id') }} as varchar) as product_id,
    cast({{ orderstream.json_text('item.value', 'seller_id') }} as varchar) as seller_id,
    {{ orderstream.utc_wall_clock_to_business_time(orderstream.json_text('item.value', 'shipping_limit_date')) }} as shipping_limit_at,
    cast({{ orderstream.json_text('item.value', 'price') }} as decimal(18, 2)) as price,
    cast({{ orderstream.json_text('item.value', 'freight_value') }} as decimal(18, 2)) as freight_value,
    cast({{ orderstream.json_text('item.value', 'product_category_name') }} as varchar) as product_category_name,
    upper({{ orderstream.json_text('item.value', 'seller_state') }}) as seller_state
from events
{{ orderstream.json_array_elements('events.doc', 'order.items', 'item') }}
