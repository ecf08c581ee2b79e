//! The protocol as PDF: A4 pages of left-aligned, word-wrapped lines in DejaVu Sans
//! (it covers Kazakh, Russian and English), the font embedded whole and deflated,
//! with a ToUnicode map so the text searches, copies and extracts as written.
//!
//! No layout engine: a protocol is a title, headings, lines and indented lines, so
//! a low-level writer (`pdf-writer`) and the font's own advances are all it takes.
//! The font is embedded whole rather than subset (about 440 KB deflated): a
//! protocol is issued a few times per competition, and a whole font is one less
//! thing that can go wrong in a document meant to be kept for years.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// DejaVu Sans 2.37 (Debian's fonts-dejavu-core; licence in `assets/`).
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

const PAGE: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 56.0;
const FONT_NAME: Name = Name(b"F1");

/// One block of the document.
#[derive(Debug, Clone)]
pub enum Block {
    Title(String),
    Heading(String),
    Line(String),
    /// A line under the one before (a member's declaration, a stage's reason).
    Indented(String),
    /// Vertical space.
    Gap,
}

impl Block {
    /// (font size, left indent).
    fn style(&self) -> (f32, f32) {
        match self {
            Block::Title(_) => (16.0, 0.0),
            Block::Heading(_) => (12.5, 0.0),
            Block::Line(_) => (10.0, 0.0),
            Block::Indented(_) => (9.5, 18.0),
            Block::Gap => (6.0, 0.0),
        }
    }

    fn text(&self) -> &str {
        match self {
            Block::Title(t) | Block::Heading(t) | Block::Line(t) | Block::Indented(t) => t,
            Block::Gap => "",
        }
    }
}

/// A laid-out line: where it starts, its size and its glyph ids.
struct Placed {
    x: f32,
    y: f32,
    size: f32,
    glyphs: Vec<u16>,
}

struct Font<'a> {
    face: ttf_parser::Face<'a>,
    per_em: f32,
    /// Glyph id → the text it was used for, for the ToUnicode map.
    used: BTreeMap<u16, char>,
}

impl<'a> Font<'a> {
    fn load() -> Result<Font<'static>, String> {
        let face = ttf_parser::Face::parse(FONT, 0).map_err(|e| format!("the font: {e}"))?;
        let per_em = f32::from(face.units_per_em());
        Ok(Font {
            face,
            per_em,
            used: BTreeMap::new(),
        })
    }

    fn glyph(&mut self, c: char) -> u16 {
        // A character the font lacks shows as the empty box (glyph 0), never panics.
        let id = self.face.glyph_index(c).map_or(0, |g| g.0);
        self.used.entry(id).or_insert(c);
        id
    }

    /// Advance of a glyph in thousandths of the font size.
    fn advance(&self, glyph: u16) -> f32 {
        let units = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .unwrap_or(0);
        f32::from(units) * 1000.0 / self.per_em
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| {
                let g = self.face.glyph_index(c).map_or(0, |g| g.0);
                self.advance(g) * size / 1000.0
            })
            .sum()
    }

    /// `text` broken at spaces into lines of at most `width` points; a word longer
    /// than a line is broken where it must be.
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let mut rest = word.to_owned();
            while self.width(&rest, size) > width {
                let mut cut = String::new();
                for c in rest.chars() {
                    if self.width(&format!("{cut}{c}"), size) > width && !cut.is_empty() {
                        break;
                    }
                    cut.push(c);
                }
                rest = rest[cut.len()..].to_owned();
                lines.push(cut);
            }
            line = rest;
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// A rendered document.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// The document: `blocks` laid out on as many pages as they need, each page
/// footed with `footer` and its number.
pub fn render(title: &str, blocks: &[Block], footer: &str) -> Result<Rendered, String> {
    let mut font = Font::load()?;
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let mut y = PAGE.1 - MARGIN;
    for block in blocks {
        let (size, indent) = block.style();
        let leading = size * 1.35;
        if let Block::Gap = block {
            y -= leading;
            continue;
        }
        let width = PAGE.0 - 2.0 * MARGIN - indent;
        for text in font.wrap(block.text(), size, width) {
            if y - leading < MARGIN + 20.0 {
                pages.push(Vec::new());
                y = PAGE.1 - MARGIN;
            }
            y -= leading;
            let glyphs = text.chars().map(|c| font.glyph(c)).collect();
            pages.last_mut().expect("one page at least").push(Placed {
                x: MARGIN + indent,
                y,
                size,
                glyphs,
            });
        }
    }
    let total = pages.len();
    for (n, page) in pages.iter_mut().enumerate() {
        let text = format!("{footer} · {} / {total}", n + 1);
        let glyphs = text.chars().map(|c| font.glyph(c)).collect();
        page.push(Placed {
            x: MARGIN,
            y: MARGIN - 8.0,
            size: 7.5,
            glyphs,
        });
    }
    Ok(Rendered {
        bytes: write(title, &pages, &font),
        pages: total,
    })
}

fn write(title: &str, pages: &[Vec<Placed>], font: &Font) -> Vec<u8> {
    let mut next = Ref::new(1);
    let mut id = || next.bump();
    let (catalog, tree, type0, cid, descriptor, cmap_id, file, info) =
        (id(), id(), id(), id(), id(), id(), id(), id());
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (id(), id())).collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().map(|(p, _)| *p))
        .count(pages.len() as i32);
    pdf.document_info(info)
        .title(TextStr(title))
        .creator(TextStr("Qabilet"));
    for (lines, (page_id, content_id)) in pages.iter().zip(&page_ids) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1))
            .parent(tree)
            .contents(*content_id);
        page.resources().fonts().pair(FONT_NAME, type0);
        page.finish();
        let mut content = Content::new();
        for line in lines {
            let bytes: Vec<u8> = line.glyphs.iter().flat_map(|g| g.to_be_bytes()).collect();
            content
                .begin_text()
                .set_font(FONT_NAME, line.size)
                .next_line(line.x, line.y)
                .show(Str(&bytes))
                .end_text();
        }
        pdf.stream(*content_id, &content.finish().into_vec());
    }

    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(type0)
        .base_font(Name(b"DejaVuSans"))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap_id);
    {
        let mut c = pdf.cid_font(cid);
        c.subtype(CidFontType::Type2)
            .base_font(Name(b"DejaVuSans"))
            .system_info(system)
            .font_descriptor(descriptor)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let mut widths = c.widths();
        for &glyph in font.used.keys() {
            widths.consecutive(glyph, [font.advance(glyph)]);
        }
    }
    let scale = |v: i16| f32::from(v) * 1000.0 / font.per_em;
    let bbox = font.face.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(Name(b"DejaVuSans"))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            scale(bbox.x_min),
            scale(bbox.y_min),
            scale(bbox.x_max),
            scale(bbox.y_max),
        ))
        .italic_angle(0.0)
        .ascent(scale(font.face.ascender()))
        .descent(scale(font.face.descender()))
        .cap_height(scale(font.face.capital_height().unwrap_or(700)))
        .stem_v(80.0)
        .font_file2(file);
    let mut cmap = UnicodeCmap::new(Name(b"Custom"), system);
    for (&glyph, &c) in &font.used {
        cmap.pair(glyph, c);
    }
    pdf.cmap(cmap_id, cmap.finish().as_slice());
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(FONT, 6);
    pdf.stream(file, &packed)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), FONT.len() as i32);
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_and_pages_break() {
        let font = Font::load().unwrap();
        let text = "Комиссия шешімі қабылданды ".repeat(20);
        let lines = font.wrap(&text, 10.0, 300.0);
        assert!(lines.len() > 3);
        assert!(lines.iter().all(|l| font.width(l, 10.0) <= 300.0));
        let word = "Ы".repeat(200);
        assert!(
            font.wrap(&word, 10.0, 100.0).len() > 5,
            "a long word is cut"
        );
        let blocks: Vec<Block> = (0..200).map(|i| Block::Line(format!("жол {i}"))).collect();
        let doc = render("t", &blocks, "foot").unwrap();
        assert!(doc.bytes.starts_with(b"%PDF-"));
        assert_eq!(doc.pages, 4, "200 lines of 13.5 pt on A4");
    }
}
