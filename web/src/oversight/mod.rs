//! The oversight pages: the analytics dashboard (`analytics`), impact ratios per
//! stage (`fairness`), the audit log's verification against its signed
//! checkpoints and the replay of past rankings (`audit`), and a candidate's
//! explanation of their own application (`explanation`).
//!
//! Like every page, they hold no rule: each parses its form, calls one use case
//! of `qabilet_app` and renders what it returns. Charts are server-rendered SVG
//! with their table underneath and a CSV download of the same figures.

mod analytics;
mod audit;
mod explanation;
mod fairness;
pub(crate) mod i18n;
mod map;

use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use qabilet_app::analytics::AnalyticsFilter;
use qabilet_app::{parse_id, App, AppError, Role};
use qabilet_domain::{Region, VacancyId};
use serde::Deserialize;

use crate::Ctx;
use i18n::OMsg;

/// The oversight pages' routes.
pub(crate) fn routes() -> Router<App> {
    Router::new()
        .route("/web/analytics", get(analytics::page))
        .route("/web/analytics.csv", get(analytics::csv))
        .route("/web/fairness", get(fairness::page))
        .route("/web/fairness.csv", get(fairness::csv))
        .route("/web/audit", get(audit::page))
        .route("/web/audit/verify", post(audit::verify))
        .route("/web/audit/replay", get(audit::replay))
        .route("/web/applications/{id}/explanation", get(explanation::page))
}

/// Whether `role` reads the oversight pages (the use cases decide what it sees).
pub(crate) fn reads_oversight(role: Role) -> bool {
    matches!(role, Role::Hr | Role::Admin | Role::Auditor)
}

/// The filter as the forms send it: every field a string, empty for none.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct FilterForm {
    organisation: String,
    from: String,
    to: String,
    category: String,
    region: String,
    /// The map's measure: `applications` (default), `vacancies` or `hired`.
    measure: String,
    /// A CSV download's section.
    section: String,
    /// The fairness report of one vacancy.
    vacancy: String,
}

fn some(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

impl FilterForm {
    /// The use cases' filter; a field that cannot be read is a 400 naming it.
    fn filter(&self) -> Result<AnalyticsFilter, AppError> {
        let bad =
            |name: &str, e: String| AppError::bad_request("invalid_query", format!("{name}: {e}"));
        let date = |name: &str, s: &str| {
            some(s)
                .map(|d| {
                    d.parse()
                        .map_err(|e: chrono::ParseError| bad(name, e.to_string()))
                })
                .transpose()
        };
        Ok(AnalyticsFilter {
            organisation: some(&self.organisation)
                .map(|o| parse_id("organisation", o))
                .transpose()?,
            from: date("from", &self.from)?,
            to: date("to", &self.to)?,
            category: some(&self.category).map(str::to_owned),
            region: some(&self.region)
                .map(|r| r.parse::<Region>().map_err(|e| bad("region", e)))
                .transpose()?,
        })
    }

    fn vacancy(&self) -> Result<Option<VacancyId>, AppError> {
        some(&self.vacancy)
            .map(|v| parse_id("vacancy", v))
            .transpose()
    }

    /// The filter as a query string, for links that keep it (CSV downloads).
    fn query(&self) -> String {
        let pairs = [
            ("organisation", &self.organisation),
            ("from", &self.from),
            ("to", &self.to),
            ("category", &self.category),
            ("region", &self.region),
            ("vacancy", &self.vacancy),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", crate::session::percent_encode(v.trim())))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// The filter form of the dashboard and the fairness report.
fn filter_form(
    ctx: &Ctx,
    form: &FilterForm,
    action: &str,
    organisations: &[(String, String)],
) -> Markup {
    let may_pick_organisation = ctx
        .principal
        .as_ref()
        .is_some_and(|p| matches!(p.role, Role::Admin | Role::Auditor));
    html! {
        form method="get" action=(action) class="filters" id="filters" {
            @if may_pick_organisation {
                div {
                    label for="organisation" { (ctx.t(OMsg::Organisation)) }
                    input id="organisation" name="organisation" list="organisations" value=(form.organisation)
                        placeholder=(ctx.t(OMsg::AllOrganisations)) size="14";
                    datalist id="organisations" {
                        @for (id, name) in organisations { option value=(id) { (name) } }
                    }
                }
            }
            div {
                label for="from" { (ctx.t(OMsg::From)) }
                input id="from" name="from" type="date" value=(form.from);
            }
            div {
                label for="to" { (ctx.t(OMsg::To)) }
                input id="to" name="to" type="date" value=(form.to);
            }
            div {
                label for="category" { (ctx.t(OMsg::Category)) }
                input id="category" name="category" value=(form.category) size="6" maxlength="8"
                    aria-describedby="category-hint";
                div id="category-hint" class="hint" { (ctx.t(OMsg::CategoryHint)) }
            }
            div {
                label for="region" { (ctx.t(OMsg::Region)) }
                select id="region" name="region" {
                    option value="" { (ctx.t(OMsg::AnyRegion)) }
                    @for r in Region::KAZAKHSTAN {
                        option value=(r.code()) selected[form.region == r.code()] { (r.name(ctx.lang)) }
                    }
                }
            }
            @if !form.measure.is_empty() {
                input type="hidden" name="measure" value=(form.measure);
            }
            div { button type="submit" id="apply-filters" { (ctx.t(OMsg::Apply)) } }
        }
    }
}

/// `(id, name)` of every organisation, for the filter's list (admins and
/// auditors only; an HR officer's is fixed).
async fn organisation_choices(app: &App, ctx: &Ctx) -> Result<Vec<(String, String)>, AppError> {
    let wanted = ctx
        .principal
        .as_ref()
        .is_some_and(|p| matches!(p.role, Role::Admin | Role::Auditor));
    if !wanted {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut after = String::new();
    loop {
        let page = app.store().organisations_page(&after, 500).await?;
        let Some(last) = page.last() else { break };
        after = last.id.to_string();
        out.extend(
            page.iter()
                .map(|o| (o.id.to_string(), crate::org_name(o, ctx.lang).to_owned())),
        );
    }
    Ok(out)
}

/// A CSV download named `qabilet-NAME.csv`.
fn csv_download(name: &str, body: String) -> axum::response::Response {
    use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
    use axum::response::IntoResponse;
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

/// A table cell's number: at most two decimals, none for whole numbers.
fn figure(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// A share as a percentage.
fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |x| format!("{:.1} %", x * 100.0))
}
