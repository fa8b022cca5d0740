-- How payments reconcile with items + freight, per fct_orders.reconciliation_category: how many
-- orders, their payments, their items + freight, and the difference. Only `mismatch` is a data
-- problem (assert_payment_mismatch_share); the other categories are how real orders are paid.
select
    reconciliation_category,
    count(*) as orders,
    cast(sum(payment_value) as decimal(18, 2)) as payments,
    cast(sum(order_value) as decimal(18, 2)) as order_value,
    cast(sum(payment_value - order_value) as decimal(18, 2)) as difference,
    count(*) * 1.0 / sum(count(*)) over () as share_of_orders
from {{ ref('fct_orders') }}
group by 1
