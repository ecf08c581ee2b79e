//! Commission pages: the member's seats, the declaration step and recusal, the
//! ranked shortlist with each rank explained (blind by default), the ineligible
//! list, recording stage results (with a reason for any deviation from the
//! ranking), and the printable decision protocol.
//!
//! The ranking is the application core's use case, `qabilet_app::shortlist`: the
//! same access rule (declared, seated, not recused commission members; HR of the
//! organisation; admins), the same cached ranking of the applicants and one audit
//! entry per page view. Every change is a use case of `qabilet_app::competition`,
//! so the page and the API cannot drift apart.

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Form;
use maud::{html, Markup};
use std::sync::Arc;

use qabilet_app::access::{self, Standing};
use qabilet_app::commission::{self, DeclarationInput};
use qabilet_app::competition::{self, next_stage, StageInput};
use qabilet_app::protocol;
use qabilet_app::shortlist::{self, Shortlist, ShortlistOptions};
use qabilet_app::{catalog, parse_id, Actor, App, AppError};
use qabilet_domain::{Stage, StageOutcome, StageResult, Vacancy, VacancyId};
use qabilet_store::Role;
use serde::Deserialize;

use super::i18n::{outcome_name, stage_name, Msg};
use super::layout::stage_badge;
use super::ranking::{explanation, label, provenance};
use super::session::see_other;
use super::Ctx;

/// `GET /web/commission`: the vacancies the member is seated on.
pub(crate) async fn seats(ctx: Ctx, State(app): State<App>) -> Response {
    let result = async {
        let p = ctx.user()?;
        let rows: Vec<(Vacancy, (&str, Msg))> = commission::seats(&app, p)
            .await?
            .into_iter()
            .map(|(v, standing)| {
                let status = match standing {
                    Standing::Undeclared => ("badge warn", Msg::NotDeclared),
                    Standing::Recused => ("badge", Msg::Recused),
                    Standing::Declared => ("badge good", Msg::Declared),
                };
                (v, status)
            })
            .collect();
        let body = html! {
            h1 { (ctx.t(Msg::CommissionTitle)) }
            @if rows.is_empty() { p { (ctx.t(Msg::NoSeats)) } } @else {
                table {
                    thead { tr { th scope="col" { (ctx.t(Msg::Vacancy)) } th scope="col" { (ctx.t(Msg::Deadline)) } th scope="col" { (ctx.t(Msg::Status)) } } }
                    tbody {
                        @for (v, (class, msg)) in &rows {
                            tr {
                                td { a href=(format!("/web/shortlist/{}", v.id)) { (v.title) } br; span class="meta" { (v.id.as_str()) } }
                                td { (v.deadline) }
                                td { span class=(class) { (ctx.t(*msg)) } }
                            }
                        }
                    }
                }
            }
        };
        Ok(ctx.page(ctx.t(Msg::CommissionTitle), body))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ViewQuery {
    /// `0` shows names; anything else (or nothing) keeps blind mode on.
    blind: String,
}

impl ViewQuery {
    fn blind(&self) -> bool {
        self.blind != "0"
    }
}

/// The declaration and recusal forms a seated member sees before declaring.
fn declaration_page(ctx: &Ctx, v: &Vacancy) -> Markup {
    html! {
        h1 { (v.title) }
        h2 { (ctx.t(Msg::DeclarationTitle)) }
        p { (ctx.t(Msg::DeclarationIntro)) }
        form method="post" action=(format!("/web/shortlist/{}/declaration", v.id)) class="stack" {
            (ctx.csrf_field())
            div {
                input type="checkbox" id="no_conflict" name="no_conflict" value="yes" required;
                label for="no_conflict" class="inline plain" { " " (ctx.t(Msg::DeclarationText)) }
            }
            label for="statement" { (ctx.t(Msg::Statement)) }
            textarea id="statement" name="statement" maxlength="2000" {}
            button type="submit" id="declare" { (ctx.t(Msg::Declare)) }
        }
        (recusal_form(ctx, v))
    }
}

fn recusal_form(ctx: &Ctx, v: &Vacancy) -> Markup {
    html! {
        h2 { (ctx.t(Msg::RecusalTitle)) }
        p class="hint" { (ctx.t(Msg::RecusalIntro)) }
        form method="post" action=(format!("/web/shortlist/{}/recusal", v.id)) class="stack" {
            (ctx.csrf_field())
            label for="recusal_reason" { (ctx.t(Msg::RecusalReason)) }
            textarea id="recusal_reason" name="reason" required maxlength="2000" {}
            button type="submit" { (ctx.t(Msg::Recuse)) }
        }
    }
}

/// What a commission member, HR officer or admin sees before the shortlist opens:
/// `Some(page)` while they have not declared or have recused. Seating (or, for
/// HR, the organisation) is checked first (403).
async fn before_declaration(
    ctx: &Ctx,
    app: &App,
    p: &Actor,
    id: &VacancyId,
) -> Result<Option<Response>, AppError> {
    // Everyone who can record results or see names here declares first.
    if !matches!(p.role, Role::Commission | Role::Hr | Role::Admin) {
        return Ok(None);
    }
    let standing = access::standing(app, p, id).await?;
    if standing == Standing::Declared {
        return Ok(None);
    }
    let v = access::declarant(app, p, id).await?;
    let page = match standing {
        Standing::Undeclared => ctx.page(&v.title, declaration_page(ctx, &v)),
        _ => {
            let body = html! {
                h1 { (v.title) }
                div class="notice" role="status" { p { (ctx.t(Msg::RecusedNotice)) } }
            };
            ctx.page(&v.title, body)
        }
    };
    Ok(Some(page))
}

/// The shortlist the caller may review, ranked and audited once as a view
/// (`via` tells the page apart in the audit log), with the vacancy.
async fn reviewed(
    app: &App,
    p: &Actor,
    id: &VacancyId,
    blind: bool,
    via: &'static str,
) -> Result<(Vacancy, Arc<Shortlist>), AppError> {
    let opts = ShortlistOptions {
        blind,
        limit: app.limits().shortlist_entries,
    };
    let view = shortlist::shortlist(app, p, id, opts, via).await?;
    // Whoever may see the shortlist may see its vacancy, a draft too.
    let vacancy = access::shortlist_vacancy(app, p, id).await?;
    Ok((vacancy, view))
}

/// The parts of an application the stage form needs.
struct Stages<'a> {
    application_id: &'a str,
    stages: &'a [StageResult],
}

fn stage_form(ctx: &Ctx, p: &Actor, v: &Vacancy, a: Stages<'_>, blind: bool) -> Markup {
    let Some(stage) = next_stage(a.stages) else {
        return html! { p class="hint" { (ctx.t(Msg::Finished)) } };
    };
    if !competition::may_record(p, stage) {
        return html! { p class="hint" { (ctx.t(Msg::NextStage)) ": " (ctx.t(stage_name(stage))) } };
    }
    let key = a.application_id;
    html! {
        details {
            summary { (ctx.t(Msg::RecordResult)) ": " (ctx.t(stage_name(stage))) }
            form method="post" action=(format!("/web/shortlist/{}/stages", v.id)) class="stack" {
                (ctx.csrf_field())
                input type="hidden" name="application_id" value=(key);
                input type="hidden" name="stage" value=(stage.code());
                input type="hidden" name="blind" value=(if blind { "1" } else { "0" });
                label for=(format!("outcome-{key}")) { (ctx.t(Msg::Outcome)) }
                select id=(format!("outcome-{key}")) name="outcome" {
                    @for o in [StageOutcome::Passed, StageOutcome::Failed, StageOutcome::Withdrawn, StageOutcome::Pending] {
                        option value=(outcome_code(o)) { (ctx.t(outcome_name(o))) }
                    }
                }
                label for=(format!("score-{key}")) { (ctx.t(Msg::ScoreOptional)) }
                input id=(format!("score-{key}")) name="score" type="number" min="0" max="1000" step="0.1" inputmode="decimal";
                label for=(format!("reason-{key}")) { (ctx.t(Msg::ReasonRequired)) }
                textarea id=(format!("reason-{key}")) name="reason" required maxlength="2000" {}
                label for=(format!("deviation-{key}")) { (ctx.t(Msg::DeviationReason)) }
                textarea id=(format!("deviation-{key}")) name="deviation_reason" maxlength="1000"
                    aria-describedby=(format!("deviation-hint-{key}")) {}
                p id=(format!("deviation-hint-{key}")) class="hint" { (ctx.t(Msg::DeviationHint)) }
                button type="submit" { (ctx.t(Msg::Save)) }
            }
        }
    }
}

fn outcome_code(o: StageOutcome) -> &'static str {
    match o {
        StageOutcome::Pending => "pending",
        StageOutcome::Passed => "passed",
        StageOutcome::Failed => "failed",
        StageOutcome::Withdrawn => "withdrawn",
    }
}

/// `GET /web/shortlist/{id}`: the declaration step for members who have not
/// declared; then the explained ranking and the ineligible list.
pub(crate) async fn shortlist(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
    Query(q): Query<ViewQuery>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        let id: VacancyId = parse_id("vacancy", &id)?;
        if let Some(page) = before_declaration(&ctx, &app, p, &id).await? {
            return Ok(page);
        }
        let blind = q.blind();
        let (v, view) = reviewed(&app, p, &id, blind, "web").await?;
        let base = format!("/web/shortlist/{}", v.id);
        let body = html! {
            h1 { (ctx.t(Msg::Shortlist)) ": " (v.title) }
            p class="meta" { (v.id.as_str()) " · " (v.category.to_string()) " · " (ctx.t(Msg::Deadline)) " " (v.deadline) }
            div class="notice" role="status" {
                p { (ctx.t(if blind { Msg::BlindOn } else { Msg::BlindOff })) " "
                    a href=(if blind { format!("{base}?blind=0") } else { base.clone() }) id="blind-toggle" {
                        (ctx.t(if blind { Msg::ShowNames } else { Msg::HideNames }))
                    }
                }
                p class="hint" { (ctx.t(Msg::AuditNotice)) }
            }
            p { a href=(format!("{base}/protocol{}", if blind { "" } else { "?blind=0" })) { (ctx.t(Msg::Protocol)) } }
            (super::ranking::requirements_review(&ctx, &view.requirements))
            h2 { (ctx.t(Msg::Ranking)) }
            @if view.applicants == 0 { p { (ctx.t(Msg::NoApplicants)) } }
            ol class="results" {
                @for r in &view.eligible {
                    li class="entry" id=(format!("app-{}", r.application_id)) {
                        h3 { "#" (r.rank) " · " (label(&ctx, &r.application_id, &r.profile)) " · " (ctx.t(Msg::Total)) " " (format!("{:.3}", r.score)) }
                        p { @for s in &r.stages { (stage_badge(&ctx, s)) } }
                        (explanation(&ctx, r))
                        (stage_form(&ctx, p, &v, Stages { application_id: &r.application_id, stages: &r.stages }, blind))
                    }
                }
            }
            @if view.eligible_total > view.eligible.len() { p class="hint" { (view.eligible.len()) " / " (view.eligible_total) } }
            h2 id="ineligible" { (ctx.t(Msg::Ineligible)) }
            @if view.ineligible.is_empty() { p { (ctx.t(Msg::IneligibleNone)) } } @else {
                table aria-labelledby="ineligible" {
                    thead { tr { th scope="col" { (ctx.t(Msg::Candidate)) } th scope="col" { (ctx.t(Msg::FailedRules)) } th scope="col" { (ctx.t(Msg::Stage)) } } }
                    tbody {
                        @for i in &view.ineligible {
                            tr id=(format!("app-{}", i.application_id)) {
                                td { (label(&ctx, &i.application_id, &i.profile)) }
                                td { ul { @for f in &i.failed {
                                    li { strong { (super::i18n::rule_name(f.rule, ctx.lang)) } ": " (ctx.t(Msg::Required)) " " (f.required) "; " (ctx.t(Msg::FoundOther)) " " (f.found) }
                                } } }
                                td { @for s in &i.stages { (stage_badge(&ctx, s)) } (stage_form(&ctx, p, &v, Stages { application_id: &i.application_id, stages: &i.stages }, blind)) }
                            }
                        }
                    }
                }
            }
            @if view.ineligible_total > view.ineligible.len() { p class="hint" { (view.ineligible.len()) " / " (view.ineligible_total) } }
            (provenance(&ctx, &view))
            @if p.role == Role::Commission { (recusal_form(&ctx, &v)) }
        };
        Ok(ctx.page(&v.title, body))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct DeclarationForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    no_conflict: String,
    #[serde(default)]
    statement: String,
}

/// `POST /web/shortlist/{id}/declaration`: `commission::declare`.
pub(crate) async fn declare(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
    Form(form): Form<DeclarationForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?;
        let vacancy_id: VacancyId = parse_id("vacancy", &id)?;
        let input = DeclarationInput {
            no_conflict_of_interest: form.no_conflict == "yes",
            statement: form.statement.trim().to_owned(),
        };
        commission::declare(&app, p, &vacancy_id, &input).await?;
        Ok(see_other(
            &format!("/web/shortlist/{}", super::session::percent_encode(&id)),
            &[],
        ))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct RecusalForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// `POST /web/shortlist/{id}/recusal`: `commission::recuse`.
pub(crate) async fn recuse(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
    Form(form): Form<RecusalForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?;
        let vacancy_id: VacancyId = parse_id("vacancy", &id)?;
        commission::recuse(&app, p, &vacancy_id, &form.reason).await?;
        Ok(see_other("/web/commission", &[]))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize)]
pub(crate) struct StageForm {
    #[serde(default)]
    csrf: String,
    application_id: String,
    stage: Stage,
    outcome: StageOutcome,
    #[serde(default)]
    score: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    deviation_reason: String,
    #[serde(default)]
    blind: String,
}

/// `POST /web/shortlist/{id}/stages`: `competition::record_stage`, which checks the
/// result against the ranking: a deviation needs its own reason, kept in the
/// recorded (and audited) reason.
pub(crate) async fn record_stage(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
    Form(form): Form<StageForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?;
        let vacancy_id: VacancyId = parse_id("vacancy", &id)?;
        let application_id = parse_id("application", &form.application_id)?;
        let score = match form.score.trim() {
            "" => None,
            s => Some(
                s.parse::<f32>()
                    .map_err(|_| AppError::invalid("score", format!("{s:?} is not a number")))?,
            ),
        };
        let deviation = form.deviation_reason.trim();
        let input = StageInput {
            stage: form.stage,
            outcome: form.outcome,
            score,
            reason: form.reason.clone(),
            deviation_reason: (!deviation.is_empty()).then(|| deviation.to_owned()),
        };
        competition::record_stage(&app, p, &application_id, &input).await?;
        let blind = if form.blind == "0" { "?blind=0" } else { "" };
        Ok(see_other(
            &format!(
                "/web/shortlist/{vacancy_id}{blind}#app-{}",
                form.application_id
            ),
            &[],
        ))
    }
    .await;
    ctx.respond(result)
}

/// `GET /web/shortlist/{id}/protocol`: the decision protocol, laid out for print.
pub(crate) async fn protocol(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
    Query(q): Query<ViewQuery>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        let id: VacancyId = parse_id("vacancy", &id)?;
        if let Some(page) = before_declaration(&ctx, &app, p, &id).await? {
            return Ok(page);
        }
        let blind = q.blind();
        let (v, view) = reviewed(&app, p, &id, blind, "web.protocol").await?;
        let organisation = catalog::organisation(&app, p, &v.organisation_id).await.ok();
        // (rank, score, application id, person, stages): eligible first, in rank order.
        let rows: Vec<_> = view
            .eligible
            .iter()
            .map(|r| (Some(r.rank), r.score, &r.application_id, &r.profile, &r.stages))
            .chain(view.ineligible.iter().map(|i| (None, i.score, &i.application_id, &i.profile, &i.stages)))
            .collect();
        let body = html! {
            h1 { (ctx.t(Msg::Protocol)) }
            p class="no-print" { button type="button" data-print="" { (ctx.t(Msg::Print)) } " "
                a href=(format!("/web/shortlist/{}/protocol.pdf", v.id)) id="protocol-pdf" { (ctx.t(Msg::ProtocolPdf)) } }
            script src="/web/page.js" defer {}
            p { strong { (v.title) } " (" (v.id.as_str()) ", " (v.category.to_string()) ")" br;
                (organisation.as_ref().map_or(v.organisation_id.as_str(), |o| super::org_name(o, ctx.lang))) br;
                (ctx.t(Msg::Date)) ": " (app.today()) }
            p { (ctx.t(Msg::ProtocolIntro)) }
            table {
                thead { tr {
                    th scope="col" { (ctx.t(Msg::Rank)) }
                    th scope="col" { (ctx.t(Msg::Candidate)) }
                    th scope="col" { (ctx.t(Msg::Total)) }
                    @for s in Stage::ALL { th scope="col" { (ctx.t(stage_name(s))) } }
                } }
                tbody {
                    @for (rank, score, application_id, person, stages) in &rows {
                        tr {
                            td { @match rank { Some(r) => (r), None => (ctx.t(Msg::NotMet)) } }
                            td { (label(&ctx, application_id, person)) }
                            td { (format!("{score:.3}")) }
                            @for s in Stage::ALL {
                                td {
                                    @if let Some(r) = stages.iter().find(|r| r.stage == s) {
                                        (ctx.t(outcome_name(r.outcome)))
                                        @if let Some(sc) = r.score { " (" (format!("{sc:.0}")) ")" }
                                        @if let Some(reason) = &r.reason {
                                            br; span class="hint" { (reason) }
                                            @if reason.contains("Deviation from the ranking") { br; strong { (ctx.t(Msg::Deviation)) } }
                                        }
                                        br; span class="hint" { (ctx.t(Msg::DecidedBy)) ": " (r.decided_by) ", " (r.decided_at.format("%Y-%m-%d")) }
                                    } @else { "—" }
                                }
                            }
                        }
                    }
                }
            }
            (provenance(&ctx, &view))
            h2 { (ctx.t(Msg::Signatures)) }
            table { tbody { @for _ in 0..3 { tr { td class="signature" {} td {} } } } }
        };
        Ok(ctx.page(ctx.t(Msg::Protocol), body))
    }
    .await;
    ctx.respond(result)
}

/// `GET /web/shortlist/{id}/protocol.pdf`: `protocol::issue`, as a download.
pub(crate) async fn protocol_pdf(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        let id: VacancyId = parse_id("vacancy", &id)?;
        if let Some(page) = before_declaration(&ctx, &app, p, &id).await? {
            return Ok(page);
        }
        let issued = protocol::issue(&app, p, &id, "web").await?;
        let file = format!("attachment; filename=\"protocol-{}.pdf\"", id.as_str());
        Ok((
            [
                (CONTENT_TYPE, "application/pdf".to_owned()),
                (CONTENT_DISPOSITION, file),
            ],
            issued.pdf,
        )
            .into_response())
    }
    .await;
    ctx.respond(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_the_domain_serialisation() {
        for s in Stage::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
        }
        for o in [
            StageOutcome::Pending,
            StageOutcome::Passed,
            StageOutcome::Failed,
            StageOutcome::Withdrawn,
        ] {
            assert_eq!(serde_json::to_value(o).unwrap(), outcome_code(o));
        }
    }
}
