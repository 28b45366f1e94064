-- The transactional outbox. {schema} and {table} are replaced by validated, quoted identifiers.
CREATE SCHEMA IF NOT EXISTS {schema};

CREATE TABLE IF NOT EXISTS {schema}.{table} (
    -- Enqueue order: per key, rows are published in id order.
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        UUID        NOT NULL,
    event_type      TEXT        NOT NULL,
    topic           TEXT        NOT NULL,
    partition_key   TEXT        NOT NULL,
    -- FNV-1a(partition_key) mod 64: the unit relays lease, so one relay owns each key at a time.
    key_shard       SMALLINT    NOT NULL CHECK (key_shard >= 0 AND key_shard < 64),
    -- Standard Kafka headers as [[name, value], ...].
    headers         JSONB       NOT NULL,
    -- The serialized envelope, published byte for byte.
    payload         BYTEA       NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    state           TEXT        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'published', 'dead')),
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error      TEXT,
    published_at    TIMESTAMPTZ,
    CONSTRAINT {table_event_id_key} UNIQUE (event_id)
);

-- The claim: pending rows in id order, without walking past published ones.
CREATE INDEX IF NOT EXISTS {table_claim_idx}
    ON {schema}.{table} (id) WHERE state = 'pending';

-- Per-key ordering: is an earlier row of the same key waiting for a retry? Only rows that have
-- failed (attempts > 0) can be waiting: a new or replayed row is due at once. So this index holds
-- just the failing rows and the check costs next to nothing.
CREATE INDEX IF NOT EXISTS {table_retry_idx}
    ON {schema}.{table} (partition_key, id) WHERE state = 'pending' AND attempts > 0;

-- Retention of published rows.
CREATE INDEX IF NOT EXISTS {table_published_idx}
    ON {schema}.{table} (published_at) WHERE state = 'published';

-- Listing dead rows.
CREATE INDEX IF NOT EXISTS {table_dead_idx}
    ON {schema}.{table} (id) WHERE state = 'dead';

-- Wake relays when rows are inserted: the notification is delivered when, and only if, the
-- inserting transaction commits.
CREATE OR REPLACE FUNCTION {schema}.tidings_outbox_notify() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_ARGV[0], '');
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER {table_notify}
    AFTER INSERT ON {schema}.{table}
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.tidings_outbox_notify('{channel}');
