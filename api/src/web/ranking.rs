//! The vacancy's applicants ranked by the matcher, and how one ranked applicant is
//! shown (score parts as a bar chart, rules, skills, best sentences).
//!
//! [`ranked_shortlist`] is the one place the pages rank: it calls `qabilet_matcher`
//! as `qabilet shortlist` does, but over the vacancy's *applicants* rather than the
//! whole index. It is meant to be replaced by the API's shared shortlist use case
//! once that lands, without touching the pages.

use std::collections::HashMap;

use maud::{html, Markup};
use qabilet_domain::{Application, ConsentPurpose, Profile, Stage, StageOutcome, Vacancy};
use qabilet_matcher::eligibility::RuleStatus;
use qabilet_matcher::ranking::{
    retrieve_profiles, Candidate, Provenance, RankedProfile, Ranker, RankingConfig, Shortlist,
};

use super::charts::{bars, Bar};
use super::i18n::{rule_name, Msg};
use super::layout::status_badge;
use super::{checker, Ctx};
use crate::{ApiError, AppState};

/// An applicant who consents to processing, with their profile.
pub(crate) struct Applicant {
    pub app: Application,
    pub profile: Profile,
}

/// The ranked shortlist of a vacancy's applicants.
pub(crate) struct RankedApplicants {
    pub shortlist: Shortlist,
    /// By profile id.
    pub applicants: HashMap<String, Applicant>,
    pub provenance: Provenance,
}

impl RankedApplicants {
    /// The applicant behind a ranked or ineligible profile id.
    pub fn applicant(&self, profile_id: &str) -> Result<&Applicant, ApiError> {
        self.applicants
            .get(profile_id)
            .ok_or_else(|| ApiError::Internal(format!("ranked {profile_id} is not an applicant")))
    }

    /// The rank of an application among the eligible, if it is eligible.
    pub fn rank_of(&self, application_id: &str) -> Option<usize> {
        self.shortlist.eligible.iter().find_map(|r| {
            let a = self.applicants.get(&r.profile_id)?;
            (a.app.id.as_str() == application_id).then_some(r.rank)
        })
    }

    /// Whether recording `outcome` at `stage` for `application_id` goes against the
    /// ranking: it passes while a better-ranked applicant failed that stage, fails
    /// while a worse-ranked one passed it, or passes an ineligible applicant.
    pub fn deviates(&self, application_id: &str, stage: Stage, outcome: StageOutcome) -> bool {
        let Some(rank) = self.rank_of(application_id) else {
            return outcome == StageOutcome::Passed;
        };
        let outcome_of = |r: &RankedProfile| {
            self.applicants
                .get(&r.profile_id)
                .and_then(|a| a.app.stages.iter().find(|s| s.stage == stage))
                .map(|s| s.outcome)
        };
        self.shortlist.eligible.iter().any(|other| match outcome {
            StageOutcome::Passed => {
                other.rank < rank && outcome_of(other) == Some(StageOutcome::Failed)
            }
            StageOutcome::Failed => {
                other.rank > rank && outcome_of(other) == Some(StageOutcome::Passed)
            }
            _ => false,
        })
    }
}

/// Ranks the applicants of `vacancy` who consent to processing: eligible ones by
/// fused score with explanations, ineligible ones apart with their failed rules.
/// BM25 scores come from the index where it retrieves the applicant; without an
/// index the ranking rests on the structured fit alone.
pub(crate) async fn ranked_shortlist(
    state: &AppState,
    vacancy: &Vacancy,
) -> Result<RankedApplicants, ApiError> {
    let mut applicants = HashMap::new();
    for app in state.store.applications_for_vacancy(&vacancy.id).await? {
        let Some(profile) = state.store.profile(&app.profile_id).await? else {
            continue;
        };
        if profile.consents_to(ConsentPurpose::Processing) {
            applicants.insert(profile.id.to_string(), Applicant { app, profile });
        }
    }
    let config = RankingConfig::default();
    let (retrieved, index_version) = match state.index.clone() {
        Some(index) => {
            let v = vacancy.clone();
            let depth = config.depth;
            tokio::task::spawn_blocking(move || {
                let index = index.read().unwrap_or_else(|p| p.into_inner());
                retrieve_profiles(&index, &v, None, depth).map(|r| (r, index.last_applied_seq()))
            })
            .await
            .map_err(|e| ApiError::Internal(format!("shortlist task: {e}")))??
        }
        None => (Vec::new(), 0),
    };
    let scores: HashMap<&str, (Option<f32>, Option<f32>)> = retrieved
        .iter()
        .map(|r| (r.id.as_str(), (r.bm25, r.dense)))
        .collect();
    let mut ids: Vec<&String> = applicants.keys().collect();
    ids.sort();
    let candidates: Vec<Candidate<Profile>> = ids
        .iter()
        .map(|id| {
            let (bm25, dense) = scores.get(id.as_str()).copied().unwrap_or((None, None));
            Candidate {
                record: &applicants[*id].profile,
                bm25,
                dense,
            }
        })
        .collect();
    let provenance = Provenance {
        model_id: None,
        index_version,
    };
    let ranker = Ranker::new(&config, checker(), provenance.clone());
    let shortlist = ranker.shortlist(vacancy, &candidates, candidates.len());
    Ok(RankedApplicants {
        shortlist,
        applicants,
        provenance,
    })
}

/// How an applicant is named: by application id in blind mode (it carries nothing
/// personal), by name otherwise.
pub(crate) fn label(ctx: &Ctx, a: &Applicant, blind: bool) -> String {
    if blind {
        format!("{} {}", ctx.t(Msg::Candidate), a.app.id)
    } else {
        format!("{} ({})", a.profile.full_name, a.profile.id)
    }
}

/// The score parts as a bar chart on the fused score's scale.
pub(crate) fn score_chart(ctx: &Ctx, r: &RankedProfile) -> Markup {
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
pub(crate) fn explanation(ctx: &Ctx, r: &RankedProfile) -> Markup {
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
