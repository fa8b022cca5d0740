-- Delivery per local purchase month (business time zone), over delivered orders with a delivery
-- date. Orders with lifecycle timestamps out of order (a known quirk of the real data) are counted
-- but left out of the durations.
with delivered as (
    select * from {{ ref('fct_orders') }} where delivered_customer_at is not null
)

select
    cast({{ dbt.date_trunc('month', 'purchased_at') }} as date) as purchase_month,
    count(*) as delivered_orders,
    avg(case when not has_timestamp_anomaly then delivery_days end) as avg_delivery_days,
    median(case when not has_timestamp_anomaly then delivery_days end) as median_delivery_days,
    avg({{ orderstream.days_between('purchased_at', 'estimated_delivery_at') }}) as avg_estimated_days,
    sum(case when is_late then 1 else 0 end) as late_orders,
    avg(case when is_late then 1.0 else 0.0 end) as late_rate,
    avg(case when is_late then days_late end) as avg_days_late,
    sum(case when has_timestamp_anomaly then 1 else 0 end) as timestamp_anomalies
from delivered
group by 1
