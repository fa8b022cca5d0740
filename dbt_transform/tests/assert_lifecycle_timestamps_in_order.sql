{{ config(severity='warn') }}
-- Severity warn. Assumption about real data: lifecycle timestamps are usually in order (approved
-- >= purchased, carrier >= approved, delivered >= carrier). About 1 % of real orders break it
-- (e.g. handed to the carrier before their approval: 21 of the 1,550 orders of the real sample);
-- those are valid rows, flagged `has_timestamp_anomaly` in fct_orders and left out of the delivery
-- durations, so the numbers stay right and the list is for a person to look at.
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
