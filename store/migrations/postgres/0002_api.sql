-- What the HTTP API needs beyond the records: who may sign in, commission seats and
-- conflict-of-interest declarations, and the HRM outbox.

-- People who sign in. Only a SHA-256 of their login secret is kept.
CREATE TABLE users (
    id               TEXT PRIMARY KEY,
    -- candidate | commission | hr | admin
    role             TEXT NOT NULL,
    -- The organisation an HR officer is scoped to.
    organisation_id  TEXT REFERENCES organisations (id),
    -- The profile a candidate owns; no foreign key, the account may come first.
    profile_id       TEXT,
    secret_hash      TEXT NOT NULL,
    disabled         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMPTZ NOT NULL
);

-- Keys of integration clients (the HRM system). Only a SHA-256 of the key is kept.
CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    key_hash    TEXT NOT NULL UNIQUE,
    -- hrm | admin
    role        TEXT NOT NULL,
    revoked     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL
);

-- Which users sit on the commission of which vacancy.
CREATE TABLE commission_seats (
    vacancy_id  TEXT NOT NULL REFERENCES vacancies (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    seated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (vacancy_id, user_id)
);

-- A member's no-conflict-of-interest declaration for one vacancy, and recusal.
CREATE TABLE declarations (
    vacancy_id      TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    statement       TEXT NOT NULL,
    declared_at     TIMESTAMPTZ NOT NULL,
    recused_at      TIMESTAMPTZ,
    recusal_reason  TEXT,
    PRIMARY KEY (vacancy_id, user_id),
    FOREIGN KEY (vacancy_id, user_id) REFERENCES commission_seats (vacancy_id, user_id)
);

-- The transactional outbox of events for the HRM system. The payload is kept as
-- text so the bytes signed at delivery are the bytes written. Rows are inserted
-- under the change-feed advisory lock (see WriteTx), so sequence numbers become
-- visible in order and the pull feed never skips one.
CREATE TABLE outbox (
    seq              BIGSERIAL PRIMARY KEY,
    kind             TEXT NOT NULL,
    aggregate_kind   TEXT NOT NULL,
    aggregate_id     TEXT NOT NULL,
    payload          TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    delivered_at     TIMESTAMPTZ,
    dead_at          TIMESTAMPTZ,
    last_error       TEXT
);
CREATE INDEX outbox_pending ON outbox (delivered_at, dead_at, seq);
