-- A commission's override of one eligibility rule for one applicant, with the
-- written reason. The audit log records the act; this table is what the shortlist
-- reads back. Writing the same rule again replaces the reason (the audit log keeps
-- both).
CREATE TABLE eligibility_overrides (
    vacancy_id   TEXT NOT NULL REFERENCES vacancies (id),
    profile_id   TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    -- A rule code of the matcher: education, specialty, experience_total, …
    rule         TEXT NOT NULL,
    reason       TEXT NOT NULL,
    decided_by   TEXT NOT NULL,
    decided_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (vacancy_id, profile_id, rule)
);
