//! The talent reserve and the second-best registry.
//!
//! - When a competition closes, [`on_competition_closed`] turns the runners-up whose
//!   final score reaches the policy's threshold into [`ReserveEntry`]s — only those
//!   who consent to the reserve ([`ConsentPurpose::Reserve`]); nobody is kept
//!   without it.
//! - When a vacancy opens, [`on_vacancy_opened`] matches the active reserve first:
//!   each entry whose person still consents and is eligible gets an absolute fit
//!   ([`AbsoluteFit`]), and a [`ReserveMatchEvent`] is produced for those fitting
//!   well enough. The events are
//!   serialisable so the HRM outbox can carry them as they are.
//! - HR lists ([`ReserveFilter`]), extends ([`extend`]) and removes entries; removal
//!   is a store operation.

use chrono::{DateTime, Duration, Utc};
use qabilet_domain::{
    ConsentPurpose, Profile, ReserveEntry, ReserveEntryId, ReserveKind, Vacancy, VacancyId,
};
use qabilet_indexer::text_hash;
use serde::{Deserialize, Serialize};

use crate::eligibility::Rule;
use crate::ranking::{AbsoluteFit, Ranker};

/// Who enters the reserve and for how long.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReservePolicy {
    /// Lowest final score (the competition's own scale) a runner-up needs.
    pub min_score: f32,
    /// Worst final rank kept (2 = only the runner-up).
    pub max_rank: u32,
    /// How long an entry stays active.
    pub validity_days: i64,
    /// Lowest absolute fit ([`AbsoluteFit::fit`]: requirements met and lexical
    /// relevance, never normalised within the reserve) for a reserve match to
    /// notify the person.
    pub min_match_score: f32,
}

impl Default for ReservePolicy {
    fn default() -> Self {
        ReservePolicy {
            min_score: 0.0,
            max_rank: 3,
            // Civil-service reserves are typically kept for a year.
            validity_days: 365,
            // An eligible entry (requirements 1) passes with relevance ≥ 0.4: two
            // of five competencies shown, or the post's subject in the profile.
            min_match_score: 0.7,
        }
    }
}

/// A candidate's final standing in a closed competition.
#[derive(Debug, Clone, Copy)]
pub struct Finalist<'a> {
    pub profile: &'a Profile,
    /// 1 = winner.
    pub rank: u32,
    pub score: f32,
}

/// The reserve entry id of a person from a competition: stable, so closing a
/// competition twice does not duplicate entries.
pub fn entry_id(vacancy: &VacancyId, profile: &Profile) -> ReserveEntryId {
    let h = text_hash(&format!("{vacancy}\u{0}{}", profile.id));
    // A hex hash is always a valid id.
    ReserveEntryId::new(format!("R-{h:016x}")).unwrap_or_else(|_| unreachable!())
}

/// The latest grant of reserve consent, if it is in force.
fn reserve_consent(p: &Profile) -> Option<DateTime<Utc>> {
    if !p.consents_to(ConsentPurpose::Reserve) || !p.consents_to(ConsentPurpose::Processing) {
        return None;
    }
    p.consents
        .iter()
        .filter(|c| c.purpose == ConsentPurpose::Reserve)
        .map(|c| c.granted_at)
        .max()
}

/// Reserve entries for the runners-up of a closed competition; see the module docs.
pub fn on_competition_closed(
    vacancy: &Vacancy,
    finalists: &[Finalist],
    policy: &ReservePolicy,
    now: DateTime<Utc>,
) -> Vec<ReserveEntry> {
    let mut out = Vec::new();
    for f in finalists {
        if f.rank < 2 || f.rank > policy.max_rank || f.score.is_nan() || f.score < policy.min_score
        {
            continue;
        }
        let Some(consented_at) = reserve_consent(f.profile) else {
            continue;
        };
        out.push(ReserveEntry {
            id: entry_id(&vacancy.id, f.profile),
            profile_id: f.profile.id.clone(),
            kind: ReserveKind::SecondBest,
            origin_vacancy_id: Some(vacancy.id.clone()),
            rank: Some(f.rank),
            reason: format!(
                "rank {} with score {:.1} in the competition for {} «{}»",
                f.rank, f.score, vacancy.id, vacancy.title
            ),
            consented_at,
            created_at: now,
            expires_at: now + Duration::days(policy.validity_days.max(1)),
        });
    }
    out
}

/// A notification for the HRM outbox: a reserve entry matches a new vacancy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReserveMatchEvent {
    /// Stable per (entry, vacancy), so a retried delivery is recognised.
    pub event_id: String,
    /// Always `reserve.match`.
    pub kind: String,
    pub vacancy_id: String,
    pub profile_id: String,
    pub reserve_entry_id: String,
    /// Position among the reserve matches of this vacancy.
    pub rank: usize,
    /// `fit.fit`, what the threshold was applied to.
    pub score: f32,
    /// The parts of the absolute fit.
    pub fit: AbsoluteFit,
    pub rules_met: Vec<Rule>,
    pub created_at: DateTime<Utc>,
}

/// Matches the reserve against a newly opened vacancy: active entries of people who
/// still consent and are eligible, with an absolute fit ≥ `policy.min_match_score`
/// (see [`AbsoluteFit`]: a lone entry is judged on its own merits, not against
/// the rest of the reserve), best first. `entries` pairs each entry with its
/// person's profile.
pub fn on_vacancy_opened(
    ranker: &Ranker,
    vacancy: &Vacancy,
    entries: &[(&ReserveEntry, &Profile)],
    policy: &ReservePolicy,
    now: DateTime<Utc>,
) -> Vec<ReserveMatchEvent> {
    let live: Vec<(&ReserveEntry, &Profile)> = entries
        .iter()
        .copied()
        .filter(|(e, p)| e.is_active(now) && e.profile_id == p.id && reserve_consent(p).is_some())
        // The competition a runner-up came from is not a new opportunity.
        .filter(|(e, _)| e.origin_vacancy_id.as_ref() != Some(&vacancy.id))
        .collect();
    let profiles: Vec<&Profile> = live.iter().map(|(_, p)| *p).collect();
    let fits = ranker.absolute_fits(vacancy, &profiles);
    let mut matches: Vec<usize> = (0..live.len())
        .filter(|&i| fits[i].1.eligible && fits[i].0.fit >= policy.min_match_score)
        .collect();
    matches.sort_by(|&a, &b| {
        fits[b]
            .0
            .fit
            .total_cmp(&fits[a].0.fit)
            .then_with(|| live[a].0.id.cmp(&live[b].0.id))
    });
    matches
        .into_iter()
        .enumerate()
        .map(|(rank, i)| {
            let (entry, profile) = live[i];
            let (fit, eligibility) = &fits[i];
            ReserveMatchEvent {
                event_id: format!("reserve.match:{}:{}", entry.id, vacancy.id),
                kind: "reserve.match".into(),
                vacancy_id: vacancy.id.to_string(),
                profile_id: profile.id.to_string(),
                reserve_entry_id: entry.id.to_string(),
                rank: rank + 1,
                score: fit.fit,
                fit: *fit,
                rules_met: eligibility.met().map(|r| r.rule).collect(),
                created_at: now,
            }
        })
        .collect()
}

/// Which entries HR lists.
#[derive(Debug, Clone, Default)]
pub struct ReserveFilter {
    pub kind: Option<ReserveKind>,
    pub origin_vacancy: Option<VacancyId>,
    /// Hide expired entries.
    pub active_only: bool,
}

impl ReserveFilter {
    pub fn matches(&self, e: &ReserveEntry, now: DateTime<Utc>) -> bool {
        self.kind.is_none_or(|k| k == e.kind)
            && self
                .origin_vacancy
                .as_ref()
                .is_none_or(|v| e.origin_vacancy_id.as_ref() == Some(v))
            && (!self.active_only || e.is_active(now))
    }
}

/// Why an entry cannot be extended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReserveError {
    #[error("the new expiry {0} is not in the future")]
    ExpiryInPast(DateTime<Utc>),
    #[error("{0} no longer consents to the reserve; the entry must be removed, not extended")]
    NoConsent(String),
}

/// The entry with a later expiry. The person must still consent.
pub fn extend(
    entry: &ReserveEntry,
    profile: &Profile,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<ReserveEntry, ReserveError> {
    if until <= now || until <= entry.created_at {
        return Err(ReserveError::ExpiryInPast(until));
    }
    if reserve_consent(profile).is_none() {
        return Err(ReserveError::NoConsent(profile.id.to_string()));
    }
    Ok(ReserveEntry {
        expires_at: until,
        ..entry.clone()
    })
}

#[cfg(test)]
mod tests;
