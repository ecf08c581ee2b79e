//! One module per resource; this one lists every route in one place.

mod catalog;
pub(crate) mod competition;
mod people;
pub(crate) mod proctoring;
mod records;
mod system;

use axum::routing::{get, post, put};
use axum::Router;

use crate::AppState;

/// Most records one list request returns.
pub(crate) const MAX_PAGE: i64 = 500;

/// Every route of the API. Paths use axum 0.8's `{param}` syntax.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(system::healthz))
        .route("/readyz", get(system::readyz))
        .route("/metrics", get(system::metrics))
        .route("/sessions", post(system::login))
        .route("/users", post(people::create_user))
        .route("/api-keys", post(people::create_api_key))
        .route("/organisations", get(catalog::list_organisations))
        .route("/organisations/{id}", get(catalog::get_organisation))
        .route("/vacancies", get(catalog::list_vacancies))
        .route("/vacancies/{id}", get(catalog::get_vacancy))
        .route("/search/vacancies", get(catalog::search_vacancies))
        .route("/import/organisations", post(catalog::import_organisations))
        .route("/import/vacancies", post(catalog::import_vacancies))
        .route("/import/profiles", post(people::import_profiles))
        .route("/profiles/{id}", get(people::get_profile))
        .route(
            "/profiles/{id}/consent/revoke",
            post(people::revoke_consent),
        )
        .route("/vacancies/{id}/applications", post(competition::apply))
        .route("/applications/{id}", get(competition::get_application))
        .route("/applications/{id}/stages", post(competition::record_stage))
        .route(
            "/vacancies/{id}/commission/{user_id}",
            put(competition::seat_member),
        )
        .route("/vacancies/{id}/declaration", post(competition::declare))
        .route("/vacancies/{id}/recusal", post(competition::recuse))
        .route("/vacancies/{id}/shortlist", get(competition::shortlist))
        .route(
            "/vacancies/{id}/shortlist/publish",
            post(competition::publish_shortlist),
        )
        .route("/audit", get(records::audit_log))
        .route("/audit/verify", get(records::verify_audit))
        .route("/events", get(records::events))
        .route("/events/dead", get(records::dead_events))
        .merge(crate::web::routes())
        .merge(proctoring::routes())
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
