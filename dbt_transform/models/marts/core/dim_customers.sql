-- One row per person (customer_unique_id; Olist gives each order its own customer_id): the address
-- of their latest order, where it is, and their order history.
with customers as (
    select * from {{ ref('int_customers') }}
),

orders as (
    select customer_id, order_id, purchased_at from {{ ref('int_orders') }}
),

customer_orders as (
    select
        customers.customer_unique_id,
        customers.customer_id,
        customers.customer_zip_code_prefix,
        customers.customer_city,
        customers.customer_state,
        customers.customer_source,
        orders.order_id,
        orders.purchased_at
    from customers
    left join orders
        on customers.customer_id = orders.customer_id
),

latest_address as (
    select
        *,
        row_number() over (
            partition by customer_unique_id
            order by purchased_at desc nulls last, customer_id desc
        ) as recency_rank
    from customer_orders
),

history as (
    select
        customer_unique_id,
        count(distinct customer_id) as customer_ids_count,
        count(distinct order_id) as orders_count,
        min(purchased_at) as first_order_at,
        max(purchased_at) as last_order_at,
        max(case when customer_source = 'stream' then 1 else 0 end) = 1 as seen_in_stream
    from customer_orders
    group by customer_unique_id
)

select
    latest_address.customer_unique_id,
    latest_address.customer_id as latest_customer_id,
    latest_address.customer_zip_code_prefix,
    latest_address.customer_city,
    latest_address.customer_state,
    geo.lat as customer_lat,
    geo.lng as customer_lng,
    history.customer_ids_count,
    history.orders_count,
    history.first_order_at,
    history.last_order_at,
    history.orders_count > 1 as is_repeat_customer,
    history.seen_in_stream
from latest_address
inner join history
    on latest_address.customer_unique_id = history.customer_unique_id
left join {{ ref('stg_olist__geolocation') }} as geo
    on latest_address.customer_zip_code_prefix = geo.zip_code_prefix
where latest_address.recency_rank = 1
