//! `GET /web/fairness`: impact ratios per stage (`qabilet_app::analytics::fairness`),
//! of one vacancy (`?vacancy=`) or of the competitions the filter covers, with a
//! chart of each attribute's selection rates (their 95 % intervals as whiskers,
//! four-fifths of the reference rate as a dashed line) and the table behind it.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::{html, Markup};
use qabilet_app::analytics::csv::fairness_csv;
use qabilet_app::analytics::fairness::{self, FairnessReport};
use qabilet_app::{Actor, App, AppError};
use qabilet_matcher::fairness::{DimensionImpact, FOUR_FIFTHS};

use super::i18n::OMsg;
use super::{csv_download, filter_form, organisation_choices, FilterForm};
use crate::i18n::{group_name, stage_name, Msg};
use crate::Ctx;

async fn report(
    app: &App,
    p: &Actor,
    form: &FilterForm,
    via: &'static str,
) -> Result<FairnessReport, AppError> {
    match form.vacancy()? {
        Some(id) => fairness::for_vacancy(app, p, &id, via).await,
        None => fairness::for_filter(app, p, form.filter()?, via).await,
    }
}

pub(crate) async fn page(
    ctx: Ctx,
    State(app): State<App>,
    Query(form): Query<FilterForm>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        let r = report(&app, p, &form, "web").await?;
        let organisations = organisation_choices(&app, &ctx).await?;
        let query = form.query();
        let body = html! {
            h1 {
                (ctx.t(OMsg::FairnessTitle))
                @if let Some(v) = &r.vacancy_id { ": " (v) }
            }
            p { (ctx.t(OMsg::FairnessIntro)) }
            @if r.vacancy_id.is_none() {
                (filter_form(&ctx, &form, "/web/fairness", &organisations))
            }
            p {
                (ctx.t(OMsg::Competitions)) ": " (r.competitions)
                @if r.not_counted > 0 { " · " (ctx.t(OMsg::NotCounted)) ": " (r.not_counted) }
            }
            p class="no-print" {
                a href=(format!("/web/fairness.csv?{query}")) download { (ctx.t(OMsg::DownloadCsv)) }
            }
            @for stage in &r.stages {
                @let name = qabilet_domain::Stage::ALL.into_iter().find(|s| s.code() == stage.stage);
                section class="entry" id=(format!("stage-{}", stage.stage)) {
                    h2 {
                        (name.map_or(stage.stage.as_str(), |s| ctx.t(stage_name(s))))
                        " — " (ctx.t(OMsg::Assessed)) ": " (stage.assessed) ", " (ctx.t(OMsg::Passed)) ": " (stage.selected)
                    }
                    @if stage.assessed == 0 {
                        p { (ctx.t(OMsg::NoOutcomes)) }
                    } @else {
                        @for d in &stage.dimensions { (dimension(&ctx, d)) }
                    }
                }
            }
        };
        Ok(ctx.page(ctx.t(OMsg::FairnessTitle), body))
    }
    .await;
    ctx.respond(result)
}

pub(crate) async fn csv(
    ctx: Ctx,
    State(app): State<App>,
    Query(form): Query<FilterForm>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        let r = report(&app, p, &form, "web.csv").await?;
        Ok(csv_download("fairness", fairness_csv(&r)?))
    }
    .await;
    ctx.respond(result)
}

fn dimension_title(ctx: &Ctx, name: &str) -> &'static str {
    match name {
        "gender" => ctx.t(Msg::DimGender),
        "age" => ctx.t(Msg::DimAge),
        "region" => ctx.t(OMsg::DimRegion),
        _ => ctx.t(Msg::DimLocality),
    }
}

fn group_label(ctx: &Ctx, dimension: &str, group: &str) -> String {
    if dimension == "region" {
        if let Ok(r) = group.parse::<qabilet_domain::Region>() {
            return r.name(ctx.lang).to_owned();
        }
    }
    group_name(group, ctx.lang).to_owned()
}

/// Rates with their intervals on a 0–100 % scale, and the four-fifths line.
fn rate_chart(ctx: &Ctx, title: &str, d: &DimensionImpact) -> Markup {
    const LABEL_W: f64 = 190.0;
    const BAR_W: f64 = 300.0;
    const ROW_H: f64 = 24.0;
    let reference = d
        .reference_group
        .as_ref()
        .and_then(|r| d.groups.iter().find(|g| &g.group == r))
        .map(|g| g.rate);
    let height = ROW_H * d.groups.len() as f64 + 26.0;
    let width = LABEL_W + BAR_W + 150.0;
    let alt: Vec<String> = d
        .groups
        .iter()
        .map(|g| {
            format!(
                "{}: {:.0}% ({}/{}), {} {:.0}–{:.0}%",
                group_label(ctx, &d.name, &g.group),
                g.rate * 100.0,
                g.selected,
                g.assessed,
                ctx.t(OMsg::Interval),
                g.rate_low * 100.0,
                g.rate_high * 100.0
            )
        })
        .collect();
    let alt = format!("{title}. {}", alt.join("; "));
    let x = |rate: f64| LABEL_W + rate.clamp(0.0, 1.0) * BAR_W;
    html! {
        svg class="chart" role="img" aria-label=(alt) width=(width) height=(height)
            viewBox=(format!("0 0 {width} {height}")) xmlns="http://www.w3.org/2000/svg" {
            title { (alt) }
            @for (i, g) in d.groups.iter().enumerate() {
                @let y = i as f64 * ROW_H + 4.0;
                @let fill = if g.flagged { "#a4161a" } else if g.excluded_small || !g.judged { "#8a8a8a" } else { "#00558c" };
                text x=(LABEL_W - 6.0) y=(y + 13.0) text-anchor="end" { (group_label(ctx, &d.name, &g.group)) }
                rect x=(LABEL_W) y=(y) width=(BAR_W) height=(ROW_H - 8.0) fill="#eeeeee" {}
                rect x=(LABEL_W) y=(y) width=(format!("{:.1}", g.rate * BAR_W)) height=(ROW_H - 8.0) fill=(fill) {}
                // The 95 % interval as a whisker.
                line x1=(format!("{:.1}", x(g.rate_low))) x2=(format!("{:.1}", x(g.rate_high)))
                    y1=(y + 8.0) y2=(y + 8.0) stroke="#1a1a1a" stroke-width="2" {}
                line x1=(format!("{:.1}", x(g.rate_low))) x2=(format!("{:.1}", x(g.rate_low))) y1=(y + 3.0) y2=(y + 13.0) stroke="#1a1a1a" {}
                line x1=(format!("{:.1}", x(g.rate_high))) x2=(format!("{:.1}", x(g.rate_high))) y1=(y + 3.0) y2=(y + 13.0) stroke="#1a1a1a" {}
                text x=(LABEL_W + BAR_W + 6.0) y=(y + 13.0) {
                    (format!("{:.0}% ({}/{})", g.rate * 100.0, g.selected, g.assessed))
                    @if g.flagged { " ⚠" }
                }
            }
            @if let Some(best) = reference {
                @let bottom = ROW_H * d.groups.len() as f64 + 4.0;
                @let m = x(FOUR_FIFTHS * best);
                line x1=(format!("{m:.1}")) x2=(format!("{m:.1}")) y1="0" y2=(bottom)
                    stroke="#1a1a1a" stroke-width="2" stroke-dasharray="4 3" {}
                text x=(format!("{m:.1}")) y=(bottom + 16.0) text-anchor="middle" { (ctx.t(Msg::Threshold)) }
            }
        }
    }
}

fn dimension(ctx: &Ctx, d: &DimensionImpact) -> Markup {
    let title = dimension_title(ctx, &d.name);
    html! {
        h3 { (title) @if d.flagged { " " span class="badge bad" { "⚠ " (ctx.t(OMsg::FlaggedGroup)) } } }
        @if !d.groups.is_empty() {
            (rate_chart(ctx, title, d))
            table {
                thead { tr {
                    th scope="col" { (ctx.t(OMsg::Group)) } th scope="col" { (ctx.t(OMsg::Assessed)) }
                    th scope="col" { (ctx.t(OMsg::Passed)) } th scope="col" { (ctx.t(OMsg::Rate)) }
                    th scope="col" { (ctx.t(OMsg::Interval)) } th scope="col" { (ctx.t(Msg::ImpactRatio)) }
                    th scope="col" { "" }
                } }
                tbody {
                    @for g in &d.groups { tr class=[g.flagged.then_some("flagged")] {
                        th scope="row" { (group_label(ctx, &d.name, &g.group)) }
                        td { (g.assessed) } td { (g.selected) } td { (format!("{:.1} %", g.rate * 100.0)) }
                        td { (format!("{:.1}–{:.1} %", g.rate_low * 100.0, g.rate_high * 100.0)) }
                        td { (g.impact_ratio.map_or_else(|| "–".to_owned(), |r| format!("{r:.2}"))) }
                        td {
                            @if d.reference_group.as_deref() == Some(g.group.as_str()) { (ctx.t(OMsg::Reference)) }
                            @else if g.excluded_small { (ctx.t(OMsg::SmallExcluded)) }
                            @else if !g.judged { (ctx.t(OMsg::TooFewToJudge)) }
                            @else if g.flagged { "⚠ " (ctx.t(OMsg::FlaggedGroup)) }
                        }
                    } }
                    tr {
                        th scope="row" { (ctx.t(OMsg::UnknownGroup)) }
                        td { (d.unknown_assessed) } td { (d.unknown_selected) } td colspan="4" { "" }
                    }
                }
            }
        } @else {
            p { (ctx.t(OMsg::UnknownGroup)) ": " (d.unknown_assessed) }
        }
    }
}
