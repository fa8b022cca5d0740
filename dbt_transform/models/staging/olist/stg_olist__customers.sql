-- Zip prefixes are text with their leading zeros ("01037"), even if a loader typed them as numbers.
select
    cast(customer_id as varchar) as customer_id,
    cast(customer_unique_id as varchar) as customer_unique_id,
    lpad(cast(customer_zip_code_prefix as varchar), 5, '0') as customer_zip_code_prefix,
    cast(customer_city as varchar) as customer_city,
    upper(cast(customer_state as varchar)) as customer_state
from {{ source('olist', 'olist_customers') }}
