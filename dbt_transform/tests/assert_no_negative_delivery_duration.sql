{{ config(severity='warn') }}
-- Severity warn. Assumption about real data: an order is never delivered to the customer before it
-- was purchased. No order of the real sample breaks it, but it is a statement about the source, and
-- such a row could not corrupt a number: fct_orders flags it `has_timestamp_anomaly` and the
-- delivery marts leave it out of the durations. A larger real slice with one must still build.
select order_id, purchased_at, delivered_customer_at
from {{ ref('fct_orders') }}
where delivered_customer_at < purchased_at
