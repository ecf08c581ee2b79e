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
/// The login form's CSRF token (double submit: the cookie and the form field must
/// match; another site can make a browser post the form but cannot read the cookie).
const LOGIN_COOKIE: &str = "qb_login";
const LANG_COOKIE: &str = "qb_lang";
const VISION_COOKIE: &str = "qb_vision";
/// Preferences are kept for a year.
const PREF_MAX_AGE: u64 = 365 * 24 * 3600;

/// The request as the pages see it.
pub(crate) struct Ctx {
    pub lang: Language,
    pub low_vision: bool,
    /// The signed-in person, if the session cookie is valid (and their second
    /// factor is set up where their role requires one).
    pub principal: Option<Actor>,
    /// Signed in, but the role's second factor is still to be set up: such a
    /// person sees only the set-up page.
    pub pending: Option<Actor>,
    /// The client (address, user agent) of this request.
    pub client: qabilet_app::accounts::Client,
    session_token: Option<String>,
    /// The login form's CSRF cookie, if the browser sent one.
    login_token: Option<String>,
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
        let actor = match &session_token {
            // Only people's sessions: an API key in a cookie is not a way in.
            Some(token) if token.starts_with("qs_") => {
                accounts::session_actor(app, token).await.ok()
            }
            _ => None,
        };
        let (principal, pending) = match actor {
            Some(a) if a.second_factor_pending => (None, Some(a)),
            other => (other, None),
        };
        let here = parts
            .uri
            .path_and_query()
            .map_or("/web".to_owned(), |p| p.as_str().to_owned());
        let signed_in = principal.is_some() || pending.is_some();
        Ok(Ctx {
            lang: language_of(parts),
            low_vision: cookie(parts, VISION_COOKIE) == Some("on"),
            session_token: session_token.filter(|_| signed_in),
            principal,
            pending,
            client: qabilet_app::accounts::Client::of_request(
                app,
                parts
                    .extensions
                    .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                    .map(|c| c.0.ip()),
                parts
                    .headers
                    .get("x-forwarded-for")
                    .and_then(|v| v.to_str().ok()),
                parts
                    .headers
                    .get(axum::http::header::USER_AGENT)
                    .and_then(|v| v.to_str().ok()),
            ),
            login_token: cookie(parts, LOGIN_COOKIE).map(str::to_owned),
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
    pub fn t(&self, msg: impl crate::i18n::Text) -> &'static str {
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
            Some(token) => accounts::form_token(token),
            None => String::new(),
        }
    }

    /// The signed-in person even if their second factor is still to be set up:
    /// for the set-up page and signing out only.
    pub fn user_for_setup(&self) -> Result<&Actor, AppError> {
        self.principal
            .as_ref()
            .or(self.pending.as_ref())
            .ok_or_else(|| AppError::Unauthenticated("sign in first".into()))
    }

    /// The attributes every cookie carrying a secret gets.
    pub fn cookie_attributes(&self, max_age: u64) -> String {
        let secure = if self.app.config().sessions.secure_cookies {
            "; Secure"
        } else {
            ""
        };
        format!("Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
    }

    /// Refuses a form that does not carry this session's CSRF token.
    pub fn check_csrf(&self, sent: &str) -> Result<(), AppError> {
        let ok = self
            .session_token
            .as_ref()
            .is_some_and(|token| accounts::check_form_token(token, sent));
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
            Err(AppError::SecondFactorSetupRequired) => {
                see_other("/web/account/second-factor", &[])
            }
            Err(_) if self.pending.is_some() && self.principal.is_none() => {
                see_other("/web/account/second-factor", &[])
            }
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

    pub(crate) fn error_page(&self, e: AppError) -> Response {
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
        Role::Auditor => "/web/analytics",
    }
}

/// `GET /web`: the signed-in person's start page, or the login form.
pub(crate) async fn home(ctx: Ctx) -> Response {
    match (&ctx.principal, &ctx.pending) {
        (Some(p), _) => see_other(home_of(p.role), &[]),
        (None, Some(_)) => see_other("/web/account/second-factor", &[]),
        (None, None) => see_other("/web/login", &[]),
    }
}

#[derive(Deserialize)]
pub(crate) struct LoginQuery {
    next: Option<String>,
}

/// Why the login form is shown again.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LoginProblem {
    None,
    Refused,
    Stale,
    Throttled(u64),
}

fn login_form(ctx: &Ctx, next: &str, login_token: &str, problem: LoginProblem) -> Markup {
    let message = match problem {
        LoginProblem::None => None,
        LoginProblem::Refused => Some(ctx.t(Msg::LoginFailed).to_owned()),
        LoginProblem::Stale => Some(ctx.t(Msg::LoginStale).to_owned()),
        LoginProblem::Throttled(secs) => Some(format!("{} {secs} s.", ctx.t(Msg::LoginThrottled))),
    };
    let failed = message.is_some();
    html! {
        h1 { (ctx.t(Msg::SignIn)) }
        @if let Some(message) = &message {
            div role="alert" class="notice bad" id="login-error" { p { (message) } }
        }
        form method="post" action="/web/login" class="stack narrow" {
            input type="hidden" name="next" value=(next);
            input type="hidden" name="login_token" value=(login_token);
            label for="user_id" { (ctx.t(Msg::UserId)) }
            input id="user_id" name="user_id" required autocomplete="username"
                autocapitalize="none" spellcheck="false" maxlength="64"
                aria-describedby=[failed.then_some("login-error")];
            label for="password" { (ctx.t(Msg::Password)) }
            input id="password" name="password" type="password" required
                autocomplete="current-password" maxlength="256";
            label for="code" { (ctx.t(Msg::OneTimeCode)) }
            input id="code" name="code" inputmode="numeric" autocomplete="one-time-code"
                maxlength="32" aria-describedby="code-hint";
            p class="hint" id="code-hint" { (ctx.t(Msg::OneTimeCodeHint)) }
            button type="submit" { (ctx.t(Msg::SignIn)) }
        }
        p { (ctx.t(Msg::NoAccountYet)) " " a href="/web/register" id="register-link" { (ctx.t(Msg::Register)) } }
        p class="hint" { (ctx.t(Msg::DemoHint)) }
    }
}

/// A fresh login CSRF token and the cookie that carries it.
fn login_token_cookie(ctx: &Ctx) -> Result<(String, String), AppError> {
    form_token_cookie(ctx, "/web/login")
}

/// A fresh CSRF token for a form shown before signing in (login, registration)
/// and its cookie, scoped to `path` (double submit: see `LOGIN_COOKIE`).
pub(crate) fn form_token_cookie(ctx: &Ctx, path: &str) -> Result<(String, String), AppError> {
    let token = hex::encode(&accounts::random_bytes()?[..16]);
    let cookie = format!("{LOGIN_COOKIE}={token}; {}", ctx.cookie_attributes(3600))
        .replace("Path=/;", &format!("Path={path};"));
    Ok((token, cookie))
}

/// The session cookie of a session just opened, and the cookie that clears the
/// signed-out form's token at `form_path`.
pub(crate) fn session_cookies(
    ctx: &Ctx,
    session: &accounts::SessionToken,
    form_path: &str,
) -> [String; 2] {
    let lifetime = (session.expires_at - chrono::Utc::now())
        .num_seconds()
        .max(0);
    [
        format!(
            "{SESSION_COOKIE}={}; {}",
            session.token,
            ctx.cookie_attributes(u64::try_from(lifetime).unwrap_or(0))
        ),
        format!("{LOGIN_COOKIE}=; {}", ctx.cookie_attributes(0))
            .replace("Path=/;", &format!("Path={form_path};")),
    ]
}

impl Ctx {
    /// Whether `sent` is the token of the signed-out form's cookie.
    pub(crate) fn form_token_ok(&self, sent: &str) -> bool {
        self.login_token.as_deref().is_some_and(|t| {
            !t.is_empty()
                && bool::from(subtle::ConstantTimeEq::ct_eq(t.as_bytes(), sent.as_bytes()))
        })
    }
}

fn login_page_with(ctx: &Ctx, status: StatusCode, next: &str, problem: LoginProblem) -> Response {
    let (token, cookie) = match login_token_cookie(ctx) {
        Ok(pair) => pair,
        Err(e) => return ctx.error_page(e),
    };
    let title = ctx.t(Msg::SignIn);
    let mut response = html_response(
        status,
        layout::page(ctx, title, login_form(ctx, next, &token, problem)),
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}

/// `GET /web/login`.
pub(crate) async fn login_page(
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<LoginQuery>,
) -> Response {
    let next = q.next.filter(|n| is_local_path(n)).unwrap_or_default();
    login_page_with(&ctx, StatusCode::OK, &next, LoginProblem::None)
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    user_id: String,
    #[serde(alias = "secret")]
    password: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    login_token: String,
    #[serde(default)]
    next: String,
}

/// `POST /web/login`: the same use case as `POST /sessions`; the token goes into
/// an HttpOnly cookie instead of the response body. A role that must set up a
/// second factor goes to the set-up page first.
pub(crate) async fn login(
    ctx: Ctx,
    State(app): State<App>,
    Form(form): Form<LoginForm>,
) -> Response {
    if !ctx.form_token_ok(&form.login_token) {
        return login_page_with(&ctx, StatusCode::FORBIDDEN, &form.next, LoginProblem::Stale);
    }
    let code = Some(form.code.trim()).filter(|c| !c.is_empty());
    match accounts::sign_in(&app, &form.user_id, &form.password, code, &ctx.client).await {
        Ok(session) => {
            let [cookie, clear_login] = session_cookies(&ctx, &session, "/web/login");
            let next = if session.second_factor_setup_required {
                "/web/account/second-factor".to_owned()
            } else if form.next.starts_with("/web/") && is_local_path(&form.next) {
                form.next.clone()
            } else {
                home_of(session.role).to_owned()
            };
            see_other(&next, &[cookie, clear_login])
        }
        Err(e) if e.kind() == ErrorKind::Unauthenticated => login_page_with(
            &ctx,
            StatusCode::UNAUTHORIZED,
            &form.next,
            LoginProblem::Refused,
        ),
        Err(AppError::Throttled { retry_after_secs }) => {
            let mut response = login_page_with(
                &ctx,
                StatusCode::TOO_MANY_REQUESTS,
                &form.next,
                LoginProblem::Throttled(retry_after_secs),
            );
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, v);
            }
            response
        }
        Err(e) => ctx.error_page(e),
    }
}

/// `POST /web/logout`: ends the session in the store (the token stops working at
/// once, as a cookie and as a bearer) and forgets the cookie.
pub(crate) async fn logout(ctx: Ctx, Form(form): Form<Csrf>) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let actor = ctx.user_for_setup()?;
        accounts::sessions::sign_out(&ctx.app, actor).await?;
        let clear = format!("{SESSION_COOKIE}=; {}", ctx.cookie_attributes(0));
        Ok(see_other("/web/login", &[clear]))
    }
    .await;
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
