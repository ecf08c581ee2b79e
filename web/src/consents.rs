//! The candidate's consents: each purpose with whether it is in force, and a form
//! to give or withdraw it (`people::{grant_consent, revoke_consent}`, the API's
//! own rules and audit entries).

use axum::extract::State;
use axum::response::Response;
use axum::Form;
use maud::html;
use qabilet_app::{people, App, AppError};
use qabilet_domain::ConsentPurpose;
use serde::Deserialize;

use super::i18n::Msg;
use super::session::see_other;
use super::Ctx;

const PURPOSES: [(ConsentPurpose, &str, Msg); 2] = [
    (
        ConsentPurpose::Processing,
        "processing",
        Msg::ConsentProcessing,
    ),
    (ConsentPurpose::Reserve, "reserve", Msg::ConsentReserve),
];

/// `GET /web/consents`.
pub(crate) async fn page(ctx: Ctx, State(app): State<App>) -> Response {
    let result = async {
        let p = ctx.user()?;
        let id = p
            .profile_id
            .clone()
            .ok_or_else(|| AppError::forbidden("your account has no profile"))?;
        let profile = people::profile(&app, p, &id).await?;
        let body = html! {
            h1 { (ctx.t(Msg::NavConsents)) }
            p class="hint" { (ctx.t(Msg::ConsentIntro)) }
            table {
                thead { tr {
                    th scope="col" { (ctx.t(Msg::ConsentPurposeCol)) }
                    th scope="col" { (ctx.t(Msg::Status)) }
                    th scope="col" { (ctx.t(Msg::Actions)) }
                } }
                tbody {
                    @for (purpose, code, label) in PURPOSES {
                        @let given = profile.consents_to(purpose);
                        tr id=(format!("consent-{code}")) {
                            th scope="row" { (ctx.t(label)) }
                            td { (ctx.t(if given { Msg::ConsentGiven } else { Msg::ConsentNotGiven })) }
                            td {
                                form method="post" action=(if given { "/web/consents/revoke" } else { "/web/consents/grant" }) class="inline" {
                                    (ctx.csrf_field())
                                    input type="hidden" name="purpose" value=(code);
                                    button type="submit" id=(format!("{}-{code}", if given { "revoke" } else { "grant" })) {
                                        (ctx.t(if given { Msg::ConsentRevoke } else { Msg::ConsentGrant }))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        };
        Ok(ctx.page(ctx.t(Msg::NavConsents), body))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct ConsentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    purpose: String,
}

fn purpose_of(form: &ConsentForm) -> Result<ConsentPurpose, AppError> {
    PURPOSES
        .iter()
        .find(|(_, code, _)| *code == form.purpose)
        .map(|(p, _, _)| *p)
        .ok_or_else(|| {
            AppError::invalid(
                "purpose",
                format!("{:?}: expected processing or reserve", form.purpose),
            )
        })
}

/// `POST /web/consents/grant`: `people::grant_consent`.
pub(crate) async fn grant(
    ctx: Ctx,
    State(app): State<App>,
    Form(form): Form<ConsentForm>,
) -> Response {
    change(ctx, app, form, true).await
}

/// `POST /web/consents/revoke`: `people::revoke_consent`.
pub(crate) async fn revoke(
    ctx: Ctx,
    State(app): State<App>,
    Form(form): Form<ConsentForm>,
) -> Response {
    change(ctx, app, form, false).await
}

async fn change(ctx: Ctx, app: App, form: ConsentForm, give: bool) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?;
        let id = p
            .profile_id
            .clone()
            .ok_or_else(|| AppError::forbidden("your account has no profile"))?;
        let purpose = purpose_of(&form)?;
        if give {
            people::grant_consent(&app, p, &id, purpose).await?;
        } else {
            people::revoke_consent(&app, p, &id, purpose).await?;
        }
        Ok(see_other("/web/consents", &[]))
    }
    .await;
    ctx.respond(result)
}
