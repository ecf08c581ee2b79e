//! HR's page of one competition: the vacancy's status (publish a draft, close an
//! open vacancy, cancel), its commission (seat and unseat members, each one's
//! declaration), and publishing the shortlist to the HRM system.
//!
//! Every form is a use case of the application core with the API's rules
//! (`catalog::change_status`, `commission::{seat_member, unseat_member, members}`,
//! `competition::publish_shortlist`): a decided competition refuses a change of
//! its commission here exactly as over HTTP.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use maud::html;
use qabilet_app::{catalog, commission, competition, parse_id, App, AppError};
use qabilet_domain::{VacancyId, VacancyStatus};
use qabilet_store::Role;
use serde::Deserialize;

use super::i18n::Msg;
use super::session::{percent_encode, see_other};
use super::Ctx;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Done {
    /// What the last form did, for the notice: `seated`, `unseated`, `published`, a status.
    done: String,
}

/// `GET /web/hr/vacancies/{id}`.
pub(crate) async fn page(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        p.require(&[Role::Hr, Role::Admin])?;
        let id: VacancyId = parse_id("vacancy", &id)?;
        let v = catalog::vacancy(&app, p, &id).await?;
        let (members, free) = commission::members(&app, p, &id).await?;
        let decided = competition::decided(&app, &id).await?.is_some();
        let base = format!("/web/hr/vacancies/{}", percent_encode(id.as_str()));
        let next: &[(VacancyStatus, Msg)] = match v.status {
            VacancyStatus::Draft => &[(VacancyStatus::Open, Msg::PublishVacancy), (VacancyStatus::Cancelled, Msg::CancelVacancy)],
            VacancyStatus::Open => &[(VacancyStatus::Closed, Msg::CloseVacancy), (VacancyStatus::Cancelled, Msg::CancelVacancy)],
            _ => &[],
        };
        let body = html! {
            h1 { (v.title) }
            p class="meta" { (v.id.as_str()) " · " (v.category.to_string()) " · " (ctx.t(Msg::Deadline)) " " (v.deadline) " · " (ctx.t(Msg::Status)) ": " strong id="status" { (v.status.code()) } }
            @if !q.done.is_empty() {
                div class="notice good" role="status" { p { (ctx.t(Msg::Saved)) } }
            }
            p {
                @if matches!(v.status, VacancyStatus::Draft | VacancyStatus::Open) {
                    a href=(format!("{base}/edit")) id="edit-vacancy" { (ctx.t(Msg::EditVacancy)) } " · "
                }
                a href=(format!("/web/shortlist/{}", v.id)) { (ctx.t(Msg::Shortlist)) } " · "
                a href=(format!("/web/shortlist/{}/protocol", v.id)) { (ctx.t(Msg::Protocol)) } " · "
                a href=(format!("/web/fairness?vacancy={}", percent_encode(id.as_str()))) { (ctx.t(Msg::Fairness)) } " · "
                a href=(format!("{base}/matches")) { (ctx.t(Msg::Matches)) }
            }
            @for (status, label) in next {
                form method="post" action=(format!("{base}/status")) class="inline" {
                    (ctx.csrf_field())
                    input type="hidden" name="status" value=(status.code());
                    button type="submit" id=(format!("status-{}", status.code())) { (ctx.t(*label)) }
                }
                " "
            }
            h2 id="commission" { (ctx.t(Msg::Commission)) }
            @if decided { p class="hint" { (ctx.t(Msg::DecidedClosed)) } }
            @if members.is_empty() { p { (ctx.t(Msg::NoMembers)) } } @else {
                table aria-labelledby="commission" {
                    thead { tr {
                        th scope="col" { (ctx.t(Msg::Member)) }
                        th scope="col" { (ctx.t(Msg::Declaration)) }
                        th scope="col" { (ctx.t(Msg::Actions)) }
                    } }
                    tbody {
                        @for m in &members {
                            tr id=(format!("member-{}", m.user_id)) {
                                td { (m.user_id) br; span class="meta" { (m.seated_at.format("%Y-%m-%d")) } }
                                td {
                                    @if m.recused { (ctx.t(Msg::Recused)) }
                                    @else if let Some(at) = m.declared_at { (ctx.t(Msg::Declared)) " " (at.format("%Y-%m-%d")) }
                                    @else { (ctx.t(Msg::NotDeclared)) }
                                }
                                td {
                                    @if !decided {
                                        form method="post" action=(format!("{base}/seats/{}/remove", percent_encode(&m.user_id))) class="inline" {
                                            (ctx.csrf_field())
                                            button type="submit" class="secondary" id=(format!("unseat-{}", m.user_id)) { (ctx.t(Msg::Unseat)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !decided && !free.is_empty() {
                form method="post" action=(format!("{base}/seats")) class="stack" {
                    (ctx.csrf_field())
                    label for="user_id" { (ctx.t(Msg::SeatMember)) }
                    select id="user_id" name="user_id" {
                        @for u in &free { option value=(u) { (u) } }
                    }
                    button type="submit" id="seat" { (ctx.t(Msg::Seat)) }
                }
            }
            h2 { (ctx.t(Msg::PublishShortlist)) }
            p class="hint" { (ctx.t(Msg::PublishHint)) }
            form method="post" action=(format!("{base}/publish")) class="inline" {
                (ctx.csrf_field())
                button type="submit" id="publish" { (ctx.t(Msg::PublishShortlist)) }
            }
        };
        Ok(ctx.page(&v.title, body))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct StatusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
}

/// `POST /web/hr/vacancies/{id}/status`: `catalog::change_status`.
pub(crate) async fn status(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?;
        let id: VacancyId = parse_id("vacancy", &id)?;
        let status = match form.status.as_str() {
            "open" => VacancyStatus::Open,
            "closed" => VacancyStatus::Closed,
            "cancelled" => VacancyStatus::Cancelled,
            other => {
                return Err(AppError::invalid(
                    "status",
                    format!("{other:?}: expected open, closed or cancelled"),
                ))
            }
        };
        catalog::change_status(&app, p, &id, status).await?;
        Ok(back(&id, status.code()))
    }
    .await;
    ctx.respond(result)
}

fn back(id: &VacancyId, done: &str) -> Response {
    see_other(
        &format!(
            "/web/hr/vacancies/{}?done={done}",
            percent_encode(id.as_str())
        ),
        &[],
    )
}

#[derive(Deserialize)]
pub(crate) struct SeatForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user_id: String,
}

/// `POST /web/hr/vacancies/{id}/seats`: `commission::seat_member`.
pub(crate) async fn seat(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
    Form(form): Form<SeatForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?;
        let id: VacancyId = parse_id("vacancy", &id)?;
        commission::seat_member(&app, p, &id, form.user_id.trim()).await?;
        Ok(back(&id, "seated"))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /web/hr/vacancies/{id}/seats/{user_id}/remove`: `commission::unseat_member`.
pub(crate) async fn unseat(
    ctx: Ctx,
    State(app): State<App>,
    Path((id, user_id)): Path<(String, String)>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?;
        let id: VacancyId = parse_id("vacancy", &id)?;
        commission::unseat_member(&app, p, &id, &user_id).await?;
        Ok(back(&id, "unseated"))
    }
    .await;
    ctx.respond(result)
}

/// `POST /web/hr/vacancies/{id}/publish`: `competition::publish_shortlist`.
pub(crate) async fn publish(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?;
        let id: VacancyId = parse_id("vacancy", &id)?;
        competition::publish_shortlist(&app, p, &id).await?;
        Ok(back(&id, "published"))
    }
    .await;
    ctx.respond(result)
}
