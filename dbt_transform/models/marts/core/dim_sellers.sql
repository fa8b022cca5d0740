-- One row per seller with its location: the history's sellers, plus any known only from streamed
-- items (with the state the event carried).
with sellers as (
    select seller_id, seller_zip_code_prefix, seller_city, seller_state, 'history' as seller_source
    from {{ ref('stg_olist__sellers') }}
    union all
    select
        seller_id,
        cast(null as varchar),
        cast(null as varchar),
        max(seller_state),
        'stream'
    from {{ ref('stg_order_event_items') }}
    where seller_id not in (select seller_id from {{ ref('stg_olist__sellers') }})
    group by seller_id
)

select
    sellers.seller_id,
    sellers.seller_zip_code_prefix,
    sellers.seller_city,
    sellers.seller_state,
    geo.lat as seller_lat,
    geo.lng as seller_lng,
    sellers.seller_source
from sellers
left join {{ ref('stg_olist__geolocation') }} as geo
    on sellers.seller_zip_code_prefix = geo.zip_code_prefix
