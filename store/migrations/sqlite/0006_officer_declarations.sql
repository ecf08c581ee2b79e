-- Every person who sees a named shortlist or records a result declares first: HR
-- officers and admins too, not only seated commission members. Their declarations
-- share the table, so the table no longer requires a commission seat; the
-- application core checks the seat for a member. `user_id` is the audited actor
-- (a user id, or `cli:NAME` for the operator at the command line).
CREATE TABLE declarations_new (
    vacancy_id      TEXT NOT NULL REFERENCES vacancies (id),
    user_id         TEXT NOT NULL,
    statement       TEXT NOT NULL,
    declared_at     TEXT NOT NULL,
    recused_at      TEXT,
    recusal_reason  TEXT,
    PRIMARY KEY (vacancy_id, user_id)
);
INSERT INTO declarations_new SELECT vacancy_id, user_id, statement, declared_at, recused_at, recusal_reason FROM declarations;
DROP TABLE declarations;
ALTER TABLE declarations_new RENAME TO declarations;
