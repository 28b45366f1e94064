-- An outbox is a queue: each row is inserted, updated when published (or failed) and deleted by
-- the retention cleanup. Postgres' defaults vacuum a table after 20 % of it is dead, which lets
-- dead tuples pile up in front of the claim (the pending-id index) and slows every claim until
-- a vacuum runs. Vacuum and analyze after a fixed number of changes instead, at full speed, and
-- leave room in each page for the updates.
ALTER TABLE {schema}.{table} SET (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 5000,
    autovacuum_vacuum_insert_scale_factor = 0,
    autovacuum_vacuum_insert_threshold = 20000,
    autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 5000,
    autovacuum_vacuum_cost_delay = 0,
    fillfactor = 80
);
