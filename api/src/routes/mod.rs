//! One module per resource; [`api`] lists every route once.
//!
//! Each handler carries its `#[utoipa::path]` (method, path, parameters, bodies,
//! statuses, who may call it), and the router is built from the same list with
//! `utoipa-axum`, so the OpenAPI document at `/openapi.json` is the route table:
//! a route cannot be served without being documented, or documented without
//! being served. Schemas are derived from the types the handlers take and return.

mod accounts;
mod analytics;
mod catalog;
mod competition;
mod params;
mod people;
mod proctoring;
mod records;
mod reserve;
mod sessions;
mod system;

use std::sync::OnceLock;

use axum::Router;
use qabilet_app::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ErrorBody;

/// The document's frame; the paths come from the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Qabilet API",
        description = "Public-sector recruitment: vacancies, profiles, competitions with ranked shortlists, the talent reserve, proctoring flags, the audit log and the HRM event feed. Errors are always `ErrorBody`."
    ),
    modifiers(&Bearer),
    components(schemas(ErrorBody)),
    tags(
        (name = "system", description = "Health, readiness, metrics, this document."),
        (name = "auth", description = "Signing in and out, sessions, passwords, the second factor (TOTP); users, API keys and sign-in throttles (admins)."),
        (name = "catalog", description = "Organisations and vacancies; imports from the HRM system."),
        (name = "people", description = "Profiles, a person's ranked vacancies, consent."),
        (name = "competition", description = "Applications, stages, the commission, shortlists, talent search."),
        (name = "reserve", description = "The talent reserve and the second-best registry."),
        (name = "proctoring", description = "Proctoring analyses and the flag review queue."),
        (name = "records", description = "The audit log, its signed checkpoints and replays, and the HRM event feed."),
        (name = "oversight", description = "Analytics of the competitions and impact ratios per stage (HR for their organisation, admins, auditors)."),
    )
)]
struct ApiDoc;

/// The bearer scheme every authenticated route names.
struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API key (qk_…) or a session token from POST /sessions (qs_…).",
                    ))
                    .build(),
            ),
        );
    }
}

/// Every route of the API with its documentation; routes sharing a path are
/// grouped in one `routes!`.
fn api() -> OpenApiRouter<App> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(system::healthz))
        .routes(routes!(system::readyz))
        .routes(routes!(system::metrics))
        .routes(routes!(system::document))
        .routes(routes!(
            sessions::sign_in,
            sessions::own_sessions,
            sessions::end_other_sessions
        ))
        .routes(routes!(sessions::sign_out))
        .routes(routes!(sessions::end_session))
        .routes(routes!(sessions::change_password))
        .routes(routes!(
            sessions::second_factor_status,
            sessions::start_second_factor
        ))
        .routes(routes!(sessions::confirm_second_factor))
        .routes(routes!(sessions::disable_second_factor))
        .routes(routes!(accounts::users, accounts::create_user))
        .routes(routes!(accounts::disable_user))
        .routes(routes!(accounts::enable_user))
        .routes(routes!(accounts::reset_password))
        .routes(routes!(accounts::reset_second_factor))
        .routes(routes!(
            accounts::user_sessions,
            accounts::end_user_sessions
        ))
        .routes(routes!(accounts::api_keys, accounts::create_api_key))
        .routes(routes!(accounts::revoke_api_key))
        .routes(routes!(accounts::throttles))
        .routes(routes!(accounts::unlock))
        .routes(routes!(catalog::organisations))
        .routes(routes!(catalog::organisation))
        .routes(routes!(catalog::vacancies, catalog::create_vacancy))
        .routes(routes!(catalog::vacancy, catalog::edit_vacancy))
        .routes(routes!(catalog::qualification_directory))
        .routes(routes!(catalog::search_vacancies))
        .routes(routes!(catalog::import_organisations))
        .routes(routes!(catalog::import_vacancies))
        .routes(routes!(catalog::import_profiles))
        .routes(routes!(people::profile, people::save_profile))
        .routes(routes!(people::register))
        .routes(routes!(people::upload_cv))
        .routes(routes!(people::reorder_applications))
        .routes(routes!(people::rotation))
        .routes(routes!(people::vacancies_for))
        .routes(routes!(people::revoke_consent))
        .routes(routes!(people::grant_consent))
        .routes(routes!(people::notifications))
        .routes(routes!(competition::apply))
        .routes(routes!(competition::application))
        .routes(routes!(competition::explanation))
        .routes(routes!(competition::record_stage))
        .routes(routes!(competition::withdraw))
        .routes(routes!(
            competition::seat_member,
            competition::unseat_member
        ))
        .routes(routes!(competition::change_status))
        .routes(routes!(competition::declare))
        .routes(routes!(competition::recuse))
        .routes(routes!(competition::shortlist))
        .routes(routes!(competition::override_rule))
        .routes(routes!(competition::publish_shortlist))
        .routes(routes!(competition::protocol_pdf))
        .routes(routes!(competition::verify_protocol))
        .routes(routes!(competition::talent))
        .routes(routes!(analytics::dashboard))
        .routes(routes!(analytics::dashboard_csv))
        .routes(routes!(analytics::fairness))
        .routes(routes!(analytics::fairness_csv))
        .routes(routes!(reserve::list, reserve::add))
        .routes(routes!(reserve::extend))
        .routes(routes!(reserve::remove))
        .routes(routes!(reserve::matches))
        .merge(proctoring::analyses())
        .routes(routes!(proctoring::flags))
        .routes(routes!(proctoring::flag))
        .routes(routes!(proctoring::review))
        .routes(routes!(records::audit_log))
        .routes(routes!(
            records::verify_audit,
            records::verify_audit_against
        ))
        .routes(routes!(records::take_checkpoint))
        .routes(routes!(records::replay_entry))
        .routes(routes!(records::events))
        .routes(routes!(records::dead_events))
}

/// Every route of the API, unlayered (see [`crate::router`]).
pub fn routes() -> Router<App> {
    api().split_for_parts().0
}

/// The OpenAPI 3.1 document served at `GET /openapi.json`.
pub fn openapi_document() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(|| api().into_openapi())
}
