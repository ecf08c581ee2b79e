//! Small inline SVG charts: horizontal bars with their values written beside them,
//! so the chart reads without colour and the numbers are there for screen readers
//! (each chart is `role="img"` with a text alternative naming every value).

use maud::{html, Markup};

/// One bar: its label, its value, and the text written at its end.
pub(crate) struct Bar {
    pub label: String,
    pub value: f64,
    pub shown: String,
    /// Drawn hatched-dark instead of filled, for a bar to look into.
    pub alert: bool,
}

const LABEL_W: f64 = 190.0;
const BAR_W: f64 = 260.0;
const ROW_H: f64 = 22.0;

/// A horizontal bar chart of `bars` on a 0..`max` scale, with an optional dashed
/// marker line (e.g. the four-fifths threshold) at `marker`.
pub(crate) fn bars(title: &str, bars: &[Bar], max: f64, marker: Option<(f64, &str)>) -> Markup {
    let max = if max > 0.0 { max } else { 1.0 };
    let height = ROW_H * bars.len() as f64 + if marker.is_some() { 22.0 } else { 6.0 };
    let width = LABEL_W + BAR_W + 70.0;
    let alt: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.shown))
        .collect();
    let alt = format!("{title}. {}", alt.join("; "));
    html! {
        svg class="chart" role="img" aria-label=(alt) width=(width) height=(height)
            viewBox=(format!("0 0 {width} {height}")) xmlns="http://www.w3.org/2000/svg" {
            title { (alt) }
            @for (i, b) in bars.iter().enumerate() {
                @let y = i as f64 * ROW_H + 3.0;
                @let w = (b.value.max(0.0) / max).min(1.0) * BAR_W;
                text x=(LABEL_W - 6.0) y=(y + 13.0) text-anchor="end" { (b.label) }
                rect x=(LABEL_W) y=(y) width=(BAR_W) height=(ROW_H - 6.0) fill="#eeeeee" {}
                rect x=(LABEL_W) y=(y) width=(format!("{w:.1}")) height=(ROW_H - 6.0)
                    fill=(if b.alert { "#a4161a" } else { "#00558c" }) {}
                text x=(LABEL_W + BAR_W + 6.0) y=(y + 13.0) { (b.shown) }
            }
            @if let Some((m, label)) = marker {
                @let x = LABEL_W + (m / max).clamp(0.0, 1.0) * BAR_W;
                @let bottom = ROW_H * bars.len() as f64 + 3.0;
                line x1=(format!("{x:.1}")) x2=(format!("{x:.1}")) y1="0" y2=(bottom)
                    stroke="#1a1a1a" stroke-width="2" stroke-dasharray="4 3" {}
                text x=(format!("{x:.1}")) y=(bottom + 14.0) text-anchor="middle" { (label) }
            }
        }
    }
}
