-- One row per streamed order event (one per event_id: base_order_events drops redelivered copies):
-- the typed envelope columns of raw_order_events plus the order snapshot's fields read from the JSON
-- payload. Every time a person sees is the naive local time of the business time zone, like the
-- Olist history's: `event_time` (an instant) and the payload's timestamps (UTC wall clock) are
-- converted to it. `ingested_at` stays naive UTC: it is the incremental watermark only.
with events as (
    select * from {{ ref('base_order_events') }}
)

select
    cast(event_id as varchar) as event_id,
    cast(event_type as varchar) as event_type,
    -- the lifecycle position of the event, to order events of the same instant
    case event_type
        when 'order_created' then 0
        when 'order_approved' then 1
        when 'order_invoiced' then 2
        when 'order_processing' then 3
        when 'order_shipped' then 4
        when 'order_delivered' then 5
        else 6
    end as lifecycle_step,
    {{ orderstream.to_business_time('event_time') }} as event_at,
    cast(schema_version as integer) as schema_version,
    cast(source as varchar) as event_source,
    cast(order_id as varchar) as order_id,
    cast(order_status as varchar) as order_status,
    cast({{ orderstream.json_text('doc', 'order.customer_id') }} as varchar) as customer_id,
    cast({{ orderstream.json_text('doc', 'order.customer.customer_unique_id') }} as varchar) as customer_unique_id,
    lpad({{ orderstream.json_text('doc', 'order.customer.customer_zip_code_prefix') }}, 5, '0') as customer_zip_code_prefix,
    cast({{ orderstream.json_text('doc', 'order.customer.customer_city') }} as varchar) as customer_city,
    upper({{ orderstream.json_text('doc', 'order.customer.customer_state') }}) as customer_state,
    {{ orderstream.utc_wall_clock_to_business_time(orderstream.json_text('doc', 'order.order_purchase_timestamp')) }} as purchased_at,
    {{ orderstream.utc_wall_clock_to_business_time(orderstream.json_text('doc', 'order.order_approved_at')) }} as approved_at,
    {{ orderstream.utc_wall_clock_to_business_time(orderstream.json_text('doc', 'order.order_delivered_carrier_date')) }} as delivered_carrier_at,
    {{ orderstream.utc_wall_clock_to_business_time(orderstream.json_text('doc', 'order.order_delivered_customer_date')) }} as delivered_customer_at,
    {{ orderstream.utc_wall_clock_to_business_time(orderstream.json_text('doc', 'order.order_estimated_delivery_date')) }} as estimated_delivery_at,
    cast(kafka_topic as varchar) as kafka_topic,
    cast(kafka_partition as integer) as kafka_partition,
    cast(kafka_offset as bigint) as kafka_offset,
    {{ orderstream.utc_timestamp('ingested_at') }} as ingested_at
from events
