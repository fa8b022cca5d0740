-- One row per product: the catalog's products, plus any product known only from streamed items
-- (with the category the event carried), so every item fact has its product.
with catalog as (
    select
        product_id,
        product_category_name,
        product_category_name_english,
        product_name_length,
        product_description_length,
        product_photos_qty,
        product_weight_g,
        product_length_cm,
        product_height_cm,
        product_width_cm,
        'history' as product_source
    from {{ ref('stg_olist__products') }}
),

streamed as (
    select
        items.product_id,
        coalesce(max(items.product_category_name), 'unknown') as product_category_name
    from {{ ref('stg_order_event_items') }} as items
    where items.product_id not in (select product_id from catalog)
    group by items.product_id
)

select * from catalog
union all
select
    streamed.product_id,
    streamed.product_category_name,
    coalesce(translation.product_category_name_english, streamed.product_category_name),
    cast(null as integer),
    cast(null as integer),
    cast(null as integer),
    cast(null as integer),
    cast(null as integer),
    cast(null as integer),
    cast(null as integer),
    'stream'
from streamed
left join {{ ref('stg_olist__category_translation') }} as translation
    on streamed.product_category_name = translation.product_category_name
