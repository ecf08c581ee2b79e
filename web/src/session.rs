//! Who is looking and how they want to see it: the session cookie, the CSRF token,
//! the language and low-vision preferences, and the pages for signing in and out.
//!
//! [`Ctx`] is extracted by every page. It never fails: a missing or stale session
//! simply means "not signed in", and pages that need a person send them to the
//! login form (see [`Ctx::respond`]).

use std::convert::Infallible;

use axum::extract::{FromRequestParts, State};
use axum::http::header::{
    ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE,
};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use maud::{html, Markup};
use qabilet_app::{accounts, Actor, App, AppError, ErrorKind};
use qabilet_domain::Language;
use qabilet_store::Role;
use serde::Deserialize;

use super::i18n::Msg;
use super::layout;

const SESSION_COOKIE: &str = "qb_session";
const LANG_COOKIE: &str = "qb_lang";
const VISION_COOKIE: &str = "qb_vision";
/// Preferences are kept for a year.
const PREF_MAX_AGE: u64 = 365 * 24 * 3600;

/// The request as the pages see it.
pub(crate) struct Ctx {
    pub lang: Language,
    pub low_vision: bool,
    /// The signed-in person, if the session cookie is valid.
    pub principal: Option<Actor>,
    session_token: Option<String>,
    /// Path and query of this request: where to come back to.
    pub here: String,
    app: App,
}

fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

fn lang_code(code: &str) -> Option<Language> {
    match code.get(..2)?.to_ascii_lowercase().as_str() {
        "kk" => Some(Language::Kk),
        "ru" => Some(Language::Ru),
        "en" => Some(Language::En),
        _ => None,
    }
}

/// The cookie's language, else the browser's first supported one, else Kazakh (the
/// state language).
fn language_of(parts: &Parts) -> Language {
    if let Some(lang) = cookie(parts, LANG_COOKIE).and_then(lang_code) {
        return lang;
    }
    parts
        .headers
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').find_map(|item| lang_code(item.trim())))
        .unwrap_or(Language::Kk)
}

impl FromRequestParts<App> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Infallible> {
        let session_token = cookie(parts, SESSION_COOKIE).map(str::to_owned);
        let principal = match &session_token {
            // Only people's sessions: an API key in a cookie is not a way in.
            Some(token) if token.starts_with("qs1.") => {
                accounts::session_actor(app, token).await.ok()
            }
            _ => None,
        };
        let here = parts
            .uri
            .path_and_query()
            .map_or("/web".to_owned(), |p| p.as_str().to_owned());
        Ok(Ctx {
            lang: language_of(parts),
            low_vision: cookie(parts, VISION_COOKIE) == Some("on"),
            session_token: principal.as_ref().and(session_token),
            principal,
            here,
            app: app.clone(),
        })
    }
}

/// A form's CSRF token field, as every state-changing form posts it.
#[derive(Deserialize)]
pub(crate) struct Csrf {
    #[serde(default)]
    pub csrf: String,
}

impl Ctx {
    pub fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.lang)
    }

    /// The signed-in person, or 401 (which [`Ctx::respond`] turns into the login form).
    pub fn user(&self) -> Result<&Actor, AppError> {
        self.principal
            .as_ref()
            .ok_or_else(|| AppError::Unauthenticated("sign in first".into()))
    }

    /// The CSRF token of this session (see `qabilet_app::accounts::form_token`).
    pub fn csrf(&self) -> String {
        match &self.session_token {
            Some(token) => accounts::form_token(&self.app, token),
            None => String::new(),
        }
    }

    /// Refuses a form that does not carry this session's CSRF token.
    pub fn check_csrf(&self, sent: &str) -> Result<(), AppError> {
        let ok = self
            .session_token
            .as_ref()
            .is_some_and(|token| accounts::check_form_token(&self.app, token, sent));
        if !ok {
            return Err(AppError::forbidden(
                "the form is stale or did not come from this site; reload the page and try again",
            ));
        }
        Ok(())
    }

    /// The hidden CSRF field for a form.
    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="csrf" value=(self.csrf()); }
    }

    /// A whole page with status 200.
    pub fn page(&self, title: &str, body: Markup) -> Response {
        html_response(StatusCode::OK, layout::page(self, title, body))
    }

    /// Renders a handler's outcome: errors become HTML pages with the API's status
    /// (403 stays 403, never a 404 that leaks existence); an unauthenticated visitor
    /// is sent to the login form and brought back afterwards.
    pub fn respond(&self, result: Result<Response, AppError>) -> Response {
        match result {
            Ok(response) => response,
            Err(e) if e.kind() == ErrorKind::Unauthenticated => {
                let next = if self.here.starts_with("/web") && is_local_path(&self.here) {
                    self.here.clone()
                } else {
                    "/web".to_owned()
                };
                see_other(&format!("/web/login?next={}", percent_encode(&next)), &[])
            }
            Err(e) => self.error_page(e),
        }
    }

    fn error_page(&self, e: AppError) -> Response {
        // The use case's message says what to fix; internal causes are logged and
        // never shown.
        let message = if e.is_internal() {
            tracing::error!(error = %e, cause = ?e, "internal error on a page");
            String::new()
        } else {
            e.to_string()
        };
        let status = StatusCode::from_u16(e.kind().http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let title = match status {
            StatusCode::FORBIDDEN => self.t(Msg::ErrForbidden),
            StatusCode::NOT_FOUND => self.t(Msg::ErrNotFound),
            s if s.is_server_error() => self.t(Msg::ErrServer),
            _ => self.t(Msg::ErrRequest),
        };
        let body = html! {
            h1 { (title) }
            div role="alert" class="notice bad" {
                @if !message.is_empty() { p lang="en" { (message) } }
                p { (self.t(Msg::ErrHelp)) }
            }
            p { a href="/web" { (self.t(Msg::BackHome)) } }
        };
        html_response(status, layout::page(self, title, body))
    }
}

pub(crate) fn html_response(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            // Pages show personal data: never keep them in shared caches.
            (CACHE_CONTROL, "no-store"),
        ],
        markup.into_string(),
    )
        .into_response()
}

/// A 303 redirect setting `cookies`.
pub(crate) fn see_other(location: &str, cookies: &[String]) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(location) {
        headers.insert(LOCATION, v);
    }
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            headers.append(SET_COOKIE, v);
        }
    }
    response
}

/// A path on this site (no scheme, no `//host`), safe to redirect to.
pub(crate) fn is_local_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && p.bytes()
            .all(|b| b.is_ascii_graphic() && b != b'\\' && b != b'"' && b != b'<')
}

pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where each role starts.
fn home_of(role: Role) -> &'static str {
    match role {
        Role::Candidate | Role::Hrm => "/web/vacancies",
        Role::Commission => "/web/commission",
        Role::Hr | Role::Admin => "/web/hr",
    }
}

/// `GET /web`: the signed-in person's start page, or the login form.
pub(crate) async fn home(ctx: Ctx) -> Response {
    match &ctx.principal {
        Some(p) => see_other(home_of(p.role), &[]),
        None => see_other("/web/login", &[]),
    }
}

#[derive(Deserialize)]
pub(crate) struct LoginQuery {
    next: Option<String>,
}

fn login_form(ctx: &Ctx, next: &str, failed: bool) -> Markup {
    html! {
        h1 { (ctx.t(Msg::SignIn)) }
        @if failed {
            div role="alert" class="notice bad" id="login-error" { p { (ctx.t(Msg::LoginFailed)) } }
        }
        form method="post" action="/web/login" class="stack narrow" {
            input type="hidden" name="next" value=(next);
            label for="user_id" { (ctx.t(Msg::UserId)) }
            input id="user_id" name="user_id" required autocomplete="username"
                autocapitalize="none" spellcheck="false" maxlength="128"
                aria-describedby=[failed.then_some("login-error")];
            label for="secret" { (ctx.t(Msg::Secret)) }
            input id="secret" name="secret" type="password" required
                autocomplete="current-password" maxlength="256";
            button type="submit" { (ctx.t(Msg::SignIn)) }
        }
        p class="hint" { (ctx.t(Msg::DemoHint)) }
    }
}

/// `GET /web/login`.
pub(crate) async fn login_page(
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<LoginQuery>,
) -> Response {
    let next = q.next.filter(|n| is_local_path(n)).unwrap_or_default();
    let title = ctx.t(Msg::SignIn);
    ctx.page(title, login_form(&ctx, &next, false))
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    user_id: String,
    secret: String,
    #[serde(default)]
    next: String,
}

/// `POST /web/login`: the same check as `POST /sessions`; the token goes into an
/// HttpOnly cookie instead of the response body.
pub(crate) async fn login(
    ctx: Ctx,
    State(app): State<App>,
    Form(form): Form<LoginForm>,
) -> Response {
    let result = async {
        let Some(session) = accounts::sign_in(&app, &form.user_id, &form.secret).await? else {
            let title = ctx.t(Msg::SignIn);
            let page = layout::page(&ctx, title, login_form(&ctx, &form.next, true));
            return Ok(html_response(StatusCode::UNAUTHORIZED, page));
        };
        let cookie = format!(
            "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
            session.token,
            app.config().sessions.ttl.as_secs()
        );
        let next = if form.next.starts_with("/web/") && is_local_path(&form.next) {
            form.next.clone()
        } else {
            home_of(session.role).to_owned()
        };
        Ok(see_other(&next, &[cookie]))
    }
    .await;
    ctx.respond(result)
}

/// `POST /web/logout`: forgets the cookie. Session tokens are stateless, so the
/// token itself stays valid until it expires; disabling the user ends it at once.
pub(crate) async fn logout(ctx: Ctx, Form(form): Form<Csrf>) -> Response {
    let result = ctx.check_csrf(&form.csrf).map(|()| {
        let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        see_other("/web/login", &[clear])
    });
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct PrefsForm {
    lang: Option<String>,
    vision: Option<String>,
    #[serde(default)]
    back: String,
}

/// `POST /web/prefs`: sets the language or the low-vision mode and goes back. Not
/// CSRF-protected on purpose: it works before signing in and changes nothing but
/// how pages look.
pub(crate) async fn prefs(Form(form): Form<PrefsForm>) -> Response {
    let mut cookies = Vec::new();
    if let Some(lang) = form.lang.as_deref().and_then(lang_code) {
        cookies.push(format!(
            "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age={PREF_MAX_AGE}",
            lang.code()
        ));
    }
    match form.vision.as_deref() {
        Some("on") => cookies.push(format!(
            "{VISION_COOKIE}=on; Path=/; SameSite=Lax; Max-Age={PREF_MAX_AGE}"
        )),
        Some("off") => cookies.push(format!("{VISION_COOKIE}=; Path=/; SameSite=Lax; Max-Age=0")),
        _ => {}
    }
    let back = if form.back.starts_with("/web") && is_local_path(&form.back) {
        form.back
    } else {
        "/web".to_owned()
    };
    see_other(&back, &cookies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert!(is_local_path("/web/vacancies?q=a%20b"));
        assert!(!is_local_path("//evil.example/web"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path("/web/\\evil"));
        assert!(!is_local_path("/web/a b"));
        assert_eq!(percent_encode("/web/x?q=a b"), "/web/x%3Fq%3Da%20b");
    }
}
