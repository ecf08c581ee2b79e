//! HR pages: the organisation's vacancies, the talent reserve and second-best
//! registry (filters, expiry), a read-only preview of the reserve matches for a
//! vacancy. The fairness report is an oversight page (`oversight::fairness`).
//!
//! Every page is a use case of the application core with the API's own scope: HR
//! officers see their own organisation's vacancies and the reserve entries from
//! their organisation's competitions (`qabilet_app::reserve::list`); admins see
//! every one.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use chrono::Utc;
use maud::html;
use qabilet_app::reserve::{self, ReserveQuery};
use qabilet_app::{competition, parse_id, App, AppError};
use qabilet_domain::{ReserveEntry, ReserveEntryId, ReserveKind, VacancyId};
use qabilet_store::Role;
use serde::Deserialize;

use super::i18n::{rule_name, Msg};
use super::session::see_other;
use super::Ctx;

/// Most vacancies and reserve entries one page lists.
const PAGE: usize = 200;

/// `GET /web/hr`: the organisation's vacancies with links to their reports.
pub(crate) async fn vacancies(ctx: Ctx, State(app): State<App>) -> Response {
    let result = async {
        let p = ctx.user()?;
        let rows: Vec<_> = competition::managed_vacancies(&app, p, PAGE as i64)
            .await?
            .into_iter()
            .map(|m| (m.vacancy, m.applicants))
            .collect();
        let body = html! {
            h1 { (ctx.t(Msg::HrTitle)) }
            @if rows.is_empty() { p { (ctx.t(Msg::NoVacancies)) } } @else {
                table {
                    thead { tr {
                        th scope="col" { (ctx.t(Msg::Vacancy)) }
                        th scope="col" { (ctx.t(Msg::Status)) }
                        th scope="col" { (ctx.t(Msg::Deadline)) }
                        th scope="col" { (ctx.t(Msg::Applicants)) }
                        th scope="col" { (ctx.t(Msg::Actions)) }
                    } }
                    tbody {
                        @for (v, n) in &rows {
                            tr {
                                td { (v.title) br; span class="meta" { (v.id.as_str()) } }
                                td { (v.status.code()) }
                                td { (v.deadline) }
                                td { (n) }
                                td {
                                    a href=(format!("/web/hr/vacancies/{}", v.id)) { (ctx.t(Msg::Competition)) } " · "
                                    a href=(format!("/web/shortlist/{}", v.id)) { (ctx.t(Msg::Shortlist)) } " · "
                                    a href=(format!("/web/fairness?vacancy={}", v.id)) { (ctx.t(Msg::Fairness)) } " · "
                                    a href=(format!("/web/hr/vacancies/{}/matches", v.id)) { (ctx.t(Msg::Matches)) }
                                }
                            }
                        }
                    }
                }
            }
        };
        Ok(ctx.page(ctx.t(Msg::HrTitle), body))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ReserveForm {
    kind: String,
    vacancy: String,
    active: String,
    /// Set by the filter form, so an unticked box can be told from a first visit.
    f: String,
}

/// `GET /web/hr/reserve`: entries filtered by kind, origin competition and expiry.
pub(crate) async fn reserve(
    ctx: Ctx,
    State(app): State<App>,
    Query(q): Query<ReserveForm>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        p.require(&[Role::Hr, Role::Admin])?;
        let kind = match q.kind.as_str() {
            "" => None,
            "reserve" => Some(ReserveKind::Reserve),
            "second_best" => Some(ReserveKind::SecondBest),
            other => return Err(AppError::bad_request("invalid_query", format!("kind {other:?}: expected reserve or second_best"))),
        };
        let vacancy: Option<VacancyId> = match q.vacancy.trim() {
            "" => None,
            v => Some(parse_id("vacancy", v)?),
        };
        // A fresh visit (no filter submitted) hides expired entries.
        let active_only = q.active == "1" || q.f.is_empty();
        let query = ReserveQuery { kind, active: active_only.then_some(true), vacancy, after: None, limit: Some(PAGE) };
        let now = Utc::now();
        let mut entries: Vec<ReserveEntry> = reserve::list(&app, p, &query).await?;
        entries.sort_by_key(|e| e.expires_at);
        let body = html! {
            h1 { (ctx.t(Msg::ReserveTitle)) }
            form method="get" action="/web/hr/reserve" class="filters" {
                div {
                    label for="kind" { (ctx.t(Msg::Kind)) }
                    select id="kind" name="kind" {
                        option value="" { (ctx.t(Msg::AnyKind)) }
                        option value="reserve" selected[kind == Some(ReserveKind::Reserve)] { (ctx.t(Msg::KindReserve)) }
                        option value="second_best" selected[kind == Some(ReserveKind::SecondBest)] { (ctx.t(Msg::KindSecondBest)) }
                    }
                }
                div {
                    label for="vacancy" { (ctx.t(Msg::OriginVacancy)) }
                    input id="vacancy" name="vacancy" value=(q.vacancy) size="14" maxlength="64";
                }
                div {
                    input type="hidden" name="f" value="1";
                    input type="checkbox" id="active" name="active" value="1" checked[active_only];
                    label for="active" class="inline" { " " (ctx.t(Msg::ActiveOnly)) }
                }
                div { button type="submit" { (ctx.t(Msg::Filter)) } }
            }
            p role="status" { (ctx.t(Msg::Entries)) ": " (entries.len()) }
            @if entries.is_empty() { p { (ctx.t(Msg::NoEntries)) } } @else {
                table {
                    thead { tr {
                        th scope="col" { (ctx.t(Msg::Profile)) }
                        th scope="col" { (ctx.t(Msg::Kind)) }
                        th scope="col" { (ctx.t(Msg::OriginVacancy)) }
                        th scope="col" { (ctx.t(Msg::Rank)) }
                        th scope="col" { (ctx.t(Msg::Expires)) }
                        th scope="col" { (ctx.t(Msg::Reason)) }
                        th scope="col" { (ctx.t(Msg::Actions)) }
                    } }
                    tbody {
                        @for e in &entries {
                            @let days = (e.expires_at - now).num_days();
                            tr {
                                td { (e.profile_id.as_str()) }
                                td { (ctx.t(match e.kind { ReserveKind::Reserve => Msg::KindReserve, ReserveKind::SecondBest => Msg::KindSecondBest })) }
                                td { (e.origin_vacancy_id.as_ref().map_or("—", |v| v.as_str())) }
                                td { (e.rank.map_or("—".to_owned(), |r| r.to_string())) }
                                td {
                                    time datetime=(e.expires_at.to_rfc3339()) { (e.expires_at.format("%Y-%m-%d")) } br;
                                    @if e.is_active(now) { span class=(if days < 30 { "badge warn" } else { "badge" }) { (days) " " (ctx.t(Msg::DaysLeft)) } }
                                    @else { span class="badge bad" { (ctx.t(Msg::Expired)) } }
                                }
                                td { (e.reason) }
                                td {
                                    form method="post" action=(format!("/web/hr/reserve/{}/extend", e.id)) class="stack" {
                                        (ctx.csrf_field())
                                        label for=(format!("until-{}", e.id)) { (ctx.t(Msg::ExtendUntil)) }
                                        input type="date" id=(format!("until-{}", e.id)) name="until" required;
                                        label for=(format!("why-{}", e.id)) { (ctx.t(Msg::Reason)) }
                                        input id=(format!("why-{}", e.id)) name="reason" required maxlength="2000";
                                        button type="submit" id=(format!("extend-{}", e.id)) { (ctx.t(Msg::Extend)) }
                                    }
                                    form method="post" action=(format!("/web/hr/reserve/{}/remove", e.id)) class="inline" {
                                        (ctx.csrf_field())
                                        button type="submit" class="secondary" id=(format!("remove-{}", e.id)) { (ctx.t(Msg::RemoveEntry)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        };
        Ok(ctx.page(ctx.t(Msg::ReserveTitle), body))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct ExtendForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    reason: String,
}

/// `POST /web/hr/reserve/{id}/extend`: `reserve::extend_entry`, to the end of the
/// chosen day (UTC).
pub(crate) async fn extend(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
    Form(form): Form<ExtendForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?;
        let id: ReserveEntryId = parse_id("reserve entry", &id)?;
        let day =
            chrono::NaiveDate::parse_from_str(form.until.trim(), "%Y-%m-%d").map_err(|_| {
                AppError::invalid(
                    "until",
                    format!("{:?} is not a date (YYYY-MM-DD)", form.until),
                )
            })?;
        let until = day
            .and_hms_opt(23, 59, 59)
            .map(|t| t.and_utc())
            .ok_or_else(|| AppError::invalid("until", "not a time of day"))?;
        let input = reserve::Extension {
            until,
            reason: form.reason.clone(),
        };
        reserve::extend_entry(&app, p, &id, &input).await?;
        Ok(see_other("/web/hr/reserve", &[]))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /web/hr/reserve/{id}/remove`: `reserve::remove`.
pub(crate) async fn remove(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?;
        let id: ReserveEntryId = parse_id("reserve entry", &id)?;
        reserve::remove(&app, p, &id).await?;
        Ok(see_other("/web/hr/reserve", &[]))
    }
    .await;
    ctx.respond(result)
}

/// `GET /web/hr/vacancies/{id}/matches`: who in the reserve would be notified if the
/// vacancy opened now (`matcher::reserve::on_vacancy_opened`). Writes nothing.
pub(crate) async fn matches(ctx: Ctx, State(app): State<App>, Path(id): Path<String>) -> Response {
    let result = async {
        let p = ctx.user()?;
        let id: VacancyId = parse_id("vacancy", &id)?;
        let (v, found) = reserve::preview_matches(&app, p, &id).await?;
        let body = html! {
            h1 { (ctx.t(Msg::Matches)) ": " (v.title) }
            div class="notice" { p { (ctx.t(Msg::MatchesIntro)) } }
            @if found.is_empty() { p { (ctx.t(Msg::NoMatches)) } } @else {
                table {
                    thead { tr {
                        th scope="col" { (ctx.t(Msg::Rank)) }
                        th scope="col" { (ctx.t(Msg::Profile)) }
                        th scope="col" { (ctx.t(Msg::Total)) }
                        th scope="col" { (ctx.t(Msg::RulesMet)) }
                    } }
                    tbody {
                        @for m in &found {
                            tr {
                                td { (m.rank) }
                                td { (m.profile_id) br; span class="meta" { (m.reserve_entry_id) } }
                                td { (format!("{:.3}", m.score)) }
                                td { (m.rules_met.iter().map(|r| rule_name(*r, ctx.lang)).collect::<Vec<_>>().join(", ")) }
                            }
                        }
                    }
                }
            }
        };
        Ok(ctx.page(ctx.t(Msg::Matches), body))
    }
    .await;
    ctx.respond(result)
}
