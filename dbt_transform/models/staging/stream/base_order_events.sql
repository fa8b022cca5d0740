{{ config(materialized='ephemeral') }}

-- The stream's landing table with each event once, its payload parsed as a JSON document. At-least-
-- once delivery may land an event twice (a message re-published at a new offset): the first copy wins.
select
    event_id,
    event_type,
    event_time,
    schema_version,
    source,
    order_id,
    order_status,
    kafka_topic,
    kafka_partition,
    kafka_offset,
    ingested_at,
    {{ orderstream.json_document('payload') }} as doc
from {{ source('stream', 'raw_order_events') }}
qualify row_number() over (
    partition by event_id order by ingested_at, kafka_partition, kafka_offset
) = 1
