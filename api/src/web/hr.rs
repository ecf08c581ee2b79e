//! HR pages: the organisation's vacancies, the talent reserve and second-best
//! registry (filters, expiry), a read-only preview of the reserve matches for a
//! vacancy, and the fairness report of a vacancy's shortlist with a chart.
//!
//! HR officers see their own organisation's vacancies (`access::managed_vacancy`);
//! admins see every one. The reserve exists to be matched across organisations, so
//! HR officers list all of it, but only by profile id: names stay behind the
//! profile access rule.

use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Utc;
use maud::html;
use qabilet_domain::{ConsentPurpose, Profile, ReserveEntry, ReserveKind, VacancyId};
use qabilet_matcher::fairness::{report, FOUR_FIFTHS};
use qabilet_matcher::ranking::{Provenance, RankingConfig};
use qabilet_matcher::reserve::{on_vacancy_opened, ReserveFilter, ReservePolicy};
use qabilet_store::{Role, VacancyFilter};
use serde::Deserialize;

use super::charts::{bars, Bar};
use super::i18n::{group_name, rule_name, Msg};
use super::{checker, Ctx};
use crate::error::{parse_id, ApiPath};
use crate::matching::{self, ShortlistOptions, MAX_LIMIT};
use crate::{access, ApiError, AppState};

/// Most reserve entries read for one page; the registry is small (people kept for a
/// year after a competition), so this is a guard, not a page size.
const MAX_RESERVE_SCAN: usize = 20_000;

/// `GET /web/hr`: the organisation's vacancies with links to their reports.
pub(crate) async fn vacancies(ctx: Ctx, State(state): State<AppState>) -> Response {
    let result = async {
        let p = ctx.user()?;
        p.require(&[Role::Hr, Role::Admin])?;
        let list = match (&p.role, &p.organisation_id) {
            (Role::Hr, Some(org)) => state.store.organisation_vacancies(org.as_str(), 200).await?,
            (Role::Hr, None) => return Err(ApiError::forbidden("your account has no organisation")),
            _ => state.store.vacancies(&VacancyFilter::default(), 200).await?,
        };
        let mut rows = Vec::new();
        for v in list {
            let applicants = state.store.applications_for_vacancy(&v.id).await?.len();
            rows.push((v, applicants));
        }
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
                                    a href=(format!("/web/shortlist/{}", v.id)) { (ctx.t(Msg::Shortlist)) } " · "
                                    a href=(format!("/web/hr/vacancies/{}/fairness", v.id)) { (ctx.t(Msg::Fairness)) } " · "
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

async fn all_reserve(state: &AppState) -> Result<Vec<ReserveEntry>, ApiError> {
    let (mut after, mut out) = (String::new(), Vec::new());
    while out.len() < MAX_RESERVE_SCAN {
        let page = state.store.reserve_page(&after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.id.to_string();
        out.extend(page);
    }
    Ok(out)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ReserveQuery {
    kind: String,
    vacancy: String,
    active: String,
    /// Set by the filter form, so an unticked box can be told from a first visit.
    f: String,
}

/// `GET /web/hr/reserve`: entries filtered by kind, origin competition and expiry.
pub(crate) async fn reserve(
    ctx: Ctx,
    State(state): State<AppState>,
    Query(q): Query<ReserveQuery>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        p.require(&[Role::Hr, Role::Admin])?;
        let kind = match q.kind.as_str() {
            "" => None,
            "reserve" => Some(ReserveKind::Reserve),
            "second_best" => Some(ReserveKind::SecondBest),
            other => return Err(ApiError::bad_request("invalid_query", format!("kind {other:?}: expected reserve or second_best"))),
        };
        let origin_vacancy: Option<VacancyId> = match q.vacancy.trim() {
            "" => None,
            v => Some(parse_id("vacancy", v)?),
        };
        // A fresh visit (no filter submitted) hides expired entries.
        let active_only = q.active == "1" || q.f.is_empty();
        let filter = ReserveFilter { kind, origin_vacancy, active_only };
        let now = Utc::now();
        let mut entries: Vec<ReserveEntry> = all_reserve(&state).await?.into_iter().filter(|e| filter.matches(e, now)).collect();
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
                    label for="active" style="display:inline" { " " (ctx.t(Msg::ActiveOnly)) }
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

/// `GET /web/hr/vacancies/{id}/matches`: who in the reserve would be notified if the
/// vacancy opened now (`matcher::reserve::on_vacancy_opened`). Writes nothing.
pub(crate) async fn matches(
    ctx: Ctx,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        let id: VacancyId = parse_id("vacancy", &id)?;
        let v = access::managed_vacancy(&state, p, &id).await?;
        let now = Utc::now();
        let entries: Vec<ReserveEntry> = all_reserve(&state).await?.into_iter().filter(|e| e.is_active(now)).collect();
        let mut profiles: Vec<Profile> = Vec::new();
        for e in &entries {
            if let Some(p) = state.store.profile(&e.profile_id).await? {
                profiles.push(p);
            }
        }
        let pairs: Vec<(&ReserveEntry, &Profile)> = entries
            .iter()
            .filter_map(|e| profiles.iter().find(|p| p.id == e.profile_id).map(|p| (e, p)))
            .collect();
        let config = RankingConfig::default();
        let ranker = crate::matching::server_ranker(&config, checker(), Provenance::default());
        let found = on_vacancy_opened(&ranker, &v, &pairs, &ReservePolicy::default(), now);
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct FairnessQuery {
    top: Option<usize>,
}

/// `GET /web/hr/vacancies/{id}/fairness`: selection rates of the vacancy's
/// applicants by gender, age band and locality, selected meaning "eligible and
/// within the first N ranks". The ranks are the shared shortlist's
/// (`matching::shortlist_via`), so reading the report is audited as a shortlist view
/// with `"via": "web.fairness"`: it reveals who ranks where, in aggregate.
pub(crate) async fn fairness(
    ctx: Ctx,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    Query(q): Query<FairnessQuery>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        let id: VacancyId = parse_id("vacancy", &id)?;
        let v = access::managed_vacancy(&state, p, &id).await?;
        let top = q.top.unwrap_or(10).clamp(1, MAX_LIMIT);
        // Blind: the report needs ranks only; the attributes come from the store.
        let opts = ShortlistOptions { blind: true, limit: top };
        let view = matching::shortlist_via(&state, p, &id, opts, Some("web.fairness")).await?;
        let selected: std::collections::HashSet<&str> = view
            .eligible
            .iter()
            .filter(|r| r.rank <= top)
            .map(|r| r.application_id.as_str())
            .collect();
        // The same pool the ranking considered: applicants consenting to processing.
        let applicants = state.store.applicants(&id).await?;
        let pool: Vec<(&Profile, bool)> = applicants
            .iter()
            .filter_map(|(app, profile)| Some((app, profile.as_ref()?)))
            .filter(|(_, profile)| profile.consents_to(ConsentPurpose::Processing))
            .map(|(app, profile)| (profile, selected.contains(app.id.as_str())))
            .collect();
        let r = report(&pool, super::today());
        let body = html! {
            h1 { (ctx.t(Msg::Fairness)) ": " (v.title) }
            p { (ctx.t(Msg::FairnessIntro)) }
            form method="get" class="filters" {
                div {
                    label for="top" { (ctx.t(Msg::TopN)) }
                    input id="top" name="top" type="number" min="1" max=(MAX_LIMIT) value=(top) aria-describedby="top-hint";
                    div id="top-hint" class="hint" { (ctx.t(Msg::FairnessBasis)) }
                }
                div { button type="submit" { (ctx.t(Msg::Show)) } }
            }
            p { (ctx.t(Msg::Considered)) ": " (r.considered) " · " (ctx.t(Msg::Selected)) ": " (r.selected) }
            @for d in &r.dimensions {
                @let title = ctx.t(match d.name.as_str() { "gender" => Msg::DimGender, "age" => Msg::DimAge, _ => Msg::DimLocality });
                @let max_rate = d.groups.iter().map(|g| g.rate).fold(0.0, f64::max);
                section class="entry" {
                    h2 { (title) }
                    p {
                        (ctx.t(Msg::ImpactRatio)) ": "
                        @match d.impact_ratio {
                            Some(ratio) => {
                                strong { (format!("{ratio:.2}")) } " "
                                @if d.flagged { span class="badge bad" { "⚠ " (ctx.t(Msg::Flagged)) } } @else { span class="badge good" { (ctx.t(Msg::NotFlagged)) } }
                            }
                            None => { (ctx.t(Msg::NotComputable)) }
                        }
                    }
                    @if !d.groups.is_empty() {
                        @let rows: Vec<Bar> = d.groups.iter().map(|g| Bar {
                            label: group_name(&g.group, ctx.lang).to_owned(),
                            value: g.rate,
                            shown: format!("{:.0}% ({}/{})", g.rate * 100.0, g.selected, g.considered),
                            alert: max_rate > 0.0 && g.rate < FOUR_FIFTHS * max_rate,
                        }).collect();
                        (bars(&format!("{} — {}", ctx.t(Msg::SelectionRate), title), &rows, 1.0,
                            (max_rate > 0.0).then_some((FOUR_FIFTHS * max_rate, ctx.t(Msg::Threshold)))))
                        table {
                            thead { tr { th scope="col" { (ctx.t(Msg::Group)) } th scope="col" { (ctx.t(Msg::Considered)) } th scope="col" { (ctx.t(Msg::Selected)) } th scope="col" { (ctx.t(Msg::SelectionRate)) } } }
                            tbody { @for g in &d.groups { tr { th scope="row" { (group_name(&g.group, ctx.lang)) } td { (g.considered) } td { (g.selected) } td { (format!("{:.2}", g.rate)) } } } }
                        }
                    }
                    @if d.unknown > 0 { p class="hint" { (ctx.t(Msg::UnknownAttr)) ": " (d.unknown) } }
                }
            }
        };
        Ok(ctx.page(ctx.t(Msg::Fairness), body))
    }
    .await;
    ctx.respond(result)
}
