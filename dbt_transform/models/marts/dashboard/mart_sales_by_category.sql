-- Sales per product category (English name; 'unknown' for products without one), items of orders
-- that were not canceled or unavailable.
select
    product_category_name_english,
    min(product_category_name) as product_category_name,
    count(distinct order_id) as orders,
    count(*) as items,
    cast(sum(item_value) as decimal(18, 2)) as revenue,
    cast(sum(price) as decimal(18, 2)) as items_value,
    cast(sum(freight_value) as decimal(18, 2)) as freight_value,
    cast(avg(price) as decimal(18, 2)) as avg_price
from {{ ref('fct_order_items') }}
where not is_canceled
group by 1
