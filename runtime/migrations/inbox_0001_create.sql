-- The idempotent consumer's inbox: one row per event a consumer group has processed. {schema} and
-- {table} are replaced by validated, quoted identifiers.
CREATE SCHEMA IF NOT EXISTS {schema};

CREATE TABLE IF NOT EXISTS {schema}.{table} (
    consumer_group TEXT        NOT NULL,
    event_id       UUID        NOT NULL,
    topic          TEXT        NOT NULL,
    kafka_partition INTEGER    NOT NULL,
    kafka_offset   BIGINT      NOT NULL,
    processed_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, event_id)
);

CREATE INDEX IF NOT EXISTS {table_processed_idx} ON {schema}.{table} (processed_at);
