-- What the HTTP API needs beyond the records: who may sign in, commission seats and
-- conflict-of-interest declarations, and the HRM outbox.

-- People who sign in. Only a SHA-256 of their login secret is kept.
CREATE TABLE users (
    id               TEXT PRIMARY KEY NOT NULL,
    -- candidate | commission | hr | admin
    role             TEXT NOT NULL,
    -- The organisation an HR officer is scoped to.
    organisation_id  TEXT REFERENCES organisations (id),
    -- The profile a candidate owns; no foreign key, the account may come first.
    profile_id       TEXT,
    secret_hash      TEXT NOT NULL,
    disabled         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TEXT NOT NULL
);

-- Keys of integration clients (the HRM system). Only a SHA-256 of the key is kept.
CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY NOT NULL,
    key_hash    TEXT NOT NULL UNIQUE,
    -- hrm | admin
    role        TEXT NOT NULL,
    revoked     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TEXT NOT NULL
);

-- Which users sit on the commission of which vacancy.
CREATE TABLE commission_seats (
    vacancy_id  TEXT NOT NULL REFERENCES vacancies (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    seated_at   TEXT NOT NULL,
    PRIMARY KEY (vacancy_id, user_id)
);

-- A member's no-conflict-of-interest declaration for one vacancy, and recusal.
CREATE TABLE declarations (
    vacancy_id      TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    statement       TEXT NOT NULL,
    declared_at     TEXT NOT NULL,
    recused_at      TEXT,
    recusal_reason  TEXT,
    PRIMARY KEY (vacancy_id, user_id),
    FOREIGN KEY (vacancy_id, user_id) REFERENCES commission_seats (vacancy_id, user_id)
);

-- The transactional outbox of events for the HRM system. The payload is kept as
-- text so the bytes signed at delivery are the bytes written.
CREATE TABLE outbox (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind             TEXT NOT NULL,
    aggregate_kind   TEXT NOT NULL,
    aggregate_id     TEXT NOT NULL,
    payload          TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    delivered_at     TEXT,
    dead_at          TEXT,
    last_error       TEXT
);
CREATE INDEX outbox_pending ON outbox (delivered_at, dead_at, seq);
