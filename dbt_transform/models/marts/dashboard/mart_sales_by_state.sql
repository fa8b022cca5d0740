-- Sales and delivery per customer state, over net orders (not canceled or unavailable): revenue =
-- GMV (item prices), order_value adds freight, avg_basket = revenue / net orders with items, as in
-- the metric catalogue (macros/sales_metrics.sql).
select
    customer_state,
    count(*) as net_orders,
    count(distinct customer_unique_id) as active_customers,
    cast(sum(items_value) as decimal(18, 2)) as revenue,
    cast(sum(freight_value) as decimal(18, 2)) as freight_value,
    cast(sum(order_value) as decimal(18, 2)) as order_value,
    cast(sum(items_value) / nullif(sum(case when items_count > 0 then 1 else 0 end), 0) as decimal(18, 2)) as avg_basket,
    avg(case when not has_timestamp_anomaly then delivery_days end) as avg_delivery_days,
    avg(case when is_late then 1.0 when is_late is not null then 0.0 end) as late_rate
from {{ ref('fct_orders') }}
where is_net
group by 1
