//! Candidate pages: the vacancies ranked for the candidate's own profile, search
//! vacancies (full text through the index, with region, category and language
//! filters), a vacancy with the requirements the candidate's
//! own profile meets, applying, and following their applications' stages.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use maud::{html, Markup, PreEscaped};
use qabilet_app::catalog::{self, category_filter, VacancySearch};
use qabilet_app::competition;
use qabilet_app::vacancies_for_person::{self, RecommendedVacancy};
use qabilet_app::{parse_id, Actor, App, AppError, ErrorKind};
use qabilet_domain::{ApplicationId, Language, Region, Stage, Vacancy, VacancyId};
use qabilet_matcher::eligibility::Eligibility;
use qabilet_store::Role;
use serde::Deserialize;

use super::i18n::{language_name, rule_name, stage_name, Msg};
use super::layout::{stage_badge, status_badge};
use super::session::see_other;
use super::{org_name, Csrf, Ctx};

const PER_PAGE: usize = 20;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SearchForm {
    q: String,
    region: String,
    category: String,
    language: String,
    page: usize,
}

/// `GET /web/vacancies`: anyone, like `GET /search/vacancies`; a visitor who has
/// not signed in sees the open vacancies.
pub(crate) async fn search(
    ctx: Ctx,
    State(app): State<App>,
    Query(form): Query<SearchForm>,
) -> Response {
    let result = async {
        let visitor = Actor::public();
        let p = ctx.user().unwrap_or(&visitor);
        let region: Option<Region> = match form.region.trim() {
            "" => None,
            r => Some(r.parse().map_err(|e: String| AppError::bad_request("invalid_query", e))?),
        };
        let language: Option<Language> = match form.language.trim() {
            "" => None,
            l => Some(l.parse().map_err(|e: String| AppError::bad_request("invalid_query", e))?),
        };
        let search = VacancySearch {
            text: form.q.clone(),
            region,
            category: category_filter(&form.category)?,
            language,
            open_to_apply: true,
            // One more than shown tells whether there is a next page.
            limit: Some(PER_PAGE + 1),
            offset: Some(form.page * PER_PAGE),
            ..VacancySearch::default()
        };
        let (mut found, indexed) = catalog::find_vacancies(&app, p, search).await?;
        let more = found.len() > PER_PAGE;
        found.truncate(PER_PAGE);
        let shown: Vec<&Vacancy> = found.iter().map(|f| &f.vacancy).collect();
        let checks = competition::own_eligibility(&app, p, &shown).await?;
        let page_link = |page: usize| {
            format!(
                "/web/vacancies?q={}&region={}&category={}&language={}&page={page}",
                super::session::percent_encode(&form.q),
                super::session::percent_encode(&form.region),
                super::session::percent_encode(&form.category),
                super::session::percent_encode(&form.language),
            )
        };
        let body = html! {
            h1 { (ctx.t(Msg::SearchTitle)) }
            form method="get" action="/web/vacancies" role="search" class="filters" {
                div {
                    label for="q" { (ctx.t(Msg::SearchQuery)) }
                    input id="q" name="q" type="search" value=(form.q) maxlength="200"
                        aria-describedby="q-hint" size="32";
                    div id="q-hint" class="hint" { (ctx.t(Msg::SearchHint)) }
                }
                div {
                    label for="region" { (ctx.t(Msg::Region)) }
                    select id="region" name="region" {
                        option value="" { (ctx.t(Msg::AnyRegion)) }
                        @for r in Region::KAZAKHSTAN {
                            option value=(r.code()) selected[region == Some(*r)] { (r.name(ctx.lang)) }
                        }
                    }
                }
                div {
                    label for="category" { (ctx.t(Msg::Category)) }
                    input id="category" name="category" value=(form.category) size="8" maxlength="8"
                        aria-describedby="category-hint";
                    div id="category-hint" class="hint" { (ctx.t(Msg::CategoryHint)) }
                }
                div {
                    label for="language" { (ctx.t(Msg::RequiredLanguage)) }
                    select id="language" name="language" {
                        option value="" { (ctx.t(Msg::AnyLanguage)) }
                        @for l in Language::ALL {
                            option value=(l.code()) selected[language == Some(l)] { (language_name(l, ctx.lang)) }
                        }
                    }
                }
                div { button type="submit" { (ctx.t(Msg::Search)) } }
            }
            @if !indexed { div class="notice warn" role="status" { p { (ctx.t(Msg::SearchUnavailable)) } } }
            h2 id="results" { (ctx.t(Msg::Results)) }
            @if found.is_empty() {
                p { (ctx.t(Msg::NoResults)) }
            } @else {
                ul class="results" aria-labelledby="results" {
                    @for (f, check) in found.iter().zip(&checks) {
                        li { (result_item(&ctx, &f.vacancy, f.snippet.as_deref(), check.as_ref())) }
                    }
                }
            }
            nav aria-label=(ctx.t(Msg::Results)) class="pager" {
                @if form.page > 0 { a href=(page_link(form.page - 1)) rel="prev" { "← " (ctx.t(Msg::PrevPage)) } " " }
                @if more { a href=(page_link(form.page + 1)) rel="next" { (ctx.t(Msg::NextPage)) " →" } }
            }
        };
        Ok(ctx.page(ctx.t(Msg::SearchTitle), body))
    }
    .await;
    ctx.respond(result)
}

fn result_item(
    ctx: &Ctx,
    v: &Vacancy,
    snippet: Option<&str>,
    check: Option<&Eligibility>,
) -> Markup {
    html! {
        h3 { a href=(format!("/web/vacancies/{}", v.id)) { (v.title) } }
        p class="meta" {
            (v.region.name(ctx.lang)) " · " (v.category.to_string()) " · "
            (ctx.t(Msg::Deadline)) " " time datetime=(v.deadline.to_string()) { (v.deadline) }
        }
        @if let Some(s) = snippet {
            // The index escapes the stored text and adds only <b> around matches.
            p class="snippet" { (PreEscaped(s)) }
        }
        @if let Some(e) = check {
            @if e.eligible && !e.needs_review {
                span class="badge good" { span aria-hidden="true" { "✔ " } (ctx.t(Msg::MeetsAll)) }
            } @else {
                span class=(if e.eligible { "badge warn" } else { "badge bad" }) {
                    (ctx.t(Msg::MeetsCount)) ": " (e.met().count()) " / " (e.rules.len())
                }
            }
        }
    }
}

/// `GET /web/for-you`: a candidate's own profile as the query; the open vacancies
/// ranked for it (`qabilet_app::vacancies_for_person`), each with the requirements
/// met and the skills it asks for that the profile shows or lacks.
pub(crate) async fn for_you(ctx: Ctx, State(app): State<App>) -> Response {
    let result = async {
        let p = ctx.user()?;
        p.require(&[Role::Candidate])?;
        let Some(pid) = p.profile_id.clone() else {
            let body = html! {
                h1 { (ctx.t(Msg::NavForYou)) }
                p { (ctx.t(Msg::NoProfileYet)) }
            };
            return Ok(ctx.page(ctx.t(Msg::NavForYou), body));
        };
        let found = match vacancies_for_person::vacancies_for(&app, p, &pid, None, Some(PER_PAGE)).await {
            Ok(found) => Some(found),
            // No index yet (a fresh install before its first sync): say so.
            Err(e) if e.kind() == ErrorKind::Unavailable => None,
            // Processing consent revoked: nothing is matched, and the page says why.
            Err(e) if e.kind() == ErrorKind::Conflict => {
                let body = html! {
                    h1 { (ctx.t(Msg::NavForYou)) }
                    div class="notice warn" role="status" { p lang="en" { (e.to_string()) } }
                };
                return Ok(ctx.page(ctx.t(Msg::NavForYou), body));
            }
            Err(e) => return Err(e),
        };
        // Organisation names, each read once.
        let mut orgs: HashMap<String, String> = HashMap::new();
        for v in found.iter().flat_map(|f| &f.vacancies) {
            if !orgs.contains_key(&v.organisation_id) {
                let name = match parse_id("organisation", &v.organisation_id) {
                    Ok(id) => catalog::organisation(&app, p, &id)
                        .await
                        .map_or(v.organisation_id.clone(), |o| org_name(&o, ctx.lang).to_owned()),
                    Err(_) => v.organisation_id.clone(),
                };
                orgs.insert(v.organisation_id.clone(), name);
            }
        }
        let body = html! {
            h1 { (ctx.t(Msg::NavForYou)) }
            p class="hint" { (ctx.t(Msg::ForYouIntro)) }
            @match &found {
                None => div class="notice warn" role="status" { p { (ctx.t(Msg::SearchUnavailable)) } },
                Some(found) if found.vacancies.is_empty() => p { (ctx.t(Msg::NoResults)) },
                Some(found) => ol class="results" aria-label=(ctx.t(Msg::NavForYou)) {
                    @for v in &found.vacancies {
                        li { (recommended_item(&ctx, v, orgs.get(&v.organisation_id).map_or("", String::as_str))) }
                    }
                },
            }
        };
        Ok(ctx.page(ctx.t(Msg::NavForYou), body))
    }
    .await;
    ctx.respond(result)
}

fn recommended_item(ctx: &Ctx, v: &RecommendedVacancy, organisation: &str) -> Markup {
    let e = &v.ranked.eligibility;
    let x = &v.ranked.explanation;
    html! {
        h2 { a href=(format!("/web/vacancies/{}", v.ranked.vacancy_id)) { (v.title) } }
        p class="meta" {
            (organisation) " · " (ctx.t(Msg::Deadline)) " "
            time datetime=(v.deadline.to_string()) { (v.deadline) }
        }
        @if e.eligible && !e.needs_review {
            span class="badge good" { span aria-hidden="true" { "✔ " } (ctx.t(Msg::MeetsAll)) }
        } @else {
            span class=(if e.eligible { "badge warn" } else { "badge bad" }) {
                (ctx.t(Msg::MeetsCount)) ": " (e.met().count()) " / " (e.rules.len())
            }
        }
        @if !x.matched_skills.is_empty() {
            p { (ctx.t(Msg::MatchedSkills)) ": " (x.matched_skills.join(", ")) }
        }
        @if !x.missing_skills.is_empty() {
            p { (ctx.t(Msg::MissingSkills)) ": " (x.missing_skills.join(", ")) }
        }
    }
}

/// `GET /web/vacancies/{id}`: anyone (a visitor who has not signed in, an open
/// vacancy only); a candidate also sees, rule by rule, what their profile meets
/// and the evidence.
pub(crate) async fn vacancy(ctx: Ctx, State(app): State<App>, Path(id): Path<String>) -> Response {
    let result = async {
        let visitor = Actor::public();
        let p = ctx.user().unwrap_or(&visitor);
        let id: VacancyId = parse_id("vacancy", &id)?;
        let v = catalog::vacancy(&app, p, &id).await?;
        let organisation = catalog::organisation(&app, p, &v.organisation_id).await.ok();
        let check = competition::own_eligibility(&app, p, &[&v]).await?.pop().flatten();
        let applied = match p.role {
            Role::Candidate if !p.is_public() => competition::own_applications(&app, p)
                .await?
                .iter()
                .any(|o| o.application.vacancy_id == v.id),
            _ => false,
        };
        let open = competition::open_to_apply(&app, &v);
        let body = html! {
            h1 { (v.title) }
            p class="meta" {
                (ctx.t(Msg::Organisation)) ": " (organisation.as_ref().map_or(v.organisation_id.as_str(), |o| org_name(o, ctx.lang)))
                " · " (v.region.name(ctx.lang)) " · " (v.category.to_string()) " · "
                (ctx.t(Msg::Deadline)) " " time datetime=(v.deadline.to_string()) { (v.deadline) }
            }
            h2 { (ctx.t(Msg::Description)) }
            p { (v.description) }
            @if !v.duties.is_empty() { h2 { (ctx.t(Msg::Duties)) } p { (v.duties) } }
            @match &check {
                Some(check) => { (requirements_table(&ctx, check)) }
                None => {
                    h2 { (ctx.t(Msg::Requirements)) }
                    p class="hint" { (ctx.t(Msg::SignInToCheck)) }
                }
            }
            @if p.is_public() {
                p { a href=(format!("/web/login?next={}", super::session::percent_encode(&format!("/web/vacancies/{}", v.id)))) id="sign-in-to-apply" { (ctx.t(Msg::SignInToApply)) } }
            } @else if p.role == Role::Candidate {
                @if applied {
                    div class="notice good" role="status" {
                        p { (ctx.t(Msg::AlreadyApplied)) " " a href="/web/applications" { (ctx.t(Msg::MyApplications)) } }
                    }
                } @else if open {
                    form method="post" action=(format!("/web/vacancies/{}/apply", v.id)) class="stack" {
                        (ctx.csrf_field())
                        p class="hint" { (ctx.t(Msg::ApplyConsent)) }
                        button type="submit" id="apply" { (ctx.t(Msg::Apply)) }
                    }
                } @else {
                    p class="notice warn" { (ctx.t(Msg::ApplyClosed)) }
                }
            }
        };
        Ok(ctx.page(&v.title, body))
    }
    .await;
    ctx.respond(result)
}

fn requirements_table(ctx: &Ctx, e: &Eligibility) -> Markup {
    html! {
        h2 { (ctx.t(Msg::RequirementsYou)) }
        @if e.rules.is_empty() {
            p { (ctx.t(Msg::NoRequirements)) }
        } @else {
            @if !e.eligible {
                div class="notice bad" { p { (ctx.t(Msg::NotEligible)) } }
            } @else if e.needs_review {
                div class="notice warn" { p { (ctx.t(Msg::NeedsReview)) } }
            } @else {
                div class="notice good" { p { (ctx.t(Msg::Eligible)) } }
            }
            table {
                caption class="sr-only" { (ctx.t(Msg::RequirementsYou)) }
                thead { tr {
                    th scope="col" { (ctx.t(Msg::Requirement)) }
                    th scope="col" { (ctx.t(Msg::Required)) }
                    th scope="col" { (ctx.t(Msg::Found)) }
                    th scope="col" { (ctx.t(Msg::Status)) }
                } }
                tbody {
                    @for r in &e.rules {
                        tr {
                            th scope="row" { (rule_name(r.rule, ctx.lang)) }
                            td { (r.required) }
                            td {
                                (r.found)
                                @if !r.records.is_empty() {
                                    br; span class="hint" { (ctx.t(Msg::Evidence)) ": " (r.records.join(", ")) }
                                }
                            }
                            td { (status_badge(ctx, r.status)) }
                        }
                    }
                }
            }
        }
    }
}

/// `POST /web/vacancies/{id}/apply`: `competition::apply` (candidates only, open
/// vacancy, before the deadline, consent, once).
pub(crate) async fn apply(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
    Form(form): Form<Csrf>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?;
        let id: VacancyId = parse_id("vacancy", &id)?;
        let application = competition::apply(&app, p, &id).await?;
        Ok(see_other(
            &format!("/web/applications?applied={}", application.vacancy_id),
            &[],
        ))
    }
    .await;
    ctx.respond(result)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ApplicationsQuery {
    applied: String,
    withdrawn: String,
    reordered: String,
}

/// The order `ranked` (ids, first choice first) with entry `i` one place higher,
/// as the "move up" form sends it.
fn moved_up(ranked: &[&str], i: usize) -> String {
    let mut order = ranked.to_vec();
    if i > 0 && i < order.len() {
        order.swap(i - 1, i);
    }
    order.join(",")
}

/// The form of `POST /web/applications/preferences`.
#[derive(Deserialize)]
pub(crate) struct PreferenceForm {
    csrf: String,
    /// Application ids, first choice first, comma-separated.
    order: String,
}

/// Rule codes (`education`, `language:kk`) by their names in `lang`; a code this
/// build does not know is shown as it came.
fn rules_in(codes: &[String], lang: Language) -> String {
    codes
        .iter()
        .map(
            |code| match code.parse::<qabilet_matcher::eligibility::Rule>() {
                Ok(rule) => rule_name(rule, lang),
                Err(_) => code.clone(),
            },
        )
        .collect::<Vec<_>>()
        .join(", ")
}

/// `POST /web/applications/preferences`: `preferences::reorder`.
pub(crate) async fn reorder(
    ctx: Ctx,
    State(app): State<App>,
    Form(form): Form<PreferenceForm>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?;
        let order = form
            .order
            .split(',')
            .filter(|id| !id.trim().is_empty())
            .map(|id| parse_id::<ApplicationId>("application", id.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        qabilet_app::preferences::reorder(
            &app,
            p,
            &qabilet_app::preferences::PreferenceOrder { order },
        )
        .await?;
        Ok(see_other("/web/applications?reordered=1", &[]))
    }
    .await;
    ctx.respond(result)
}

/// `POST /web/applications/{id}/withdraw`: `competition::withdraw`.
pub(crate) async fn withdraw(
    ctx: Ctx,
    State(app): State<App>,
    Path(id): Path<String>,
    Form(form): Form<Csrf>,
) -> Response {
    let result = async {
        ctx.check_csrf(&form.csrf)?;
        let p = ctx.user()?;
        let id: ApplicationId = parse_id("application", &id)?;
        let application = competition::withdraw(&app, p, &id).await?;
        Ok(see_other(
            &format!("/web/applications?withdrawn={}", application.vacancy_id),
            &[],
        ))
    }
    .await;
    ctx.respond(result)
}

/// `GET /web/applications`: the candidate's own applications and their stages.
pub(crate) async fn applications(
    ctx: Ctx,
    State(app): State<App>,
    Query(q): Query<ApplicationsQuery>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        let rows = competition::own_applications(&app, p).await?;
        let body = html! {
            h1 { (ctx.t(Msg::MyApplications)) }
            @if !q.applied.is_empty() {
                div class="notice good" role="status" { p { (ctx.t(Msg::AppliedNotice)) } }
            }
            @if !q.withdrawn.is_empty() {
                div class="notice" role="status" { p { (ctx.t(Msg::WithdrawnNotice)) } }
            }
            @if rows.is_empty() {
                p { (ctx.t(Msg::NoApplications)) " " a href="/web/vacancies" { (ctx.t(Msg::SearchTitle)) } }
            }
            @if !q.reordered.is_empty() {
                div class="notice good" role="status" { p { (ctx.t(Msg::PreferencesSaved)) } }
            }
            @let ranked: Vec<&str> = rows.iter().filter(|o| o.rank.is_some()).map(|o| o.application.id.as_str()).collect();
            @if !ranked.is_empty() {
                p class="hint" { (ctx.t(Msg::PreferencesHint)) }
            }
            @for own in &rows {
                @let (app, v) = (&own.application, &own.vacancy);
                section class="entry" aria-labelledby=(format!("h-{}", app.id)) {
                    h2 id=(format!("h-{}", app.id)) {
                        @match v {
                            Some(v) => a href=(format!("/web/vacancies/{}", v.id)) { (v.title) },
                            None => (app.vacancy_id.as_str()),
                        }
                    }
                    p class="meta" { (ctx.t(Msg::Submitted)) " " (app.submitted_at.format("%Y-%m-%d %H:%M UTC")) }
                    @if let Some(rank) = own.rank {
                        p id=(format!("rank-{}", app.id)) {
                            strong { (ctx.t(Msg::Preference)) ": " (rank) " / " (ranked.len()) }
                            @if rank > 1 {
                                " "
                                form method="post" action="/web/applications/preferences" class="inline" {
                                    (ctx.csrf_field())
                                    input type="hidden" name="order" value=(moved_up(&ranked, usize::from(rank) - 1));
                                    button type="submit" class="secondary" id=(format!("up-{}", app.id)) { (ctx.t(Msg::MoveUp)) }
                                }
                            }
                        }
                    }
                    ol class="stages" {
                        @for stage in Stage::ALL {
                            li {
                                @match app.stages.iter().find(|s| s.stage == stage) {
                                    Some(r) => {
                                        (stage_badge(&ctx, r))
                                        " " span class="meta" { (r.decided_at.format("%Y-%m-%d")) }
                                        @if let Some(reason) = &r.reason { br; span class="hint" { (ctx.t(Msg::Reason)) ": " (reason) } }
                                    }
                                    None => { (ctx.t(stage_name(stage))) ": " span class="meta" { (ctx.t(Msg::NotYet)) } }
                                }
                            }
                        }
                    }
                    p {
                        a href=(format!("/web/applications/{}/explanation", app.id)) id=(format!("explain-{}", app.id)) {
                            (ctx.t(crate::oversight::i18n::OMsg::HowDecided))
                        }
                    }
                    @if app.next_stage().is_some() {
                        form method="post" action=(format!("/web/applications/{}/withdraw", app.id)) class="inline" {
                            (ctx.csrf_field())
                            button type="submit" class="secondary" id=(format!("withdraw-{}", app.id))
                                aria-describedby=(format!("withdraw-hint-{}", app.id)) { (ctx.t(Msg::Withdraw)) }
                            " " span class="hint" id=(format!("withdraw-hint-{}", app.id)) { (ctx.t(Msg::WithdrawHint)) }
                        }
                    }
                }
            }
        };
        Ok(ctx.page(ctx.t(Msg::MyApplications), body))
    }
    .await;
    ctx.respond(result)
}

/// `GET /web/inbox`: the candidate's notifications (`notifications::inbox`).
pub(crate) async fn inbox(ctx: Ctx, State(app): State<App>) -> Response {
    let result = async {
        let p = ctx.user()?;
        let items = qabilet_app::notifications::inbox(&app, p).await?;
        let body = html! {
            h1 { (ctx.t(Msg::NavInbox)) }
            @if items.is_empty() { p { (ctx.t(Msg::InboxEmpty)) } }
            ol class="results" {
                @for n in &items {
                    li class="entry" id=(format!("n-{}", n.seq)) {
                        p class="meta" { (n.at.format("%Y-%m-%d %H:%M UTC")) }
                        h2 {
                            a href=(format!("/web/vacancies/{}", n.vacancy_id)) {
                                (n.vacancy_title.as_deref().unwrap_or(n.vacancy_id.as_str()))
                            }
                        }
                        @if let Some(r) = &n.result {
                            p { (stage_badge(&ctx, r)) }
                            @if let Some(reason) = &r.reason { p class="hint" { (ctx.t(Msg::Reason)) ": " (reason) } }
                        }
                        @if let Some(fit) = &n.fit {
                            p { strong { (ctx.t(Msg::ReserveOffer)) } }
                            p { (ctx.t(Msg::FitScore)) ": " (format!("{:.2}", fit.fit)) }
                            @if !n.rules_met.is_empty() { p class="hint" { (ctx.t(Msg::RulesMet)) ": " (rules_in(&n.rules_met, ctx.lang)) } }
                        }
                    }
                }
            }
        };
        Ok(ctx.page(ctx.t(Msg::NavInbox), body))
    }
    .await;
    ctx.respond(result)
}
