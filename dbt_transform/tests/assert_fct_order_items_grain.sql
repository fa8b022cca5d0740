-- Severity error: a guarantee of our models, not an assumption about the data.
-- Fact grain: one row per (order_id, order_item_id), and exactly the items of each order's source
-- (history's olist_order_items, else the items of the order's stream order_created event).
with expected as (
    select order_id, order_item_id from {{ ref('int_order_items') }}
),

actual as (
    select order_id, order_item_id, count(*) as occurrences
    from {{ ref('fct_order_items') }}
    group by order_id, order_item_id
)

select coalesce(expected.order_id, actual.order_id) as order_id,
       coalesce(expected.order_item_id, actual.order_item_id) as order_item_id
from expected
full outer join actual
    on expected.order_id = actual.order_id
   and expected.order_item_id = actual.order_item_id
where actual.order_id is null
   or expected.order_id is null
   or actual.occurrences > 1
