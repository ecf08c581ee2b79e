//! One module per resource; this one lists every route in one table.
//!
//! The table ([`table`]) is the single source of truth: the router is built from it
//! and so is the OpenAPI document (`openapi`), so a route cannot be served without
//! being documented or documented without being served.

mod catalog;
pub(crate) mod competition;
mod openapi;
mod people;
pub(crate) mod proctoring;
mod records;
mod reserve;
mod shortlists;
mod system;

use axum::handler::Handler;
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;

use crate::AppState;

/// Most records one list request returns.
pub(crate) const MAX_PAGE: i64 = 500;

/// An HTTP method the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    /// Lower case, as OpenAPI names operations.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
            Method::Put => "put",
            Method::Delete => "delete",
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Method::Get => MethodFilter::GET,
            Method::Post => MethodFilter::POST,
            Method::Put => MethodFilter::PUT,
            Method::Delete => MethodFilter::DELETE,
        }
    }
}

/// What the OpenAPI document says of one route.
#[derive(Debug, Clone, Copy)]
pub struct RouteDoc {
    pub method: Method,
    /// axum 0.8 syntax, which is also OpenAPI's: `/vacancies/{id}`.
    pub path: &'static str,
    /// Groups operations in the document.
    pub tag: &'static str,
    /// One line: what it does and who may call it.
    pub summary: &'static str,
    /// Whether a bearer token is required.
    pub auth: bool,
}

/// A documented route with its handler.
pub(crate) struct Route {
    pub doc: RouteDoc,
    pub handler: MethodRouter<AppState>,
}

fn route<H, T>(
    method: Method,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    handler: H,
) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let auth = !matches!(
        path,
        "/healthz" | "/readyz" | "/metrics" | "/sessions" | "/openapi.json"
    );
    Route {
        doc: RouteDoc {
            method,
            path,
            tag,
            summary,
            auth,
        },
        handler: on(method.filter(), handler),
    }
}

/// `route` with its own body limit (the server-wide limit still applies first).
fn with_body_limit(mut r: Route, bytes: usize) -> Route {
    r.handler = r.handler.layer(axum::extract::DefaultBodyLimit::max(bytes));
    r
}

/// Every route of the API. Kept as a table, one route a line, hence no rustfmt.
#[rustfmt::skip]
pub(crate) fn table() -> Vec<Route> {
    use Method::{Delete, Get, Post, Put};
    vec![
        route(Get, "/healthz", "system", "Liveness: the process answers.", system::healthz),
        route(Get, "/readyz", "system", "Readiness: the store answers.", system::readyz),
        route(Get, "/metrics", "system", "Prometheus metrics.", system::metrics),
        route(Get, "/openapi.json", "system", "This OpenAPI 3 document.", openapi::document),
        route(Post, "/sessions", "auth", "Sign in with a login secret; returns a session token.", system::login),
        route(Post, "/users", "auth", "Create a user (admin); returns the login secret once.", people::create_user),
        route(Post, "/api-keys", "auth", "Create an API key (admin); returns it once.", people::create_api_key),
        route(Get, "/organisations", "catalog", "List organisations.", catalog::list_organisations),
        route(Get, "/organisations/{id}", "catalog", "One organisation.", catalog::get_organisation),
        route(Get, "/vacancies", "catalog", "List vacancies by status and region.", catalog::list_vacancies),
        route(Get, "/vacancies/{id}", "catalog", "One vacancy.", catalog::get_vacancy),
        route(Get, "/search/vacancies", "catalog", "Full-text search of vacancies.", catalog::search_vacancies),
        route(Post, "/import/organisations", "import", "Bulk import of organisations, idempotent by id (hrm, admin).", catalog::import_organisations),
        route(Post, "/import/vacancies", "import", "Bulk import of vacancies, idempotent by id (hrm, admin, hr for own organisation); opening vacancies are matched against the reserve.", catalog::import_vacancies),
        route(Post, "/import/profiles", "import", "Bulk import of profiles, idempotent by id (hrm, admin).", people::import_profiles),
        route(Get, "/profiles/{id}", "people", "One profile (owner, hr of an organisation applied to, hrm, admin).", people::get_profile),
        route(Get, "/profiles/{id}/vacancies", "people", "Open vacancies ranked for the person, with the requirements they meet; ?q=&limit= (whoever may read the profile).", people::vacancies_for),
        route(Post, "/profiles/{id}/consent/revoke", "people", "Revoke processing consent: stops processing and removes the person from search.", people::revoke_consent),
        route(Post, "/vacancies/{id}/applications", "competition", "Apply with one's own profile (candidate).", competition::apply),
        route(Get, "/applications/{id}", "competition", "One application with its stage results.", competition::get_application),
        route(Post, "/applications/{id}/stages", "competition", "Record a stage result with its reason; a decision moves runners-up to the reserve.", competition::record_stage),
        route(Put, "/vacancies/{id}/commission/{user_id}", "competition", "Seat a commission member (hr, admin).", competition::seat_member),
        route(Post, "/vacancies/{id}/declaration", "competition", "Declare no conflict of interest (seated commission member).", competition::declare),
        route(Post, "/vacancies/{id}/recusal", "competition", "Recuse oneself (seated commission member).", competition::recuse),
        route(Get, "/vacancies/{id}/shortlist", "competition", "Ranked shortlist with explanations; ineligible apart; ?blind=&limit= (declared commission, hr, admin; audited).", shortlists::shortlist),
        route(Post, "/vacancies/{id}/eligibility/overrides", "competition", "Override an eligibility rule with a written reason (declared commission member; audited).", shortlists::override_rule),
        route(Post, "/vacancies/{id}/shortlist/publish", "competition", "Send the shortlist to the HRM system (hr, admin).", competition::publish_shortlist),
        route(Get, "/reserve", "reserve", "Reserve and second-best entries; ?kind=&active=&vacancy= (hr in scope, hrm, admin).", reserve::list),
        route(Post, "/reserve", "reserve", "Keep a consenting person in the reserve (hr, hrm, admin).", reserve::add),
        route(Post, "/reserve/{id}/extend", "reserve", "Move an entry's expiry later (hr in scope, hrm, admin).", reserve::extend_entry),
        route(Delete, "/reserve/{id}", "reserve", "Remove an entry (hr in scope, hrm, admin).", reserve::remove),
        with_body_limit(route(Post, "/proctoring/analyses", "proctoring", "Analyse a test's sessions (form, sessions, events; see proctoring/FORMAT.md) and queue the flags; ?vacancy_id= (hr in scope, admin).", proctoring::create_analysis), proctoring::ANALYSIS_BODY_LIMIT),
        route(Get, "/proctoring/flags", "proctoring", "The flag queue, by severity; ?status=&vacancy_id=&run_id=&after=&limit= (hr in scope, seated commission, admin).", proctoring::list_flags),
        route(Get, "/proctoring/flags/{id}", "proctoring", "One flag with its evidence (timeline, response times, answer grid).", proctoring::get_flag),
        route(Post, "/proctoring/flags/{id}/review", "proctoring", "Confirm or dismiss a flag with a comment (audited; a confirmation is sent to the HRM system).", proctoring::review_flag),
        route(Get, "/audit", "records", "The audit log (admin).", records::audit_log),
        route(Get, "/audit/verify", "records", "Verify the audit hash chain (admin).", records::verify_audit),
        route(Get, "/events", "records", "The HRM event feed after a cursor (hrm, admin).", records::events),
        route(Get, "/events/dead", "records", "Dead-lettered events (hrm, admin).", records::dead_events),
    ]
}

/// The documentation of every route, in table order.
pub fn docs() -> Vec<RouteDoc> {
    table().into_iter().map(|r| r.doc).collect()
}

pub(crate) use openapi::build as openapi_document;

/// Every route of the API, from [`table`].
pub(crate) fn routes() -> Router<AppState> {
    // The web pages are HTML for people, not part of the documented JSON API.
    table()
        .into_iter()
        .fold(Router::new(), |router, r| {
            router.route(r.doc.path, r.handler)
        })
        .merge(crate::web::routes())
}

/// `?after=&limit=` for lists keyed by id.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Page {
    #[serde(default)]
    pub after: String,
    pub limit: Option<i64>,
}

impl Page {
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(100).clamp(1, MAX_PAGE)
    }
}
