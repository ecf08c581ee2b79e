//! How the pages show a ranked shortlist: applicant labels, score parts as a bar
//! chart, rules, skills, best sentences and provenance.
//!
//! The ranking itself is the API's one use case, `crate::matching::shortlist` (access
//! check, BM25 + dense + structured ranking, caching, audit); nothing here ranks.
//! [`Applications`] adds what the shortlist view leaves out for the pages: the stage
//! results and names of the applicants it lists as ineligible.

use std::collections::HashMap;

use maud::{html, Markup};
use qabilet_domain::{Application, Profile, VacancyId};
use qabilet_matcher::eligibility::RuleStatus;

use super::charts::{bars, Bar};
use super::i18n::{rule_name, Msg};
use super::layout::status_badge;
use super::Ctx;
use crate::matching::{RankedEntry, ShortlistView};
use crate::{ApiError, AppState};

/// The vacancy's applications with their profiles, by application id.
pub(crate) struct Applications(HashMap<String, (Application, Option<Profile>)>);

impl Applications {
    pub async fn load(state: &AppState, vacancy: &VacancyId) -> Result<Applications, ApiError> {
        let rows = state.store.applicants(vacancy).await?;
        Ok(Applications(
            rows.into_iter()
                .map(|(a, p)| (a.id.to_string(), (a, p)))
                .collect(),
        ))
    }

    /// The application behind an entry of the shortlist view.
    pub fn get(&self, application_id: &str) -> Result<&Application, ApiError> {
        self.0.get(application_id).map(|(a, _)| a).ok_or_else(|| {
            ApiError::Internal(format!("ranked {application_id} is not an application"))
        })
    }

    /// How an applicant is named: by application id in blind mode (it carries
    /// nothing personal), by name otherwise.
    pub fn label(&self, ctx: &Ctx, application_id: &str, blind: bool) -> String {
        match self.0.get(application_id) {
            Some((_, Some(p))) if !blind => format!("{} ({})", p.full_name, p.id),
            _ => format!("{} {}", ctx.t(Msg::Candidate), application_id),
        }
    }
}

/// Which index (and model, when the dense signal took part) the ranking came from,
/// and why a signal is missing.
pub(crate) fn provenance(ctx: &Ctx, view: &ShortlistView) -> Markup {
    let p = &view.provenance;
    html! {
        p class="hint" id="provenance" {
            (ctx.t(Msg::Provenance)) ": index " (p.index_version)
            @if let Some(model) = &p.model_id { " · " (ctx.t(Msg::Dense)) ": " (model) }
            @for note in &view.signals.notes { br; (note) }
        }
    }
}

/// The score parts as a bar chart on the fused score's scale.
pub(crate) fn score_chart(ctx: &Ctx, r: &RankedEntry) -> Markup {
    let parts = &r.explanation.parts;
    let mut rows = Vec::new();
    for (msg, part) in [
        (Msg::Bm25, parts.bm25),
        (Msg::Dense, parts.dense),
        (Msg::Structured, parts.structured),
    ] {
        if let Some(p) = part {
            rows.push(Bar {
                label: ctx.t(msg).to_owned(),
                value: f64::from(p.contribution),
                shown: format!("{:.3}", p.contribution),
                alert: false,
            });
        }
    }
    rows.push(Bar {
        label: ctx.t(Msg::Total).to_owned(),
        value: f64::from(r.score),
        shown: format!("{:.3}", r.score),
        alert: false,
    });
    let max = rows.iter().map(|b| b.value).fold(0.0, f64::max);
    bars(ctx.t(Msg::ScoreParts), &rows, max, None)
}

/// The explanation of one rank: chart, rules, skills, sentences.
pub(crate) fn explanation(ctx: &Ctx, r: &RankedEntry) -> Markup {
    let e = &r.explanation;
    html! {
        div class="cols" {
            div {
                h4 { (ctx.t(Msg::ScoreParts)) }
                (score_chart(ctx, r))
            }
            div {
                h4 { (ctx.t(Msg::RulesMet)) }
                ul {
                    @for rule in &r.eligibility.rules {
                        li {
                            (rule_name(rule.rule, ctx.lang)) " "
                            (status_badge(ctx, rule.status))
                            @if rule.status != RuleStatus::Met {
                                br; span class="hint" { (ctx.t(Msg::Required)) ": " (rule.required) "; " (ctx.t(Msg::FoundOther)) ": " (rule.found) }
                            }
                        }
                    }
                }
                p {
                    strong { (ctx.t(Msg::MatchedSkills)) ": " }
                    @if e.matched_skills.is_empty() { "—" } @else { (e.matched_skills.join(", ")) }
                }
                @if !e.missing_skills.is_empty() {
                    p { strong { (ctx.t(Msg::MissingSkills)) ": " } (e.missing_skills.join(", ")) }
                }
            }
        }
        @if !e.best_sentences.is_empty() {
            details {
                summary { (ctx.t(Msg::BestSentences)) }
                ul { @for s in &e.best_sentences { li { q { (s.text) } " " span class="hint" { "(" (s.source) ")" } } } }
            }
        }
    }
}
