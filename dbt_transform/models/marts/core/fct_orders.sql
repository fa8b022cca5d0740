{{
  config(
    materialized='incremental',
    unique_key='order_id',
    incremental_strategy='merge',
    on_schema_change='append_new_columns'
  )
}}
-- One row per order (history and stream), its latest state, money, delivery, review, and how its
-- payments reconcile with its items. Every time is a naive local time of the business time zone
-- (var business_time_zone); `purchase_hour`/`purchase_date`/`purchase_month` are its local buckets.
-- Orders without items are a normal case (real Olist has them: canceled, unavailable, created):
-- they carry 0 items and their payments, under their own reconciliation_category.
--
-- Incremental: a run merges (on order_id) only the orders with a state that reached the warehouse
-- at or after the newest `_loaded_at` already here: new or changed stream events, or every history
-- order after `loadHistory` reloaded a file. `>=` re-merges the boundary batch (idempotent), so
-- events ingested in the same instant as the last run's newest are not lost. Orders deleted from
-- RAW stay until `dbt build --full-refresh`.
with orders as (
    select * from {{ ref('int_orders') }}
    {% if is_incremental() %}
    where _loaded_at >= (select coalesce(max(_loaded_at), cast('1970-01-01 00:00:00' as timestamp)) from {{ this }})
    {% endif %}
),

items as (
    select
        order_id,
        count(*) as items_count,
        count(distinct seller_id) as sellers_count,
        sum(price) as items_value,
        sum(freight_value) as freight_value
    from {{ ref('int_order_items') }}
    where order_id in (select order_id from orders)
    group by order_id
),

payments as (
    select
        order_id,
        count(*) as payments_count,
        sum(payment_value) as payment_value,
        max(payment_installments) as max_installments,
        min(case when payment_sequential = 1 then payment_type end) as main_payment_type,
        sum(case when payment_type = 'voucher' then 1 else 0 end) as voucher_payments
    from {{ ref('int_order_payments') }}
    where order_id in (select order_id from orders)
    group by order_id
),

reviews as (
    select order_id, review_id, review_score, review_answered_at
    from {{ ref('stg_olist__order_reviews') }}
),

facts as (
    select
        orders.order_id,
        orders.customer_id,
        orders.customer_unique_id,
        orders.customer_state,
        orders.order_status,
        orders.purchased_at,
        {{ dbt.date_trunc('hour', 'orders.purchased_at') }} as purchase_hour,
        cast(orders.purchased_at as date) as purchase_date,
        cast({{ dbt.date_trunc('month', 'orders.purchased_at') }} as date) as purchase_month,
        orders.approved_at,
        orders.delivered_carrier_at,
        orders.delivered_customer_at,
        orders.estimated_delivery_at,
        coalesce(items.items_count, 0) as items_count,
        coalesce(items.sellers_count, 0) as sellers_count,
        cast(coalesce(items.items_value, 0) as decimal(18, 2)) as items_value,
        cast(coalesce(items.freight_value, 0) as decimal(18, 2)) as freight_value,
        cast(coalesce(items.items_value, 0) + coalesce(items.freight_value, 0) as decimal(18, 2)) as order_value,
        coalesce(payments.payments_count, 0) as payments_count,
        cast(coalesce(payments.payment_value, 0) as decimal(18, 2)) as payment_value,
        payments.main_payment_type,
        payments.max_installments,
        coalesce(payments.voucher_payments, 0) as voucher_payments,
        orders.order_status in ('canceled', 'unavailable') as is_canceled,
        -- a net order: not canceled or unavailable (the metric catalogue's definition)
        orders.order_status not in ('canceled', 'unavailable') as is_net,
        orders.delivered_customer_at is not null as is_delivered,
        case
            when orders.delivered_customer_at is not null
                then {{ orderstream.days_between('orders.purchased_at', 'orders.delivered_customer_at') }}
        end as delivery_days,
        case
            when orders.delivered_customer_at is not null
                then cast(orders.delivered_customer_at as date) > cast(orders.estimated_delivery_at as date)
        end as is_late,
        case
            when orders.delivered_customer_at is not null
                then {{ dbt.datediff('cast(orders.estimated_delivery_at as date)', 'cast(orders.delivered_customer_at as date)', 'day') }}
        end as days_late,
        -- the real data's known defects: lifecycle timestamps out of order (see tests/README)
        coalesce(orders.approved_at < orders.purchased_at, false)
            or coalesce(orders.delivered_carrier_at < orders.approved_at, false)
            or coalesce(orders.delivered_customer_at < orders.delivered_carrier_at, false)
            or coalesce(orders.delivered_customer_at < orders.purchased_at, false) as has_timestamp_anomaly,
        reviews.review_id,
        reviews.review_score,
        orders.status_source,
        orders.status_at,
        orders.lines_source,
        orders.in_history,
        orders.in_stream,
        orders.events_count,
        orders.last_event_at,
        orders._loaded_at
    from orders
    left join items
        on orders.order_id = items.order_id
    left join payments
        on orders.order_id = payments.order_id
    left join reviews
        on orders.order_id = reviews.order_id
)

select
    facts.*,
    -- How payments reconcile with items + freight (order_value); see the model's docs.
    case
        when items_count = 0 and payments_count = 0 then 'zero_item_without_payment'
        when items_count = 0 then 'zero_item_with_payment'
        when payments_count = 0 then 'unpaid'
        when abs(payment_value - order_value) <= {{ var('payment_rounding_tolerance') }}
            then case when payments_count > 1 and voucher_payments > 0 then 'voucher_split' else 'matched' end
        when payment_value > order_value
         and payment_value <= order_value * {{ var('payment_interest_tolerance') }} then 'installment_interest'
        else 'mismatch'
    end as reconciliation_category
from facts
