-- An order is never delivered to the customer before it was purchased (error).
select order_id, purchased_at, delivered_customer_at
from {{ ref('fct_orders') }}
where delivered_customer_at < purchased_at
