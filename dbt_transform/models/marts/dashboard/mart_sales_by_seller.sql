-- Sales per seller (items of orders that were not canceled or unavailable).
with items as (
    select * from {{ ref('fct_order_items') }} where not is_canceled
),

reviews as (
    select order_id, review_score from {{ ref('fct_orders') }} where review_score is not null
)

select
    sellers.seller_id,
    sellers.seller_city,
    sellers.seller_state,
    count(distinct items.order_id) as orders,
    count(*) as items,
    cast(sum(items.item_value) as decimal(18, 2)) as revenue,
    cast(sum(items.price) as decimal(18, 2)) as items_value,
    cast(sum(items.freight_value) as decimal(18, 2)) as freight_value,
    avg(reviews.review_score) as avg_review_score,
    min(items.purchased_at) as first_sale_at,
    max(items.purchased_at) as last_sale_at
from items
inner join {{ ref('dim_sellers') }} as sellers
    on items.seller_id = sellers.seller_id
left join reviews
    on items.order_id = reviews.order_id
group by 1, 2, 3
