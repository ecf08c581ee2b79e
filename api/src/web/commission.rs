//! Commission pages: the member's seats, the declaration step and recusal, the
//! ranked shortlist with each rank explained (blind by default), the ineligible
//! list, recording stage results (with a reason for any deviation from the
//! ranking), and the printable decision protocol.
//!
//! The ranking is the API's own use case, `matching::shortlist`: the same access
//! rule (`access::shortlist_vacancy`: declared, seated, not recused commission
//! members; HR of the organisation; admins), the same cached ranking and one audit
//! entry per page view. Every change is made by the API's handlers, so the rules
//! cannot drift apart.

use axum::extract::{Query, State};
use axum::response::Response;
use axum::Form;
use maud::{html, Markup};
use std::sync::Arc;

use qabilet_domain::{Application, Stage, StageOutcome, Vacancy, VacancyId};
use qabilet_store::Role;
use serde::Deserialize;
use serde_json::json;

use super::i18n::{outcome_name, stage_name, Msg};
use super::layout::stage_badge;
use super::ranking::{explanation, provenance, Applications};
use super::session::see_other;
use super::Ctx;
use crate::error::{parse_id, ApiJson, ApiPath};
use crate::matching::{self, RankedEntry, ShortlistOptions, ShortlistView, MAX_LIMIT};
use crate::routes::competition;
use crate::{access, ApiError, AppState, Principal};

fn from_json<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(v).map_err(|e| ApiError::invalid("", e.to_string()))
}

/// `GET /web/commission`: the vacancies the member is seated on.
pub(crate) async fn seats(ctx: Ctx, State(state): State<AppState>) -> Response {
    let result = async {
        let p = ctx.user()?;
        p.require(&[Role::Commission])?;
        let mut rows = Vec::new();
        for id in state.store.seated_vacancies(&p.id).await? {
            let vid: VacancyId = parse_id("vacancy", &id)?;
            let Some(v) = state.store.vacancy(&vid).await? else {
                continue;
            };
            let d = state.store.declaration(&id, &p.id).await?;
            let status = match d {
                None => ("badge warn", Msg::NotDeclared),
                Some(d) if d.recused_at.is_some() => ("badge", Msg::Recused),
                Some(_) => ("badge good", Msg::Declared),
            };
            rows.push((v, status));
        }
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
                label for="no_conflict" style="display:inline;font-weight:400" { " " (ctx.t(Msg::DeclarationText)) }
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

/// What a commission member sees before the shortlist opens: `Some(page)` while
/// they have not declared or have recused. Seating is checked first (403).
async fn before_declaration(
    ctx: &Ctx,
    state: &AppState,
    p: &Principal,
    id: &VacancyId,
) -> Result<Option<Response>, ApiError> {
    if p.role != Role::Commission {
        return Ok(None);
    }
    access::commission_member(state, p, id).await?;
    let v = state
        .store
        .vacancy(id)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("seat on missing vacancy {id}")))?;
    match state.store.declaration(id.as_str(), &p.id).await? {
        None => Ok(Some(ctx.page(&v.title, declaration_page(ctx, &v)))),
        Some(d) if d.recused_at.is_some() => {
            let body = html! {
                h1 { (v.title) }
                div class="notice" role="status" { p { (ctx.t(Msg::RecusedNotice)) } }
            };
            Ok(Some(ctx.page(&v.title, body)))
        }
        Some(_) => Ok(None),
    }
}

/// The shortlist the caller may review, ranked and audited once as a view by
/// `matching::shortlist` (`via` tells the page apart in the audit log), with the
/// vacancy and its applications.
async fn reviewed(
    state: &AppState,
    p: &Principal,
    id: &VacancyId,
    blind: bool,
    via: &'static str,
) -> Result<(Vacancy, Arc<ShortlistView>, Applications), ApiError> {
    let opts = ShortlistOptions {
        blind,
        limit: MAX_LIMIT,
    };
    let view = matching::shortlist_via(state, p, id, opts, Some(via)).await?;
    let vacancy = state
        .store
        .vacancy(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("vacancy {id} does not exist")))?;
    let applications = Applications::load(state, id).await?;
    Ok((vacancy, view, applications))
}

/// Whether recording `outcome` at `stage` for `application_id` goes against the
/// ranking: it passes while a better-ranked applicant failed that stage, fails while
/// a worse-ranked one passed it, or passes an ineligible applicant. An eligible
/// applicant beyond the listed ranks counts as ranked below all of them.
fn deviates(
    view: &ShortlistView,
    application_id: &str,
    stage: Stage,
    outcome: StageOutcome,
) -> bool {
    let listed_ineligible = view
        .ineligible
        .iter()
        .any(|i| i.application_id == application_id);
    let rank = view
        .eligible
        .iter()
        .find(|r| r.application_id == application_id)
        .map(|r| r.rank);
    let rank = match rank {
        Some(rank) => rank,
        None if listed_ineligible => return outcome == StageOutcome::Passed,
        None => usize::MAX,
    };
    let outcome_of = |r: &RankedEntry| {
        r.stages
            .iter()
            .find(|s| s.stage == stage)
            .map(|s| s.outcome)
    };
    view.eligible.iter().any(|other| match outcome {
        StageOutcome::Passed => {
            other.rank < rank && outcome_of(other) == Some(StageOutcome::Failed)
        }
        StageOutcome::Failed => {
            other.rank > rank && outcome_of(other) == Some(StageOutcome::Passed)
        }
        _ => false,
    })
}

/// The stage to record next for an application, if the competition goes on.
fn next_stage(a: &Application) -> Option<Stage> {
    match a.stages.last() {
        None => Some(Stage::QualificationCheck),
        Some(last) if last.outcome != StageOutcome::Passed => None,
        Some(last) => Stage::ALL.into_iter().find(|s| *s > last.stage),
    }
}

fn stage_form(ctx: &Ctx, p: &Principal, v: &Vacancy, a: &Application, blind: bool) -> Markup {
    let Some(stage) = next_stage(a) else {
        return html! { p class="hint" { (ctx.t(Msg::Finished)) } };
    };
    // Commission members record interviews and decisions; HR records the rest.
    if p.role == Role::Commission && !matches!(stage, Stage::Interview | Stage::Decision) {
        return html! { p class="hint" { (ctx.t(Msg::NextStage)) ": " (ctx.t(stage_name(stage))) } };
    }
    let key = a.id.as_str();
    html! {
        details {
            summary { (ctx.t(Msg::RecordResult)) ": " (ctx.t(stage_name(stage))) }
            form method="post" action=(format!("/web/shortlist/{}/stages", v.id)) class="stack" {
                (ctx.csrf_field())
                input type="hidden" name="application_id" value=(key);
                input type="hidden" name="stage" value=(stage_code(stage));
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

fn stage_code(s: Stage) -> &'static str {
    match s {
        Stage::QualificationCheck => "qualification_check",
        Stage::Test => "test",
        Stage::Interview => "interview",
        Stage::Decision => "decision",
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
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    Query(q): Query<ViewQuery>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        let id: VacancyId = parse_id("vacancy", &id)?;
        if let Some(page) = before_declaration(&ctx, &state, p, &id).await? {
            return Ok(page);
        }
        let blind = q.blind();
        let (v, view, apps) = reviewed(&state, p, &id, blind, "web").await?;
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
            h2 { (ctx.t(Msg::Ranking)) }
            @if view.applicants == 0 { p { (ctx.t(Msg::NoApplicants)) } }
            ol class="results" {
                @for r in &view.eligible {
                    @let a = apps.get(&r.application_id)?;
                    li class="entry" id=(format!("app-{}", a.id)) {
                        h3 { "#" (r.rank) " · " (apps.label(&ctx, &r.application_id, blind)) " · " (ctx.t(Msg::Total)) " " (format!("{:.3}", r.score)) }
                        p { @for s in &a.stages { (stage_badge(&ctx, s)) } }
                        (explanation(&ctx, r))
                        (stage_form(&ctx, p, &v, a, blind))
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
                            @let a = apps.get(&i.application_id)?;
                            tr id=(format!("app-{}", a.id)) {
                                td { (apps.label(&ctx, &i.application_id, blind)) }
                                td { ul { @for f in &i.failed {
                                    li { strong { (super::i18n::rule_name(f.rule, ctx.lang)) } ": " (ctx.t(Msg::Required)) " " (f.required) "; " (ctx.t(Msg::FoundOther)) " " (f.found) }
                                } } }
                                td { @for s in &a.stages { (stage_badge(&ctx, s)) } (stage_form(&ctx, p, &v, a, blind)) }
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

/// `POST /web/shortlist/{id}/declaration`: the API's `declare`.
pub(crate) async fn declare(
    ctx: Ctx,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<DeclarationForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?.clone();
        let input = from_json(json!({
            "no_conflict_of_interest": form.no_conflict == "yes",
            "statement": form.statement.trim(),
        }))?;
        let _ = competition::declare(State(state), p, ApiPath(id.clone()), ApiJson(input)).await?;
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

/// `POST /web/shortlist/{id}/recusal`: the API's `recuse`.
pub(crate) async fn recuse(
    ctx: Ctx,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<RecusalForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?.clone();
        let input = from_json(json!({ "reason": form.reason }))?;
        let _ = competition::recuse(State(state), p, ApiPath(id), ApiJson(input)).await?;
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

/// `POST /web/shortlist/{id}/stages`: the API's `record_stage`, after checking the
/// result against the ranking: a deviation needs its own reason, which is kept in
/// the recorded (and audited) reason.
pub(crate) async fn record_stage(
    ctx: Ctx,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<StageForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?.clone();
        let vacancy_id: VacancyId = parse_id("vacancy", &id)?;
        // Checked against the ranking, not shown: the recorded result is the audited act.
        let opts = ShortlistOptions {
            blind: true,
            limit: MAX_LIMIT,
        };
        let view = matching::shortlist_unaudited(&state, &p, &vacancy_id, opts).await?;
        // Only what the page lists can be recorded from it.
        let belongs = view
            .eligible
            .iter()
            .map(|r| &r.application_id)
            .chain(view.ineligible.iter().map(|i| &i.application_id))
            .any(|a| *a == form.application_id);
        if !belongs {
            return Err(ApiError::forbidden("you may not access this application"));
        }
        let score = match form.score.trim() {
            "" => None,
            s => Some(
                s.parse::<f32>()
                    .map_err(|_| ApiError::invalid("score", format!("{s:?} is not a number")))?,
            ),
        };
        let mut reason = form.reason.trim().to_owned();
        if deviates(&view, &form.application_id, form.stage, form.outcome) {
            let why = form.deviation_reason.trim();
            if why.is_empty() {
                return Err(ApiError::invalid(
                    "deviation_reason",
                    Msg::DeviationNeeded.text(qabilet_domain::Language::En),
                ));
            }
            reason = format!("{reason}\nDeviation from the ranking: {why}");
        }
        let input = from_json(json!({
            "stage": form.stage, "outcome": form.outcome, "score": score, "reason": reason,
        }))?;
        let _ = competition::record_stage(
            State(state),
            p,
            ApiPath(form.application_id.clone()),
            ApiJson(input),
        )
        .await?;
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
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    Query(q): Query<ViewQuery>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        let id: VacancyId = parse_id("vacancy", &id)?;
        if let Some(page) = before_declaration(&ctx, &state, p, &id).await? {
            return Ok(page);
        }
        let blind = q.blind();
        let (v, view, apps) = reviewed(&state, p, &id, blind, "web.protocol").await?;
        let organisation = state.store.organisation(v.organisation_id.as_str()).await?;
        let rows: Vec<(Option<usize>, f32, &Application)> = view
            .eligible
            .iter()
            .map(|r| Ok((Some(r.rank), r.score, apps.get(&r.application_id)?)))
            .chain(view.ineligible.iter().map(|i| Ok((None, i.score, apps.get(&i.application_id)?))))
            .collect::<Result<_, ApiError>>()?;
        let body = html! {
            h1 { (ctx.t(Msg::Protocol)) }
            p class="no-print" { button type="button" onclick="window.print()" { (ctx.t(Msg::Print)) } }
            p { strong { (v.title) } " (" (v.id.as_str()) ", " (v.category.to_string()) ")" br;
                (organisation.as_ref().map_or(v.organisation_id.as_str(), |o| super::org_name(o, ctx.lang))) br;
                (ctx.t(Msg::Date)) ": " (super::today()) }
            p { (ctx.t(Msg::ProtocolIntro)) }
            table {
                thead { tr {
                    th scope="col" { (ctx.t(Msg::Rank)) }
                    th scope="col" { (ctx.t(Msg::Candidate)) }
                    th scope="col" { (ctx.t(Msg::Total)) }
                    @for s in Stage::ALL { th scope="col" { (ctx.t(stage_name(s))) } }
                } }
                tbody {
                    @for (rank, score, a) in &rows {
                        tr {
                            td { @match rank { Some(r) => (r), None => (ctx.t(Msg::NotMet)) } }
                            td { (apps.label(&ctx, a.id.as_str(), blind)) }
                            td { (format!("{score:.3}")) }
                            @for s in Stage::ALL {
                                td {
                                    @if let Some(r) = a.stages.iter().find(|r| r.stage == s) {
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
            table { tbody { @for _ in 0..3 { tr { td style="height:2.5rem;width:60%" {} td {} } } } }
        };
        Ok(ctx.page(ctx.t(Msg::Protocol), body))
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
            assert_eq!(serde_json::to_value(s).unwrap(), stage_code(s));
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
