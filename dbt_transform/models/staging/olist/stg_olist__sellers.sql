select
    cast(seller_id as varchar) as seller_id,
    lpad(cast(seller_zip_code_prefix as varchar), 5, '0') as seller_zip_code_prefix,
    cast(seller_city as varchar) as seller_city,
    upper(cast(seller_state as varchar)) as seller_state
from {{ source('olist', 'olist_sellers') }}
