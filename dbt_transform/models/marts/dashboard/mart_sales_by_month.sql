-- Sales per purchase month. Revenue = items + freight of orders that were not canceled or
-- unavailable; canceled orders are counted apart.
select
    cast({{ dbt.date_trunc('month', 'purchased_at') }} as date) as purchase_month,
    sum(case when not is_canceled then 1 else 0 end) as orders,
    sum(case when not is_canceled then items_count else 0 end) as items,
    cast(sum(case when not is_canceled then order_value else 0 end) as decimal(18, 2)) as revenue,
    cast(sum(case when not is_canceled then items_value else 0 end) as decimal(18, 2)) as items_value,
    cast(sum(case when not is_canceled then freight_value else 0 end) as decimal(18, 2)) as freight_value,
    cast(
        sum(case when not is_canceled then order_value else 0 end)
        / nullif(sum(case when not is_canceled then 1 else 0 end), 0)
        as decimal(18, 2)
    ) as avg_order_value,
    count(distinct case when not is_canceled then customer_unique_id end) as customers,
    sum(case when is_canceled then 1 else 0 end) as canceled_orders
from {{ ref('fct_orders') }}
group by 1
