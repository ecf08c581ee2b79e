//! Vacancies for a person: the use case behind `GET /profiles/{id}/vacancies`, the
//! candidate's side of matching (profile → ranked vacancies).
//!
//! Open vacancies whose deadline has not passed are retrieved by BM25 and by the
//! vectors nearest the query's embedding, and ranked by the matcher's fusion with
//! the structured fit, each with "which requirements I meet" and its explanation.
//! Without `q` the profile itself is the query (its positions, skills and
//! specialties, embedded while BM25 runs); with `q` the typed words are, through
//! the same safe query grammar as `GET /search/vacancies`. Query embeddings are
//! cached by text ([`crate::matching::Matching::search_embedding`]), so reloading
//! the page costs no model call. Eligibility is shown,
//! never used to hide a vacancy: the candidate decides whether to apply.

use chrono::NaiveDate;
use qabilet_domain::{ConsentPurpose, Profile, ProfileId, Vacancy, VacancyStatus};
use qabilet_indexer::Filters;
use qabilet_matcher::ranking::{
    join_candidates, retrieve_vacancies, retrieve_vacancies_for_profile, Candidate, Provenance,
    RankedVacancy, Retrieved, QUERY_CHARS,
};
use serde::Serialize;

use crate::view_audit::ViewRecord;
use crate::{access, ApiError, AppState, Principal};

/// Most vacancies one request returns.
pub const MAX_LIMIT: usize = 100;

/// A ranked vacancy with what a person needs to recognise it.
#[derive(Debug, Clone, Serialize)]
pub struct RecommendedVacancy {
    #[serde(flatten)]
    pub ranked: RankedVacancy,
    pub title: String,
    pub organisation_id: String,
    pub deadline: NaiveDate,
}

/// The answer of `GET /profiles/{id}/vacancies`.
#[derive(Debug, Clone, Serialize)]
pub struct Recommendations {
    pub profile_id: ProfileId,
    /// The text searched: what was typed, or the one built from the profile.
    pub query: String,
    pub provenance: Provenance,
    pub vacancies: Vec<RecommendedVacancy>,
}

/// Access check, retrieval and ranking; see the module docs.
pub async fn vacancies_for(
    state: &AppState,
    viewer: &Principal,
    profile_id: &ProfileId,
    typed: Option<String>,
    limit: usize,
) -> Result<Recommendations, ApiError> {
    let profile = access::readable_profile(state, viewer, profile_id).await?;
    if !profile.consents_to(ConsentPurpose::Processing) {
        return Err(ApiError::Conflict(format!(
            "profile {profile_id} has no processing consent: it is not matched"
        )));
    }
    // Someone else's matches show their work history and rule evidence: audited,
    // as reading the profile is, through the views' group commit (a transaction per
    // request queued every caller behind the store's one writer: p99 6.7 s at 64
    // connections in the load test).
    if viewer.profile_id.as_ref() != Some(profile_id) {
        let record = ViewRecord {
            actor: viewer.id.clone(),
            action: "profile.vacancies",
            subject_kind: "profile",
            subject_id: profile_id.to_string(),
            detail: String::new(),
        };
        state.view_audit.record(&state.store, record).await?;
    }
    let typed = typed.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty());
    if let Some(q) = &typed {
        let chars = q.chars().count();
        if chars > QUERY_CHARS {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("the query is {chars} characters long; at most {QUERY_CHARS} are allowed"),
            ));
        }
    }
    let index = state
        .index
        .clone()
        .ok_or_else(|| ApiError::Unavailable("the search index is not built yet".into()))?;
    let today = crate::today_in_kazakhstan();
    let query = typed
        .clone()
        .unwrap_or_else(|| qabilet_matcher::ranking::profile_query(&profile));
    let matching = state.matching.clone();
    let searcher = profile.clone();
    // Retrieval and embedding are CPU work: off the async workers.
    let (retrieved, model_id, index_version) = tokio::task::spawn_blocking(move || {
        let index = index.read().unwrap_or_else(|p| p.into_inner());
        // Vectors of another model are not comparable with this model's queries.
        let model = matching
            .model
            .clone()
            .filter(|m| index.vector_model() == Some(m.model_id()));
        let filters = Filters {
            status: Some(VacancyStatus::Open),
            deadline_from: Some(today),
            ..Filters::default()
        };
        let depth = matching.config.vacancy_depth;
        let mut failed = None;
        let mut embed =
            |text: &str| match model.as_ref().map(|m| matching.search_embedding(m, text)) {
                Some(Ok(v)) => v.map(|v| v.as_ref().clone()),
                Some(Err(e)) => {
                    failed = Some(e);
                    None
                }
                None => None,
            };
        let retrieved = match &typed {
            None => retrieve_vacancies_for_profile(&index, &searcher, &filters, depth, embed)?,
            Some(text) => {
                let embedding = embed(text);
                retrieve_vacancies(&index, text, filters, embedding.as_deref(), depth)?
            }
        };
        if let Some(e) = failed {
            return Err(ApiError::Internal(format!("query embedding: {e}")));
        }
        let used = retrieved.iter().any(|r| r.dense.is_some());
        let model_id = model.filter(|_| used).map(|m| m.model_id().to_owned());
        Ok::<_, ApiError>((retrieved, model_id, index.last_applied_seq()))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("retrieval task: {e}")))??;
    let provenance = Provenance {
        model_id,
        index_version,
    };
    let vacancies = open_vacancies(state, &retrieved, today).await?;
    let matching = state.matching.clone();
    let ranked_for = profile.clone();
    let prov = provenance.clone();
    let limit = limit.clamp(1, MAX_LIMIT);
    let vacancies = tokio::task::spawn_blocking(move || {
        rank(
            &matching,
            &ranked_for,
            &retrieved,
            &vacancies,
            prov,
            today,
            limit,
        )
    })
    .await
    .map_err(|e| ApiError::Internal(format!("ranking task: {e}")))?;
    Ok(Recommendations {
        profile_id: profile.id.clone(),
        query,
        provenance,
        vacancies,
    })
}

/// The retrieved vacancies still open to applications: the vector retriever does
/// not filter, and the index may lag the store by a change or two.
async fn open_vacancies(
    state: &AppState,
    retrieved: &[Retrieved],
    today: NaiveDate,
) -> Result<std::collections::HashMap<String, Vacancy>, ApiError> {
    let ids: Vec<&str> = retrieved.iter().map(|r| r.id.as_str()).collect();
    let mut vacancies = state.store.vacancies_by_ids(&ids).await?;
    vacancies.retain(|_, v| v.status == VacancyStatus::Open && v.deadline >= today);
    Ok(vacancies)
}

fn rank(
    matching: &crate::matching::Matching,
    profile: &Profile,
    retrieved: &[Retrieved],
    vacancies: &std::collections::HashMap<String, Vacancy>,
    provenance: Provenance,
    today: NaiveDate,
    limit: usize,
) -> Vec<RecommendedVacancy> {
    let ranker = crate::matching::server_ranker(&matching.config, &matching.checker, provenance);
    let candidates: Vec<Candidate<Vacancy>> = join_candidates(retrieved, vacancies);
    ranker
        .rank_vacancies(profile, &candidates, today, limit)
        .into_iter()
        .filter_map(|ranked| {
            let v = vacancies.get(&ranked.vacancy_id)?;
            Some(RecommendedVacancy {
                title: v.title.clone(),
                organisation_id: v.organisation_id.to_string(),
                deadline: v.deadline,
                ranked,
            })
        })
        .collect()
}
