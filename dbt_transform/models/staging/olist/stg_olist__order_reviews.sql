-- One review per order: an order may carry several reviews (and one review id several orders);
-- the latest answer wins, ties broken by the greater review id, so the choice is deterministic.
with reviews as (
    select
        cast(review_id as varchar) as review_id,
        cast(order_id as varchar) as order_id,
        cast(review_score as integer) as review_score,
        review_comment_title,
        review_comment_message,
        cast(review_creation_date as timestamp) as review_created_at,
        cast(review_answer_timestamp as timestamp) as review_answered_at
    from {{ source('olist', 'olist_order_reviews') }}
),

ranked as (
    select
        *,
        count(*) over (partition by order_id) as reviews_of_order,
        row_number() over (
            partition by order_id
            order by review_answered_at desc nulls last, review_id desc
        ) as recency_rank
    from reviews
)

select
    order_id,
    review_id,
    review_score,
    review_comment_title,
    review_comment_message,
    review_created_at,
    review_answered_at,
    reviews_of_order
from ranked
where recency_rank = 1
