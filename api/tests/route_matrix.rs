//! Every route × every caller, with the status each must get.
//!
//! The operations come from the served route table itself
//! (`qabilet_api::openapi_document()`, built from exactly the routes the router
//! serves), and [`matrix`] must have one entry per operation: a route added
//! without an entry, or an entry left behind by a removed route, fails the test
//! by name. Each entry gives a concrete request (real ids from the fixture and its
//! preparation), and the exact status for an anonymous caller, a candidate
//! (`cand1`), a commission member (`com1`, seated on V-1), an HR officer
//! (`hr_mf`, of MF which owns V-1), the HRM client's API key and an admin.
//!
//! Every request is independent of the others: a read-only entry gets one fresh
//! server for its six callers, a state-changing one a fresh server per caller, so
//! disabling a user, revoking a key or recording a stage never changes what a
//! later cell sees. Each server runs on its own copy of the common fixture's
//! SQLite database (made once, see [`Template`]) with the entry's preparation
//! ([`Prep`]) done on it. Run with `--nocapture` to see the matrix.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, LazyLock};
use std::time::Instant;

use chrono::{Duration, Utc};
use common::{fixture, Server, Tokens};
use hyper::Method;
use qabilet_app::accounts::{self, second_factor};
use qabilet_app::{Actor, Role};
use qabilet_store::test_support;
use serde_json::{json, Value};
use tokio::sync::Semaphore;

/// The callers of every row, in the matrix's column order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anon,
    Candidate,
    Commission,
    Hr,
    Hrm,
    Admin,
    Auditor,
}

const CALLERS: [Who; 7] = [
    Who::Anon,
    Who::Candidate,
    Who::Commission,
    Who::Hr,
    Who::Hrm,
    Who::Admin,
    Who::Auditor,
];

impl Who {
    fn label(self) -> &'static str {
        match self {
            Who::Anon => "anon",
            Who::Candidate => "cand1",
            Who::Commission => "com1",
            Who::Hr => "hr_mf",
            Who::Hrm => "hrm",
            Who::Admin => "admin",
            Who::Auditor => "auditor",
        }
    }

    fn token(self, t: &Tokens) -> Option<&str> {
        match self {
            Who::Anon => None,
            Who::Candidate => Some(&t.cand1),
            Who::Commission => Some(&t.com1),
            Who::Hr => Some(&t.hr_mf),
            Who::Hrm => Some(&t.hrm),
            Who::Admin => Some(&t.admin),
            Who::Auditor => Some(&t.auditor),
        }
    }

    /// The person behind the caller's session (API keys and anonymous: none).
    fn user(self) -> Option<(&'static str, Role)> {
        match self {
            Who::Candidate => Some(("cand-1", Role::Candidate)),
            Who::Commission => Some(("com-1", Role::Commission)),
            Who::Hr => Some(("hr-mf", Role::Hr)),
            Who::Admin => Some(("admin", Role::Admin)),
            Who::Auditor => Some(("aud-1", Role::Auditor)),
            Who::Anon | Who::Hrm => None,
        }
    }
}

/// State a row needs beyond the common fixture, set up on each of its servers
/// (in this order) before its requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prep {
    /// The server holds a search index, synced with the store once prepared.
    Index,
    /// cand1 applied to V-1 (`{app}`): HR of MF may then read P-1.
    Apply,
    /// com1, hr_mf and the admin declared no conflict of interest on V-1.
    Declare,
    /// P-1 consents to the reserve too.
    ReserveConsent,
    /// A reserve entry of P-1 from V-1's competition, 30 days (`{reserve}`).
    ReserveEntry,
    /// An analysis of V-1's test with its flags queued (`{flag}`: one of them).
    Flags,
    /// A second session of cand-1 (`{session}`: its id).
    OtherSession,
    /// A failed sign-in as cand-2, so `user:cand-2` is throttled.
    Throttle,
    /// cand-2 is disabled.
    DisableCand2,
    /// com-2 has a confirmed second factor.
    SecondFactorCom2,
    /// Each caller's person started setting up TOTP (`{totp}` in a body: their
    /// current code).
    StartSecondFactor,
    /// Each caller's person has a confirmed TOTP (`{recovery}` in a body: one of
    /// their recovery codes).
    ConfirmSecondFactor,
    /// An HRM API key `hrm-old` besides the caller's own.
    SpareKey,
}

/// One operation's row: the request and each caller's status.
struct Row {
    /// `METHOD /template`, as the route table documents it.
    key: &'static str,
    /// The concrete path (and query); `{app}`, `{reserve}`, `{flag}` and
    /// `{session}` are filled in from the preparation.
    path: &'static str,
    body: Option<Value>,
    prep: &'static [Prep],
    /// State-changing: a fresh server per caller.
    fresh: bool,
    /// anon, candidate, commission, hr, hrm, admin, auditor.
    expect: [u16; 7],
}

fn row(
    key: &'static str,
    path: &'static str,
    body: Option<Value>,
    prep: &'static [Prep],
    fresh: bool,
    expect: [u16; 6],
) -> Row {
    // The auditor, on a route that is not one of oversight's: what every person
    // gets where candidates, commission members, HR officers and admins all get
    // the same (their own account, the public catalogue), else refused.
    let [_, cand, com, hr, _, admin] = expect;
    let auditor = if cand == com && com == hr && hr == admin {
        admin
    } else {
        403
    };
    oversight_row(
        key,
        path,
        body,
        prep,
        fresh,
        [
            expect[0], expect[1], expect[2], expect[3], expect[4], expect[5], auditor,
        ],
    )
}

/// A row that names the auditor's status too (the routes an auditor uses).
fn oversight_row(
    key: &'static str,
    path: &'static str,
    body: Option<Value>,
    prep: &'static [Prep],
    fresh: bool,
    expect: [u16; 7],
) -> Row {
    Row {
        key,
        path,
        body,
        prep,
        fresh,
        expect,
    }
}

const READ: bool = false;
const WRITE: bool = true;

/// Public: everyone, token or not.
const PUBLIC: [u16; 6] = [200, 200, 200, 200, 200, 200];
/// Any signed-in caller.
const SIGNED_IN: [u16; 6] = [401, 200, 200, 200, 200, 200];
/// Anyone, signed in or not.
const EVERYONE: [u16; 6] = [200; 6];
/// Admins only.
const fn admin_only(ok: u16) -> [u16; 6] {
    [401, 403, 403, 403, 403, ok]
}
/// HR (their organisation), admins and auditors.
const OVERSIGHT: [u16; 7] = [401, 403, 403, 200, 403, 200, 200];
/// Admins and auditors.
const AUDIT: [u16; 7] = [401, 403, 403, 403, 403, 200, 200];

/// A well-formed checkpoint signed by a key this deployment does not trust: the
/// verification answers (200) that it does not verify.
fn foreign_checkpoint() -> Value {
    json!({
        "format": "qabilet-audit-checkpoint/1", "seq": 1, "hash": "00".repeat(32),
        "at": "2026-01-01T00:00:00Z", "key_id": "0000000000000000",
        "public_key": "00".repeat(32), "signature": "00".repeat(64)
    })
}

/// People with a session (API keys have none).
const fn people(ok: u16) -> [u16; 6] {
    [401, ok, ok, ok, 403, ok]
}

fn declaration() -> Value {
    json!({"no_conflict_of_interest": true, "statement": "Нет родственных связей"})
}

/// The whole table: one row per documented operation.
fn matrix() -> Vec<Row> {
    use Prep::*;
    let deadline = Utc::now().date_naive() + Duration::days(10);
    let extend_until = (Utc::now() + Duration::days(90)).to_rfc3339();
    vec![
        // System: public.
        row("GET /healthz", "/healthz", None, &[], READ, PUBLIC),
        row("GET /readyz", "/readyz", None, &[], READ, PUBLIC),
        row("GET /metrics", "/metrics", None, &[], READ, PUBLIC),
        row(
            "GET /openapi.json",
            "/openapi.json",
            None,
            &[],
            READ,
            PUBLIC,
        ),
        // Signing in: public, and the bearer header plays no part; a right
        // password is a session for whoever sends it.
        row(
            "POST /sessions",
            "/sessions",
            Some(json!({"user_id": "cand-1", "password": common::PASSWORD})),
            &[],
            WRITE,
            PUBLIC,
        ),
        // The caller's own sessions, password and second factor: people only.
        row("GET /sessions", "/sessions", None, &[], READ, people(200)),
        row(
            "DELETE /sessions",
            "/sessions",
            None,
            &[],
            WRITE,
            people(200),
        ),
        row(
            "DELETE /sessions/current",
            "/sessions/current",
            None,
            &[],
            WRITE,
            people(204),
        ),
        // cand-1's other session: cand1 and admins end it; anyone else is told it
        // does not exist (not theirs); an API key has no sessions at all.
        // Another person's session is not found by anyone else but an admin.
        oversight_row(
            "DELETE /sessions/{id}",
            "/sessions/{session}",
            None,
            &[OtherSession],
            WRITE,
            [401, 204, 404, 404, 403, 204, 404],
        ),
        row(
            "PUT /account/password",
            "/account/password",
            Some(json!({"current_password": common::PASSWORD,
                        "new_password": "жаңа-құпиясөз-2027-көктем"})),
            &[],
            WRITE,
            people(204),
        ),
        row(
            "GET /account/second-factor",
            "/account/second-factor",
            None,
            &[],
            READ,
            people(200),
        ),
        row(
            "POST /account/second-factor",
            "/account/second-factor",
            None,
            &[],
            WRITE,
            people(200),
        ),
        row(
            "POST /account/second-factor/confirm",
            "/account/second-factor/confirm",
            Some(json!({"code": "{totp}"})),
            &[StartSecondFactor],
            WRITE,
            people(200),
        ),
        // Candidates only: for every other role the second factor is mandatory.
        row(
            "POST /account/second-factor/disable",
            "/account/second-factor/disable",
            Some(json!({"code": "{recovery}"})),
            &[ConfirmSecondFactor],
            WRITE,
            [401, 204, 403, 403, 403, 403],
        ),
        // Users, keys, throttles: admins.
        row("GET /users", "/users", None, &[], READ, admin_only(200)),
        row(
            "POST /users",
            "/users",
            Some(json!({"id": "com-3", "role": "commission"})),
            &[],
            WRITE,
            admin_only(201),
        ),
        row(
            "POST /users/{id}/disable",
            "/users/cand-2/disable",
            None,
            &[],
            WRITE,
            admin_only(204),
        ),
        row(
            "POST /users/{id}/enable",
            "/users/cand-2/enable",
            None,
            &[DisableCand2],
            WRITE,
            admin_only(204),
        ),
        row(
            "POST /users/{id}/password-reset",
            "/users/cand-2/password-reset",
            Some(json!({})),
            &[],
            WRITE,
            admin_only(200),
        ),
        row(
            "DELETE /users/{id}/second-factor",
            "/users/com-2/second-factor",
            None,
            &[SecondFactorCom2],
            WRITE,
            admin_only(204),
        ),
        row(
            "GET /users/{id}/sessions",
            "/users/cand-2/sessions",
            None,
            &[],
            READ,
            admin_only(200),
        ),
        row(
            "DELETE /users/{id}/sessions",
            "/users/cand-2/sessions",
            None,
            &[],
            WRITE,
            admin_only(200),
        ),
        row(
            "GET /api-keys",
            "/api-keys",
            None,
            &[],
            READ,
            admin_only(200),
        ),
        row(
            "POST /api-keys",
            "/api-keys",
            Some(json!({"id": "hrm-2", "role": "hrm"})),
            &[],
            WRITE,
            admin_only(201),
        ),
        row(
            "DELETE /api-keys/{id}",
            "/api-keys/hrm-old",
            None,
            &[SpareKey],
            WRITE,
            admin_only(204),
        ),
        row(
            "GET /sign-in/throttles",
            "/sign-in/throttles",
            None,
            &[Throttle],
            READ,
            admin_only(200),
        ),
        row(
            "DELETE /sign-in/throttles/{key}",
            "/sign-in/throttles/user:cand-2",
            None,
            &[Throttle],
            WRITE,
            admin_only(204),
        ),
        // The catalogue: any signed-in caller reads; imports by role.
        row(
            "GET /organisations",
            "/organisations",
            None,
            &[],
            READ,
            SIGNED_IN,
        ),
        row(
            "GET /organisations/{id}",
            "/organisations/MF",
            None,
            &[],
            READ,
            SIGNED_IN,
        ),
        // The public catalogue: open vacancies, with or without signing in.
        row("GET /vacancies", "/vacancies", None, &[], READ, EVERYONE),
        row(
            "GET /vacancies/{id}",
            "/vacancies/V-1",
            None,
            &[],
            READ,
            EVERYONE,
        ),
        row(
            "GET /search/vacancies",
            "/search/vacancies?q=бухгалтерского",
            None,
            &[Index],
            READ,
            EVERYONE,
        ),
        row(
            "POST /import/organisations",
            "/import/organisations",
            Some(json!([common::organisation("MF")])),
            &[],
            WRITE,
            [401, 403, 403, 403, 200, 200],
        ),
        row(
            "POST /import/vacancies",
            "/import/vacancies",
            Some(json!([common::vacancy("V-1", "MF", deadline)])),
            &[],
            WRITE,
            [401, 403, 403, 200, 200, 200],
        ),
        row(
            "POST /import/profiles",
            "/import/profiles",
            Some(json!([common::profile("P-3", "Дана Ахметова")])),
            &[],
            WRITE,
            [401, 403, 403, 403, 200, 200],
        ),
        // Profiles: the candidate, HR of an organisation applied to, HRM, admins.
        row(
            "GET /profiles/{id}",
            "/profiles/P-1",
            None,
            &[Apply],
            READ,
            [401, 200, 403, 200, 200, 200],
        ),
        row(
            "GET /profiles/{id}/vacancies",
            "/profiles/P-1/vacancies",
            None,
            &[Apply, Index],
            READ,
            [401, 200, 403, 200, 200, 200],
        ),
        row(
            "POST /profiles/{id}/consent/revoke",
            "/profiles/P-1/consent/revoke",
            Some(json!({})),
            &[],
            WRITE,
            [401, 200, 403, 403, 403, 200],
        ),
        // The competition, with com1 seated on V-1 (and declared where it matters).
        row(
            "POST /vacancies/{id}/applications",
            "/vacancies/V-1/applications",
            None,
            &[],
            WRITE,
            [401, 201, 403, 403, 403, 403],
        ),
        // An auditor has no business with one person's application: hidden.
        oversight_row(
            "GET /applications/{id}",
            "/applications/{app}",
            None,
            &[Apply, Declare],
            READ,
            [401, 200, 200, 200, 200, 200, 404],
        ),
        // Consent is the person's own act: nobody grants it for them.
        row(
            "POST /profiles/{id}/consent/grant",
            "/profiles/P-1/consent/grant",
            Some(json!({"purpose": "reserve"})),
            &[],
            WRITE,
            [401, 200, 403, 403, 403, 403],
        ),
        // The inbox is the person's own.
        row(
            "GET /notifications",
            "/notifications",
            None,
            &[Apply],
            READ,
            [401, 200, 403, 403, 403, 403],
        ),
        // Only the candidate withdraws their own application.
        row(
            "POST /applications/{id}/withdrawal",
            "/applications/{app}/withdrawal",
            None,
            &[Apply],
            WRITE,
            [401, 200, 403, 403, 403, 403],
        ),
        // A qualification check: HR and admins; a declared member records
        // interviews and decisions only.
        row(
            "POST /applications/{id}/stages",
            "/applications/{app}/stages",
            Some(json!({"stage": "qualification_check", "outcome": "passed",
                        "reason": "all requirements met"})),
            &[Apply, Declare],
            WRITE,
            [401, 403, 403, 200, 403, 200],
        ),
        row(
            "PUT /vacancies/{id}/commission/{user_id}",
            "/vacancies/V-1/commission/com-2",
            None,
            &[],
            WRITE,
            [401, 403, 403, 200, 403, 200],
        ),
        row(
            "DELETE /vacancies/{id}/commission/{user_id}",
            "/vacancies/V-1/commission/com-1",
            None,
            &[],
            WRITE,
            [401, 403, 403, 200, 403, 200],
        ),
        // Registering is open to anyone (throttled per address).
        row(
            "POST /registrations",
            "/registrations",
            Some(
                json!({"user_id": "new.person", "password": "a long enough passphrase 7",
                        "full_name": "Дана Серікқызы", "region": "astana",
                        "consent_to_processing": true}),
            ),
            &[],
            WRITE,
            [201, 201, 201, 201, 201, 201],
        ),
        // A profile is saved by its owner only.
        row(
            "PUT /profiles/{id}",
            "/profiles/P-1",
            Some(json!({"full_name": "Айгерім Сапарова", "region": "astana",
                        "skills": ["1С", "МСФО"]})),
            &[],
            WRITE,
            [401, 200, 403, 403, 403, 403],
        ),
        // A CV is uploaded by its owner; a JSON body is no CV (415).
        row(
            "PUT /profiles/{id}/cv",
            "/profiles/P-1/cv",
            Some(json!({"not": "a cv"})),
            &[],
            WRITE,
            [401, 415, 403, 403, 403, 403],
        ),
        row(
            "PUT /applications/preferences",
            "/applications/preferences",
            Some(json!({"order": ["{app}"]})),
            &[Apply],
            WRITE,
            [401, 200, 403, 403, 403, 403],
        ),
        row(
            "GET /rotation",
            "/rotation",
            None,
            &[],
            READ,
            [401, 403, 403, 200, 403, 200],
        ),
        // The vacancy editor: HR of the organisation and admins.
        row(
            "POST /vacancies",
            "/vacancies",
            Some(json!({"organisation_id": "MF", "title": "Бас маман",
                        "description": "Қаржылық есептілік", "category": "B-4",
                        "region": "astana", "deadline": "2099-01-01",
                        "requirements": {"education_level": "higher", "min_years_total": 2}})),
            &[],
            WRITE,
            [401, 403, 403, 201, 403, 201],
        ),
        row(
            "PUT /vacancies/{id}",
            "/vacancies/V-1",
            Some(
                json!({"title": "Главный специалист", "description": "Ведение учета",
                        "category": "C-O-4", "region": "astana", "deadline": "2099-01-01",
                        "requirements": {"education_level": "higher", "min_years_total": 2},
                        "requirements_justification": "отдел создаётся заново, стаж в госслужбе не обязателен"}),
            ),
            &[],
            WRITE,
            [401, 403, 403, 200, 403, 200],
        ),
        row(
            "GET /qualifications",
            "/qualifications",
            None,
            &[],
            READ,
            [401, 403, 200, 200, 200, 200],
        ),
        row(
            "POST /vacancies/{id}/status",
            "/vacancies/V-1/status",
            Some(json!({"status": "closed"})),
            &[],
            WRITE,
            [401, 403, 403, 200, 403, 200],
        ),
        row(
            "POST /vacancies/{id}/declaration",
            "/vacancies/V-1/declaration",
            Some(declaration()),
            &[],
            WRITE,
            [401, 403, 201, 201, 403, 201],
        ),
        row(
            "POST /vacancies/{id}/recusal",
            "/vacancies/V-1/recusal",
            Some(json!({"reason": "мой двоюродный брат подал заявку"})),
            &[],
            WRITE,
            [401, 403, 200, 200, 403, 200],
        ),
        row(
            "GET /vacancies/{id}/shortlist",
            "/vacancies/V-1/shortlist",
            None,
            &[Apply, Declare],
            READ,
            [401, 403, 200, 200, 403, 200],
        ),
        row(
            "POST /vacancies/{id}/eligibility/overrides",
            "/vacancies/V-1/eligibility/overrides",
            Some(json!({"profile_id": "P-1", "rule": "experience_total",
                        "reason": "стаж в частном секторе подтверждён документами"})),
            &[Apply, Declare],
            WRITE,
            [401, 403, 201, 201, 403, 201],
        ),
        // The protocol PDF: whoever may see the named shortlist, once declared.
        row(
            "GET /vacancies/{id}/protocol.pdf",
            "/vacancies/V-1/protocol.pdf",
            None,
            &[Apply, Declare],
            WRITE,
            [401, 403, 200, 200, 403, 200],
        ),
        // Any body is checked (a non-PDF simply is not valid); admins only.
        row(
            "POST /protocols/verify",
            "/protocols/verify",
            Some(json!({"not": "a pdf"})),
            &[],
            READ,
            [401, 403, 403, 403, 403, 200],
        ),
        row(
            "POST /vacancies/{id}/shortlist/publish",
            "/vacancies/V-1/shortlist/publish",
            None,
            &[Apply],
            WRITE,
            [401, 403, 403, 200, 403, 200],
        ),
        row(
            "GET /vacancies/{id}/talent",
            "/vacancies/V-1/talent",
            None,
            &[Index],
            READ,
            [401, 403, 403, 200, 403, 200],
        ),
        // Oversight: HR for their organisation, admins, auditors.
        oversight_row(
            "GET /analytics",
            "/analytics",
            None,
            &[Apply],
            READ,
            OVERSIGHT,
        ),
        oversight_row(
            "GET /analytics.csv",
            "/analytics.csv?section=funnel",
            None,
            &[Apply],
            READ,
            OVERSIGHT,
        ),
        oversight_row(
            "GET /fairness",
            "/fairness?vacancy=V-1",
            None,
            &[Apply],
            READ,
            OVERSIGHT,
        ),
        oversight_row(
            "GET /fairness.csv",
            "/fairness.csv?vacancy=V-1",
            None,
            &[Apply],
            READ,
            OVERSIGHT,
        ),
        // A candidate's explanation of their own application (and admins').
        row(
            "GET /applications/{id}/explanation",
            "/applications/{app}/explanation",
            None,
            &[Apply],
            READ,
            [401, 200, 403, 403, 403, 200],
        ),
        // The reserve: HR in scope, the HRM client, admins.
        row(
            "GET /reserve",
            "/reserve",
            None,
            &[ReserveEntry],
            READ,
            [401, 403, 403, 200, 200, 200],
        ),
        row(
            "POST /reserve",
            "/reserve",
            Some(json!({"profile_id": "P-1", "reason": "второе место", "vacancy_id": "V-1"})),
            &[Apply, ReserveConsent],
            WRITE,
            [401, 403, 403, 201, 201, 201],
        ),
        row(
            "POST /reserve/{id}/extend",
            "/reserve/{reserve}/extend",
            Some(json!({"until": extend_until, "reason": "конкурс продлён"})),
            &[ReserveEntry],
            WRITE,
            [401, 403, 403, 200, 200, 200],
        ),
        row(
            "DELETE /reserve/{id}",
            "/reserve/{reserve}",
            None,
            &[ReserveEntry],
            WRITE,
            [401, 403, 403, 200, 200, 200],
        ),
        row(
            "GET /vacancies/{id}/reserve-matches",
            "/vacancies/V-1/reserve-matches",
            None,
            &[ReserveEntry],
            READ,
            [401, 403, 403, 200, 200, 200],
        ),
        // Proctoring: analyses by HR of the vacancy's organisation and admins; the
        // flags also for the members seated on the vacancy who declared no
        // conflict of interest and did not recuse (as for the shortlist; the
        // undeclared and recused cases are in api/tests/proctoring.rs).
        row(
            "POST /proctoring/analyses",
            "/proctoring/analyses?vacancy_id=V-1",
            Some(COHORT.body.clone()),
            &[],
            WRITE,
            [401, 403, 403, 201, 403, 201],
        ),
        row(
            "GET /proctoring/flags",
            "/proctoring/flags",
            None,
            &[Declare, Flags],
            READ,
            [401, 403, 200, 200, 403, 200],
        ),
        row(
            "GET /proctoring/flags/{id}",
            "/proctoring/flags/{flag}",
            None,
            &[Declare, Flags],
            READ,
            [401, 403, 200, 200, 403, 200],
        ),
        row(
            "POST /proctoring/flags/{id}/review",
            "/proctoring/flags/{flag}/review",
            Some(json!({"decision": "dismissed", "comment": "same room, different rows"})),
            &[Declare, Flags],
            WRITE,
            [401, 403, 200, 200, 403, 200],
        ),
        // Records: the audit log for admins and auditors, checkpoints taken by
        // admins, the event feed for HRM and admins.
        oversight_row("GET /audit", "/audit", None, &[], READ, AUDIT),
        oversight_row("GET /audit/verify", "/audit/verify", None, &[], READ, AUDIT),
        oversight_row(
            "POST /audit/verify",
            "/audit/verify",
            Some(foreign_checkpoint()),
            &[],
            READ,
            AUDIT,
        ),
        row(
            "POST /audit/checkpoints",
            "/audit/checkpoints",
            None,
            &[],
            WRITE,
            admin_only(201),
        ),
        // Entry 1 (the fixture's import) recorded no ranking: 409 once the caller
        // may replay; `tests/replay.rs` replays a real view.
        oversight_row(
            "GET /audit/{seq}/replay",
            "/audit/1/replay",
            None,
            &[],
            READ,
            [401, 403, 403, 403, 403, 409, 409],
        ),
        row(
            "GET /events",
            "/events?after=0",
            None,
            &[],
            READ,
            [401, 403, 403, 403, 200, 200],
        ),
        row(
            "GET /events/dead",
            "/events/dead",
            None,
            &[],
            READ,
            [401, 403, 403, 403, 200, 200],
        ),
    ]
}

/// A test's sessions with three copiers (the body of an analysis).
struct Cohort {
    body: Value,
    input: Vec<u8>,
    data: qabilet_proctoring::Dataset,
}

static COHORT: LazyLock<Cohort> = LazyLock::new(|| {
    use qabilet_proctoring::simulate::{simulate, Cheat, SimSpec};
    let sim = simulate(&SimSpec {
        examinees: 120,
        items: 40,
        options: 4,
        cheat: Some((Cheat::Copy(0.8), 3)),
        seed: 5,
    });
    let body = serde_json::to_value(&sim.dataset).unwrap();
    let input = body.to_string().into_bytes();
    Cohort {
        body,
        input,
        data: sim.dataset,
    }
});

/// The cohort analysed once, for every server that needs flags queued.
static REPORT: LazyLock<qabilet_proctoring::Report> = LazyLock::new(|| {
    let report = qabilet_proctoring::analyze(&COHORT.data, &qabilet_proctoring::Config::default());
    assert!(!report.flags.is_empty(), "the cohort raises flags");
    report
});

/// Every `METHOD /template` the served route table documents.
fn documented_operations() -> BTreeSet<String> {
    let doc = serde_json::to_value(qabilet_api::openapi_document()).unwrap();
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in [
            "get", "put", "post", "delete", "patch", "head", "options", "trace",
        ] {
            if item.get(method).is_some() {
                ops.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    ops
}

/// The operations without a row and the rows without an operation (and rows
/// given twice), as a failure message; `None` when they agree.
fn coverage_problems(rows: &[Row]) -> Option<String> {
    let documented = documented_operations();
    let mut keys = BTreeSet::new();
    let mut twice = Vec::new();
    for r in rows {
        if !keys.insert(r.key.to_owned()) {
            twice.push(r.key);
        }
    }
    let missing: Vec<&String> = documented.difference(&keys).collect();
    let stale: Vec<&String> = keys.difference(&documented).collect();
    if missing.is_empty() && stale.is_empty() && twice.is_empty() {
        return None;
    }
    let mut msg = String::from("the route matrix does not match the route table:\n");
    for op in missing {
        msg.push_str(&format!(
            "  no row for the documented operation {op}: add one to matrix()\n"
        ));
    }
    for op in stale {
        msg.push_str(&format!(
            "  a row for {op}, which the route table no longer has: remove it\n"
        ));
    }
    for op in twice {
        msg.push_str(&format!("  more than one row for {op}\n"));
    }
    Some(msg)
}

#[test]
fn every_documented_operation_has_a_row_and_every_row_an_operation() {
    if let Some(problems) = coverage_problems(&matrix()) {
        panic!("{problems}");
    }
}

/// What a row's preparation left for its requests.
#[derive(Default)]
struct Prepared {
    /// `{app}`, `{reserve}`, `{flag}`, `{session}`.
    vars: HashMap<&'static str, String>,
    /// Per user: the TOTP secret being set up.
    secrets: HashMap<&'static str, String>,
    /// Per user: an unused recovery code.
    recovery: HashMap<&'static str, String>,
}

/// The common fixture, made once: its SQLite database file and its callers'
/// tokens. Every server starts on a copy of the file, which is the fixture made
/// afresh (sessions and keys are kept hashed in the database) without hashing
/// seven passwords with Argon2id again for each of the matrix's 240-odd servers.
struct Template {
    db: Vec<u8>,
    wal: Option<Vec<u8>>,
    tokens: Tokens,
}

impl Template {
    async fn make() -> Template {
        let db = test_support::sqlite().await;
        let path = db
            .url
            .strip_prefix("sqlite://")
            .expect("a SQLite URL")
            .to_owned();
        let s = common::start(db).await;
        let tokens = fixture(&s).await;
        // Closing the last connection checkpoints the write-ahead log into the file.
        s.db.store.close().await;
        let template = Template {
            db: std::fs::read(&path).unwrap(),
            wal: std::fs::read(format!("{path}-wal"))
                .ok()
                .filter(|w| !w.is_empty()),
            tokens,
        };
        drop(s);
        template
    }

    /// A test store on a fresh copy of the fixture's database; the directory holds
    /// the copy.
    async fn copy(&self) -> (test_support::TestStore, tempfile::TempDir) {
        let mut db = test_support::sqlite().await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(qabilet_store::SQLITE_FILE);
        std::fs::write(&path, &self.db).unwrap();
        if let Some(wal) = &self.wal {
            std::fs::write(
                dir.path()
                    .join(format!("{}-wal", qabilet_store::SQLITE_FILE)),
                wal,
            )
            .unwrap();
        }
        let url = format!("sqlite://{}", path.display());
        let empty = std::mem::replace(
            &mut db.store,
            qabilet_store::Store::connect(&url).await.unwrap(),
        );
        empty.close().await;
        db.url = url;
        (db, dir)
    }

    fn tokens(&self) -> Tokens {
        let t = &self.tokens;
        Tokens {
            admin: t.admin.clone(),
            hrm: t.hrm.clone(),
            hr_mf: t.hr_mf.clone(),
            hr_mj: t.hr_mj.clone(),
            com1: t.com1.clone(),
            com2: t.com2.clone(),
            cand1: t.cand1.clone(),
            cand2: t.cand2.clone(),
            auditor: t.auditor.clone(),
        }
    }
}

/// A fresh SQLite server on a copy of the fixture with `prep` done; the
/// directories live as long as the server is used.
async fn prepared_server(
    template: &Template,
    prep: &[Prep],
) -> (
    Server,
    Tokens,
    Prepared,
    (tempfile::TempDir, Option<tempfile::TempDir>),
) {
    let (db, copy) = template.copy().await;
    let (s, index, dir) = if prep.contains(&Prep::Index) {
        let (s, index, dir) = common::start_indexed(db).await;
        (s, Some(index), Some(dir))
    } else {
        (common::start(db).await, None, None)
    };
    let t = template.tokens();
    let mut p = Prepared::default();
    let operator = common::operator();
    let person = |id: &str, role: Role| Actor::person(id, role, None, None);
    for step in prep {
        match step {
            Prep::Index => {}
            Prep::Apply => {
                let r = s
                    .post("/vacancies/V-1/applications", Some(&t.cand1), &json!({}))
                    .await;
                assert_eq!(r.status.as_u16(), 201, "prep apply: {}", r.text);
                p.vars
                    .insert("app", r.json["id"].as_str().unwrap().to_owned());
            }
            Prep::Declare => {
                for token in [&t.com1, &t.hr_mf, &t.admin] {
                    let r = s
                        .post("/vacancies/V-1/declaration", Some(token), &declaration())
                        .await;
                    assert_eq!(r.status.as_u16(), 201, "prep declare: {}", r.text);
                }
            }
            Prep::ReserveConsent | Prep::ReserveEntry => {
                let mut p1 = common::profile("P-1", "Айгерім Сапарова");
                p1["consents"] = json!([
                    {"purpose": "processing", "granted_at": "2026-01-01T00:00:00Z"},
                    {"purpose": "reserve", "granted_at": "2026-01-02T00:00:00Z"}
                ]);
                let r = s.post("/import/profiles", Some(&t.hrm), &json!([p1])).await;
                assert_eq!(r.status.as_u16(), 200, "prep reserve consent: {}", r.text);
                if *step == Prep::ReserveEntry {
                    let entry = qabilet_app::reserve::NewEntry {
                        profile_id: "P-1".parse().unwrap(),
                        reason: "второе место в конкурсе".into(),
                        days: Some(30),
                        vacancy_id: Some("V-1".parse().unwrap()),
                    };
                    let added = qabilet_app::reserve::add(&s.app, &operator, &entry)
                        .await
                        .expect("prep reserve entry");
                    p.vars.insert("reserve", added.id.to_string());
                }
            }
            Prep::Flags => {
                let (c, report) = (&*COHORT, &*REPORT);
                qabilet_app::proctoring::save(
                    &s.app,
                    &operator,
                    Some(&"V-1".parse().unwrap()),
                    &c.input,
                    &c.data,
                    report,
                )
                .await
                .expect("prep flags");
                p.vars.insert("flag", report.flags[0].id.to_string());
            }
            Prep::OtherSession => {
                let other = accounts::sessions::open_session(
                    &s.app,
                    "cand-1",
                    Role::Candidate,
                    false,
                    &accounts::Client::default(),
                )
                .await
                .unwrap();
                p.vars.insert("session", other.session_id);
            }
            Prep::Throttle => {
                let wrong = json!({"user_id": "cand-2", "password": "не-тот-пароль-вовсе"});
                let r = s.post("/sessions", None, &wrong).await;
                assert_eq!(r.status.as_u16(), 401, "prep throttle: {}", r.text);
            }
            Prep::DisableCand2 => {
                accounts::set_disabled(&s.app, &operator, "cand-2", true)
                    .await
                    .unwrap();
            }
            Prep::SecondFactorCom2 => {
                let com2 = person("com-2", Role::Commission);
                let e = second_factor::start_enrolment(&s.app, &com2).await.unwrap();
                let code = second_factor::current_code(&e.secret).unwrap();
                second_factor::confirm_enrolment(&s.app, &com2, &code)
                    .await
                    .unwrap();
            }
            Prep::StartSecondFactor | Prep::ConfirmSecondFactor => {
                for who in CALLERS {
                    let Some((id, role)) = who.user() else {
                        continue;
                    };
                    let actor = person(id, role);
                    let e = second_factor::start_enrolment(&s.app, &actor)
                        .await
                        .unwrap();
                    if *step == Prep::ConfirmSecondFactor {
                        let code = second_factor::current_code(&e.secret).unwrap();
                        let codes = second_factor::confirm_enrolment(&s.app, &actor, &code)
                            .await
                            .unwrap();
                        p.recovery.insert(id, codes.recovery_codes[0].clone());
                    }
                    p.secrets.insert(id, e.secret);
                }
            }
            Prep::SpareKey => {
                common::create_api_key(&s.app, "hrm-old", Role::Hrm).await;
            }
        }
    }
    if let Some(index) = &index {
        qabilet_app::follower::follow_once(&s.db.store, index, None)
            .await
            .unwrap();
    }
    (s, t, p, (copy, dir))
}

/// One cell's answer.
struct Cell {
    key: &'static str,
    who: Who,
    expected: u16,
    got: u16,
    text: String,
    /// What is wrong with the answer beyond its status (error shape, leaks).
    problem: Option<String>,
}

/// Words no error message may show a caller: SQL, file paths, panics.
const LEAKS: [&str; 7] = [
    "sqlx", "sqlite", "postgres", "select ", "panicked", ".rs:", "/tmp/",
];

async fn call(s: &Server, t: &Tokens, p: &Prepared, row: &Row, who: Who) -> Cell {
    let mut path = row.path.to_owned();
    for (name, value) in &p.vars {
        path = path.replace(&format!("{{{name}}}"), value);
    }
    assert!(!path.contains('{'), "{}: unfilled {path}", row.key);
    let method: Method = row.key.split(' ').next().unwrap().parse().unwrap();
    let token = who.token(t);
    let r = match &row.body {
        None => s.raw(method, &path, token, None, Vec::new()).await,
        Some(body) => {
            let mut text = body.to_string();
            for (name, value) in &p.vars {
                text = text.replace(&format!("{{{name}}}"), value);
            }
            if text.contains("{totp}") {
                let code = who
                    .user()
                    .and_then(|(id, _)| p.secrets.get(id))
                    .map(|secret| second_factor::current_code(secret).unwrap())
                    .unwrap_or_else(|| "000000".into());
                text = text.replace("{totp}", &code);
            }
            if text.contains("{recovery}") {
                let code = who
                    .user()
                    .and_then(|(id, _)| p.recovery.get(id).cloned())
                    .unwrap_or_else(|| "aaaa-bbbb-cccc-dddd".into());
                text = text.replace("{recovery}", &code);
            }
            s.raw(
                method,
                &path,
                token,
                Some("application/json"),
                text.into_bytes(),
            )
            .await
        }
    };
    let got = r.status.as_u16();
    let mut problem = None;
    if got >= 400 {
        let code = r.json["error"]["code"].as_str();
        let message = r.json["error"]["message"].as_str();
        match (code, message) {
            (Some(_), Some(message)) => {
                let lower = message.to_lowercase();
                if let Some(word) = LEAKS.iter().find(|w| lower.contains(*w)) {
                    problem = Some(format!("the error message shows {word:?}"));
                }
            }
            _ => problem = Some("not the JSON error shape".into()),
        }
    }
    if got >= 500 {
        problem.get_or_insert_with(|| "a server error".into());
    }
    let mut text = r.text;
    if text.len() > 300 {
        let cut = (0..=300)
            .rev()
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0);
        text.truncate(cut);
        text.push('…');
    }
    Cell {
        key: row.key,
        who,
        expected: row.expect[CALLERS.iter().position(|w| *w == who).unwrap()],
        got,
        text,
        problem,
    }
}

/// The row's cells for `callers`, on one fresh server.
async fn run(template: Arc<Template>, row: Arc<Row>, callers: Vec<Who>) -> Vec<Cell> {
    let (s, t, p, _dirs) = prepared_server(&template, row.prep).await;
    let mut cells = Vec::new();
    for who in callers {
        cells.push(call(&s, &t, &p, &row, who).await);
    }
    cells
}

fn print_matrix(rows: &[Row], cells: &BTreeMap<(&'static str, usize), Cell>) {
    let width = rows.iter().map(|r| r.key.len()).max().unwrap_or(0);
    let mut out = format!("\n{:width$}", "route \\ caller");
    for who in CALLERS {
        out.push_str(&format!(" {:>9}", who.label()));
    }
    out.push('\n');
    out.push_str(&"-".repeat(width + 10 * CALLERS.len()));
    out.push('\n');
    for r in rows {
        out.push_str(&format!("{:width$}", r.key));
        for (i, _) in CALLERS.iter().enumerate() {
            let cell = match cells.get(&(r.key, i)) {
                None => "?".to_owned(),
                Some(c) if c.got != c.expected => format!("{}≠{}", c.got, c.expected),
                Some(c) if c.problem.is_some() => format!("{}!", c.got),
                Some(c) => c.got.to_string(),
            };
            out.push_str(&format!(" {cell:>9}"));
        }
        out.push('\n');
    }
    out.push_str("(a≠e: got a, expected e; a!: the right status with a bad body)\n");
    println!("{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_route_answers_every_caller_as_the_matrix_says() {
    let started = Instant::now();
    let rows = matrix();
    if let Some(problems) = coverage_problems(&rows) {
        panic!("{problems}");
    }
    // The analysis is CPU work; done once, off the runtime's threads.
    tokio::task::spawn_blocking(|| LazyLock::force(&REPORT))
        .await
        .unwrap();
    let template = Arc::new(Template::make().await);

    let rows: Vec<Arc<Row>> = rows.into_iter().map(Arc::new).collect();
    let permits = Arc::new(Semaphore::new(6));
    let mut tasks = tokio::task::JoinSet::new();
    for row in &rows {
        let groups: Vec<Vec<Who>> = if row.fresh {
            CALLERS.iter().map(|w| vec![*w]).collect()
        } else {
            vec![CALLERS.to_vec()]
        };
        for callers in groups {
            let (template, row, permits) = (template.clone(), row.clone(), permits.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await.unwrap();
                run(template, row, callers).await
            });
        }
    }
    let mut cells = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        for cell in done.expect("a row's task panicked") {
            let i = CALLERS.iter().position(|w| *w == cell.who).unwrap();
            cells.insert((cell.key, i), cell);
        }
    }
    let rows: Vec<Row> = rows
        .into_iter()
        .map(|r| Arc::try_unwrap(r).ok().unwrap())
        .collect();
    print_matrix(&rows, &cells);
    println!(
        "{} operations × {} callers in {:.1} s",
        rows.len(),
        CALLERS.len(),
        started.elapsed().as_secs_f64()
    );

    let wrong: Vec<String> = rows
        .iter()
        .flat_map(|r| (0..CALLERS.len()).map(move |i| (r.key, i)))
        .filter_map(|k| cells.get(&k))
        .filter(|c| c.got != c.expected || c.problem.is_some())
        .map(|c| {
            format!(
                "  {} as {}: expected {}, got {}{}: {}",
                c.key,
                c.who.label(),
                c.expected,
                c.got,
                c.problem
                    .as_deref()
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default(),
                c.text
            )
        })
        .collect();
    assert_eq!(
        cells.len(),
        rows.len() * CALLERS.len(),
        "every cell was requested"
    );
    assert!(
        wrong.is_empty(),
        "{} of {} cells differ from the matrix:\n{}",
        wrong.len(),
        cells.len(),
        wrong.join("\n")
    );
}
