-- Every person who sees a named shortlist or records a result declares first: HR
-- officers and admins too, not only seated commission members. Their declarations
-- share the table, so the table no longer requires a commission seat; the
-- application core checks the seat for a member. `user_id` is the audited actor
-- (a user id, or `cli:NAME` for the operator at the command line).
ALTER TABLE declarations DROP CONSTRAINT declarations_vacancy_id_user_id_fkey;
ALTER TABLE declarations ADD FOREIGN KEY (vacancy_id) REFERENCES vacancies (id);
