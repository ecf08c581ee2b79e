-- Accounts fit for a ministry: server-side sessions, passwords (Argon2id), a
-- second factor (TOTP with recovery codes) and throttled sign-in.

-- A person's sessions. The bearer token is random; only its SHA-256 is kept, so a
-- copy of the database is not a way in. Ending a session sets ended_at: the row
-- stays as the record of who was signed in from where.
CREATE TABLE sessions (
    -- Public id, shown in session lists and used to end one.
    id                     TEXT PRIMARY KEY NOT NULL,
    token_hash             TEXT NOT NULL UNIQUE,
    user_id                TEXT NOT NULL REFERENCES users (id),
    created_at             TEXT NOT NULL,
    last_seen_at           TEXT NOT NULL,
    -- The absolute end; the idle timeout is counted from last_seen_at.
    expires_at             TEXT NOT NULL,
    ip                     TEXT,
    user_agent             TEXT,
    -- Signed in with a password only, by a role that must set up a second factor
    -- first: such a session can do nothing else.
    second_factor_pending  BOOLEAN NOT NULL DEFAULT FALSE,
    ended_at               TEXT,
    ended_by               TEXT,
    end_reason             TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id, ended_at);

-- secret_hash now holds an Argon2id PHC string; a bare hex SHA-256 (accounts made
-- before this migration) is still accepted once and replaced at the next sign-in.
-- The TOTP secret is kept in the clear: checking a code needs it (see the notes).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_confirmed_at TEXT;
-- The last 30-second step a code was accepted for: a code is never accepted twice.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
ALTER TABLE users ADD COLUMN password_changed_at TEXT;

-- One-time recovery codes (SHA-256; each is 80 random bits).
CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users (id),
    code_hash  TEXT NOT NULL,
    used_at    TEXT,
    PRIMARY KEY (user_id, code_hash)
);

ALTER TABLE api_keys ADD COLUMN revoked_at TEXT;

-- Sign-in attempts per user id (`user:ID`) and per address (`ip:ADDR`) within the
-- current window; shared by every node on the database.
CREATE TABLE sign_in_throttle (
    key              TEXT PRIMARY KEY NOT NULL,
    attempts         INTEGER NOT NULL,
    last_attempt_at  TEXT NOT NULL,
    -- The attempt before the last one: the delay is counted from it.
    prev_attempt_at  TEXT,
    locked_until     TEXT
);
