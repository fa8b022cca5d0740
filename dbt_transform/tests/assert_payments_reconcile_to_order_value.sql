{{ config(severity='warn') }}
-- Severity warn: lists the orders whose payments do not reconcile with items + freight
-- (reconciliation_category 'mismatch' or 'unpaid'), for a person to look at. They are valid rows
-- of the real data (the full Olist set has a few, and one order with items and no payment); the
-- marts count them as they are. assert_payment_mismatch_share errors once they stop being rare.
-- Not listed, because they are normal: zero-item orders with payments, installment interest (up
-- to var payment_interest_tolerance), vouchers split over several payments, and differences up to
-- var payment_rounding_tolerance.
select
    order_id,
    order_status,
    reconciliation_category,
    order_value,
    payment_value,
    payment_value - order_value as difference
from {{ ref('fct_orders') }}
where reconciliation_category in ('mismatch', 'unpaid')
