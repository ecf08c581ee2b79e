//! Talent search: the whole pool ranked for a vacancy, for HR looking beyond the
//! applicants (`qabilet search profiles --vacancy`, `GET /vacancies/{id}/talent`).
//!
//! Unlike the competition [`crate::shortlist`], this is retrieval over everyone who
//! consents to processing: the union of BM25 over everyone, BM25 over those passing
//! the vacancy's hard requirements, and the nearest vectors, each `depth` deep
//! (`matcher::ranking::retrieve_profiles`), then the same ranking. The people it
//! finds have not applied to the caller's organisation, so it shows them blind
//! whoever asks: ids and what they did, never who they are. Every search is audited.

use std::sync::Arc;

use qabilet_domain::{ConsentPurpose, Profile, Vacancy, VacancyId};
use qabilet_indexer::vacancy_embedding_text;
use qabilet_matcher::eligibility::RuleOutcome;
use qabilet_matcher::ranking::{
    join_candidates, mask_name, retrieve_profiles_with, BlindProfileView, Candidate, DenseModel,
    Provenance, QueryVectors,
};
use qabilet_matcher::{Eligibility, Explanation};
use qabilet_store::Role;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::shortlist::Signals;
use crate::view_audit::ViewRecord;
use crate::{access, blocking, read_index, Actor, App, AppResult};

/// A person of the pool, ranked for the vacancy.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TalentMatch {
    pub rank: usize,
    pub profile_id: String,
    pub score: f32,
    pub eligibility: Eligibility,
    pub explanation: Explanation,
    pub profile: BlindProfileView,
}

/// A person of the pool who does not meet the vacancy's rules.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TalentIneligible {
    pub profile_id: String,
    pub score: f32,
    pub failed: Vec<RuleOutcome>,
}

/// The pool ranked for one vacancy.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TalentSearch {
    pub vacancy_id: VacancyId,
    pub title: String,
    pub signals: Signals,
    pub provenance: Provenance,
    /// Hex version of the ranking weights used.
    pub ranking_version: String,
    /// People retrieved and ranked (before the limit).
    pub pool: usize,
    pub eligible_total: usize,
    pub ineligible_total: usize,
    pub eligible: Vec<TalentMatch>,
    pub ineligible: Vec<TalentIneligible>,
}

/// The pool ranked for `vacancy_id`: HR of the vacancy's organisation and admins;
/// audited as `talent.search`.
pub async fn search(
    app: &App,
    actor: &Actor,
    vacancy_id: &VacancyId,
    limit: usize,
    via: &'static str,
) -> AppResult<TalentSearch> {
    actor.require(&[Role::Hr, Role::Admin])?;
    let vacancy = access::managed_vacancy(app, actor, vacancy_id).await?;
    let found = rank_pool(app, &vacancy, None, limit).await?;
    let record = ViewRecord {
        actor: actor.audit_name().to_owned(),
        action: "talent.search",
        subject_kind: "vacancy",
        subject_id: vacancy_id.to_string(),
        detail: json!({"shown": found.eligible.len(), "pool": found.pool, "via": via}).to_string(),
        ranking_record: None,
    };
    app.view_audit().record(app.store(), record).await?;
    Ok(found)
}

/// Retrieval and ranking of the pool for `vacancy`, with no access check and no
/// audit: [`search`]'s engine, also what `qabilet bench shortlist` times. The
/// vacancy's query embedding is computed (and cached) unless given.
#[doc(hidden)]
pub async fn rank_pool(
    app: &App,
    vacancy: &Vacancy,
    embedding: Option<Arc<Vec<f32>>>,
    limit: usize,
) -> AppResult<TalentSearch> {
    let index = app.require_index()?;
    let limit = crate::how_many_of("limit", Some(limit), 50, app.limits().shortlist_entries)?;
    let ranking = app.ranking();
    let mut notes = Vec::new();
    let model = app.model().cloned();
    if model.is_none() && embedding.is_none() {
        notes.push("no embedding model loaded: ranked without the dense signal".to_owned());
    }
    let (retrieved, provenance) = {
        let app = app.clone();
        let vacancy = vacancy.clone();
        let depth = ranking.config.depth;
        blocking(move || {
            let embedding = match (embedding, &model) {
                (Some(e), _) => Some(e),
                (None, Some(m)) => {
                    Some(app.embeddings().get(m, &vacancy_embedding_text(&vacancy))?)
                }
                (None, None) => None,
            };
            let interim = crate::interim::query_vector(&app, &vacancy_embedding_text(&vacancy))?;
            let index = read_index(&index);
            // Vectors of another model are not comparable with this query.
            let usable = match &model {
                Some(m) => index.vector_model() == Some(m.model_id()),
                None => true,
            };
            let embedding = embedding.filter(|_| usable);
            let interim = interim.filter(|(id, _)| index.interim_model() == Some(id.as_str()));
            let vectors = QueryVectors {
                main: embedding.as_deref().map(Vec::as_slice),
                interim: interim.as_ref().map(|(_, v)| v.as_slice()),
            };
            let retrieved = retrieve_profiles_with(&index, &vacancy, vectors, depth)?;
            let used = |m: DenseModel| {
                retrieved
                    .iter()
                    .any(|r| r.dense.is_some() && r.dense_model == m)
            };
            let provenance = Provenance {
                model_id: model
                    .filter(|_| used(DenseModel::Main))
                    .map(|m| m.model_id().to_owned()),
                interim_model_id: interim
                    .filter(|_| used(DenseModel::Interim))
                    .map(|(id, _)| id),
                index_version: index.last_applied_seq(),
            };
            Ok((retrieved, provenance))
        })
        .await?
    };
    let ids: Vec<&str> = retrieved.iter().map(|r| r.id.as_str()).collect();
    // The index may lag the store by a change or two: what is gone is absent, and
    // so is anyone whose consent was revoked since (the index drops them soon after,
    // and a read-only index opened by the CLI may be older still).
    let mut profiles = app.store().profiles_by_ids(&ids).await?;
    profiles.retain(|_, p| p.consents_to(ConsentPurpose::Processing));
    let app = app.clone();
    let vacancy = vacancy.clone();
    blocking(move || {
        let candidates: Vec<Candidate<Profile>> = join_candidates(&retrieved, &profiles);
        let signals = Signals {
            bm25: candidates.iter().any(|c| c.bm25.is_some()),
            dense: candidates.iter().any(|c| c.dense.is_some()),
            structured: true,
            notes,
        };
        let ranker = app.ranker(&ranking.config, provenance.clone());
        let list = ranker.shortlist(&vacancy, &candidates, limit);
        let ineligible_total = list.ineligible_total;
        let eligible_total = candidates.len() - ineligible_total;
        let eligible = list
            .eligible
            .into_iter()
            .filter_map(|r| {
                let profile = profiles.get(&r.profile_id)?;
                let mut explanation = r.explanation;
                for s in &mut explanation.best_sentences {
                    s.text = mask_name(&s.text, &profile.full_name);
                }
                Some(TalentMatch {
                    rank: r.rank,
                    profile_id: r.profile_id,
                    score: r.score,
                    eligibility: r.eligibility,
                    explanation,
                    profile: BlindProfileView::of(profile),
                })
            })
            .collect();
        let ineligible = list
            .ineligible
            .into_iter()
            .take(limit)
            .map(|i| TalentIneligible {
                profile_id: i.profile_id,
                score: i.score,
                failed: i.failed,
            })
            .collect();
        Ok(TalentSearch {
            vacancy_id: vacancy.id.clone(),
            title: vacancy.title.clone(),
            signals,
            provenance,
            ranking_version: format!("{:016x}", ranking.version),
            pool: candidates.len(),
            eligible_total,
            ineligible_total,
            eligible,
            ineligible,
        })
    })
    .await
}
