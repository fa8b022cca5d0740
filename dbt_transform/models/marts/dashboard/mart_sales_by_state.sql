-- Sales and delivery per customer state (orders that were not canceled or unavailable).
select
    customer_state,
    count(*) as orders,
    count(distinct customer_unique_id) as customers,
    cast(sum(order_value) as decimal(18, 2)) as revenue,
    cast(avg(order_value) as decimal(18, 2)) as avg_order_value,
    avg(case when not has_timestamp_anomaly then delivery_days end) as avg_delivery_days,
    avg(case when is_late then 1.0 when is_late is not null then 0.0 end) as late_rate
from {{ ref('fct_orders') }}
where not is_canceled
group by 1
