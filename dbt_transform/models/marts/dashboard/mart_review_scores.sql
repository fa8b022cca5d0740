-- Reviews per score (the latest review of each order), with how those orders were delivered.
-- avg_order_value follows the metric catalogue's order_value (items + freight of net orders): it is
-- the mean over the reviewed *net* orders, so a canceled order's basket does not count as a sale.
with reviewed as (
    select * from {{ ref('fct_orders') }} where review_score is not null
)

select
    review_score,
    count(*) as orders,
    count(*) * 1.0 / sum(count(*)) over () as share_of_reviews,
    avg(case when not has_timestamp_anomaly then delivery_days end) as avg_delivery_days,
    avg(case when is_late then 1.0 when is_late is not null then 0.0 end) as late_rate,
    cast(avg(case when is_net then order_value end) as decimal(18, 2)) as avg_order_value
from reviewed
group by 1
