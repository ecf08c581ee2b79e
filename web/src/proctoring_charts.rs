//! The pictures of a proctoring flag's evidence, as inline SVG with a data
//! table beside each: a session's client-event timeline, its response times
//! against the cohort's median per item with rapid answers marked, a pair's
//! answer grid under the key, and a pair's two answer timelines on one clock
//! (`proctoring_timelines.rs`).
//!
//! Nothing here is told by colour alone: event kinds have their own lane, label and
//! marker shape; correct and incorrect answers are a filled disc and a cross; a
//! rapid answer also gets a hollow triangle under it; a shared wrong answer is a
//! hatched cell with a ✱. Each chart is `role="img"` with a short text
//! alternative, and the numbers are in a table under a `<details>`.

use maud::{html, Markup};
use qabilet_proctoring::{AnswerGrid, EventKind, SessionTrace};

use super::i18n::Msg;
use super::Ctx;

#[path = "proctoring_timelines.rs"]
mod timelines;
pub(crate) use timelines::pair_timelines;

const LABEL_W: f64 = 200.0;
const PLOT_W: f64 = 540.0;
const LANE_H: f64 = 26.0;
const INK: &str = "#1a1a1a";
const GOOD: &str = "#1d6b2f";
const BAD: &str = "#a4161a";
const ACCENT: &str = "#00558c";

pub(crate) fn event_name(kind: EventKind) -> Msg {
    match kind {
        EventKind::FocusLost => Msg::PrEvFocusLost,
        EventKind::TabSwitch => Msg::PrEvTabSwitch,
        EventKind::FullscreenExit => Msg::PrEvFullscreenExit,
        EventKind::Copy => Msg::PrEvCopy,
        EventKind::Paste => Msg::PrEvPaste,
        EventKind::Resize => Msg::PrEvResize,
        EventKind::FaceAbsent => Msg::PrEvFaceAbsent,
        EventKind::MultipleFaces => Msg::PrEvMultipleFaces,
        EventKind::Voice => Msg::PrEvVoice,
        EventKind::IpChange => Msg::PrEvIpChange,
        EventKind::DeviceChange => Msg::PrEvDeviceChange,
        EventKind::Reconnect => Msg::PrEvReconnect,
    }
}

/// One of twelve marks (six shapes, filled or hollow), centred on (x, y).
fn mark(shape: usize, x: f64, y: f64) -> Markup {
    let hollow = shape >= 6;
    let (fill, width) = if hollow { ("#fff", 2.0) } else { (ACCENT, 1.0) };
    let r = 5.5;
    match shape % 6 {
        0 => {
            html! { circle cx=(f(x)) cy=(f(y)) r=(r) fill=(fill) stroke=(ACCENT) stroke-width=(width) {} }
        }
        1 => {
            html! { rect x=(f(x - r)) y=(f(y - r)) width=(2.0 * r) height=(2.0 * r) fill=(fill) stroke=(ACCENT) stroke-width=(width) {} }
        }
        2 => {
            html! { polygon points=(format!("{},{} {},{} {},{}", f(x), f(y - r - 1.0), f(x + r + 1.0), f(y + r), f(x - r - 1.0), f(y + r))) fill=(fill) stroke=(ACCENT) stroke-width=(width) {} }
        }
        3 => {
            html! { polygon points=(format!("{},{} {},{} {},{} {},{}", f(x), f(y - r - 1.0), f(x + r + 1.0), f(y), f(x), f(y + r + 1.0), f(x - r - 1.0), f(y))) fill=(fill) stroke=(ACCENT) stroke-width=(width) {} }
        }
        4 => {
            html! { polygon points=(format!("{},{} {},{} {},{}", f(x - r - 1.0), f(y - r), f(x + r + 1.0), f(y - r), f(x), f(y + r + 1.0))) fill=(fill) stroke=(ACCENT) stroke-width=(width) {} }
        }
        _ => {
            html! { path d=(format!("M{} {}h{}M{} {}v{}", f(x - r), f(y), 2.0 * r, f(x), f(y - r), 2.0 * r)) stroke=(ACCENT) stroke-width=(if hollow { 2.0 } else { 3.5 }) {} }
        }
    }
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

fn minutes(seconds: f64) -> String {
    format!("{:.1}", seconds / 60.0)
}

/// A small inline icon for a legend entry.
fn icon(inner: Markup) -> Markup {
    html! { svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" focusable="false" { (inner) } }
}

/// How long the session lasted, in seconds: its end if the client sent one, else
/// the last answer or event.
fn session_span(t: &SessionTrace) -> f64 {
    let by_end = t
        .ended_at
        .map(|e| (e - t.started_at).num_milliseconds() as f64 / 1000.0);
    let by_items: f64 = t.items.iter().filter_map(|i| i.seconds).sum();
    let by_events = t
        .events
        .iter()
        .map(|e| e.offset_s + e.duration_s.unwrap_or(0.0))
        .fold(0.0, f64::max);
    by_end
        .unwrap_or(by_items)
        .max(by_items)
        .max(by_events)
        .max(60.0)
}

/// A round tick step in minutes giving 4–10 ticks over `total` minutes.
fn tick_step(total: f64) -> f64 {
    [1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0]
        .into_iter()
        .find(|s| total / s <= 10.0)
        .unwrap_or(120.0)
}

/// The session's client events on a time axis in minutes: one lane per event
/// kind, a mark per event, a bar for its duration.
pub(crate) fn timeline(ctx: &Ctx, t: &SessionTrace) -> Markup {
    if t.events.is_empty() {
        return html! { p { (ctx.t(Msg::PrNoEvents)) } };
    }
    let kinds: Vec<(usize, EventKind)> = EventKind::ALL
        .into_iter()
        .enumerate()
        .filter(|(_, k)| t.events.iter().any(|e| e.kind == *k))
        .collect();
    let span = session_span(t);
    let total_min = span / 60.0;
    let step = tick_step(total_min);
    let x = |s: f64| LABEL_W + (s / span).clamp(0.0, 1.0) * PLOT_W;
    let axis_y = LANE_H * kinds.len() as f64 + 8.0;
    let height = axis_y + 40.0;
    let width = LABEL_W + PLOT_W + 30.0;
    let summary: Vec<String> = kinds
        .iter()
        .map(|(_, k)| {
            let at: Vec<String> = t
                .events
                .iter()
                .filter(|e| e.kind == *k)
                .map(|e| minutes(e.offset_s))
                .collect();
            format!(
                "{} × {} ({})",
                at.len(),
                ctx.t(event_name(*k)),
                at.join(", ")
            )
        })
        .collect();
    let alt = format!(
        "{} — {}, {:.0} {}: {}",
        ctx.t(Msg::PrTimeline),
        t.session_id,
        total_min,
        ctx.t(Msg::PrMinutes),
        summary.join("; ")
    );
    html! {
        figure {
            svg class="chart timeline" role="img" aria-label=(alt) width=(width) height=(height)
                viewBox=(format!("0 0 {width} {height}")) xmlns="http://www.w3.org/2000/svg" {
                title { (alt) }
                @for (lane, (shape, kind)) in kinds.iter().enumerate() {
                    @let y = lane as f64 * LANE_H + LANE_H / 2.0 + 4.0;
                    line x1=(LABEL_W) x2=(LABEL_W + PLOT_W) y1=(f(y)) y2=(f(y)) stroke="#dddddd" {}
                    text x=(LABEL_W - 8.0) y=(f(y + 4.0)) text-anchor="end" { (ctx.t(event_name(*kind))) }
                    @for e in t.events.iter().filter(|e| e.kind == *kind) {
                        @if let Some(d) = e.duration_s.filter(|d| *d > 0.0) {
                            rect x=(f(x(e.offset_s))) y=(f(y - 2.5)) width=(f((x(e.offset_s + d) - x(e.offset_s)).max(1.0))) height="5" fill=(ACCENT) opacity="0.45" {}
                        }
                        (mark(*shape, x(e.offset_s), y))
                    }
                }
                line x1=(LABEL_W) x2=(LABEL_W + PLOT_W) y1=(f(axis_y)) y2=(f(axis_y)) stroke=(INK) {}
                @for i in 0..=((total_min / step).floor() as usize) {
                    @let m = i as f64 * step;
                    line x1=(f(x(m * 60.0))) x2=(f(x(m * 60.0))) y1=(f(axis_y)) y2=(f(axis_y + 5.0)) stroke=(INK) {}
                    text x=(f(x(m * 60.0))) y=(f(axis_y + 18.0)) text-anchor="middle" { (m) }
                }
                text x=(LABEL_W + PLOT_W / 2.0) y=(f(axis_y + 34.0)) text-anchor="middle" { (ctx.t(Msg::PrMinutes)) }
            }
            figcaption {
                span class="meta" { (ctx.t(Msg::PrLegend)) ": " }
                ul class="legend" {
                    @for (shape, kind) in &kinds {
                        li { (icon(mark(*shape, 9.0, 9.0))) " " (ctx.t(event_name(*kind))) " (" (t.events.iter().filter(|e| e.kind == *kind).count()) ")" }
                    }
                }
            }
        }
        details {
            summary { (ctx.t(Msg::PrDataTable)) ": " (ctx.t(Msg::PrTimeline)) }
            table {
                thead { tr {
                    th scope="col" { (ctx.t(Msg::PrMinute)) }
                    th scope="col" { (ctx.t(Msg::PrEvent)) }
                    th scope="col" { (ctx.t(Msg::PrDuration)) }
                    th scope="col" { (ctx.t(Msg::PrValue)) }
                } }
                tbody {
                    @for e in &t.events {
                        tr {
                            td { (minutes(e.offset_s)) }
                            td { (ctx.t(event_name(e.kind))) }
                            td { (e.duration_s.map_or("—".to_owned(), |d| format!("{d:.1}"))) }
                            td { (e.value.as_deref().unwrap_or("—")) }
                        }
                    }
                }
            }
        }
    }
}

/// The examinee's time on each item (disc = correct, cross = incorrect, hollow
/// square = blank) against the cohort's median time (dash), on a log₂ time axis:
/// response times are skewed, and a ratio (twice as fast) reads the same anywhere.
pub(crate) fn response_times(ctx: &Ctx, t: &SessionTrace) -> Markup {
    let times: Vec<f64> = t
        .items
        .iter()
        .flat_map(|i| {
            [
                i.seconds,
                i.cohort_median_seconds,
                i.rapid_threshold_seconds,
            ]
        })
        .flatten()
        .filter(|s| *s > 0.0)
        .collect();
    if times.is_empty() {
        return html! { p { (ctx.t(Msg::PrNoSessionData)) } };
    }
    let lo = times
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .log2()
        .floor();
    let hi = times
        .iter()
        .copied()
        .fold(0.0, f64::max)
        .log2()
        .ceil()
        .max(lo + 1.0);
    let (top, plot_h, left) = (10.0, 220.0, 60.0);
    let n = t.items.len().max(1);
    let step = (PLOT_W + LABEL_W - left) / n as f64;
    let x = |i: usize| left + (i as f64 + 0.5) * step;
    let y = |s: f64| top + (hi - s.max(2f64.powf(lo)).log2()) / (hi - lo) * plot_h;
    let width = LABEL_W + PLOT_W + 30.0;
    let height = top + plot_h + 44.0;
    let answered: Vec<_> = t.items.iter().filter(|i| i.option.is_some()).collect();
    let correct = answered.iter().filter(|i| i.correct).count();
    let much_faster = t
        .items
        .iter()
        .filter(
            |i| matches!((i.seconds, i.cohort_median_seconds), (Some(s), Some(m)) if s < m / 2.0),
        )
        .count();
    let rapid = t.items.iter().filter(|i| i.rapid).count();
    let alt = format!(
        "{} — {}: {} {}, {} {}; {} < ½ × {}; {} {}",
        ctx.t(Msg::PrResponseTimes),
        t.session_id,
        correct,
        ctx.t(Msg::PrCorrect),
        answered.len() - correct,
        ctx.t(Msg::PrIncorrect),
        much_faster,
        ctx.t(Msg::PrCohortMedian),
        rapid,
        ctx.t(Msg::PrRapidCount),
    );
    let bottom = top + plot_h;
    html! {
        figure {
            svg class="chart rt" role="img" aria-label=(alt) width=(width) height=(height)
                viewBox=(format!("0 0 {width} {height}")) xmlns="http://www.w3.org/2000/svg" {
                title { (alt) }
                @for p in (lo as i32)..=(hi as i32) {
                    @let s = 2f64.powi(p);
                    line x1=(left) x2=(width - 30.0) y1=(f(y(s))) y2=(f(y(s))) stroke="#e0e0e0" {}
                    text x=(left - 6.0) y=(f(y(s) + 4.0)) text-anchor="end" { (if s < 1.0 { format!("{s:.2}") } else { format!("{s:.0}") }) " s" }
                }
                line x1=(left) x2=(width - 30.0) y1=(f(bottom)) y2=(f(bottom)) stroke=(INK) {}
                @for (i, it) in t.items.iter().enumerate() {
                    @let cx = x(i);
                    @if let Some(r) = it.rapid_threshold_seconds.filter(|r| *r > 0.0) {
                        line class="rapid-threshold" x1=(f(cx - step * 0.4)) x2=(f(cx + step * 0.4)) y1=(f(y(r))) y2=(f(y(r))) stroke="#6a6a6a" stroke-width="1.5" stroke-dasharray="2 2" {}
                    }
                    @if let Some(m) = it.cohort_median_seconds {
                        line x1=(f(cx - step * 0.4)) x2=(f(cx + step * 0.4)) y1=(f(y(m))) y2=(f(y(m))) stroke="#6a6a6a" stroke-width="3" {}
                        @if let Some(s) = it.seconds {
                            line x1=(f(cx)) x2=(f(cx)) y1=(f(y(m))) y2=(f(y(s))) stroke="#9a9a9a" stroke-width="1" {}
                        }
                    }
                    @if let Some(s) = it.seconds {
                        @let cy = y(s);
                        @if it.rapid {
                            polygon class="rapid-mark" points=(format!("{},{} {},{} {},{}", f(cx - 6.0), f(cy + 12.0), f(cx + 6.0), f(cy + 12.0), f(cx), f(cy + 3.5))) fill="none" stroke=(INK) stroke-width="1.5" {}
                        }
                        @if it.option.is_none() {
                            rect x=(f(cx - 4.0)) y=(f(cy - 4.0)) width="8" height="8" fill="#fff" stroke=(INK) stroke-width="1.5" {}
                        } @else if it.correct {
                            circle cx=(f(cx)) cy=(f(cy)) r="4.5" fill=(GOOD) {}
                        } @else {
                            path d=(format!("M{} {}l9 9m0 -9l-9 9", f(cx - 4.5), f(cy - 4.5))) stroke=(BAD) stroke-width="2.5" {}
                        }
                    }
                    @if n <= 20 || i == 0 || i % 5 == 4 {
                        text x=(f(cx)) y=(f(bottom + 14.0)) text-anchor="middle" font-size="10" { (i + 1) }
                    }
                }
                text x=(f(left + (width - 30.0 - left) / 2.0)) y=(f(bottom + 34.0)) text-anchor="middle" { (ctx.t(Msg::PrItem)) }
            }
            figcaption {
                span class="meta" { (ctx.t(Msg::PrLegend)) ": " }
                ul class="legend" {
                    li { (icon(html! { circle cx="9" cy="9" r="4.5" fill=(GOOD) {} })) " " (ctx.t(Msg::PrCorrect)) }
                    li { (icon(html! { path d="M4.5 4.5l9 9m0 -9l-9 9" stroke=(BAD) stroke-width="2.5" {} })) " " (ctx.t(Msg::PrIncorrect)) }
                    li { (icon(html! { rect x="5" y="5" width="8" height="8" fill="#fff" stroke=(INK) stroke-width="1.5" {} })) " " (ctx.t(Msg::PrBlank)) }
                    li { (icon(html! { line x1="2" x2="16" y1="9" y2="9" stroke="#6a6a6a" stroke-width="3" {} })) " " (ctx.t(Msg::PrMedianMark)) }
                    li { (icon(html! { polygon points="3,15 15,15 9,5" fill="none" stroke=(INK) stroke-width="1.5" {} })) " " (ctx.t(Msg::PrRapidMark)) }
                    li { (icon(html! { line x1="2" x2="16" y1="9" y2="9" stroke="#6a6a6a" stroke-width="1.5" stroke-dasharray="2 2" {} })) " " (ctx.t(Msg::PrRapidThreshold)) }
                }
                p class="hint" { (ctx.t(Msg::PrLogScale)) }
            }
        }
        details {
            summary { (ctx.t(Msg::PrDataTable)) ": " (ctx.t(Msg::PrResponseTimes)) }
            table {
                thead { tr {
                    th scope="col" { (ctx.t(Msg::PrItem)) }
                    th scope="col" { (ctx.t(Msg::PrAnswer)) }
                    th scope="col" { (ctx.t(Msg::PrSeconds)) }
                    th scope="col" { (ctx.t(Msg::PrCohortMedian)) }
                    th scope="col" { (ctx.t(Msg::PrRapidCol)) }
                } }
                tbody {
                    @for it in &t.items {
                        tr {
                            th scope="row" { (it.item) }
                            td {
                                @match it.option {
                                    None => { (ctx.t(Msg::PrBlank)) }
                                    Some(o) => {
                                        (char::from(b'A' + o.min(25))) " — "
                                        @if it.correct { "✔ " (ctx.t(Msg::PrCorrect)) } @else { "✘ " (ctx.t(Msg::PrIncorrect)) }
                                    }
                                }
                            }
                            td { (it.seconds.map_or("—".to_owned(), |s| format!("{s:.1}"))) }
                            td { (it.cohort_median_seconds.map_or("—".to_owned(), |s| format!("{s:.1}"))) }
                            td { @if it.rapid { "▽ " (ctx.t(Msg::PrYes)) " (< " (it.rapid_threshold_seconds.map_or("—".to_owned(), |s| format!("{s:.1}"))) " s)" } @else { "—" } }
                        }
                    }
                }
            }
        }
    }
}

/// A pair's answers under the key, items as columns. The grid is itself a table,
/// so it needs no other alternative; its counts are stated above it.
pub(crate) fn answer_grid(ctx: &Ctx, g: &AnswerGrid, names: &[String]) -> Markup {
    let same_wrong = g.marks.chars().filter(|&c| c == '*').count();
    let same_right = g.marks.chars().filter(|&c| c == '=').count();
    let key: Vec<char> = g.key.chars().collect();
    let rows: Vec<Vec<char>> = g.answers.iter().map(|a| a.chars().collect()).collect();
    let marks: Vec<char> = g.marks.chars().collect();
    let cell_class = |i: usize| match marks.get(i) {
        Some('*') => "same-wrong",
        Some('=') => "same-right",
        _ => "",
    };
    html! {
        p {
            strong { (ctx.t(Msg::PrSameWrong)) ": " (same_wrong) } " · "
            (ctx.t(Msg::PrSameCorrect)) ": " (same_right) " · "
            (ctx.t(Msg::PrItem)) ": " (g.items.len())
        }
        p class="hint" { (ctx.t(Msg::PrGridHint)) }
        div class="scroll" role="region" tabindex="0" aria-label=(ctx.t(Msg::PrAnswerGrid)) {
            table class="grid" {
                caption class="sr-only" { (ctx.t(Msg::PrAnswerGrid)) }
                thead { tr {
                    th scope="col" { (ctx.t(Msg::PrItem)) }
                    @for (i, item) in g.items.iter().enumerate() { th scope="col" title=(item) { (i + 1) } }
                } }
                tbody {
                    tr { th scope="row" { (ctx.t(Msg::PrKey)) } @for c in &key { td { (c) } } }
                    @for (r, row) in rows.iter().enumerate() {
                        tr {
                            th scope="row" { (names.get(r).map_or("", String::as_str)) }
                            @for (i, c) in row.iter().enumerate() {
                                td class=(cell_class(i)) { (c) }
                            }
                        }
                    }
                    tr {
                        th scope="row" { (ctx.t(Msg::PrMarks)) }
                        @for (i, m) in marks.iter().enumerate() {
                            @match m {
                                '*' => td class="same-wrong" { span aria-label=(ctx.t(Msg::PrSameWrong)) title=(ctx.t(Msg::PrSameWrong)) { "✱" } },
                                '=' => td class=(cell_class(i)) { span aria-label=(ctx.t(Msg::PrSameCorrect)) title=(ctx.t(Msg::PrSameCorrect)) { "=" } },
                                _ => td {},
                            }
                        }
                    }
                }
            }
        }
    }
}
