-- The payments of every order, from the source int_orders picked for its lines.
with orders as (
    select order_id, lines_source, lines_event_id from {{ ref('int_orders') }}
),

history_payments as (
    select
        payments.order_id,
        payments.payment_sequential,
        payments.payment_type,
        payments.payment_installments,
        payments.payment_value
    from {{ ref('stg_olist__order_payments') }} as payments
    inner join orders
        on payments.order_id = orders.order_id
       and orders.lines_source = 'history'
),

stream_payments as (
    select
        payments.order_id,
        payments.payment_sequential,
        payments.payment_type,
        payments.payment_installments,
        payments.payment_value
    from {{ ref('stg_order_event_payments') }} as payments
    inner join orders
        on payments.event_id = orders.lines_event_id
       and orders.lines_source = 'stream'
)

select * from history_payments
union all
select * from stream_payments
