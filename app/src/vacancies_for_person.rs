//! A person's ranked vacancies: the candidate's side of matching (profile → open
//! vacancies), behind `GET /profiles/{id}/vacancies`, the web's "Vacancies for
//! you" and `qabilet search vacancies --profile`.
//!
//! Open vacancies whose deadline (in the jurisdiction's calendar) has not passed
//! are retrieved by BM25 and by the vectors nearest the query's embedding, and
//! ranked by the matcher's fusion with the structured fit, each with "which
//! requirements I meet" and its explanation. Without typed words the profile
//! itself is the query (its positions, skills and specialties, embedded while BM25
//! runs); with them the typed words are, through the same safe query grammar as
//! vacancy search. Vectors of another model than the loaded one are never compared.
//! Eligibility is shown, never used to hide a vacancy: the candidate decides
//! whether to apply.

use std::collections::HashMap;

use chrono::NaiveDate;
use qabilet_domain::{ConsentPurpose, Profile, ProfileId, Vacancy, VacancyStatus};
use qabilet_indexer::Filters;
use qabilet_matcher::ranking::{
    join_candidates, profile_query, retrieve_vacancies, retrieve_vacancies_for_profile, Provenance,
    RankedVacancy, Retrieved,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::view_audit::ViewRecord;
use crate::{access, blocking, read_index, Actor, App, AppError, AppResult};

/// A ranked vacancy with what a person needs to recognise it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecommendedVacancy {
    #[serde(flatten)]
    pub ranked: RankedVacancy,
    pub title: String,
    pub organisation_id: String,
    pub deadline: NaiveDate,
}

/// A person's ranked open vacancies.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Recommendations {
    pub profile_id: ProfileId,
    /// The text searched: what was typed, or the one built from the profile.
    pub query: String,
    pub provenance: Provenance,
    /// Hex version of the ranking weights used.
    pub ranking_version: String,
    pub vacancies: Vec<RecommendedVacancy>,
}

/// Typed words checked as every front door takes them: trimmed, empty is none, and
/// longer than the limit refused (never cut silently).
pub fn typed_query(app: &App, typed: Option<&str>) -> AppResult<Option<String>> {
    let Some(q) = typed.map(str::trim).filter(|q| !q.is_empty()) else {
        return Ok(None);
    };
    let chars = q.chars().count();
    let max = app.limits().query_chars;
    if chars > max {
        return Err(AppError::bad_request(
            "invalid_query",
            format!("the query is {chars} characters long; at most {max} are allowed"),
        ));
    }
    Ok(Some(q.to_owned()))
}

/// Open vacancies ranked for the person `profile_id`: whoever may read the profile
/// (see `access`); someone else's matches are audited. 20 unless `limit` says,
/// at most [`crate::Limits::person_vacancies`].
pub async fn vacancies_for(
    app: &App,
    actor: &Actor,
    profile_id: &ProfileId,
    typed: Option<&str>,
    limit: Option<usize>,
) -> AppResult<Recommendations> {
    let typed = typed_query(app, typed)?;
    let profile = access::readable_profile(app, actor, profile_id).await?;
    if !profile.consents_to(ConsentPurpose::Processing) {
        return Err(AppError::conflict(format!(
            "profile {profile_id} has no processing consent: it is not matched"
        )));
    }
    // Someone else's matches show their work history and rule evidence: audited,
    // as reading the profile is, through the views' group commit (a transaction per
    // request queued every caller behind the store's one writer: p99 6.7 s at 64
    // connections in the load test).
    if actor.profile_id.as_ref() != Some(profile_id) {
        let record = ViewRecord {
            actor: actor.audit_name().to_owned(),
            action: "profile.vacancies",
            subject_kind: "profile",
            subject_id: profile_id.to_string(),
            detail: String::new(),
            ranking_record: None,
        };
        app.view_audit().record(app.store(), record).await?;
    }
    rank_for(app, &profile, typed, limit).await
}

/// Retrieval and ranking of the open vacancies for `profile`, with no access check,
/// no consent check and no audit: [`vacancies_for`]'s engine, also what `qabilet
/// bench search` times.
#[doc(hidden)]
pub async fn rank_for(
    app: &App,
    profile: &Profile,
    typed: Option<String>,
    limit: Option<usize>,
) -> AppResult<Recommendations> {
    let index = app.require_index()?;
    let today = app.today();
    let ranking = app.ranking();
    let query = typed.clone().unwrap_or_else(|| profile_query(profile));
    let limit = crate::how_many_of("limit", limit, 20, app.limits().person_vacancies)?;
    let (retrieved, provenance) = {
        let app = app.clone();
        let searcher = profile.clone();
        let depth = ranking.config.vacancy_depth;
        blocking(move || {
            let index = read_index(&index);
            // Vectors of another model are not comparable with this model's queries.
            let model = app
                .model()
                .cloned()
                .filter(|m| index.vector_model() == Some(m.model_id()));
            let filters = Filters {
                status: Some(VacancyStatus::Open),
                deadline_from: Some(today),
                ..Filters::default()
            };
            let mut failed = None;
            let mut embed = |text: &str| match model.as_ref().map(|m| app.embeddings().get(m, text))
            {
                Some(Ok(v)) => Some(v.as_ref().clone()),
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
                return Err(e);
            }
            let used = retrieved.iter().any(|r| r.dense.is_some());
            let provenance = Provenance {
                model_id: model.filter(|_| used).map(|m| m.model_id().to_owned()),
                interim_model_id: None,
                index_version: index.last_applied_seq(),
            };
            Ok((retrieved, provenance))
        })
        .await?
    };
    let vacancies = open_vacancies(app, &retrieved, today).await?;
    let ranked_for = profile.clone();
    let app2 = app.clone();
    let prov = provenance.clone();
    let version = ranking.version;
    let vacancies = blocking(move || {
        let ranker = app2.ranker(&ranking.config, prov);
        let candidates = join_candidates(&retrieved, &vacancies);
        let ranked = ranker.rank_vacancies(&ranked_for, &candidates, today, limit);
        Ok(ranked
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
            .collect())
    })
    .await?;
    Ok(Recommendations {
        profile_id: profile.id.clone(),
        query,
        provenance,
        ranking_version: format!("{version:016x}"),
        vacancies,
    })
}

/// The retrieved vacancies still open to applications: the vector retriever does
/// not filter, and the index may lag the store by a change or two.
async fn open_vacancies(
    app: &App,
    retrieved: &[Retrieved],
    today: NaiveDate,
) -> AppResult<HashMap<String, Vacancy>> {
    let ids: Vec<&str> = retrieved.iter().map(|r| r.id.as_str()).collect();
    let mut vacancies = app.store().vacancies_by_ids(&ids).await?;
    vacancies.retain(|_, v| v.status == VacancyStatus::Open && v.deadline >= today);
    Ok(vacancies)
}
