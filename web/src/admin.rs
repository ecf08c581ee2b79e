//! The admin's accounts page: users (create, disable and enable, reset the
//! password or the second factor, end their sessions), API keys (create, revoke)
//! and sign-in throttles (unlock). Every button calls the same use case as the
//! API's `/users`, `/api-keys` and `/sign-in/throttles` routes and the CLI's
//! `qabilet users` / `qabilet keys`, so the rules and the audit entries are theirs.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use maud::{html, Markup};
use qabilet_app::accounts::{self, throttle, NewApiKey, NewUser};
use qabilet_app::{App, AppError, Role};
use qabilet_domain::{OrganisationId, ProfileId};
use serde::Deserialize;

use super::i18n::Msg;
use super::session::see_other;
use super::{Csrf, Ctx};

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn action(ctx: &Ctx, href: &str, label: Msg) -> Markup {
    html! {
        form method="post" action=(href) class="inline" {
            (ctx.csrf_field())
            button type="submit" { (ctx.t(label)) }
        }
    }
}

/// The page, with `notice` (a password or key just made, shown once) on top.
async fn render(ctx: &Ctx, app: &App, notice: Option<Markup>) -> Result<Response, AppError> {
    let actor = ctx.user()?;
    let users = accounts::users(app, actor).await?;
    let keys = accounts::api_keys(app, actor).await?;
    let throttles = throttle::list(app, actor).await?;
    let body = html! {
        h1 { (ctx.t(Msg::AdminTitle)) }
        @if let Some(notice) = notice { div role="status" class="notice good" { (notice) } }
        section aria-labelledby="users-h" {
            h2 id="users-h" { (ctx.t(Msg::Users)) }
            table id="users" {
                thead { tr {
                    th scope="col" { (ctx.t(Msg::UserId)) }
                    th scope="col" { (ctx.t(Msg::Role)) }
                    th scope="col" { (ctx.t(Msg::Scope)) }
                    th scope="col" { (ctx.t(Msg::SecondFactor)) }
                    th scope="col" { (ctx.t(Msg::Actions)) }
                } }
                tbody { @for u in &users { tr data-user=(u.id) {
                    td { (u.id) @if u.disabled { " — " strong { (ctx.t(Msg::Disabled)) } } }
                    td { (u.role.as_str()) }
                    td { (u.organisation_id.as_deref().or(u.profile_id.as_deref()).unwrap_or("")) }
                    td { @if u.second_factor { (ctx.t(Msg::SecondFactorOn)) } @else { (ctx.t(Msg::SecondFactorOff)) } }
                    td {
                        @if u.disabled {
                            (action(ctx, &format!("/web/admin/users/{}/enable", u.id), Msg::Enable))
                        } @else if u.id != actor.id {
                            (action(ctx, &format!("/web/admin/users/{}/disable", u.id), Msg::Disable))
                        }
                        (action(ctx, &format!("/web/admin/users/{}/password-reset", u.id), Msg::ResetPassword))
                        @if u.second_factor {
                            (action(ctx, &format!("/web/admin/users/{}/second-factor-reset", u.id), Msg::ResetSecondFactor))
                        }
                        (action(ctx, &format!("/web/admin/users/{}/end-sessions", u.id), Msg::EndAllSessions))
                    }
                } } }
            }
            h3 { (ctx.t(Msg::CreateUser)) }
            form method="post" action="/web/admin/users" class="stack narrow" {
                (ctx.csrf_field())
                label for="new-id" { (ctx.t(Msg::UserId)) }
                input id="new-id" name="id" required maxlength="64" pattern="[A-Za-z0-9._:-]{1,64}";
                label for="new-role" { (ctx.t(Msg::Role)) }
                select id="new-role" name="role" {
                    @for r in [Role::Candidate, Role::Commission, Role::Hr, Role::Admin] {
                        option value=(r.as_str()) { (r.as_str()) }
                    }
                }
                label for="new-org" { (ctx.t(Msg::Organisation)) }
                input id="new-org" name="organisation" maxlength="64";
                label for="new-profile" { (ctx.t(Msg::Profile)) }
                input id="new-profile" name="profile" maxlength="64";
                button type="submit" { (ctx.t(Msg::Create)) }
            }
        }
        section aria-labelledby="keys-h" {
            h2 id="keys-h" { (ctx.t(Msg::ApiKeys)) }
            table id="api-keys" {
                thead { tr {
                    th scope="col" { "id" }
                    th scope="col" { (ctx.t(Msg::Role)) }
                    th scope="col" { (ctx.t(Msg::Created)) }
                    th scope="col" { (ctx.t(Msg::Actions)) }
                } }
                tbody { @for k in &keys { tr {
                    td { (k.id) }
                    td { (k.role.as_str()) }
                    td { (when(k.created_at)) }
                    td {
                        @if let Some(at) = k.revoked_at { (ctx.t(Msg::Revoked)) " " (when(at)) }
                        @else { (action(ctx, &format!("/web/admin/keys/{}/revoke", k.id), Msg::Revoke)) }
                    }
                } } }
            }
            h3 { (ctx.t(Msg::CreateApiKey)) }
            form method="post" action="/web/admin/keys" class="stack narrow" {
                (ctx.csrf_field())
                label for="key-id" { "id" }
                input id="key-id" name="id" required maxlength="64" pattern="[A-Za-z0-9._:-]{1,64}";
                label for="key-role" { (ctx.t(Msg::Role)) }
                select id="key-role" name="role" {
                    option value="hrm" { "hrm" }
                    option value="admin" { "admin" }
                }
                button type="submit" { (ctx.t(Msg::Create)) }
            }
        }
        section aria-labelledby="throttles-h" {
            h2 id="throttles-h" { (ctx.t(Msg::Throttles)) }
            table id="throttles" {
                thead { tr {
                    th scope="col" { "key" }
                    th scope="col" { (ctx.t(Msg::Attempts)) }
                    th scope="col" { (ctx.t(Msg::LastSeen)) }
                    th scope="col" { (ctx.t(Msg::LockedUntil)) }
                    th scope="col" { (ctx.t(Msg::Actions)) }
                } }
                tbody { @for t in &throttles { tr {
                    td { (t.key) }
                    td { (t.attempts) }
                    td { (when(t.last_attempt_at)) }
                    td { (t.locked_until.map(when).unwrap_or_default()) }
                    td {
                        form method="post" action="/web/admin/throttles/unlock" class="inline" {
                            (ctx.csrf_field())
                            input type="hidden" name="key" value=(t.key);
                            button type="submit" { (ctx.t(Msg::Unlock)) }
                        }
                    }
                } } }
            }
        }
    };
    Ok(ctx.page(ctx.t(Msg::AdminTitle), body))
}

/// `GET /web/admin`.
pub(crate) async fn page(ctx: Ctx, State(app): State<App>) -> Response {
    let result = render(&ctx, &app, None).await;
    ctx.respond(result)
}

fn shown_once(ctx: &Ctx, what: &str, secret: &str) -> Markup {
    html! { p { (what) ". " (ctx.t(Msg::ShownOnce)) " " code class="secret" id="shown-once" { (secret) } } }
}

#[derive(Deserialize)]
pub(crate) struct NewUserForm {
    #[serde(default)]
    csrf: String,
    id: String,
    role: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    profile: String,
}

/// `POST /web/admin/users`.
pub(crate) async fn create_user(
    ctx: Ctx,
    State(app): State<App>,
    Form(form): Form<NewUserForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let role =
            Role::parse(&form.role).ok_or_else(|| AppError::invalid("role", "unknown role"))?;
        let non_empty = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let new = NewUser {
            id: form.id.trim().to_owned(),
            role,
            organisation_id: non_empty(&form.organisation)
                .map(OrganisationId::new)
                .transpose()
                .map_err(|e| AppError::invalid("organisation_id", e))?,
            profile_id: non_empty(&form.profile)
                .map(ProfileId::new)
                .transpose()
                .map_err(|e| AppError::invalid("profile_id", e))?,
            password: None,
        };
        let created = accounts::create_user(&app, ctx.user()?, &new).await?;
        let notice = shown_once(&ctx, &created.id, created.password.as_deref().unwrap_or(""));
        render(&ctx, &app, Some(notice)).await
    }
    .await;
    ctx.respond(result)
}

/// `POST /web/admin/users/{id}/{action}`: disable, enable, password-reset,
/// second-factor-reset, end-sessions.
pub(crate) async fn user_action(
    ctx: Ctx,
    State(app): State<App>,
    Path((id, what)): Path<(String, String)>,
    Form(form): Form<Csrf>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let actor = ctx.user()?;
        let notice = match what.as_str() {
            "disable" => {
                accounts::set_disabled(&app, actor, &id, true).await?;
                None
            }
            "enable" => {
                accounts::set_disabled(&app, actor, &id, false).await?;
                None
            }
            "password-reset" => {
                let reset = accounts::reset_password(&app, actor, &id, None).await?;
                Some(shown_once(
                    &ctx,
                    &id,
                    reset.password.as_deref().unwrap_or(""),
                ))
            }
            "second-factor-reset" => {
                accounts::reset_second_factor(&app, actor, &id).await?;
                None
            }
            "end-sessions" => {
                accounts::sessions::end_sessions_of(&app, actor, &id).await?;
                None
            }
            _ => return Err(AppError::not_found("no such action")),
        };
        match notice {
            Some(notice) => render(&ctx, &app, Some(notice)).await,
            None => Ok(see_other("/web/admin", &[])),
        }
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct NewKeyForm {
    #[serde(default)]
    csrf: String,
    id: String,
    role: String,
}

/// `POST /web/admin/keys`.
pub(crate) async fn create_key(
    ctx: Ctx,
    State(app): State<App>,
    Form(form): Form<NewKeyForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let role =
            Role::parse(&form.role).ok_or_else(|| AppError::invalid("role", "unknown role"))?;
        let new = NewApiKey {
            id: form.id.trim().to_owned(),
            role,
        };
        let created = accounts::create_api_key(&app, ctx.user()?, &new).await?;
        let notice = shown_once(&ctx, &created.id, &created.key);
        render(&ctx, &app, Some(notice)).await
    }
    .await;
    ctx.respond(result)
}

/// `POST /web/admin/keys/{id}/revoke`.
pub(crate) async fn revoke_key(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
    Form(form): Form<Csrf>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        accounts::revoke_api_key(&app, ctx.user()?, &id).await?;
        Ok(see_other("/web/admin", &[]))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct UnlockForm {
    #[serde(default)]
    csrf: String,
    key: String,
}

/// `POST /web/admin/throttles/unlock`.
pub(crate) async fn unlock(
    ctx: Ctx,
    State(app): State<App>,
    Form(form): Form<UnlockForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        throttle::unlock(&app, ctx.user()?, &form.key).await?;
        Ok(see_other("/web/admin", &[]))
    }
    .await;
    ctx.respond(result)
}
