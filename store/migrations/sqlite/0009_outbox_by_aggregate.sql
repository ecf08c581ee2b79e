-- A candidate's inbox reads the events of their own applications.
CREATE INDEX outbox_by_aggregate ON outbox (aggregate_kind, aggregate_id, seq);
