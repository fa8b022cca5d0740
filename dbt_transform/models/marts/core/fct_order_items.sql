{{
  config(
    materialized='incremental',
    unique_key=['order_id', 'order_item_id'],
    incremental_strategy='merge',
    on_schema_change='append_new_columns'
  )
}}
-- One row per (order_id, order_item_id): what was sold, by whom, for how much, with the order's
-- customer, purchase time (naive local time of the business time zone, with its local hour, day and
-- month) and latest status.
--
-- Incremental like fct_orders: the items of orders whose `_loaded_at` is at or after the newest
-- one here are merged on (order_id, order_item_id).
with items as (
    select * from {{ ref('int_order_items') }}
    {% if is_incremental() %}
    where _loaded_at >= (select coalesce(max(_loaded_at), cast('1970-01-01 00:00:00' as timestamp)) from {{ this }})
    {% endif %}
),

orders as (
    select order_id, customer_unique_id, customer_state, order_status, purchased_at
    from {{ ref('int_orders') }}
),

products as (
    select product_id, product_category_name, product_category_name_english
    from {{ ref('stg_olist__products') }}
)

select
    items.order_id,
    items.order_item_id,
    items.product_id,
    items.seller_id,
    orders.customer_unique_id,
    orders.customer_state,
    orders.order_status,
    orders.order_status in ('canceled', 'unavailable') as is_canceled,
    -- an item of a net order (not canceled or unavailable): counted in GMV, items, active sellers
    orders.order_status not in ('canceled', 'unavailable') as is_net,
    orders.purchased_at,
    {{ dbt.date_trunc('hour', 'orders.purchased_at') }} as purchase_hour,
    cast(orders.purchased_at as date) as purchase_date,
    cast({{ dbt.date_trunc('month', 'orders.purchased_at') }} as date) as purchase_month,
    items.shipping_limit_at,
    items.price,
    items.freight_value,
    cast(items.price + items.freight_value as decimal(18, 2)) as item_value,
    coalesce(products.product_category_name, items.product_category_name, 'unknown') as product_category_name,
    coalesce(
        products.product_category_name_english, items.product_category_name, 'unknown'
    ) as product_category_name_english,
    items.lines_source,
    items._loaded_at
from items
inner join orders
    on items.order_id = orders.order_id
left join products
    on items.product_id = products.product_id
