-- The items of every order, from the source int_orders picked for its lines.
with orders as (
    select order_id, lines_source, lines_event_id, _loaded_at from {{ ref('int_orders') }}
),

history_items as (
    select
        items.order_id,
        items.order_item_id,
        items.product_id,
        items.seller_id,
        items.shipping_limit_at,
        items.price,
        items.freight_value,
        cast(null as varchar) as product_category_name,
        cast(null as varchar) as seller_state,
        'history' as lines_source
    from {{ ref('stg_olist__order_items') }} as items
    inner join orders
        on items.order_id = orders.order_id
       and orders.lines_source = 'history'
),

stream_items as (
    select
        items.order_id,
        items.order_item_id,
        items.product_id,
        items.seller_id,
        items.shipping_limit_at,
        items.price,
        items.freight_value,
        items.product_category_name,
        items.seller_state,
        'stream' as lines_source
    from {{ ref('stg_order_event_items') }} as items
    inner join orders
        on items.event_id = orders.lines_event_id
       and orders.lines_source = 'stream'
),

all_items as (
    select * from history_items
    union all
    select * from stream_items
)

select
    all_items.*,
    orders._loaded_at
from all_items
inner join orders
    on all_items.order_id = orders.order_id
