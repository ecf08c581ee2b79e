-- The proctoring review queue: analysis runs and the flags they raised, each
-- waiting for a person to confirm or dismiss it. Decisions are also written to the
-- audit log (same transaction), so this table is the queue, not the record of who
-- decided what.

-- One analysis of one test form's sessions.
CREATE TABLE proctoring_runs (
    id            TEXT PRIMARY KEY NOT NULL,
    form_id       TEXT NOT NULL,
    -- The competition the test belongs to; decides who may see the flags.
    vacancy_id    TEXT REFERENCES vacancies (id),
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    -- SHA-256 of the analysed input and settings: saving the same run id again
    -- with other content is refused.
    input_sha256  TEXT NOT NULL,
    sessions      INTEGER NOT NULL,
    flags         INTEGER NOT NULL,
    -- JSON: thresholds, model facts, data-note and skipped-detector counts.
    summary       TEXT NOT NULL
);

-- One flag. The id is the proctoring crate's stable FlagId (form, detector,
-- sessions), so a re-analysis of the same sessions finds the flag already queued
-- (and possibly decided) instead of queueing it again.
CREATE TABLE proctoring_flags (
    id                        TEXT PRIMARY KEY NOT NULL,
    run_id                    TEXT NOT NULL REFERENCES proctoring_runs (id),
    vacancy_id                TEXT REFERENCES vacancies (id),
    form_id                   TEXT NOT NULL,
    detector                  TEXT NOT NULL,
    -- low | medium | high
    severity                  TEXT NOT NULL,
    -- Most severe first, then smallest p / threshold, then id; also the list cursor.
    queue_key                 TEXT NOT NULL UNIQUE,
    -- JSON arrays of strings.
    session_ids               TEXT NOT NULL,
    examinee_ids              TEXT NOT NULL,
    statistic                 REAL NOT NULL,
    p_value                   REAL NOT NULL,
    threshold                 REAL NOT NULL,
    nominal_false_alarm_rate  REAL NOT NULL,
    false_alarm_scope         TEXT NOT NULL,
    summary                   TEXT NOT NULL,
    -- JSON: the detector's evidence plus what the review page plots.
    evidence                  TEXT NOT NULL,
    -- open | confirmed | dismissed
    status                    TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'confirmed', 'dismissed')),
    created_at                TEXT NOT NULL,
    reviewed_by               TEXT,
    reviewed_at               TEXT,
    review_comment            TEXT
);
CREATE INDEX proctoring_flags_queue ON proctoring_flags (status, queue_key);
CREATE INDEX proctoring_flags_by_vacancy ON proctoring_flags (vacancy_id, queue_key);
CREATE INDEX proctoring_flags_by_run ON proctoring_flags (run_id, queue_key);
