-- Orders per latest status (all statuses: the denominator of every rate), with their items,
-- item value, freight and payments. Zero-item orders (real Olist has them among canceled,
-- unavailable and created orders) are counted in `zero_item_orders`.
select
    order_status,
    count(*) as orders,
    cast(sum(items_count) as bigint) as items,
    cast(sum(case when items_count = 0 then 1 else 0 end) as bigint) as zero_item_orders,
    cast(sum(items_value) as decimal(18, 2)) as items_value,
    cast(sum(freight_value) as decimal(18, 2)) as freight_value,
    cast(sum(payment_value) as decimal(18, 2)) as payments,
    min(case when is_net then 1 else 0 end) = 1 as is_net
from {{ ref('fct_orders') }}
group by 1
