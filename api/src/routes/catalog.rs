//! Organisations and vacancies: reading, searching, and bulk import from the HRM.

use axum::extract::State;
use axum::Json;
use qabilet_domain::{Organisation, Region, Vacancy, VacancyId, VacancyStatus, Validate};
use qabilet_indexer::{Filters, SearchRequest};
use qabilet_store::{Put, Role, VacancyFilter};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{parse_id, ApiJson, ApiPath, ApiQuery};
use crate::routes::{Page, MAX_PAGE};
use crate::{reserve, ApiError, AppState, Principal};

/// Most records one import request may carry; larger imports are split by the
/// client (or use `qabilet import`).
pub(crate) const MAX_IMPORT: usize = 1_000;

/// How many records an import inserted, updated or found unchanged.
#[derive(Default)]
pub(crate) struct Tally {
    inserted: usize,
    updated: usize,
    unchanged: usize,
}

impl Tally {
    pub(crate) fn add(&mut self, put: Put) {
        match put {
            Put::Inserted => self.inserted += 1,
            Put::Updated => self.updated += 1,
            Put::Unchanged => self.unchanged += 1,
        }
    }

    pub(crate) fn json(&self) -> Value {
        json!({ "inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged })
    }
}

/// Validates every record of an import, naming the first bad one as `[i].field`.
pub(crate) fn validate_all<T: Validate>(records: &[T]) -> Result<(), ApiError> {
    if records.len() > MAX_IMPORT {
        return Err(ApiError::invalid(
            "",
            format!(
                "{} records; at most {MAX_IMPORT} per request",
                records.len()
            ),
        ));
    }
    for (i, record) in records.iter().enumerate() {
        record.validate().map_err(|e| {
            let first = e.first().map(|f| f.path.clone()).unwrap_or_default();
            ApiError::invalid(format!("[{i}].{first}"), format!("[{i}]: {e}"))
        })?;
    }
    Ok(())
}

/// `GET /organisations`: any signed-in caller.
pub(crate) async fn list_organisations(
    State(state): State<AppState>,
    _p: Principal,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<Vec<Organisation>>, ApiError> {
    Ok(Json(
        state
            .store
            .organisations_page(&page.after, page.limit())
            .await?,
    ))
}

/// `GET /organisations/{id}`: any signed-in caller (organisations are public).
pub(crate) async fn get_organisation(
    State(state): State<AppState>,
    _p: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Organisation>, ApiError> {
    let id: qabilet_domain::OrganisationId = parse_id("organisation", &id)?;
    state
        .store
        .organisation(id.as_str())
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("organisation {id} does not exist")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VacancyQuery {
    status: Option<VacancyStatus>,
    region: Option<Region>,
    limit: Option<i64>,
}

/// `GET /vacancies`: any signed-in caller; published vacancies are public
/// information (the "single window").
pub(crate) async fn list_vacancies(
    State(state): State<AppState>,
    _p: Principal,
    ApiQuery(q): ApiQuery<VacancyQuery>,
) -> Result<Json<Vec<Vacancy>>, ApiError> {
    let filter = VacancyFilter {
        status: q.status,
        region: q.region,
    };
    let limit = q.limit.unwrap_or(100).clamp(1, MAX_PAGE);
    Ok(Json(state.store.vacancies(&filter, limit).await?))
}

/// `GET /vacancies/{id}`: any signed-in caller.
pub(crate) async fn get_vacancy(
    State(state): State<AppState>,
    _p: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vacancy>, ApiError> {
    let id: VacancyId = parse_id("vacancy", &id)?;
    state
        .store
        .vacancy(&id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("vacancy {id} does not exist")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    q: String,
    region: Option<Region>,
    status: Option<VacancyStatus>,
    limit: Option<usize>,
    offset: Option<usize>,
}

/// `GET /search/vacancies?q=…`: BM25 over the vacancy index; any signed-in caller.
pub(crate) async fn search_vacancies(
    State(state): State<AppState>,
    _p: Principal,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<Value>, ApiError> {
    let index = state
        .index
        .clone()
        .ok_or_else(|| ApiError::Unavailable("the search index is not built yet".into()))?;
    let request = SearchRequest {
        text: q.q,
        filters: Filters {
            regions: q.region.into_iter().collect(),
            status: q.status,
            ..Filters::default()
        },
        limit: q.limit.unwrap_or(20).clamp(1, 100),
        offset: q.offset.unwrap_or(0).min(900),
        snippets: true,
    };
    // Searching is CPU work: off the async workers so it cannot stall other requests.
    let hits = tokio::task::spawn_blocking(move || {
        let index = index.read().unwrap_or_else(|p| p.into_inner());
        index.search_vacancies(&request)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("search task: {e}")))??;
    let hits: Vec<Value> = hits
        .into_iter()
        .map(|h| {
            let snippets: Vec<Value> = h
                .snippets
                .iter()
                .map(|s| json!({ "field": s.field, "html": s.html }))
                .collect();
            json!({ "id": h.id, "score": h.score, "snippets": snippets })
        })
        .collect();
    Ok(Json(json!({ "hits": hits })))
}

/// `POST /import/organisations`: HRM client and admins; idempotent by id.
pub(crate) async fn import_organisations(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(records): ApiJson<Vec<Organisation>>,
) -> Result<Json<Value>, ApiError> {
    p.require(&[Role::Hrm, Role::Admin])?;
    validate_all(&records)?;
    let mut tally = Tally::default();
    let mut tx = state.store.begin().await?;
    for org in &records {
        tally.add(tx.put_organisation(org).await?);
    }
    tx.audit(
        &p.id,
        "organisation.import",
        "organisation",
        "*",
        &tally.json().to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(tally.json()))
}

/// `POST /import/vacancies`: HRM client, admins, and HR officers for their own
/// organisation; idempotent by id. A vacancy that opens (new and open, or changed
/// to open) is matched against the reserve first: `reserve_match` events go to the
/// outbox in the same transaction.
pub(crate) async fn import_vacancies(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(records): ApiJson<Vec<Vacancy>>,
) -> Result<Json<Value>, ApiError> {
    p.require(&[Role::Hrm, Role::Admin, Role::Hr])?;
    validate_all(&records)?;
    if p.role == Role::Hr {
        for v in &records {
            if Some(&v.organisation_id) != p.organisation_id.as_ref() {
                return Err(ApiError::forbidden(format!(
                    "vacancy {} belongs to another organisation",
                    v.id
                )));
            }
            // An existing vacancy of another organisation must not be taken over.
            if let Some(existing) = state.store.vacancy(&v.id).await? {
                if Some(&existing.organisation_id) != p.organisation_id.as_ref() {
                    return Err(ApiError::forbidden(format!(
                        "vacancy {} belongs to another organisation",
                        v.id
                    )));
                }
            }
        }
    }
    let mut tally = Tally::default();
    let mut tx = state.store.begin().await?;
    let now = chrono::Utc::now();
    let mut opened = Vec::new();
    for v in &records {
        let old = state.store.vacancy(&v.id).await?;
        if reserve::opens(old.as_ref(), v) {
            opened.push(v);
        }
        tally.add(tx.put_vacancy(v).await?);
    }
    // The reserve is matched first: its notifications commit with the vacancy.
    let mut reserve_matches = 0;
    if !opened.is_empty() {
        let entries = reserve::all_entries(&state).await?;
        for v in opened {
            reserve_matches +=
                reserve::notify_reserve_matches(&state, &mut tx, v, &entries, now).await?;
        }
    }
    tx.audit(
        &p.id,
        "vacancy.import",
        "vacancy",
        "*",
        &tally.json().to_string(),
    )
    .await?;
    tx.commit().await?;
    for v in &records {
        state.matching.forget_vacancy(&v.id);
    }
    let mut body = tally.json();
    body["reserve_matches"] = reserve_matches.into();
    Ok(Json(body))
}
