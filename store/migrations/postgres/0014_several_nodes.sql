-- Delivery by several servers over one database: a server claims an event before
-- it posts it, for a lease; another server takes the event over only once the
-- lease has run out (its holder crashed or hung). See store/src/outbox.rs.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until TIMESTAMPTZ;

-- Secrets every server of a deployment must share (the webhook signing key): made
-- once by whichever server needs one first, then read by all, so no server signs
-- with a key of its own.
CREATE TABLE deployment_secrets (
    name   TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
);
