//! DOCX: the body text of `word/document.xml`, read through a size cap.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;
use zip::ZipArchive;

use crate::{CvError, CvFormat, MAX_DOCX_XML_BYTES};

/// The part of a DOCX package that holds the body (ECMA-376 Part 1, §11.3.10).
pub(crate) const DOCUMENT_PART: &str = "word/document.xml";

/// Opens `bytes` as a ZIP archive if it is one that holds [`DOCUMENT_PART`].
///
/// `None` means "not a DOCX" (not a ZIP, or a ZIP of something else such as an ODT
/// or an XLSX), which the caller reports as an unsupported format.
pub(crate) fn open(bytes: &[u8]) -> Option<ZipArchive<Cursor<&[u8]>>> {
    let archive = ZipArchive::new(Cursor::new(bytes)).ok()?;
    archive.index_for_name(DOCUMENT_PART).map(|_| archive)
}

/// Whether `bytes` that [`open`] refused still look like a DOCX: a ZIP that names
/// [`DOCUMENT_PART`] in a local header but whose directory cannot be read (typically
/// an upload cut short). Such a file is damaged, not of another format.
pub(crate) fn looks_damaged(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        && bytes
            .windows(DOCUMENT_PART.len())
            .any(|w| w == DOCUMENT_PART.as_bytes())
}

/// The raw body text of an opened DOCX, not yet normalised.
pub(crate) fn extract(mut archive: ZipArchive<Cursor<&[u8]>>) -> Result<String, CvError> {
    let unreadable = CvError::Unreadable(CvFormat::Docx);
    // Also refused here: entries neither stored nor deflated (Office writes
    // deflate) and ZIP-encrypted entries.
    let part = archive
        .by_name(DOCUMENT_PART)
        .map_err(|_| unreadable.clone())?;
    // The size in the ZIP headers is whatever the file says it is; only the bytes
    // that actually come out of the decompressor count. Reading one byte past the
    // cap tells "exactly at the cap" from "over it" without inflating any further.
    let mut xml = Vec::new();
    part.take(MAX_DOCX_XML_BYTES as u64 + 1)
        .read_to_end(&mut xml)
        .map_err(|_| unreadable.clone())?;
    if xml.len() > MAX_DOCX_XML_BYTES {
        return Err(CvError::TooLargeUnpacked);
    }
    body_text(&xml).ok_or(unreadable)
}

/// Walks WordprocessingML and returns the text a reader sees, or `None` if the XML
/// is malformed.
///
/// Kept: `w:t` (and math `m:t`) inside runs; `w:tab` becomes a space; `w:br` and
/// `w:cr` a newline; every paragraph end a newline, so table cells, list items
/// and text boxes come out one per line.
///
/// Left out, because a reader does not see them or would see them twice:
/// `w:instrText` (field codes such as `HYPERLINK "mailto:…"`), `w:delText` and
/// `w:moveFrom` (tracked deletions and the old place of moved text), and
/// `mc:Fallback` (Word writes every text box twice: DrawingML in `mc:Choice`, VML in
/// `mc:Fallback`). The `w:tab` elements of a paragraph's tab-stop list (`w:tabs`)
/// are not runs' tabs and add nothing.
///
/// quick-xml expands no DTD entities, so no external entity or "billion laughs"
/// reaches this walk; an undeclared entity is dropped.
pub(crate) fn body_text(xml: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(xml);
    let mut out = String::new();
    // Depth inside elements whose whole content is left out (see above).
    let mut skipped = 0usize;
    // Depth inside `w:t` / `m:t`, whose text is kept.
    let mut in_text = 0usize;
    // Depth inside `w:tabs`, whose `w:tab` children are tab stops, not tabs.
    let mut in_tab_stops = 0usize;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                let name = e.local_name();
                if skipped > 0 || matches!(name.as_ref(), "Fallback" | "moveFrom") {
                    skipped += 1;
                    continue;
                }
                match name.as_ref() {
                    "t" => in_text += 1,
                    "tabs" => in_tab_stops += 1,
                    other => push_break(&mut out, other, in_tab_stops),
                }
            }
            Event::Empty(e) if skipped == 0 => {
                push_break(&mut out, e.local_name().as_ref(), in_tab_stops)
            }
            Event::End(e) => {
                if skipped > 0 {
                    skipped -= 1;
                    continue;
                }
                match e.local_name().as_ref() {
                    "t" => in_text = in_text.saturating_sub(1),
                    "tabs" => in_tab_stops = in_tab_stops.saturating_sub(1),
                    "p" => out.push('\n'),
                    _ => {}
                }
            }
            Event::Text(t) if skipped == 0 && in_text > 0 => out.push_str(&t.xml10_content()),
            Event::CData(t) if skipped == 0 && in_text > 0 => {
                out.push_str(&t);
            }
            Event::GeneralRef(r) if skipped == 0 && in_text > 0 => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                    out.push_str(s);
                }
            }
            Event::Eof => return Some(out),
            _ => {}
        }
    }
}

/// The text an empty (or opening) run element stands for.
fn push_break(out: &mut String, local_name: &str, in_tab_stops: usize) {
    match local_name {
        "tab" if in_tab_stops == 0 => out.push(' '),
        "br" | "cr" => out.push('\n'),
        "noBreakHyphen" => out.push('-'),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::body_text;

    fn text(xml: &str) -> String {
        body_text(xml.as_bytes()).expect("well-formed")
    }

    #[test]
    fn runs_tabs_breaks_and_paragraphs() {
        let xml = r#"<w:document xmlns:w="w"><w:body>
            <w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="2000"/></w:tabs></w:pPr>
              <w:r><w:t>Теле</w:t></w:r><w:r><w:t xml:space="preserve">фон:</w:t><w:tab/><w:t>+7</w:t></w:r>
              <w:r><w:br/><w:t>Мемлекеттік &amp; қызмет&#x2011;</w:t><w:noBreakHyphen/><w:t>A</w:t></w:r></w:p>
            <w:p><w:r><w:t>Second</w:t></w:r></w:p>
        </w:body></w:document>"#;
        assert_eq!(
            text(xml),
            "Телефон: +7\nМемлекеттік & қызмет\u{2011}-A\nSecond\n"
        );
    }

    #[test]
    fn field_codes_deletions_and_fallbacks_are_left_out() {
        let xml = r#"<w:document xmlns:w="w" xmlns:mc="mc"><w:body><w:p>
            <w:r><w:fldChar w:fldCharType="begin"/></w:r>
            <w:r><w:instrText>HYPERLINK "mailto:a@b.kz"</w:instrText></w:r>
            <w:r><w:fldChar w:fldCharType="separate"/></w:r>
            <w:r><w:t>a@b.kz</w:t></w:r>
            <w:r><w:fldChar w:fldCharType="end"/></w:r>
            <w:del><w:r><w:delText>removed</w:delText></w:r></w:del>
            <w:moveFrom><w:r><w:t>moved</w:t></w:r></w:moveFrom>
            <mc:AlternateContent>
              <mc:Choice><w:txbxContent><w:p><w:r><w:t>Box</w:t></w:r></w:p></w:txbxContent></mc:Choice>
              <mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Box</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>
            </mc:AlternateContent>
        </w:p></w:body></w:document>"#;
        assert_eq!(text(xml), "a@b.kzBox\n\n");
    }

    #[test]
    fn malformed_xml_is_none() {
        assert_eq!(body_text(b"<w:p><w:t>a</w:r></w:p>"), None);
    }
}
