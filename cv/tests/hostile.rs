//! Broken, oversized and hostile uploads, built here in memory: each gives its own
//! error, and none panics, hangs, or makes the reader inflate without bound.

use std::io::{Cursor, Write};

use flate2::write::ZlibEncoder;
use flate2::Compression;
use qabilet_cv::{
    extract_text, CvError, CvFormat, MAX_DOCX_XML_BYTES, MAX_FILE_BYTES, MAX_PDF_PAGES,
    MAX_PDF_UNPACKED_BYTES, MAX_TEXT_CHARS,
};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Deterministic bytes (xorshift64), so a failure can be replayed.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect()
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, body) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(body).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A minimal DOCX: only the body part is read, so only the body part is written.
fn docx_with_paragraphs<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> Vec<u8> {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
    );
    for p in paragraphs {
        xml.push_str("<w:p><w:r><w:t>");
        xml.push_str(p);
        xml.push_str("</w:t></w:r></w:p>");
    }
    xml.push_str("</w:body></w:document>");
    zip_of(&[("word/document.xml", xml.as_bytes())])
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// A PDF from its objects' bodies, numbered from 1, with a correct xref table;
/// object 1 must be the catalog.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn obj(body: &str) -> Vec<u8> {
    body.as_bytes().to_vec()
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

const HELVETICA: &str =
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

/// A PDF of `pages` pages, each with one line of text in a base-14 font.
/// Objects: 1 catalog, 2 pages, 3 font, then a page and its content per page.
fn text_pdf(pages: usize) -> Vec<u8> {
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    let mut objects = vec![
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj(&format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )),
        obj(HELVETICA),
    ];
    for i in 0..pages {
        objects.push(obj(&format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * i
        )));
        objects.push(stream(
            "",
            format!("BT /F1 12 Tf 72 720 Td (Page {} of the CV) Tj ET", i + 1).as_bytes(),
        ));
    }
    pdf(&objects)
}

/// A one-page PDF whose page draws XObject 4 (`/X0`) once; the caller supplies
/// object 4 and any after it.
fn pdf_drawing_xobject(rest: Vec<Vec<u8>>) -> Vec<u8> {
    let mut objects = vec![
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /X0 4 0 R >> >> /Contents 5 0 R >>"),
    ];
    let mut rest = rest.into_iter();
    objects.push(rest.next().expect("object 4"));
    objects.push(stream("", b"/X0 Do"));
    objects.extend(rest);
    pdf(&objects)
}

#[test]
fn the_hand_built_pdf_reads() {
    // The builder above makes real PDFs, so the refusals below are about what
    // each test changes, not about a broken builder.
    let cv = extract_text(&text_pdf(2)).unwrap();
    assert_eq!(cv.format, CvFormat::Pdf);
    assert!(
        cv.text.contains("Page 1 of the CV") && cv.text.contains("Page 2 of the CV"),
        "{}",
        cv.text
    );
}

#[test]
fn file_over_the_size_limit_is_refused_before_it_is_read() {
    let mut big = fixture("cv-libreoffice.pdf");
    big.resize(MAX_FILE_BYTES + 1, b' ');
    assert_eq!(extract_text(&big), Err(CvError::TooLarge));
    // At the limit the bytes are looked at (and these are not a CV).
    assert_eq!(
        extract_text(&vec![b'x'; MAX_FILE_BYTES]),
        Err(CvError::UnsupportedFormat)
    );
    assert_eq!(
        extract_text(&vec![b'x'; MAX_FILE_BYTES + 1]),
        Err(CvError::TooLarge)
    );
    assert!(CvError::TooLarge.to_string().contains("5 MiB"));
}

#[test]
fn other_formats_and_random_bytes_are_unsupported() {
    let odt = zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", b"<office:document-content/>"),
    ]);
    let legacy_doc = [
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..],
        &noise(4096, 7),
    ]
    .concat();
    let png = [&b"\x89PNG\r\n\x1a\n"[..], &noise(512, 3)].concat();
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("random", noise(100_000, 42)),
        ("text", "Мен Қазақстан азаматымын".as_bytes().to_vec()),
        ("zip without word/document.xml", odt),
        ("legacy .doc", legacy_doc),
        ("png", png),
    ];
    for (what, bytes) in inputs {
        assert_eq!(
            extract_text(&bytes),
            Err(CvError::UnsupportedFormat),
            "{what}"
        );
    }
    let message = CvError::UnsupportedFormat.to_string();
    assert!(
        message.contains("PDF") && message.contains("DOCX"),
        "{message}"
    );
}

#[test]
fn zip_naming_a_pdf_is_still_a_docx() {
    // The first entry's name sits in the first KiB, where a PDF header may be.
    let xml =
        "<w:document><w:body><w:p><w:r><w:t>Қазақстан</w:t></w:r></w:p></w:body></w:document>";
    let docx = zip_of(&[
        ("%PDF-1.7 notes.txt", b"x"),
        ("word/document.xml", xml.as_bytes()),
    ]);
    let cv = extract_text(&docx).unwrap();
    assert_eq!((cv.format, cv.text.as_str()), (CvFormat::Docx, "Қазақстан"));
}

#[test]
fn zip_bomb_is_stopped_at_the_cap_not_at_the_header() {
    // One byte over the cap of real XML, which deflates about a thousandfold.
    let mut xml = b"<w:document><w:body><w:p><w:r><w:t>".to_vec();
    xml.resize(MAX_DOCX_XML_BYTES + 1, b'a');
    let bomb = zip_of(&[("word/document.xml", &xml)]);
    assert!(bomb.len() < 100_000, "bomb is {} bytes", bomb.len());
    assert_eq!(extract_text(&bomb), Err(CvError::TooLargeUnpacked));

    // The same bomb with its ZIP headers claiming 100 bytes uncompressed: the
    // cap counts what comes out of the decompressor, so the lie changes nothing.
    let lying = lie_about_uncompressed_size(bomb, 100);
    assert_eq!(extract_text(&lying), Err(CvError::TooLargeUnpacked));
}

/// Sets the uncompressed size in every local and central ZIP header to `size`.
fn lie_about_uncompressed_size(mut zip: Vec<u8>, size: u32) -> Vec<u8> {
    let mut patched = 0;
    for at in 0..zip.len().saturating_sub(4) {
        let field = match &zip[at..at + 4] {
            b"PK\x03\x04" => at + 22,
            b"PK\x01\x02" => at + 24,
            _ => continue,
        };
        zip[field..field + 4].copy_from_slice(&size.to_le_bytes());
        patched += 1;
    }
    assert_eq!(patched, 2, "one local and one central header");
    zip
}

#[test]
fn docx_exactly_at_the_cap_is_read_and_its_text_truncated() {
    // Paragraphs of 45 letters, then an XML comment padding the part to exactly
    // MAX_DOCX_XML_BYTES (one byte more is the bomb above).
    let paragraph = "Қазақстан Республикасының мемлекеттік қызметі";
    assert_eq!(paragraph.chars().count(), 45);
    let mut xml = String::from(
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
    );
    for _ in 0..2000 {
        xml.push_str(&format!("<w:p><w:r><w:t>{paragraph}</w:t></w:r></w:p>"));
    }
    let close = "--></w:body></w:document>";
    xml.push_str("<!--");
    let pad = MAX_DOCX_XML_BYTES - xml.len() - close.len();
    xml.push_str(&" ".repeat(pad));
    xml.push_str(close);
    assert_eq!(xml.len(), MAX_DOCX_XML_BYTES);

    let cv = extract_text(&zip_of(&[("word/document.xml", xml.as_bytes())])).unwrap();
    assert!(cv.truncated);
    // 46 chars a line with its newline: 1086 whole lines, then 44 letters of the
    // next, cut between two letters of «қызметі».
    assert_eq!(cv.text.chars().count(), MAX_TEXT_CHARS);
    assert_eq!(cv.text.lines().count(), 1087);
    assert!(
        cv.text
            .ends_with("\nҚазақстан Республикасының мемлекеттік қызмет"),
        "{}",
        &cv.text[cv.text.len() - 100..]
    );
}

#[test]
fn text_is_cut_at_the_limit_on_a_char_boundary() {
    // 49_999 Kazakh letters (two bytes each in UTF-8) and a space: exactly the limit.
    let exact = "ә".repeat(MAX_TEXT_CHARS - 2) + " ғ";
    let cv = extract_text(&docx_with_paragraphs([exact.as_str()])).unwrap();
    assert_eq!(
        (cv.text.chars().count(), cv.truncated),
        (MAX_TEXT_CHARS, false)
    );
    assert_eq!(cv.text, exact);

    // One letter more: cut after 50_000 chars, in the middle of two-byte letters.
    let over = "ә".repeat(MAX_TEXT_CHARS - 1) + "ғқ";
    let cv = extract_text(&docx_with_paragraphs([over.as_str()])).unwrap();
    assert!(cv.truncated);
    assert_eq!(cv.text, "ә".repeat(MAX_TEXT_CHARS - 1) + "ғ");
}

#[test]
fn docx_that_is_cut_short_or_malformed_is_unreadable() {
    let docx = fixture("cv-libreoffice.docx");
    for len in [docx.len() / 2, docx.len() - 10] {
        assert_eq!(
            extract_text(&docx[..len]),
            Err(CvError::Unreadable(CvFormat::Docx)),
            "first {len} bytes"
        );
    }
    let broken = zip_of(&[(
        "word/document.xml",
        b"<w:document><w:body><w:p><w:t>a</w:p>",
    )]);
    assert_eq!(
        extract_text(&broken),
        Err(CvError::Unreadable(CvFormat::Docx))
    );
}

#[test]
fn docx_without_text_has_no_text_layer() {
    let empty = docx_with_paragraphs(["", " \t ", ""]);
    assert_eq!(extract_text(&empty), Err(CvError::NoText(CvFormat::Docx)));
}

#[test]
fn pdf_that_is_cut_short_is_unreadable() {
    let pdf = fixture("cv-libreoffice.pdf");
    for len in [5, 100, pdf.len() / 2] {
        assert_eq!(
            extract_text(&pdf[..len]),
            Err(CvError::Unreadable(CvFormat::Pdf)),
            "first {len} bytes"
        );
    }
    let junk = [&b"%PDF-1.7\n"[..], &noise(50_000, 9)].concat();
    assert_eq!(extract_text(&junk), Err(CvError::Unreadable(CvFormat::Pdf)));
}

#[test]
fn corrupted_pdfs_give_errors_not_panics() {
    // Overwrite 64 bytes at a time across the whole file: headers, xref, fonts,
    // CMaps and content all get hit. Whatever breaks, the answer is a PDF error
    // or the text, never a panic out of the call.
    let pdf = fixture("cv-cairo.pdf");
    let mut outcomes = [0usize; 2];
    for (i, at) in (0..pdf.len()).step_by(397).enumerate() {
        let mut bad = pdf.clone();
        let end = (at + 64).min(bad.len());
        bad[at..end].copy_from_slice(&noise(end - at, i as u64 + 1));
        match extract_text(&bad) {
            Ok(cv) => {
                assert_eq!(cv.format, CvFormat::Pdf);
                outcomes[0] += 1;
            }
            Err(CvError::Unreadable(CvFormat::Pdf) | CvError::NoText(CvFormat::Pdf)) => {
                outcomes[1] += 1
            }
            // The header itself was overwritten: not a PDF any more.
            Err(CvError::UnsupportedFormat) if at < 5 => {}
            Err(other) => panic!("64 bytes at {at}: {other:?}"),
        }
    }
    assert!(outcomes[0] > 0 && outcomes[1] > 0, "{outcomes:?}");
}

#[test]
fn empty_page_has_no_text_layer() {
    let blank = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"),
        stream("", b"0 0 1 rg 72 72 200 100 re f"),
    ]);
    assert_eq!(extract_text(&blank), Err(CvError::NoText(CvFormat::Pdf)));
}

#[test]
fn pdf_pages_are_limited() {
    assert!(extract_text(&text_pdf(MAX_PDF_PAGES))
        .unwrap()
        .text
        .contains("Page 50 of the CV"));
    let err = extract_text(&text_pdf(MAX_PDF_PAGES + 1)).unwrap_err();
    assert_eq!(
        err,
        CvError::TooManyPages {
            pages: MAX_PDF_PAGES + 1
        }
    );
    assert!(err.to_string().contains("51 pages"), "{err}");
}

#[test]
fn pdf_content_bomb_is_refused() {
    // 64 MiB of content operators (spaces) from a stream of about 64 KiB.
    let inflated = vec![b' '; 2 * MAX_PDF_UNPACKED_BYTES];
    let compressed = zlib(&inflated);
    let bomb = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"),
        stream("/Filter /FlateDecode", &compressed),
    ]);
    assert!(bomb.len() < 200_000, "{}", bomb.len());
    assert_eq!(extract_text(&bomb), Err(CvError::TooLargeUnpacked));
}

#[test]
fn pdf_bomb_of_nested_filters_is_refused() {
    // Deflated twice: each layer alone is small, the last one is 64 MiB.
    let twice = zlib(&zlib(&vec![b' '; 2 * MAX_PDF_UNPACKED_BYTES]));
    let bomb = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"),
        stream("/Filter [/FlateDecode /FlateDecode]", &twice),
    ]);
    assert!(bomb.len() < 10_000, "{}", bomb.len());
    assert_eq!(extract_text(&bomb), Err(CvError::TooLargeUnpacked));
}

#[test]
fn pdf_drawing_one_form_many_times_is_refused() {
    // Forms 4 → 6 → 7 → 8 → 9, each drawing the next 64 times, the last holding
    // 64 bytes: 64⁴ drawings × 64 B = 1 GiB to interpret, from a file of 2 KiB.
    // Every stream is small, so only counting each drawing stops it.
    let fan_out = |next: &str| "/N Do ".repeat(64).replace("/N", next);
    let form = |res: &str, body: &str| {
        stream(&format!("/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << {res} >> >>"), body.as_bytes())
    };
    let file = pdf_drawing_xobject(vec![
        form("/A 6 0 R", &fan_out("/A")),
        form("/B 7 0 R", &fan_out("/B")),
        form("/C 8 0 R", &fan_out("/C")),
        form("/D 9 0 R", &fan_out("/D")),
        stream("/Type /XObject /Subtype /Form /BBox [0 0 1 1]", &[b' '; 64]),
    ]);
    assert!(file.len() < 4096, "{}", file.len());
    assert_eq!(extract_text(&file), Err(CvError::TooLargeUnpacked));
}

#[test]
fn pdf_setting_one_colour_space_many_times_is_refused() {
    // An ICC profile inflating to 1 MiB, set 64 times: pdf-extract reads the
    // profile afresh at each `cs`, so that is 64 MiB from a file of 2 KiB.
    let icc = zlib(&vec![0; 1 << 20]);
    let file = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /ColorSpace << /CS0 [/ICCBased 5 0 R] >> >> /Contents 4 0 R >>"),
        stream("", "/CS0 cs ".repeat(64).as_bytes()),
        stream("/N 3 /Filter /FlateDecode", &icc),
    ]);
    assert!(file.len() < 4096, "{}", file.len());
    assert_eq!(extract_text(&file), Err(CvError::TooLargeUnpacked));
}

#[test]
fn pdf_colour_space_over_a_web_of_references_is_refused() {
    // A colour space whose object names 2000 others, set 100 000 times: nothing
    // large to inflate, but two hundred million objects to look at.
    let web: String = (0..2000).map(|i| format!("/K{i} 7 0 R ")).collect();
    let file = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /ColorSpace << /CS0 [/ICCBased 5 0 R] >> >> /Contents 4 0 R >>"),
        stream("/Filter /FlateDecode", &zlib("/CS0 cs ".repeat(100_000).as_bytes())),
        stream("/N 3 /Web 6 0 R", b""),
        obj(&format!("<< {web} >>")),
        obj("<< /Leaf true >>"),
    ]);
    let started = std::time::Instant::now();
    assert_eq!(extract_text(&file), Err(CvError::TooLargeUnpacked));
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
}

#[test]
fn pdf_form_that_draws_itself_is_refused() {
    // pdf-extract would recurse until the stack overflows, which aborts the
    // process (a test binary here, the server in production).
    let file = pdf_drawing_xobject(vec![stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /X0 4 0 R >> >>",
        b"/X0 Do",
    )]);
    assert_eq!(extract_text(&file), Err(CvError::Unreadable(CvFormat::Pdf)));
}

#[test]
fn pdf_page_tree_that_loops_is_refused() {
    // The page inherits its media box: looking it up walks /Parent, here 2 → 3 → 2.
    // (It has its own resources, so a walk that stopped at them would miss it.)
    let file = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [4 0 R] /Count 1 /Parent 3 0 R >>"),
        obj("<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>"),
        obj("<< /Type /Page /Parent 2 0 R /Resources << >> /Contents 5 0 R >>"),
        stream("", b"BT ET"),
    ]);
    assert_eq!(extract_text(&file), Err(CvError::Unreadable(CvFormat::Pdf)));
}

#[test]
fn messages_name_no_internals() {
    let errors = [
        CvError::TooLarge,
        CvError::UnsupportedFormat,
        CvError::TooManyPages { pages: 51 },
        CvError::TooLargeUnpacked,
        CvError::Encrypted,
        CvError::Unreadable(CvFormat::Pdf),
        CvError::Unreadable(CvFormat::Docx),
        CvError::NoText(CvFormat::Pdf),
    ];
    for e in errors {
        let m = e.to_string();
        for internal in ["lopdf", "zip", "xml", "/", "\\", "panic", "Error", "{"] {
            assert!(!m.contains(internal), "{e:?}: {m:?} contains {internal:?}");
        }
    }
}

#[test]
fn pdf_page_tree_that_contains_itself_is_refused() {
    // Pages node 2 lists itself twice among its kids; pdf-extract alone read the
    // one page three times over.
    let file = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R 2 0 R 2 0 R] /Count 1 >>"),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"),
        stream("", b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"),
        obj(HELVETICA),
    ]);
    assert_eq!(extract_text(&file), Err(CvError::Unreadable(CvFormat::Pdf)));
}

#[test]
fn pdf_listing_one_page_many_times_is_refused() {
    // One page object listed 51 times; pdf-extract alone read it five times over.
    // A page count of distinct objects would let it through, so it is refused.
    let kids = "3 0 R ".repeat(MAX_PDF_PAGES + 1);
    let file = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj(&format!("<< /Type /Pages /Kids [{kids}] /Count 51 >>")),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"),
        stream("", b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"),
        obj(HELVETICA),
    ]);
    assert_eq!(extract_text(&file), Err(CvError::Unreadable(CvFormat::Pdf)));
}
