{{ config(materialized='ephemeral') }}

-- The stream's landing table with each event once, its payload parsed as a JSON document. At-least-
-- once delivery, a producer retry or a replay may land an event twice (the same event_id at a new
-- offset): one row per event_id, the first copy to arrive (ties: topic, partition, offset, so the
-- choice is deterministic). Every reader of the stream goes through here, so an event counts once.
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
    partition by event_id order by ingested_at, kafka_topic, kafka_partition, kafka_offset
) = 1
