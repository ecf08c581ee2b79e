//! Organisations and vacancies: reading them, searching vacancies, and the HR
//! office's vacancy editor.
//!
//! Published vacancies are public information (the "single window"); drafts are
//! seen only by their organisation's HR, the HRM client and admins (see
//! `access::may_see_vacancy`), in lists, in search and one by one alike.

use qabilet_domain::{
    Organisation, OrganisationId, Region, Vacancy, VacancyId, VacancyStatus, Validate,
};
use qabilet_indexer::{Filters, LanguageFilter, SearchRequest};
use qabilet_store::{Role, VacancyFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    access, blocking, how_many_of, page_limit, read_index, Actor, App, AppError, AppResult,
};

/// Organisations in id order after `after` (public: any signed-in caller).
pub async fn organisations(
    app: &App,
    _actor: &Actor,
    after: &str,
    limit: Option<i64>,
) -> AppResult<Vec<Organisation>> {
    Ok(app
        .store()
        .organisations_page(after, page_limit(app, limit)?)
        .await?)
}

/// One organisation (public).
pub async fn organisation(
    app: &App,
    _actor: &Actor,
    id: &OrganisationId,
) -> AppResult<Organisation> {
    app.store()
        .organisation(id.as_str())
        .await?
        .ok_or_else(|| AppError::not_found(format!("organisation {id} does not exist")))
}

/// Vacancies by status and region that `actor` may see.
pub async fn vacancies(
    app: &App,
    actor: &Actor,
    status: Option<VacancyStatus>,
    region: Option<Region>,
    limit: Option<i64>,
) -> AppResult<Vec<Vacancy>> {
    let limit = page_limit(app, limit)?;
    if status == Some(VacancyStatus::Draft) && !access::sees_drafts(actor) {
        return Ok(Vec::new());
    }
    let mut found = match (actor.role, &actor.organisation_id, status) {
        // An HR officer's drafts are their organisation's: read those, not a page
        // of everyone's filtered down.
        (Role::Hr, Some(org), Some(VacancyStatus::Draft)) => {
            let mut own = app
                .store()
                .organisation_vacancies(org.as_str(), i64::MAX)
                .await?;
            own.retain(|v| {
                v.status == VacancyStatus::Draft && region.is_none_or(|r| v.region == r)
            });
            own.truncate(limit as usize);
            own
        }
        _ => {
            app.store()
                .vacancies(&VacancyFilter { status, region }, limit)
                .await?
        }
    };
    found.retain(|v| access::may_see_vacancy(actor, v));
    Ok(found)
}

/// One vacancy, if `actor` may see it; a draft they may not see is "not found",
/// exactly like a missing vacancy.
pub async fn vacancy(app: &App, actor: &Actor, id: &VacancyId) -> AppResult<Vacancy> {
    app.store()
        .vacancy(id)
        .await?
        .filter(|v| access::may_see_vacancy(actor, v))
        .ok_or_else(|| AppError::not_found(format!("vacancy {id} does not exist")))
}

/// What to search vacancies for.
#[derive(Debug, Clone, Default)]
pub struct VacancySearch {
    /// Typed words, through the safe query grammar; may be empty to list by filters.
    pub text: String,
    pub region: Option<Region>,
    /// A group letter (`B`) or a full code (`C-O-4`).
    pub category: Option<String>,
    /// Vacancies asking for this language.
    pub language: Option<qabilet_domain::Language>,
    pub status: Option<VacancyStatus>,
    /// Only vacancies open to applications today (open, deadline not passed).
    pub open_to_apply: bool,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

/// A fragment of a vacancy's text with the matched words marked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Snippet {
    pub field: String,
    /// Escaped HTML with `<b>` around the matched words.
    pub html: String,
}

/// One vacancy found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VacancyHit {
    pub id: String,
    pub score: f32,
    pub snippets: Vec<Snippet>,
}

/// The vacancies found, best first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VacancyHits {
    pub hits: Vec<VacancyHit>,
}

/// Checks a category filter as the index takes it.
pub fn category_filter(raw: &str) -> AppResult<Option<String>> {
    let raw = raw.trim().to_ascii_uppercase();
    if raw.is_empty() {
        return Ok(None);
    }
    let ok = raw.len() <= 8
        && raw.starts_with(['A', 'B', 'C', 'D', 'E'])
        && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !ok {
        return Err(AppError::bad_request(
            "invalid_query",
            format!("category {raw:?}: expected a group letter A–E or a code such as C-O-4"),
        ));
    }
    Ok(Some(raw))
}

/// Full-text search of vacancies (BM25 with field boosts and snippets), among
/// those `actor` may see.
pub async fn search_vacancies(
    app: &App,
    actor: &Actor,
    q: VacancySearch,
) -> AppResult<VacancyHits> {
    let index = app.require_index()?;
    let chars = q.text.chars().count();
    let max = app.limits().query_chars;
    if chars > max {
        return Err(AppError::bad_request(
            "invalid_query",
            format!("the query is {chars} characters long; at most {max} are allowed"),
        ));
    }
    if q.status == Some(VacancyStatus::Draft) && !access::sees_drafts(actor) {
        return Ok(VacancyHits { hits: Vec::new() });
    }
    let (status, deadline_from) = if q.open_to_apply {
        (Some(VacancyStatus::Open), Some(app.today()))
    } else {
        (q.status, None)
    };
    // Whoever sees no drafts searches the published ones only, in the index itself
    // so that pages stay full.
    let statuses = if status.is_none() && !access::sees_drafts(actor) {
        vec![
            VacancyStatus::Open,
            VacancyStatus::Closed,
            VacancyStatus::Cancelled,
        ]
    } else {
        Vec::new()
    };
    let request = SearchRequest {
        text: q.text,
        filters: Filters {
            regions: q.region.into_iter().collect(),
            categories: q.category.into_iter().collect(),
            status,
            statuses,
            languages: q
                .language
                .map(|language| LanguageFilter {
                    language,
                    min_level: None,
                })
                .into_iter()
                .collect(),
            deadline_from,
            ..Filters::default()
        },
        limit: how_many_of("limit", q.limit, 20, app.limits().search_results)?,
        offset: match q.offset.unwrap_or(0) {
            o if o > app.limits().search_offset => {
                return Err(AppError::bad_request(
                    "invalid_query",
                    format!("offset is {o}; at most {}", app.limits().search_offset),
                ))
            }
            o => o,
        },
        snippets: true,
    };
    let hits = blocking(move || Ok(read_index(&index).search_vacancies(&request)?)).await?;
    // HR officers see their own organisation's drafts only.
    let hits = if actor.role == Role::Hr && status != Some(VacancyStatus::Open) {
        let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
        let found = app.store().vacancies_by_ids(&ids).await?;
        hits.into_iter()
            .filter(|h| {
                found
                    .get(&h.id)
                    .is_some_and(|v| access::may_see_vacancy(actor, v))
            })
            .collect()
    } else {
        hits
    };
    Ok(VacancyHits {
        hits: hits
            .into_iter()
            .map(|h| VacancyHit {
                id: h.id,
                score: h.score,
                snippets: h
                    .snippets
                    .into_iter()
                    .map(|s| Snippet {
                        field: s.field,
                        html: s.html,
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// A vacancy found by [`find_vacancies`], with its best snippet.
#[derive(Debug, Clone)]
pub struct FoundVacancy {
    pub vacancy: Vacancy,
    /// Escaped HTML with `<b>` around the matched words.
    pub snippet: Option<String>,
}

/// [`search_vacancies`] with the records, for a page that shows them; before the
/// index is first built (a fresh install) it lists the matching vacancies from the
/// store instead, and says so (`false`).
pub async fn find_vacancies(
    app: &App,
    actor: &Actor,
    q: VacancySearch,
) -> AppResult<(Vec<FoundVacancy>, bool)> {
    if app.index().is_none() {
        return Ok((browse(app, actor, &q).await?, false));
    }
    let hits = search_vacancies(app, actor, q).await?.hits;
    let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    let mut records = app.store().vacancies_by_ids(&ids).await?;
    // The index may lag the store by a change or two: what is gone is skipped.
    let found = hits
        .into_iter()
        .filter_map(|h| {
            let vacancy = records.remove(&h.id)?;
            access::may_see_vacancy(actor, &vacancy).then(|| FoundVacancy {
                vacancy,
                snippet: h.snippets.into_iter().next().map(|s| s.html),
            })
        })
        .collect();
    Ok((found, true))
}

/// The filters of `q` applied to the store's vacancies (no text search).
async fn browse(app: &App, actor: &Actor, q: &VacancySearch) -> AppResult<Vec<FoundVacancy>> {
    let status = if q.open_to_apply {
        Some(VacancyStatus::Open)
    } else {
        q.status
    };
    let today = app.today();
    let limit = how_many_of("limit", q.limit, 20, app.limits().search_results)?;
    let found = vacancies(app, actor, status, q.region, Some(app.limits().page)).await?;
    Ok(found
        .into_iter()
        .filter(|v| !q.open_to_apply || v.deadline >= today)
        .filter(|v| {
            q.category.as_ref().is_none_or(|c| {
                let code = v.category.to_string();
                code == *c || (c.len() == 1 && code.starts_with(c.as_str()))
            })
        })
        .filter(|v| {
            q.language
                .is_none_or(|l| v.requirements.languages.iter().any(|r| r.language == l))
        })
        .skip(q.offset.unwrap_or(0))
        .take(limit)
        .map(|vacancy| FoundVacancy {
            vacancy,
            snippet: None,
        })
        .collect())
}

/// HR officers of the organisation and admins move a vacancy on: publish a draft
/// (`open`), close an open one to applications (`closed`), or cancel either. It is
/// written as an import of the changed vacancy, so opening one matches the
/// reserve exactly as an import from the HRM system does; audited as
/// `vacancy.import` with the source `status:NEW`.
pub async fn change_status(
    app: &App,
    actor: &Actor,
    id: &VacancyId,
    status: VacancyStatus,
) -> AppResult<crate::import::ImportTally> {
    actor.require(&[Role::Hr, Role::Admin])?;
    let mut vacancy = crate::access::managed_vacancy(app, actor, id).await?;
    use VacancyStatus::*;
    let allowed = matches!(
        (vacancy.status, status),
        (Draft, Open) | (Open, Closed) | (Draft, Cancelled) | (Open, Cancelled)
    );
    if !allowed {
        return Err(crate::AppError::conflict(format!(
            "vacancy {id} is {}: it cannot become {} (draft → open → closed; a draft or an open \
             vacancy can be cancelled)",
            vacancy.status.code(),
            status.code()
        )));
    }
    if status == Open && app.today() > vacancy.deadline {
        return Err(crate::AppError::conflict(format!(
            "vacancy {id}'s deadline {} has passed: set a new one before publishing",
            vacancy.deadline
        )));
    }
    if status == Open && vacancy.published_on.is_none() {
        vacancy.published_on = Some(app.today());
    }
    vacancy.status = status;
    let mut import =
        crate::import::Import::begin(app, actor, crate::import::ImportKind::Vacancies).await?;
    import.vacancy(&vacancy).await?;
    import.commit(&format!("status:{}", status.code())).await
}

/// What an HR officer writes of a vacancy in the editor: everything but its id,
/// its status (moved on by [`change_status`]) and its publication date.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VacancyDraft {
    /// Admins name the organisation; an HR officer's is their own.
    #[serde(default)]
    pub organisation_id: Option<OrganisationId>,
    #[schema(value_type = qabilet_domain::NameText)]
    pub title: String,
    #[schema(value_type = qabilet_domain::LongText)]
    pub description: String,
    #[serde(default)]
    #[schema(value_type = qabilet_domain::OptionalLongText)]
    pub duties: String,
    #[serde(default)]
    pub language: Option<qabilet_domain::Language>,
    pub category: qabilet_domain::Category,
    pub region: qabilet_domain::Region,
    pub deadline: chrono::NaiveDate,
    #[serde(default)]
    pub requirements: qabilet_domain::Requirements,
    /// Needed when the requirements depart from the qualification directory.
    #[serde(default)]
    #[schema(value_type = Option<qabilet_domain::ReasonText>)]
    pub requirements_justification: Option<String>,
}

/// HR officers (their own organisation) and admins create a vacancy as a draft
/// or edit one that is a draft or open. Once someone has applied, the
/// requirements are fixed: changing them then would change the competition under
/// the applicants. Written as an import (`vacancy.import`, source `editor`), so
/// the qualification directory's rule and the audit are the import's own.
pub async fn save_vacancy(
    app: &App,
    actor: &Actor,
    id: Option<&VacancyId>,
    draft: &VacancyDraft,
) -> AppResult<Vacancy> {
    actor.require(&[Role::Hr, Role::Admin])?;
    let existing = match id {
        Some(id) => Some(crate::access::managed_vacancy(app, actor, id).await?),
        None => None,
    };
    let organisation_id = match (actor.role, &existing) {
        (_, Some(v)) => v.organisation_id.clone(),
        (Role::Hr, None) => actor
            .organisation_id
            .clone()
            .ok_or_else(|| AppError::forbidden("your account has no organisation"))?,
        (_, None) => draft.organisation_id.clone().ok_or_else(|| {
            AppError::invalid("organisation_id", "name the vacancy's organisation")
        })?,
    };
    if draft
        .organisation_id
        .as_ref()
        .is_some_and(|o| *o != organisation_id)
    {
        return Err(AppError::invalid(
            "organisation_id",
            "a vacancy stays with its organisation (and an HR officer's is their own)",
        ));
    }
    if app
        .store()
        .organisation(organisation_id.as_str())
        .await?
        .is_none()
    {
        return Err(AppError::invalid(
            "organisation_id",
            format!("organisation {organisation_id} does not exist"),
        ));
    }
    let (id, status, published_on) = match &existing {
        Some(v) => {
            if !matches!(v.status, VacancyStatus::Draft | VacancyStatus::Open) {
                return Err(AppError::conflict(format!(
                    "vacancy {} is {}: only drafts and open vacancies are edited",
                    v.id,
                    v.status.code()
                )));
            }
            let applied = !app
                .store()
                .applications_for_vacancy(&v.id)
                .await?
                .is_empty();
            if applied && v.requirements != draft.requirements {
                return Err(AppError::conflict(format!(
                    "vacancy {}: people have applied, so its requirements are fixed",
                    v.id
                )));
            }
            (v.id.clone(), v.status, v.published_on)
        }
        None => {
            let suffix = &hex::encode(crate::accounts::random_bytes()?)[..12];
            let id = VacancyId::new(format!("V-W{suffix}")).map_err(AppError::Internal)?;
            (id, VacancyStatus::Draft, None)
        }
    };
    if status == VacancyStatus::Open && draft.deadline < app.today() {
        return Err(AppError::invalid(
            "deadline",
            "an open vacancy's deadline cannot be in the past",
        ));
    }
    let vacancy = Vacancy {
        id,
        organisation_id,
        title: draft.title.trim().to_owned(),
        description: draft.description.trim().to_owned(),
        duties: draft.duties.trim().to_owned(),
        language: draft.language,
        category: draft.category,
        region: draft.region,
        published_on,
        deadline: draft.deadline,
        status,
        requirements: draft.requirements.clone(),
        requirements_justification: draft
            .requirements_justification
            .as_deref()
            .map(str::trim)
            .filter(|j| !j.is_empty())
            .map(str::to_owned),
    };
    vacancy.validate()?;
    let mut import =
        crate::import::Import::begin(app, actor, crate::import::ImportKind::Vacancies).await?;
    import.vacancy(&vacancy).await?;
    import.commit("editor").await?;
    Ok(vacancy)
}
