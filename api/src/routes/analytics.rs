//! Oversight: the analytics of the competitions and the fairness report (impact
//! ratios per stage), as JSON and as CSV (`qabilet_app::analytics`).

use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use qabilet_app::analytics::csv::{
    dashboard_csv as to_csv, fairness_csv as fairness_to_csv, Section,
};
use qabilet_app::analytics::fairness::{self as report, FairnessReport};
use qabilet_app::analytics::{self, AnalyticsFilter, Dashboard};
use qabilet_app::{parse_id, App};
use qabilet_domain::{OrganisationId, Region, VacancyId};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{ApiError, ApiQuery, Caller, ErrorBody};

/// The filter of every oversight route.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct FilterQuery {
    /// An organisation's id (an HR officer's own is implied).
    organisation: Option<String>,
    /// First publication date counted, `2026-01-01`.
    from: Option<NaiveDate>,
    /// Last publication date counted.
    to: Option<NaiveDate>,
    /// A category group letter (`B`) or a whole category (`B-4`).
    category: Option<String>,
    /// A region's code (`astana`, …).
    region: Option<String>,
    /// The dashboard section, for CSV: funnel, time-to-hire, applications,
    /// thin-competitions, regions, reserve, proctoring.
    section: Option<String>,
    /// The fairness report of one vacancy instead of a filter's competitions.
    vacancy: Option<String>,
}

impl FilterQuery {
    fn filter(&self) -> Result<AnalyticsFilter, ApiError> {
        let organisation = self
            .organisation
            .as_deref()
            .map(|o| parse_id::<OrganisationId>("organisation", o))
            .transpose()?;
        let region = self
            .region
            .as_deref()
            .map(|r| {
                r.parse::<Region>().map_err(|m| {
                    qabilet_app::AppError::bad_request("invalid_query", format!("region: {m}"))
                })
            })
            .transpose()?;
        Ok(AnalyticsFilter {
            organisation,
            from: self.from,
            to: self.to,
            category: self.category.clone(),
            region,
        })
    }

    /// Refuses a parameter this route does not take, naming it.
    fn refuse(&self, name: &str, given: bool) -> Result<(), ApiError> {
        if given {
            return Err(qabilet_app::AppError::bad_request(
                "invalid_query",
                format!("{name} is not a parameter of this route"),
            )
            .into());
        }
        Ok(())
    }
}

fn csv_response(name: &str, body: String) -> Response {
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"qabilet-{name}.csv\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The competitions' figures: funnel by stage, time to hire, applications per
/// vacancy with the competitions short of eligible candidates, regions, reserve
/// use and proctoring flag rates (HR for their own organisation, admins,
/// auditors).
#[utoipa::path(get, path = "/analytics", tag = "oversight", security(("bearer" = [])),
    params(FilterQuery),
    responses((status = 200, body = Dashboard), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn dashboard(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiQuery(q): ApiQuery<FilterQuery>,
) -> Result<Json<Dashboard>, ApiError> {
    q.refuse("section", q.section.is_some())?;
    q.refuse("vacancy", q.vacancy.is_some())?;
    Ok(Json(analytics::dashboard(&app, &actor, q.filter()?).await?))
}

/// One section of the dashboard as CSV (`section` is required).
#[utoipa::path(get, path = "/analytics.csv", tag = "oversight", security(("bearer" = [])),
    params(FilterQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn dashboard_csv(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiQuery(q): ApiQuery<FilterQuery>,
) -> Result<Response, ApiError> {
    q.refuse("vacancy", q.vacancy.is_some())?;
    let section: Section = q
        .section
        .as_deref()
        .ok_or_else(|| qabilet_app::AppError::bad_request("invalid_query", "section is required"))?
        .parse()?;
    let d = analytics::dashboard(&app, &actor, q.filter()?).await?;
    Ok(csv_response(section.code(), to_csv(&d, section)?))
}

async fn fairness_report(
    app: &App,
    actor: &qabilet_app::Actor,
    q: &FilterQuery,
    via: &'static str,
) -> Result<FairnessReport, ApiError> {
    q.refuse("section", q.section.is_some())?;
    Ok(match &q.vacancy {
        Some(v) => {
            let filtered = q.organisation.is_some()
                || q.from.is_some()
                || q.to.is_some()
                || q.category.is_some()
                || q.region.is_some();
            q.refuse("a filter with vacancy", filtered)?;
            let id: VacancyId = parse_id("vacancy", v)?;
            report::for_vacancy(app, actor, &id, via).await?
        }
        None => report::for_filter(app, actor, q.filter()?, via).await?,
    })
}

/// Impact ratios at each stage from the outcomes people got, by gender, age band,
/// region and town or countryside, with counts, unknowns, small groups and 95 %
/// intervals: of one `vacancy`, or of the competitions the filter covers (HR for
/// their own organisation, admins, auditors; audited).
#[utoipa::path(get, path = "/fairness", tag = "oversight", security(("bearer" = [])),
    params(FilterQuery),
    responses((status = 200, body = FairnessReport), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn fairness(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiQuery(q): ApiQuery<FilterQuery>,
) -> Result<Json<FairnessReport>, ApiError> {
    Ok(Json(fairness_report(&app, &actor, &q, "api").await?))
}

/// The fairness report as CSV, a row per stage, attribute and group.
#[utoipa::path(get, path = "/fairness.csv", tag = "oversight", security(("bearer" = [])),
    params(FilterQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = "4XX", body = ErrorBody)))]
pub(crate) async fn fairness_csv(
    State(app): State<App>,
    Caller(actor): Caller,
    ApiQuery(q): ApiQuery<FilterQuery>,
) -> Result<Response, ApiError> {
    let r = fairness_report(&app, &actor, &q, "api.csv").await?;
    Ok(csv_response("fairness", fairness_to_csv(&r)?))
}
