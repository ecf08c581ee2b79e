//! A pair flag's two answer timelines, side by side on one clock: one lane per
//! session, a mark where each answer was given. Real-time sharing shows as
//! identical answers (filled marks) that the copier gave seconds after the
//! source — joined by a line — while honest neighbours who start together drift
//! apart. The window is the detector's (`qabilet_proctoring` follow window,
//! 30 s); the lag of every item is in the data table.

use maud::{html, Markup};
use qabilet_proctoring::SessionTrace;

use super::{f, icon, minutes, tick_step, ACCENT, INK, LABEL_W, PLOT_W};
use crate::i18n::Msg;
use crate::Ctx;

/// The follow window of the similarity detector, in seconds.
const WINDOW_S: f64 = 30.0;
const LANE: f64 = 44.0;

/// Per item: (source's time, copier's time) in seconds on the pair's clock,
/// whether the answers are identical, and whether the copier's came within the
/// window after the source's.
struct Row {
    item: String,
    source: Option<f64>,
    copier: Option<f64>,
    identical: bool,
    followed: bool,
}

fn rows(copier: &SessionTrace, source: &SessionTrace) -> (Vec<Row>, f64) {
    let base = copier.started_at.min(source.started_at);
    let shift = |t: &SessionTrace| (t.started_at - base).num_milliseconds() as f64 / 1000.0;
    let (sc, ss) = (shift(copier), shift(source));
    let rows: Vec<Row> = copier
        .items
        .iter()
        .zip(&source.items)
        .map(|(c, s)| {
            let (tc, ts) = (c.at_s.map(|a| a + sc), s.at_s.map(|a| a + ss));
            let identical = c.option.is_some() && c.option == s.option;
            let followed = identical
                && matches!((tc, ts), (Some(a), Some(b)) if a - b > 0.0 && a - b <= WINDOW_S);
            Row {
                item: c.item.clone(),
                source: ts,
                copier: tc,
                identical,
                followed,
            }
        })
        .collect();
    let span = rows
        .iter()
        .flat_map(|r| [r.source, r.copier])
        .flatten()
        .fold(60.0, f64::max);
    (rows, span)
}

/// The two timelines; `names` are the sessions' labels, copier first.
pub(crate) fn pair_timelines(
    ctx: &Ctx,
    copier: &SessionTrace,
    source: &SessionTrace,
    names: &[String],
) -> Markup {
    let (rows, span) = rows(copier, source);
    if rows
        .iter()
        .all(|r| r.source.is_none() || r.copier.is_none())
    {
        return html! { p { (ctx.t(Msg::PrNoSessionData)) } };
    }
    let total_min = span / 60.0;
    let step = tick_step(total_min);
    let x = |s: f64| LABEL_W + (s / span).clamp(0.0, 1.0) * PLOT_W;
    let lane_y = |lane: usize| 20.0 + lane as f64 * LANE;
    let axis_y = lane_y(1) + 24.0;
    let (width, height) = (LABEL_W + PLOT_W + 30.0, axis_y + 40.0);
    let identical = rows.iter().filter(|r| r.identical).count();
    let followed = rows.iter().filter(|r| r.followed).count();
    let alt = format!(
        "{} — {}: {} {}; {} {}",
        ctx.t(Msg::PrPairTimelines),
        names.join(" / "),
        identical,
        ctx.t(Msg::PrIdentical),
        followed,
        ctx.t(Msg::PrFollowed),
    );
    let label = |k: usize| names.get(k).map_or("", String::as_str);
    html! {
        figure {
            svg class="chart pair-timelines" role="img" aria-label=(alt) width=(width) height=(height)
                viewBox=(format!("0 0 {width} {height}")) xmlns="http://www.w3.org/2000/svg" {
                title { (alt) }
                @for lane in 0..2 {
                    line x1=(LABEL_W) x2=(LABEL_W + PLOT_W) y1=(f(lane_y(lane))) y2=(f(lane_y(lane))) stroke="#dddddd" {}
                    text x=(LABEL_W - 8.0) y=(f(lane_y(lane) + 4.0)) text-anchor="end" { (label(lane)) }
                }
                @for r in rows.iter().filter(|r| r.followed) {
                    @if let (Some(a), Some(b)) = (r.copier, r.source) {
                        line class="follow" x1=(f(x(b))) y1=(f(lane_y(1))) x2=(f(x(a))) y2=(f(lane_y(0))) stroke=(INK) stroke-width="1.5" {}
                    }
                }
                @for r in &rows {
                    @for (lane, t) in [(0, r.copier), (1, r.source)] {
                        @if let Some(t) = t {
                            @if r.identical {
                                circle class="identical" cx=(f(x(t))) cy=(f(lane_y(lane))) r="4" fill=(ACCENT) {}
                            } @else {
                                circle cx=(f(x(t))) cy=(f(lane_y(lane))) r="3.5" fill="#fff" stroke=(ACCENT) stroke-width="1.2" {}
                            }
                        }
                    }
                }
                line x1=(LABEL_W) x2=(LABEL_W + PLOT_W) y1=(f(axis_y)) y2=(f(axis_y)) stroke=(INK) {}
                @for i in 0..=((total_min / step).floor() as usize) {
                    @let m = i as f64 * step;
                    line x1=(f(x(m * 60.0))) x2=(f(x(m * 60.0))) y1=(f(axis_y)) y2=(f(axis_y + 5.0)) stroke=(INK) {}
                    text x=(f(x(m * 60.0))) y=(f(axis_y + 18.0)) text-anchor="middle" { (m) }
                }
                text x=(LABEL_W + PLOT_W / 2.0) y=(f(axis_y + 34.0)) text-anchor="middle" { (ctx.t(Msg::PrMinutesSinceFirst)) }
            }
            figcaption {
                span class="meta" { (ctx.t(Msg::PrLegend)) ": " }
                ul class="legend" {
                    li { (icon(html! { circle cx="9" cy="9" r="4" fill=(ACCENT) {} })) " " (ctx.t(Msg::PrIdentical)) " (" (identical) ")" }
                    li { (icon(html! { circle cx="9" cy="9" r="3.5" fill="#fff" stroke=(ACCENT) stroke-width="1.2" {} })) " " (ctx.t(Msg::PrOtherAnswer)) }
                    li { (icon(html! { line x1="3" y1="15" x2="15" y2="3" stroke=(INK) stroke-width="1.5" {} })) " " (ctx.t(Msg::PrFollowed)) " (" (followed) ")" }
                }
                p class="hint" { (ctx.t(Msg::PrPairTimelinesHint)) }
            }
        }
        details {
            summary { (ctx.t(Msg::PrDataTable)) ": " (ctx.t(Msg::PrPairTimelines)) }
            table {
                thead { tr {
                    th scope="col" { (ctx.t(Msg::PrItem)) }
                    th scope="col" { (ctx.t(Msg::PrAnsweredAt)) " — " (label(1)) }
                    th scope="col" { (ctx.t(Msg::PrAnsweredAt)) " — " (label(0)) }
                    th scope="col" { (ctx.t(Msg::PrLag)) }
                    th scope="col" { (ctx.t(Msg::PrIdentical)) }
                    th scope="col" { (ctx.t(Msg::PrFollowed)) }
                } }
                tbody {
                    @for r in &rows {
                        tr {
                            th scope="row" { (r.item) }
                            td { (r.source.map_or("—".to_owned(), minutes)) }
                            td { (r.copier.map_or("—".to_owned(), minutes)) }
                            td { (match (r.copier, r.source) { (Some(a), Some(b)) => format!("{:+.0}", a - b), _ => "—".to_owned() }) }
                            td { (if r.identical { ctx.t(Msg::PrYes) } else { "—" }) }
                            td { (if r.followed { ctx.t(Msg::PrYes) } else { "—" }) }
                        }
                    }
                }
            }
        }
    }
}
