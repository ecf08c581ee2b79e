//! `GET /web/analytics`: the dashboard (`qabilet_app::analytics::dashboard`) as
//! charts with their tables, and `GET /web/analytics.csv` for each table.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::{html, Markup};
use qabilet_app::analytics::csv::{dashboard_csv, Section};
use qabilet_app::analytics::{self, Dashboard};
use qabilet_app::App;
use qabilet_domain::Region;

use super::i18n::OMsg;
use super::{csv_download, figure, filter_form, organisation_choices, percent, FilterForm};
use crate::charts::{bars, Bar};
use crate::Ctx;

pub(crate) async fn page(
    ctx: Ctx,
    State(app): State<App>,
    Query(form): Query<FilterForm>,
) -> Response {
    let result = async {
        let p = ctx.user()?;
        let d = analytics::dashboard(&app, p, form.filter()?).await?;
        let organisations = organisation_choices(&app, &ctx).await?;
        let body = html! {
            h1 { (ctx.t(OMsg::AnalyticsTitle)) }
            p { (ctx.t(OMsg::AnalyticsIntro)) }
            (filter_form(&ctx, &form, "/web/analytics", &organisations))
            p id="competitions" { (ctx.t(OMsg::Competitions)) ": " strong { (d.competitions) } }
            (funnel(&ctx, &d, &form))
            (time_to_hire(&ctx, &d, &form))
            (applications(&ctx, &d, &form))
            (regions(&ctx, &d, &form))
            (reserve(&ctx, &d, &form))
            (proctoring(&ctx, &d, &form))
        };
        Ok(ctx.page(ctx.t(OMsg::AnalyticsTitle), body))
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
        let section: Section = form.section.parse()?;
        let d = analytics::dashboard(&app, p, form.filter()?).await?;
        Ok(csv_download(section.code(), dashboard_csv(&d, section)?))
    }
    .await;
    ctx.respond(result)
}

/// A section with its heading, chart, table and CSV link.
fn section(
    ctx: &Ctx,
    id: &str,
    title: OMsg,
    csv: Section,
    form: &FilterForm,
    content: Markup,
) -> Markup {
    let query = form.query();
    let sep = if query.is_empty() { "" } else { "&" };
    html! {
        section class="entry" id=(id) {
            h2 { (ctx.t(title)) }
            (content)
            p class="no-print" {
                a href=(format!("/web/analytics.csv?section={}{sep}{query}", csv.code())) download {
                    (ctx.t(OMsg::DownloadCsv))
                }
            }
        }
    }
}

fn step_name(step: &str) -> OMsg {
    match step {
        "applied" => OMsg::StepApplied,
        "qualified" => OMsg::StepQualified,
        "passed_test" => OMsg::StepPassedTest,
        "interviewed" => OMsg::StepInterviewed,
        _ => OMsg::StepHired,
    }
}

fn funnel(ctx: &Ctx, d: &Dashboard, form: &FilterForm) -> Markup {
    let max = d.funnel.steps.first().map_or(0, |s| s.count) as f64;
    let rows: Vec<Bar> = d
        .funnel
        .steps
        .iter()
        .map(|s| Bar {
            label: ctx.t(step_name(&s.step)).to_owned(),
            value: s.count as f64,
            shown: format!("{} ({})", s.count, percent(s.from_applied)),
            alert: false,
        })
        .collect();
    let content = html! {
        (bars(ctx.t(OMsg::FunnelTitle), &rows, max, None))
        table {
            thead { tr {
                th scope="col" { (ctx.t(OMsg::Step)) } th scope="col" { (ctx.t(OMsg::Count)) }
                th scope="col" { (ctx.t(OMsg::FromPrevious)) } th scope="col" { (ctx.t(OMsg::FromApplied)) }
            } }
            tbody { @for s in &d.funnel.steps { tr {
                th scope="row" { (ctx.t(step_name(&s.step))) } td { (s.count) }
                td { (percent(s.from_previous)) } td { (percent(s.from_applied)) }
            } } }
        }
    };
    section(
        ctx,
        "funnel",
        OMsg::FunnelTitle,
        Section::Funnel,
        form,
        content,
    )
}

fn time_to_hire(ctx: &Ctx, d: &Dashboard, form: &FilterForm) -> Markup {
    let t = &d.time_to_hire;
    let max = t
        .histogram
        .iter()
        .map(|b| b.competitions)
        .max()
        .unwrap_or(0) as f64;
    let rows: Vec<Bar> = t
        .histogram
        .iter()
        .map(|b| Bar {
            label: format!("{}–{} {}", b.from_days, b.to_days - 1, ctx.t(OMsg::Days)),
            value: b.competitions as f64,
            shown: b.competitions.to_string(),
            // The bins past Uzbekistan's 20–25 days after its reform.
            alert: b.from_days >= 30,
        })
        .collect();
    let groups = |title: OMsg, groups: &[analytics::GroupTimes]| {
        html! {
            @if !groups.is_empty() {
                h3 { (ctx.t(title)) }
                table {
                    thead { tr {
                        th scope="col" { (ctx.t(OMsg::Group)) } th scope="col" { (ctx.t(OMsg::Competitions)) }
                        th scope="col" { "P25" } th scope="col" { (ctx.t(OMsg::Median)) } th scope="col" { "P75" } th scope="col" { "P90" }
                    } }
                    tbody { @for g in groups { tr {
                        th scope="row" { (g.group) } td { (g.days.count) } td { (figure(g.days.p25)) }
                        td { (figure(g.days.median)) } td { (figure(g.days.p75)) } td { (figure(g.days.p90)) }
                    } } }
                }
            }
        }
    };
    let content = html! {
        p { (ctx.t(OMsg::TimeToHireIntro)) }
        @match &t.overall {
            None => p { (ctx.t(OMsg::NoHiresYet)) },
            Some(o) => {
                p id="time-to-hire-median" {
                    (ctx.t(OMsg::Median)) ": " strong { (figure(o.median)) " " (ctx.t(OMsg::Days)) }
                    " · P25 " (figure(o.p25)) " · P75 " (figure(o.p75)) " · P90 " (figure(o.p90))
                    " · " (ctx.t(OMsg::Competitions)) ": " (o.count)
                }
                (bars(ctx.t(OMsg::CompetitionsPerDays), &rows, max, None))
                (groups(OMsg::ByOrganisation, &t.by_organisation))
                (groups(OMsg::ByCategory, &t.by_category))
            }
        }
    };
    section(
        ctx,
        "time-to-hire",
        OMsg::TimeToHireTitle,
        Section::TimeToHire,
        form,
        content,
    )
}

fn applications(ctx: &Ctx, d: &Dashboard, form: &FilterForm) -> Markup {
    let a = &d.applications;
    let max = a.histogram.iter().map(|b| b.vacancies).max().unwrap_or(0) as f64;
    let rows: Vec<Bar> = a
        .histogram
        .iter()
        .map(|b| Bar {
            label: format!(
                "{} {}",
                b.applications,
                ctx.t(OMsg::Applications).to_lowercase()
            ),
            value: b.vacancies as f64,
            shown: b.vacancies.to_string(),
            alert: b.applications == "0" || b.applications == "1",
        })
        .collect();
    let query = form.query();
    let sep = if query.is_empty() { "" } else { "&" };
    let content = html! {
        p { (ctx.t(OMsg::Mean)) ": " (figure(a.mean)) " · " (ctx.t(OMsg::Median)) ": " (figure(a.median)) }
        (bars(ctx.t(OMsg::ApplicationsTitle), &rows, max, None))
        table {
            thead { tr { th scope="col" { (ctx.t(OMsg::Applications)) } th scope="col" { (ctx.t(OMsg::Vacancies)) } } }
            tbody { @for b in &a.histogram { tr { th scope="row" { (b.applications) } td { (b.vacancies) } } } }
        }
        h3 id="thin" { (ctx.t(OMsg::ThinTitle)) " (" (a.thin_total) ")" }
        p class="hint" { (ctx.t(OMsg::ThinIntro)) }
        @if a.thin.is_empty() {
            p { (ctx.t(OMsg::NoThin)) }
        } @else {
            table {
                thead { tr {
                    th scope="col" { (ctx.t(OMsg::Vacancies)) } th scope="col" { (ctx.t(OMsg::Organisation)) }
                    th scope="col" { (ctx.t(OMsg::Applicants)) } th scope="col" { (ctx.t(OMsg::Eligible)) }
                } }
                tbody { @for t in &a.thin { tr {
                    th scope="row" { (t.vacancy_id) " — " (t.title) } td { (t.organisation_id) }
                    td { (t.applicants) } td { (t.eligible) }
                } } }
            }
            @if a.thin_total > a.thin.len() {
                p { "… " (ctx.t(OMsg::AndMore)) " " (a.thin_total - a.thin.len()) }
            }
            p class="no-print" {
                a href=(format!("/web/analytics.csv?section={}{sep}{query}", Section::ThinCompetitions.code())) download {
                    (ctx.t(OMsg::DownloadCsv)) " — " (ctx.t(OMsg::ThinTitle))
                }
            }
        }
    };
    section(
        ctx,
        "applications",
        OMsg::ApplicationsTitle,
        Section::Applications,
        form,
        content,
    )
}

fn regions(ctx: &Ctx, d: &Dashboard, form: &FilterForm) -> Markup {
    let measure = match form.measure.as_str() {
        "vacancies" => "vacancies",
        "hired" => "hired",
        _ => "applications",
    };
    let value = |r: &analytics::RegionCount| match measure {
        "vacancies" => r.vacancies,
        "hired" => r.hired,
        _ => r.applications,
    };
    let measure_name = |m: &str| match m {
        "vacancies" => ctx.t(OMsg::Vacancies),
        "hired" => ctx.t(OMsg::Hired),
        _ => ctx.t(OMsg::Applications),
    };
    let values: Vec<(Region, f64)> = d
        .regions
        .iter()
        .filter_map(|r| Some((r.region.parse::<Region>().ok()?, value(r) as f64)))
        .collect();
    let title = format!("{} — {}", ctx.t(OMsg::RegionsTitle), measure_name(measure));
    let content = html! {
        p { (ctx.t(OMsg::RegionsIntro)) }
        form method="get" action="/web/analytics#regions" class="filters no-print" id="measure-form" {
            @for (name, value) in [("organisation", &form.organisation), ("from", &form.from), ("to", &form.to), ("category", &form.category), ("region", &form.region)] {
                @if !value.is_empty() { input type="hidden" name=(name) value=(value); }
            }
            fieldset {
                legend { (ctx.t(OMsg::Measure)) }
                @for m in ["applications", "vacancies", "hired"] {
                    label {
                        input type="radio" name="measure" value=(m) checked[measure == m];
                        " " (measure_name(m))
                    }
                }
            }
            div { button type="submit" id="apply-measure" { (ctx.t(OMsg::Apply)) } }
        }
        (super::map::tile_map(&title, &values, ctx.lang))
        table {
            thead { tr {
                th scope="col" { (ctx.t(OMsg::Region)) } th scope="col" { (ctx.t(OMsg::Vacancies)) }
                th scope="col" { (ctx.t(OMsg::Applications)) } th scope="col" { (ctx.t(OMsg::Hired)) }
            } }
            tbody { @for r in &d.regions { tr {
                th scope="row" { (r.region.parse::<Region>().map_or(r.region.as_str(), |x| x.name(ctx.lang))) }
                td { (r.vacancies) } td { (r.applications) } td { (r.hired) }
            } } }
        }
    };
    section(
        ctx,
        "regions",
        OMsg::RegionsTitle,
        Section::Regions,
        form,
        content,
    )
}

fn reserve(ctx: &Ctx, d: &Dashboard, form: &FilterForm) -> Markup {
    let r = &d.reserve;
    let entries = |kind: &str| r.entries_by_kind.get(kind).copied().unwrap_or(0);
    let rows = [
        (OMsg::EntriesReserve, entries("reserve")),
        (OMsg::EntriesSecondBest, entries("second_best")),
        (OMsg::ActiveEntries, r.active),
        (OMsg::MatchesOffered, r.matches_offered),
        (OMsg::HiresFromReserve, r.hires_from_reserve),
        (OMsg::AllHires, r.hires),
    ];
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0) as f64;
    let chart: Vec<Bar> = rows
        .iter()
        .map(|(m, n)| Bar {
            label: ctx.t(*m).to_owned(),
            value: *n as f64,
            shown: n.to_string(),
            alert: false,
        })
        .collect();
    let content = html! {
        (bars(ctx.t(OMsg::ReserveTitle), &chart, max, None))
        table {
            tbody { @for (m, n) in rows { tr { th scope="row" { (ctx.t(m)) } td { (n) } } } }
        }
    };
    section(
        ctx,
        "reserve",
        OMsg::ReserveTitle,
        Section::Reserve,
        form,
        content,
    )
}

fn proctoring(ctx: &Ctx, d: &Dashboard, form: &FilterForm) -> Markup {
    // The chart: each detector's flags per session over every test.
    let mut per_detector: std::collections::BTreeMap<&str, (i64, i64)> = Default::default();
    for p in &d.proctoring {
        let e = per_detector.entry(p.detector.as_str()).or_default();
        e.0 += p.flags;
        e.1 += p.sessions;
    }
    let chart: Vec<Bar> = per_detector
        .iter()
        .map(|(detector, (flags, sessions))| {
            let rate = if *sessions > 0 {
                *flags as f64 / *sessions as f64
            } else {
                0.0
            };
            Bar {
                label: crate::proctoring::detector_name(ctx, detector).to_owned(),
                value: rate,
                shown: format!("{:.1} % ({flags}/{sessions})", rate * 100.0),
                alert: false,
            }
        })
        .collect();
    let max = chart.iter().map(|b| b.value).fold(0.0, f64::max);
    let content = html! {
        p { (ctx.t(OMsg::FlagRatesIntro)) }
        @if d.proctoring.is_empty() {
            p { (ctx.t(OMsg::NoRuns)) }
        } @else {
            (bars(ctx.t(OMsg::FlagRatesTitle), &chart, max, None))
            table {
                thead { tr {
                    th scope="col" { (ctx.t(OMsg::Test)) } th scope="col" { (ctx.t(OMsg::Detector)) }
                    th scope="col" { (ctx.t(OMsg::Sessions)) } th scope="col" { (ctx.t(OMsg::Flags)) }
                    th scope="col" { (ctx.t(OMsg::Rate)) } th scope="col" { (ctx.t(OMsg::OpenFlags)) }
                    th scope="col" { (ctx.t(OMsg::Confirmed)) } th scope="col" { (ctx.t(OMsg::Dismissed)) }
                } }
                tbody { @for p in &d.proctoring { tr {
                    th scope="row" { (p.form_id) @if let Some(v) = &p.vacancy_id { " (" (v) ")" } }
                    td { (crate::proctoring::detector_name(ctx, &p.detector)) } td { (p.sessions) } td { (p.flags) } td { (format!("{:.2} %", p.rate * 100.0)) }
                    td { (p.open) } td { (p.confirmed) } td { (p.dismissed) }
                } } }
            }
        }
    };
    section(
        ctx,
        "proctoring",
        OMsg::FlagRatesTitle,
        Section::Proctoring,
        form,
        content,
    )
}
