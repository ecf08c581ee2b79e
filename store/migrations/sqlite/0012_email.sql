-- The email channel (the API crate's `email` worker): its own place in the outbox,
-- and what it did with each candidate notification it took up there.

-- How far the channel has walked the outbox. One row, written when the channel
-- first starts, at the end of the outbox then: what came before is in the inbox.
CREATE TABLE email_cursor (
    id   INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq  INTEGER NOT NULL
);

-- One row per notification event taken up: pending until it is sent, skipped (no
-- email, no consent) or failed (the attempts used up, or the event unreadable).
CREATE TABLE email_messages (
    seq              INTEGER PRIMARY KEY NOT NULL REFERENCES outbox (seq),
    -- The person it is for; none when the event could not be read.
    profile_id       TEXT,
    -- pending | sent | skipped | failed
    status           TEXT NOT NULL,
    -- The address it went, or was to go, to.
    recipient        TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    -- Why it was skipped, or the last delivery error.
    detail           TEXT,
    updated_at       TEXT NOT NULL
);
CREATE INDEX email_messages_by_status ON email_messages (status, seq);
