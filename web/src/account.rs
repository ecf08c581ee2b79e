//! A person's own account: their open sessions (end one, end the others), their
//! password, and setting up the second factor (a QR code for the authenticator
//! app, then the recovery codes, shown once).
//!
//! The set-up page is the only page a session waiting for its second factor may
//! see (see `Ctx::user_for_setup`); every other page sends such a person here.

use axum::extract::State;
use axum::response::Response;
use axum::Form;
use maud::{html, Markup, PreEscaped};
use qabilet_app::accounts::{self, second_factor};
use qabilet_app::{App, AppError};
use serde::Deserialize;

use super::i18n::Msg;
use super::session::see_other;
use super::{Csrf, Ctx};

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `GET /web/account`.
pub(crate) async fn page(ctx: Ctx, State(app): State<App>) -> Response {
    let result = async {
        let actor = ctx.user()?;
        let sessions = accounts::sessions::own_sessions(&app, actor).await?;
        let factor = second_factor::status(&app, actor).await?;
        let body = html! {
            h1 { (ctx.t(Msg::AccountTitle)) }
            section aria-labelledby="sessions-h" {
                h2 id="sessions-h" { (ctx.t(Msg::Sessions)) }
                table {
                    thead { tr {
                        th scope="col" { (ctx.t(Msg::SignedInAt)) }
                        th scope="col" { (ctx.t(Msg::LastSeen)) }
                        th scope="col" { (ctx.t(Msg::Ends)) }
                        th scope="col" { (ctx.t(Msg::Address)) }
                        th scope="col" { (ctx.t(Msg::Browser)) }
                        th scope="col" { (ctx.t(Msg::Actions)) }
                    } }
                    tbody { @for s in &sessions { tr {
                        td { (when(s.created_at)) }
                        td { (when(s.last_seen_at)) }
                        td { (when(s.expires_at)) }
                        td { (s.ip.as_deref().unwrap_or("")) }
                        td { (s.user_agent.as_deref().unwrap_or("")) }
                        td {
                            @if s.current { (ctx.t(Msg::SessionCurrent)) } @else {
                                form method="post" action="/web/account/sessions/end" {
                                    (ctx.csrf_field())
                                    input type="hidden" name="id" value=(s.id);
                                    button type="submit" { (ctx.t(Msg::EndSession)) }
                                }
                            }
                        }
                    } } }
                }
                form method="post" action="/web/account/sessions/end-others" {
                    (ctx.csrf_field())
                    button type="submit" { (ctx.t(Msg::EndOtherSessions)) }
                }
            }
            section aria-labelledby="password-h" {
                h2 id="password-h" { (ctx.t(Msg::ChangePassword)) }
                form method="post" action="/web/account/password" class="stack narrow" {
                    (ctx.csrf_field())
                    label for="current_password" { (ctx.t(Msg::CurrentPassword)) }
                    input id="current_password" name="current_password" type="password" required
                        autocomplete="current-password" maxlength="256";
                    label for="new_password" { (ctx.t(Msg::NewPassword)) }
                    input id="new_password" name="new_password" type="password" required
                        autocomplete="new-password" minlength="12" maxlength="256";
                    button type="submit" { (ctx.t(Msg::ChangePassword)) }
                }
            }
            section aria-labelledby="factor-h" {
                h2 id="factor-h" { (ctx.t(Msg::SecondFactor)) }
                @if factor.enabled {
                    p { (ctx.t(Msg::SecondFactorOn)) ". " (ctx.t(Msg::RecoveryCodesLeft)) ": " (factor.recovery_codes_left) }
                } @else {
                    p { (ctx.t(Msg::SecondFactorOff)) }
                    p { a href="/web/account/second-factor" { (ctx.t(Msg::SecondFactorSetUp)) } }
                }
            }
        };
        Ok(ctx.page(ctx.t(Msg::AccountTitle), body))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct EndForm {
    #[serde(default)]
    csrf: String,
    id: String,
}

/// `POST /web/account/sessions/end`.
pub(crate) async fn end_session(
    ctx: Ctx,
    State(app): State<App>,
    Form(form): Form<EndForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        accounts::sessions::end_session(&app, ctx.user()?, &form.id).await?;
        Ok(see_other("/web/account", &[]))
    }
    .await;
    ctx.respond(result)
}

/// `POST /web/account/sessions/end-others`.
pub(crate) async fn end_others(
    ctx: Ctx,
    State(app): State<App>,
    Form(form): Form<Csrf>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        accounts::sessions::end_other_sessions(&app, ctx.user()?).await?;
        Ok(see_other("/web/account", &[]))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    csrf: String,
    current_password: String,
    new_password: String,
}

/// `POST /web/account/password`.
pub(crate) async fn change_password(
    ctx: Ctx,
    State(app): State<App>,
    Form(form): Form<PasswordForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        accounts::change_own_password(
            &app,
            ctx.user()?,
            &form.current_password,
            &form.new_password,
        )
        .await?;
        let body = html! {
            h1 { (ctx.t(Msg::ChangePassword)) }
            div role="status" class="notice good" { p { (ctx.t(Msg::PasswordChanged)) } }
            p { a href="/web/account" { (ctx.t(Msg::AccountTitle)) } }
        };
        Ok(ctx.page(ctx.t(Msg::ChangePassword), body))
    }
    .await;
    ctx.respond(result)
}

/// The QR code of an `otpauth://` URL as inline SVG (no script, no image file).
fn qr_svg(url: &str) -> Result<Markup, AppError> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| AppError::internal(format!("QR code: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // The renderer writes only its own elements and the URL is not in them.
    Ok(PreEscaped(svg))
}

/// `GET /web/account/second-factor`: starts setting up TOTP (a new secret each
/// time until one is confirmed) and shows its QR code and key.
pub(crate) async fn second_factor_page(ctx: Ctx, State(app): State<App>) -> Response {
    let result = async {
        let actor = ctx.user_for_setup()?;
        let status = second_factor::status(&app, actor).await?;
        if status.enabled {
            return Ok(see_other("/web/account", &[]));
        }
        let enrolment = second_factor::start_enrolment(&app, actor).await?;
        let qr = qr_svg(&enrolment.otpauth_url)?;
        let body = html! {
            h1 { (ctx.t(Msg::SecondFactorSetUp)) }
            @if ctx.pending.is_some() {
                div role="status" class="notice" { p { (ctx.t(Msg::SecondFactorRequired)) } }
            }
            p { (ctx.t(Msg::SecondFactorScan)) }
            figure class="qr" role="img" aria-label=(ctx.t(Msg::SecondFactor)) { (qr) }
            p { (ctx.t(Msg::SecondFactorKey)) ": " code class="secret" id="totp-secret" { (enrolment.secret) } }
            form method="post" action="/web/account/second-factor" class="stack narrow" {
                (ctx.csrf_field())
                label for="code" { (ctx.t(Msg::OneTimeCode)) }
                input id="code" name="code" required inputmode="numeric" autocomplete="one-time-code"
                    pattern="[0-9]{6}" maxlength="6";
                button type="submit" { (ctx.t(Msg::Confirm)) }
            }
        };
        Ok(ctx.page(ctx.t(Msg::SecondFactorSetUp), body))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    csrf: String,
    code: String,
}

/// `POST /web/account/second-factor`: confirms with a code and shows the recovery
/// codes once.
pub(crate) async fn confirm_second_factor(
    ctx: Ctx,
    State(app): State<App>,
    Form(form): Form<CodeForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let actor = ctx.user_for_setup()?;
        let codes = second_factor::confirm_enrolment(&app, actor, &form.code).await?;
        let body = html! {
            h1 { (ctx.t(Msg::RecoveryCodesTitle)) }
            div role="status" class="notice good" { p { (ctx.t(Msg::SecondFactorOn)) } }
            p { (ctx.t(Msg::RecoveryCodesHint)) }
            ul id="recovery-codes" { @for c in &codes.recovery_codes { li { code { (c) } } } }
            p { a href="/web" { (ctx.t(Msg::Continue)) } }
        };
        Ok(ctx.page(ctx.t(Msg::RecoveryCodesTitle), body))
    }
    .await;
    ctx.respond(result)
}
