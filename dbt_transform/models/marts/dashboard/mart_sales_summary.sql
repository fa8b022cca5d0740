-- The metric catalogue of macros/sales_metrics.sql over all time, one row: the headline numbers,
-- with the first and last purchase (local time of the business time zone).
with metrics as (
    {{ orderstream.sales_metrics() }}
),

span as (
    select min(purchased_at) as first_purchase_at, max(purchased_at) as last_purchase_at
    from {{ ref('fct_orders') }}
)

select metrics.*, span.first_purchase_at, span.last_purchase_at
from metrics
cross join span
