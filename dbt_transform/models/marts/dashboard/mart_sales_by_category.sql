-- Sales per product category (English name; 'unknown' for products without a category; the
-- Portuguese name where the translation file lacks it), over the items of net orders: revenue =
-- GMV (item prices), order_value adds freight, as in the metric catalogue
-- (macros/sales_metrics.sql). `products` counts the distinct products sold.
select
    product_category_name_english,
    min(product_category_name) as product_category_name,
    count(distinct order_id) as net_orders,
    count(*) as items,
    count(distinct product_id) as products,
    count(distinct seller_id) as active_sellers,
    cast(sum(price) as decimal(18, 2)) as revenue,
    cast(sum(freight_value) as decimal(18, 2)) as freight_value,
    cast(sum(price + freight_value) as decimal(18, 2)) as order_value,
    cast(avg(price) as decimal(18, 2)) as avg_price
from {{ ref('fct_order_items') }}
where is_net
group by 1
