-- Products without a category get 'unknown'; the English name comes from the translation table,
-- falling back to the Portuguese name for the few categories it lacks.
with products as (
    select
        cast(product_id as varchar) as product_id,
        coalesce(nullif(trim(cast(product_category_name as varchar)), ''), 'unknown') as product_category_name,
        cast(product_name_lenght as integer) as product_name_length,
        cast(product_description_lenght as integer) as product_description_length,
        cast(product_photos_qty as integer) as product_photos_qty,
        cast(product_weight_g as integer) as product_weight_g,
        cast(product_length_cm as integer) as product_length_cm,
        cast(product_height_cm as integer) as product_height_cm,
        cast(product_width_cm as integer) as product_width_cm
    from {{ source('olist', 'olist_products') }}
)

select
    products.product_id,
    products.product_category_name,
    coalesce(
        translation.product_category_name_english, products.product_category_name
    ) as product_category_name_english,
    products.product_name_length,
    products.product_description_length,
    products.product_photos_qty,
    products.product_weight_g,
    products.product_length_cm,
    products.product_height_cm,
    products.product_width_cm
from products
left join {{ ref('stg_olist__category_translation') }} as translation
    on products.product_category_name = translation.product_category_name
