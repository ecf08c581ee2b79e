//! Registering a candidate account (`accounts::registration::register`, the
//! same use case as `POST /registrations`), then signing the person straight in
//! and sending them to fill their profile.
//!
//! The form is shown before anyone signs in, so its CSRF protection is the login
//! form's double-submit cookie, scoped to this page.

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum::Form;
use maud::{html, Markup};
use qabilet_app::accounts::{self, registration};
use qabilet_app::{App, AppError};
use qabilet_domain::{Language, Region};
use serde::Deserialize;

use super::i18n::{language_name, Msg};
use super::layout;
use super::session::{form_token_cookie, html_response, see_other, session_cookies};
use super::Ctx;

const PATH: &str = "/web/register";

/// What the form posts.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RegisterForm {
    form_token: String,
    user_id: String,
    password: String,
    password_again: String,
    full_name: String,
    email: String,
    region: String,
    language: String,
    consent: String,
}

fn form(ctx: &Ctx, token: &str, sent: &RegisterForm, problem: Option<(&str, String)>) -> Markup {
    let field = problem.as_ref().map(|(f, _)| *f);
    let described = |name: &str| (field == Some(name)).then_some("register-error");
    let language = if sent.language.is_empty() {
        ctx.lang.code()
    } else {
        sent.language.as_str()
    };
    html! {
        h1 { (ctx.t(Msg::Register)) }
        p class="hint" { (ctx.t(Msg::RegisterIntro)) }
        @if let Some((_, message)) = &problem {
            div role="alert" class="notice bad" id="register-error" { p { (message) } }
        }
        form method="post" action=(PATH) class="stack narrow" {
            input type="hidden" name="form_token" value=(token);
            label for="user_id" { (ctx.t(Msg::UserId)) }
            input id="user_id" name="user_id" required autocomplete="username" value=(sent.user_id)
                autocapitalize="none" spellcheck="false" minlength="3" maxlength="64"
                pattern="[A-Za-z0-9._\\-]{3,64}" aria-describedby=[described("user_id")];
            label for="full_name" { (ctx.t(Msg::FullName)) }
            input id="full_name" name="full_name" required maxlength="300" autocomplete="name"
                value=(sent.full_name) aria-describedby=[described("full_name")];
            label for="email" { (ctx.t(Msg::Email)) }
            input id="email" name="email" type="email" maxlength="300" autocomplete="email"
                value=(sent.email) aria-describedby=[described("email")];
            label for="region" { (ctx.t(Msg::Region)) }
            select id="region" name="region" required {
                @for r in Region::ALL {
                    option value=(r.code()) selected[sent.region == r.code()] { (r.name(ctx.lang)) }
                }
            }
            label for="language" { (ctx.t(Msg::ProfileLanguage)) }
            select id="language" name="language" {
                @for l in Language::ALL {
                    option value=(l.code()) selected[language == l.code()] { (language_name(l, ctx.lang)) }
                }
            }
            label for="password" { (ctx.t(Msg::NewPassword)) }
            input id="password" name="password" type="password" required minlength="12"
                maxlength="256" autocomplete="new-password" aria-describedby="password-hint";
            p class="hint" id="password-hint" { (ctx.t(Msg::PasswordRule)) }
            label for="password_again" { (ctx.t(Msg::PasswordAgain)) }
            input id="password_again" name="password_again" type="password" required
                minlength="12" maxlength="256" autocomplete="new-password";
            p {
                input id="consent" name="consent" type="checkbox" value="yes" required
                    checked[sent.consent == "yes"] aria-describedby=[described("consent_to_processing")];
                " " label for="consent" { (ctx.t(Msg::ConsentProcessing)) }
            }
            button type="submit" id="register" { (ctx.t(Msg::Register)) }
        }
        p { a href="/web/login" { (ctx.t(Msg::SignIn)) } }
    }
}

fn page(
    ctx: &Ctx,
    status: StatusCode,
    sent: &RegisterForm,
    problem: Option<(&str, String)>,
) -> Response {
    let (token, cookie) = match form_token_cookie(ctx, PATH) {
        Ok(pair) => pair,
        Err(e) => return ctx.error_page(e),
    };
    let mut response = html_response(
        status,
        layout::page(ctx, ctx.t(Msg::Register), form(ctx, &token, sent, problem)),
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}

/// `GET /web/register`.
pub(crate) async fn register_page(ctx: Ctx) -> Response {
    page(&ctx, StatusCode::OK, &RegisterForm::default(), None)
}

/// `POST /web/register`: registers, signs in, and goes to the profile form.
pub(crate) async fn register(
    ctx: Ctx,
    State(app): State<App>,
    Form(sent): Form<RegisterForm>,
) -> Response {
    if !ctx.form_token_ok(&sent.form_token) {
        return page(
            &ctx,
            StatusCode::FORBIDDEN,
            &sent,
            Some(("", ctx.t(Msg::LoginStale).to_owned())),
        );
    }
    if sent.password != sent.password_again {
        let problem = Some(("password_again", ctx.t(Msg::PasswordsDiffer).to_owned()));
        return page(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &sent, problem);
    }
    let Ok(region) = sent.region.parse::<Region>() else {
        let problem = Some(("region", ctx.t(Msg::ErrMalformed).to_owned()));
        return page(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &sent, problem);
    };
    let registration = registration::Registration {
        user_id: sent.user_id.clone(),
        password: sent.password.clone(),
        full_name: sent.full_name.clone(),
        email: Some(sent.email.clone()),
        region,
        language: sent.language.parse().ok(),
        consent_to_processing: sent.consent == "yes",
    };
    let registered = match registration::register(&app, &registration, &ctx.client).await {
        Ok(r) => r,
        Err(e) if e.is_internal() => return ctx.error_page(e),
        Err(e) => {
            let status = StatusCode::from_u16(e.kind().http_status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let field = e.path().unwrap_or_default().to_owned();
            let message = registration_problem(&ctx, &e);
            return page(&ctx, status, &sent, Some((field.as_str(), message)));
        }
    };
    match accounts::sign_in(&app, &registered.user_id, &sent.password, None, &ctx.client).await {
        Ok(session) => {
            let cookies = session_cookies(&ctx, &session, PATH);
            see_other("/web/profile?welcome=1", &cookies)
        }
        // Registered, but the sign-in was throttled or refused: the account
        // exists, so the login form is the way on.
        Err(_) => see_other("/web/login?next=/web/profile", &[]),
    }
}

/// The message for a refused registration: in the reader's language where the
/// field is known, else the use case's own (English) words.
fn registration_problem(ctx: &Ctx, e: &AppError) -> String {
    match e.path() {
        Some("consent_to_processing") => ctx.t(Msg::ConsentNeeded).to_owned(),
        Some("user_id") => ctx.t(Msg::UserIdRule).to_owned(),
        _ => e.to_string(),
    }
}
