-- Fails when more than var payment_mismatch_max_share of the orders have payments that do not
-- reconcile to items + freight (see assert_payments_reconcile_to_order_value): a few are known
-- defects of the data, many mean a broken join or unnesting.
with orders as (
    select
        case
            when payment_value < order_value - 0.01
              or payment_value > order_value * {{ var('payment_interest_tolerance') }}
                then 1
            else 0
        end as mismatched
    from {{ ref('fct_orders') }}
)

select
    count(*) as orders,
    sum(mismatched) as mismatched_orders
from orders
having sum(mismatched) > count(*) * {{ var('payment_mismatch_max_share') }}
