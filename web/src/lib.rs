//! Server-rendered web pages for the three audiences, on the API's own server.
//!
//! Candidates search vacancies, see which requirements their profile meets, apply
//! and follow their stages (`candidate`); commission members declare, review the
//! explained ranking and record results (`commission`); HR officers browse the
//! reserve and preview reserve matches (`hr`); HR officers, commission members and
//! admins work the proctoring flag queue (`proctoring`); HR, admins and auditors
//! read the analytics, the impact ratios per stage and the audit log
//! (`oversight`), where a candidate also reads how their application was decided.
//!
//! The pages hold no rules of their own: every page parses its form or query, calls
//! one use case of `qabilet_app` with the signed-in [`qabilet_app::Actor`] and
//! renders what it returns, so a page can never show or do what the JSON API would
//! refuse. This crate depends on the application core, not on the API; the binary
//! merges the two routers (`qabilet_api::router`).
//!
//! - Sessions: the login form (user id, password, one-time code; CSRF-protected
//!   by a double-submit cookie) calls the same use case as `POST /sessions`
//!   (`qabilet_app::accounts::sign_in`); the session token is kept in an
//!   `HttpOnly; SameSite=Strict; Secure` cookie, and signing out ends the session in
//!   the store. A role that must have a second factor sets it up first
//!   (`account`); admins manage accounts on `admin`. The JSON API never reads that cookie
//!   (it takes `Authorization` only), so cookies cannot be used to forge API calls;
//!   every state-changing form here carries a CSRF token derived from the session
//!   (`Ctx::check_csrf`).
//! - Preferences: interface language (kk/ru/en) and a low-vision mode live in
//!   plain cookies so they work before signing in.
//! - Pages work without JavaScript; HTML is escaped by maud; charts are inline SVG.

mod account;
mod admin;
mod candidate;
mod charts;
mod commission;
mod consents;
mod cv;
mod hr;
mod hr_vacancy;
mod i18n;
mod layout;
mod oversight;
mod proctoring;
mod proctoring_charts;
mod profile;
mod ranking;
mod register;
mod rotation;
mod session;
mod vacancy_editor;

use axum::response::Redirect;
use axum::routing::{get, post};
use axum::Router;
use qabilet_app::App;

pub(crate) use session::{Csrf, Ctx};

/// Every page route. The binary merges them with the API's (`qabilet_api::router`),
/// so the same layers (request ids, timeouts, body limits, metrics) apply.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/web") }))
        .route("/web", get(session::home))
        .route("/web/login", get(session::login_page).post(session::login))
        .route("/web/logout", post(session::logout))
        .route("/web/prefs", post(session::prefs))
        .route("/web/account", get(account::page))
        .route("/web/account/sessions/end", post(account::end_session))
        .route(
            "/web/account/sessions/end-others",
            post(account::end_others),
        )
        .route("/web/account/password", post(account::change_password))
        .route(
            "/web/account/second-factor",
            get(account::second_factor_page).post(account::confirm_second_factor),
        )
        .route("/web/admin", get(admin::page))
        .route("/web/admin/users", post(admin::create_user))
        .route("/web/admin/users/{id}/{action}", post(admin::user_action))
        .route("/web/admin/keys", post(admin::create_key))
        .route("/web/admin/keys/{id}/revoke", post(admin::revoke_key))
        .route("/web/admin/throttles/unlock", post(admin::unlock))
        .route("/web/style.css", get(layout::stylesheet))
        .route("/web/page.js", get(layout::script))
        .route("/web/for-you", get(candidate::for_you))
        .route("/web/vacancies", get(candidate::search))
        .route("/web/vacancies/{id}", get(candidate::vacancy))
        .route("/web/vacancies/{id}/apply", post(candidate::apply))
        .route("/web/applications", get(candidate::applications))
        .route("/web/inbox", get(candidate::inbox))
        .route(
            "/web/register",
            get(register::register_page).post(register::register),
        )
        .route(
            "/web/profile",
            get(profile::profile_page).post(profile::save),
        )
        .route("/web/profile/cv", post(cv::upload))
        .route("/web/hr/rotation", get(rotation::page))
        .route(
            "/web/hr/vacancies/new",
            get(vacancy_editor::new_page).post(vacancy_editor::create),
        )
        .route(
            "/web/hr/vacancies/{id}/edit",
            get(vacancy_editor::edit_page).post(vacancy_editor::save),
        )
        .route("/web/consents", get(consents::page))
        .route("/web/consents/grant", post(consents::grant))
        .route("/web/consents/revoke", post(consents::revoke))
        .route("/web/applications/{id}/withdraw", post(candidate::withdraw))
        .route("/web/applications/preferences", post(candidate::reorder))
        .route("/web/commission", get(commission::seats))
        .route("/web/shortlist/{id}", get(commission::shortlist))
        .route("/web/shortlist/{id}/declaration", post(commission::declare))
        .route("/web/shortlist/{id}/recusal", post(commission::recuse))
        .route("/web/shortlist/{id}/stages", post(commission::record_stage))
        .route("/web/shortlist/{id}/protocol", get(commission::protocol))
        .route(
            "/web/shortlist/{id}/protocol.pdf",
            get(commission::protocol_pdf),
        )
        .route("/web/hr", get(hr::vacancies))
        .route("/web/hr/reserve", get(hr::reserve))
        .route("/web/hr/reserve/{id}/extend", post(hr::extend))
        .route("/web/hr/reserve/{id}/remove", post(hr::remove))
        .route("/web/hr/vacancies/{id}", get(hr_vacancy::page))
        .route("/web/hr/vacancies/{id}/status", post(hr_vacancy::status))
        .route("/web/hr/vacancies/{id}/seats", post(hr_vacancy::seat))
        .route(
            "/web/hr/vacancies/{id}/seats/{user_id}/remove",
            post(hr_vacancy::unseat),
        )
        .route("/web/hr/vacancies/{id}/publish", post(hr_vacancy::publish))
        .route("/web/hr/vacancies/{id}/matches", get(hr::matches))
        .route("/web/proctoring", get(proctoring::queue))
        .route("/web/proctoring/flags/{id}", get(proctoring::flag))
        .route(
            "/web/proctoring/flags/{id}/review",
            post(proctoring::review),
        )
        .merge(oversight::routes())
}

/// A list a form takes as one text (skills, specialties, competencies): split at
/// commas, semicolons and line breaks, each item trimmed, empty ones dropped.
pub(crate) fn terms(raw: &str) -> Vec<String> {
    raw.split([',', '\n', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An organisation's name in the interface language (Kazakh when there is no
/// English name).
pub(crate) fn org_name(o: &qabilet_domain::Organisation, lang: qabilet_domain::Language) -> &str {
    match lang {
        qabilet_domain::Language::Ru => &o.name_ru,
        qabilet_domain::Language::En => o.name_en.as_deref().unwrap_or(&o.name_kk),
        qabilet_domain::Language::Kk => &o.name_kk,
    }
}
