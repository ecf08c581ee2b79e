//! Real CV files from real producers (see `fixtures/README.md`): the words come out
//! whole, in all three languages, laid out in lines.

use qabilet_cv::{extract_text, CvError, CvFormat, CvText};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read(name: &str) -> CvText {
    extract_text(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// What every producer's file must give, whatever the layout differences.
fn assert_cv_text(name: &str, cv: &CvText) {
    let text = &cv.text;
    for needle in [
        // Kazakh, with every letter of the Kazakh alphabet beyond Russian's.
        "Қазақстан Республикасының мемлекеттік қызметінде",
        "Әсел Нұрланқызы Жақсыбекова",
        "Әріптер: Әә Ғғ Ққ Ңң Өө Ұұ Үү Һһ Іі",
        "«Һиджра», «ұйымдастыру», «үйрену»",
        "Өңірлік әкімдіктің қаржы бөлімінде",
        // Russian, across a bold run in the middle of the sentence.
        "Главный специалист отдела государственных закупок акимата города",
        "Ёмкие отчёты, съезд, подъём",
        // English, with the «fl» that the PDF fonts set as one ligature glyph.
        "Public procurement, budget planning, data analysis (Excel, SQL).",
        "Russian (fluent), English (B2, IELTS 6.5)",
        "L. N. Gumilyov Eurasian National University",
        // The tab between label and number became one space.
        "Телефон: +7 701 000 00 00",
        "ТОО «Даму Консалтинг»",
    ] {
        assert!(
            text.contains(needle),
            "{name}: {needle:?} missing from:\n{text}"
        );
    }
    // The line break inside the contact paragraph, and paragraphs, are lines.
    assert!(
        text.contains("\nE-mail: asel.zh@example.kz\n"),
        "{name}:\n{text}"
    );
    assert!(
        text.lines().any(|l| l == "О себе"),
        "{name}: heading not on its own line:\n{text}"
    );
    assert!(
        !text.contains("  ") && !text.contains("\n\n\n") && !text.contains(" \n"),
        "{name}:\n{text:?}"
    );
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{name}: {text:?}"
    );
    assert_eq!(text.trim(), text, "{name}");
    assert!(!cv.truncated, "{name}");
}

#[test]
fn docx_written_by_python_docx() {
    let cv = read("cv-python-docx.docx");
    assert_eq!(cv.format, CvFormat::Docx);
    assert_cv_text("cv-python-docx.docx", &cv);
}

#[test]
fn docx_resaved_by_libreoffice() {
    let cv = read("cv-libreoffice.docx");
    assert_eq!(cv.format, CvFormat::Docx);
    assert_cv_text("cv-libreoffice.docx", &cv);
}

#[test]
fn pdf_from_libreoffice_with_subset_fonts_and_tounicode() {
    let cv = read("cv-libreoffice.pdf");
    assert_eq!(cv.format, CvFormat::Pdf);
    assert_cv_text("cv-libreoffice.pdf", &cv);
    // A table row stays on one line, its cells apart.
    assert!(
        cv.text
            .contains("2016–2019 ТОО «Даму Консалтинг» Экономист"),
        "{}",
        cv.text
    );
}

#[test]
fn pdf_from_cairo_with_identity_h_cid_fonts() {
    let cv = read("cv-cairo.pdf");
    assert_eq!(cv.format, CvFormat::Pdf);
    assert_cv_text("cv-cairo.pdf", &cv);
    // lopdf's own extraction broke these at kerning: «Телефон :», «жоспарлау ,».
    assert!(
        cv.text.contains("жоспарлау, мемлекеттік сатып алуды"),
        "{}",
        cv.text
    );
}

#[test]
fn docx_and_pdf_of_one_cv_give_the_same_words() {
    let words = |t: &CvText| {
        t.text
            .split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let docx = words(&read("cv-libreoffice.docx"));
    for pdf in ["cv-libreoffice.pdf", "cv-cairo.pdf"] {
        assert_eq!(words(&read(pdf)), docx, "{pdf}");
    }
}

#[test]
fn scanned_pdf_has_no_text_layer() {
    let err = extract_text(&fixture("cv-scan.pdf")).unwrap_err();
    assert_eq!(err, CvError::NoText(CvFormat::Pdf));
    assert!(err.to_string().contains("no text layer"), "{err}");
    assert!(
        err.to_string().contains("scanned CVs are not read"),
        "{err}"
    );
}

#[test]
fn pdf_asking_for_a_password_is_refused_as_such() {
    assert_eq!(
        extract_text(&fixture("cv-user-password.pdf")),
        Err(CvError::Encrypted)
    );
}

#[test]
fn pdf_with_only_an_owner_password_is_read() {
    let cv = read("cv-owner-password.pdf");
    assert_cv_text("cv-owner-password.pdf", &cv);
}

#[test]
fn fixtures_stay_small() {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let len = entry.metadata().unwrap().len();
        assert!(len < 100_000, "{:?} is {len} bytes", entry.file_name());
    }
}
