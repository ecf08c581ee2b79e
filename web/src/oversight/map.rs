//! Kazakhstan's 20 regions as a tile map, shaded by a count.
//!
//! A tile map rather than borders: each region is one equal tile at its rough
//! place (west to east, north to south), so Almaty city is as readable as Karaganda
//! region, and no boundary data is needed (those published before 2022 lack the
//! Abai, Jetisu and Ulytau regions). Every tile carries its short name and value
//! as text, the shading has five classes with a legend, and the chart names every
//! value in its text alternative; the table below it holds the same numbers.

use maud::{html, Markup};
use qabilet_domain::{Language, Region};

/// (column, row) of each region's tile.
fn place(region: Region) -> Option<(u32, u32)> {
    use Region::*;
    Some(match region {
        WestKazakhstan => (0, 0),
        Kostanay => (2, 0),
        NorthKazakhstan => (3, 0),
        Pavlodar => (5, 0),
        Aktobe => (1, 1),
        Akmola => (3, 1),
        Astana => (4, 1),
        Abai => (5, 1),
        EastKazakhstan => (6, 1),
        Atyrau => (0, 2),
        Ulytau => (2, 2),
        Karaganda => (3, 2),
        Jetisu => (5, 2),
        Mangystau => (0, 3),
        Kyzylorda => (1, 3),
        Turkistan => (2, 3),
        Jambyl => (3, 3),
        AlmatyRegion => (4, 3),
        Almaty => (5, 3),
        Shymkent => (2, 4),
        Abroad | Unknown => return None,
    })
}

const TILE: f64 = 96.0;
const GAP: f64 = 4.0;
/// Light to dark; the darkest classes take white text.
const SHADES: [&str; 5] = ["#e8f1f8", "#bcd6ea", "#7fb0d6", "#3d7fb5", "#0b4f86"];

/// The class (0–4) of `value` on a 0..`max` scale; 0 only for zero.
fn class(value: f64, max: f64) -> usize {
    if value <= 0.0 || max <= 0.0 {
        return 0;
    }
    1 + ((value / max) * 3.999).floor().min(3.0) as usize
}

/// A short name for a tile: the region's name without "Region" / "облысы" /
/// "область".
fn short(region: Region, lang: Language) -> String {
    let name = region.name(lang);
    ["Region", "облысы", "область", "Область"]
        .iter()
        .fold(name.to_owned(), |n, word| n.replace(word, ""))
        .trim()
        .to_owned()
}

/// The map of `values` (by region), titled `title`.
pub(crate) fn tile_map(title: &str, values: &[(Region, f64)], lang: Language) -> Markup {
    let max = values.iter().map(|(_, v)| *v).fold(0.0, f64::max);
    let width = 7.0 * (TILE + GAP);
    let height = 5.0 * (TILE + GAP) + 40.0;
    let alt: Vec<String> = values
        .iter()
        .map(|(r, v)| format!("{}: {v}", r.name(lang)))
        .collect();
    let alt = format!("{title}. {}", alt.join("; "));
    let step = max / 4.0;
    html! {
        svg class="chart map" role="img" aria-label=(alt) width=(width) height=(height)
            viewBox=(format!("0 0 {width} {height}")) xmlns="http://www.w3.org/2000/svg" {
            title { (alt) }
            @for (region, value) in values {
                @if let Some((col, row)) = place(*region) {
                    @let (x, y) = (f64::from(col) * (TILE + GAP), f64::from(row) * (TILE + GAP));
                    @let c = class(*value, max);
                    @let ink = if c >= 3 { "#ffffff" } else { "#1a1a1a" };
                    g data-region=(region.code()) {
                        rect x=(x) y=(y) width=(TILE) height=(TILE) rx="6" fill=(SHADES[c])
                            stroke="#1a1a1a" stroke-width="1" {}
                        text x=(x + TILE / 2.0) y=(y + TILE / 2.0 - 6.0) text-anchor="middle"
                            font-size="11" fill=(ink) { (short(*region, lang)) }
                        text x=(x + TILE / 2.0) y=(y + TILE / 2.0 + 14.0) text-anchor="middle"
                            font-size="16" font-weight="bold" fill=(ink) { (value) }
                    }
                }
            }
            @let legend_y = 5.0 * (TILE + GAP) + 8.0;
            @for (i, shade) in SHADES.iter().enumerate() {
                @let x = i as f64 * 110.0;
                rect x=(x) y=(legend_y) width="18" height="18" fill=(shade) stroke="#1a1a1a" {}
                text x=(x + 24.0) y=(legend_y + 14.0) font-size="12" {
                    @if i == 0 { "0" } @else {
                        (format!("{:.0}–{:.0}", step * (i - 1) as f64, step * i as f64))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_of_kazakhstan_has_its_own_tile() {
        let mut seen = std::collections::HashSet::new();
        for &r in Region::KAZAKHSTAN {
            let p = place(r).expect("a tile");
            assert!(seen.insert(p), "{r:?} shares a tile");
        }
        assert_eq!(class(0.0, 10.0), 0);
        assert_eq!(class(10.0, 10.0), 4);
        assert_eq!(class(0.1, 10.0), 1);
        assert_eq!(short(Region::Karaganda, Language::En), "Karaganda");
    }
}
