-- Sales per seller, over the items of net orders (not canceled or unavailable): revenue = GMV (the
-- item prices), order_value adds freight, as in the metric catalogue (macros/sales_metrics.sql).
-- `revenue_rank` orders sellers by revenue (ties: seller id), 1 = the top seller.
with items as (
    select * from {{ ref('fct_order_items') }} where is_net
),

reviews as (
    select order_id, review_score from {{ ref('fct_orders') }} where review_score is not null
),

per_seller as (
    select
        sellers.seller_id,
        sellers.seller_city,
        sellers.seller_state,
        count(distinct items.order_id) as net_orders,
        count(*) as items,
        cast(sum(items.price) as decimal(18, 2)) as revenue,
        cast(sum(items.freight_value) as decimal(18, 2)) as freight_value,
        cast(sum(items.price + items.freight_value) as decimal(18, 2)) as order_value,
        count(distinct items.customer_unique_id) as active_customers,
        avg(reviews.review_score) as avg_review_score,
        min(items.purchased_at) as first_sale_at,
        max(items.purchased_at) as last_sale_at
    from items
    inner join {{ ref('dim_sellers') }} as sellers
        on items.seller_id = sellers.seller_id
    left join reviews
        on items.order_id = reviews.order_id
    group by 1, 2, 3
)

select
    *,
    row_number() over (order by revenue desc, seller_id) as revenue_rank
from per_seller
