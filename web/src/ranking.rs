//! How the pages show a ranked shortlist: applicant labels, score parts as a bar
//! chart, rules, skills, best sentences and provenance.
//!
//! The ranking itself is the application core's one use case,
//! `qabilet_app::shortlist` (access check, BM25 + dense + structured ranking of the
//! applicants, caching, audit); nothing here ranks. Each entry carries the
//! applicant's stage results and the person as the viewer may see them.

use maud::{html, Markup};
use qabilet_app::shortlist::{PersonView, RankedEntry, Shortlist};
use qabilet_matcher::eligibility::RuleStatus;

use super::charts::{bars, Bar};
use super::i18n::{rule_name, Msg};
use super::layout::status_badge;
use super::Ctx;

/// How an applicant is named: by application id in blind mode (it carries nothing
/// personal), by name otherwise.
pub(crate) fn label(ctx: &Ctx, application_id: &str, person: &PersonView) -> String {
    match person {
        PersonView::Full(p) => format!("{} ({})", p.full_name, p.id),
        PersonView::Blind(_) => format!("{} {}", ctx.t(Msg::Candidate), application_id),
    }
}

/// Which index (and model, when the dense signal took part) the ranking came from,
/// and why a signal is missing.
pub(crate) fn provenance(ctx: &Ctx, view: &Shortlist) -> Markup {
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

/// How the vacancy's requirements stand against the qualification directory:
/// the departures and the justification written for them, or its absence.
pub(crate) fn requirements_review(
    ctx: &Ctx,
    review: &qabilet_app::qualifications::RequirementsReview,
) -> Markup {
    html! {
        @if !review.deviations.is_empty() {
            div class=(if review.justification.is_some() { "notice" } else { "notice bad" }) id="requirements-review" {
                p { strong { (ctx.t(Msg::RequirementsDepart)) } }
                ul {
                    @for d in &review.deviations {
                        li { code { (d.requirement) } ": " (d.vacancy) " (" (ctx.t(Msg::DirectoryEntry)) ": " (d.directory) ")" }
                    }
                }
                @match &review.justification {
                    Some(why) => p { (ctx.t(Msg::Justification)) ": " span id="justification" { (why) } },
                    None => p { (ctx.t(Msg::NoJustification)) },
                }
            }
        }
    }
}
