{#
  The metric catalogue, defined once for every sales mart (the same words as core's metric
  catalogue and docs/metrics.md):

    net order          an order whose status is not `canceled` or `unavailable`
    orders             distinct orders placed (purchase time in the period), all statuses
    net_orders         the net orders among them
    delivered_orders   orders with status `delivered`
    canceled_orders    orders with status `canceled` or `unavailable`
    revenue            GMV: the sum of item `price` over net orders (freight excluded)
    freight_value      the sum of item `freight_value` over net orders
    order_value        revenue + freight_value
    items              order items of net orders
    avg_basket         revenue / the net orders that have at least one item
    payments           the sum of `payment_value` over all orders, every status (zero-item
                       orders' payments included: see fct_orders.reconciliation_category)
    customers          distinct `customer_unique_id` that placed an order, any status
    active_customers   distinct `customer_unique_id` with at least one net order
    active_sellers     distinct `seller_id` with at least one item in a net order

  `grain` names a period column that fct_orders and fct_order_items both have (`purchase_hour`,
  `purchase_date`, `purchase_month`: local hours, days and months of the business time zone), or
  is none for one row over all time. Money is DECIMAL(18,2) BRL. Periods without orders have no row.
#}
{% macro sales_metrics(grain=none) -%}
{%- set key = grain if grain else "'all'" -%}
with order_metrics as (
    select
        {{ key }} as period_key,
        count(*) as orders,
        cast(sum(case when is_net then 1 else 0 end) as bigint) as net_orders,
        cast(sum(case when order_status = 'delivered' then 1 else 0 end) as bigint) as delivered_orders,
        cast(sum(case when is_canceled then 1 else 0 end) as bigint) as canceled_orders,
        cast(sum(case when is_net then items_count else 0 end) as bigint) as items,
        sum(case when is_net then items_value else 0 end) as revenue,
        sum(case when is_net then freight_value else 0 end) as freight_value,
        sum(payment_value) as payments,
        cast(sum(case when is_net and items_count > 0 then 1 else 0 end) as bigint) as net_orders_with_items,
        count(distinct customer_unique_id) as customers,
        count(distinct case when is_net then customer_unique_id end) as active_customers
    from {{ ref('fct_orders') }}
    group by 1
),

seller_metrics as (
    select
        {{ key }} as period_key,
        count(distinct seller_id) as active_sellers
    from {{ ref('fct_order_items') }}
    where is_net
    group by 1
)

select
    {% if grain -%}
    order_metrics.period_key as {{ grain }},
    {% endif -%}
    order_metrics.orders,
    order_metrics.net_orders,
    order_metrics.delivered_orders,
    order_metrics.canceled_orders,
    order_metrics.items,
    cast(order_metrics.revenue as decimal(18, 2)) as revenue,
    cast(order_metrics.freight_value as decimal(18, 2)) as freight_value,
    cast(order_metrics.revenue + order_metrics.freight_value as decimal(18, 2)) as order_value,
    cast(order_metrics.payments as decimal(18, 2)) as payments,
    cast(
        order_metrics.revenue / nullif(order_metrics.net_orders_with_items, 0) as decimal(18, 2)
    ) as avg_basket,
    order_metrics.customers,
    order_metrics.active_customers,
    coalesce(seller_metrics.active_sellers, 0) as active_sellers
from order_metrics
left join seller_metrics
    on order_metrics.period_key = seller_metrics.period_key
{%- endmacro %}
