{{ config(severity='warn') }}
-- Lifecycle timestamps in order: approved >= purchased, carrier >= approved, delivered >= carrier.
-- The real data breaks this for about 1% of orders (and the generator reproduces it), so this is
-- a warning that lists them; they are flagged `has_timestamp_anomaly` in fct_orders and left out
-- of the delivery-duration marts. assert_no_negative_delivery_duration is the hard rule.
select
    order_id,
    purchased_at,
    approved_at,
    delivered_carrier_at,
    delivered_customer_at
from {{ ref('fct_orders') }}
where approved_at < purchased_at
   or delivered_carrier_at < approved_at
   or delivered_customer_at < delivered_carrier_at
