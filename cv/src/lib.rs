//! Plain text from an uploaded CV file, PDF or DOCX, within fixed limits.
//!
//! This crate owns one step: the bytes a candidate uploads become the text of their
//! profile's free-text summary. It knows no HTTP and no profile; the caller passes
//! the bytes and maps [`CvError`] to a 4xx answer (each variant names its status).
//! Every message is written for the candidate, says what to do, and carries no
//! internals (no paths, no library errors).
//!
//! The files come from outside: Word, LibreOffice and Google Docs, in Kazakh,
//! Russian and English. Everything here assumes the bytes may be broken or hostile.
//!
//! - **Format from the bytes, not the name.** `%PDF-` in the first KiB (where
//!   readers accept it) is a PDF; a ZIP holding `word/document.xml` is a DOCX;
//!   anything else, including legacy `.doc`, ODT and images, is
//!   [`CvError::UnsupportedFormat`].
//! - **Limits are explicit and public**: [`MAX_FILE_BYTES`], [`MAX_PDF_PAGES`],
//!   [`MAX_PDF_UNPACKED_BYTES`], [`MAX_DOCX_XML_BYTES`], [`MAX_TEXT_CHARS`].
//!   Sizes that count are the bytes actually inflated, never a size a header
//!   claims: `document.xml` is read through a reader capped one byte past the
//!   limit, and PDF streams through lopdf's bounded decoders.
//! - **No panic reaches the caller**: PDF parsing runs under
//!   [`std::panic::catch_unwind`] (see `pdf.rs` for why), and a panic there
//!   becomes [`CvError::Unreadable`]. This relies on the workspace building with
//!   `panic = "unwind"`, Cargo's default, which it does.
//!
//! ## Choices, and what they were measured against
//!
//! - **PDF text: pdf-extract 0.12**, not lopdf's own `Document::extract_text`.
//!   Both were run on the fixtures in `tests/fixtures` (see its README): a CV in
//!   Kazakh, Russian and English saved as PDF by LibreOffice 7.4 (simple TrueType
//!   subsets with ToUnicode CMaps) and re-rendered by cairo 1.16 (CID TrueType,
//!   Identity-H, ToUnicode: the kind of fonts Word's "Save as PDF" writes). Both
//!   decode every Kazakh letter through the CMaps. lopdf's own extraction, though,
//!   breaks lines at every text object (a table row comes out one cell per line)
//!   and on the Identity-H file splits text at kerning, «Телефон :», «жоспарлау ,»,
//!   and the «fl» ligature of "fluent" into «fl uent», which search and matching
//!   then miss. pdf-extract lays text out from glyph positions and gave the
//!   lines, words and ligatures right on both. It costs its own copy of lopdf
//!   (0.42) and a few font parsers: 55 s of CPU to build once, cold, at the
//!   workspace's `-O3` for dependencies (lopdf 0.42 alone 40 s), nothing after.
//! - **lopdf 0.47, too, for a bounded first look** (`pdf.rs`): pdf-extract trusts
//!   the file (unbounded inflation, unbounded recursion into XObjects and up
//!   `/Parent`), and an out-of-memory abort or a stack overflow cannot be caught.
//!   lopdf 0.47 decodes with size limits, so it loads the file, counts pages and
//!   walks what pdf-extract would walk, charging it against
//!   [`MAX_PDF_UNPACKED_BYTES`], before pdf-extract is let near it. That is
//!   another 65 s of CPU, once, with its own crypto and decoder crates (all new
//!   dependencies together: 123 s of CPU, 83 s on this 2-core machine). On the
//!   one-page fixtures a whole PDF read takes 4–6 ms (this crate in a debug
//!   build), the first look 1–2 ms of it.
//! - **DOCX: zip 2 with only `deflate`**, the version and features the
//!   workspace already builds for `qabilet-models`, so nothing new to compile; and
//!   **quick-xml**, no default features (it pulls in only `memchr`), which builds
//!   in about 2 s and never expands DTD entities.

mod docx;
mod pdf;
mod text;

use std::fmt;

/// The largest upload read, in bytes (5 MiB). A text CV is tens of kilobytes; a
/// CV with a photo a few hundred.
pub const MAX_FILE_BYTES: usize = 5 * MIB;

/// The most pages a PDF may have. A CV is one to five pages; fifty leaves room for
/// attached diplomas and certificates.
pub const MAX_PDF_PAGES: usize = 50;

/// The most bytes a PDF may inflate to while it is read, over all its streams
/// (32 MiB): page contents, each image or form each time it is drawn, each colour
/// space each time it is set, each page's fonts. The fixtures' one-page CVs use
/// 20–90 KiB of it, so fifty such pages fit many times over, while a crafted file
/// cannot make the reader hold or scan more than this. A scan stored losslessly
/// at full resolution can reach it first, and is then refused as too large rather
/// than as having no text.
pub const MAX_PDF_UNPACKED_BYTES: usize = 32 * MIB;

/// The most bytes `word/document.xml` may inflate to (20 MiB). A CV's body XML is
/// tens to hundreds of kilobytes; past this it is a ZIP bomb, not a CV.
pub const MAX_DOCX_XML_BYTES: usize = 20 * MIB;

/// The most characters (Unicode scalar values) of text kept: the profile summary's
/// limit. Longer text is cut at a character boundary and marked [`CvText::truncated`].
pub const MAX_TEXT_CHARS: usize = 50_000;

const MIB: usize = 1024 * 1024;

/// Where readers look for a PDF's `%PDF-` header: the first KiB, as Acrobat does,
/// since some generators put a few bytes of junk before it.
const PDF_HEADER_WINDOW: usize = 1024;

/// The two kinds of file read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CvFormat {
    /// A PDF: its text layer is read, page by page.
    Pdf,
    /// A Word document (Office Open XML): its body, `word/document.xml`, is read.
    Docx,
}

impl fmt::Display for CvFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CvFormat::Pdf => "PDF",
            CvFormat::Docx => "DOCX",
        })
    }
}

/// The text of a CV, normalised: one space between words, one line per line or
/// paragraph of the original, at most one blank line in a row, no control
/// characters, trimmed, never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CvText {
    /// What the file turned out to be (from its bytes).
    pub format: CvFormat,
    /// At most [`MAX_TEXT_CHARS`] characters.
    pub text: String,
    /// Whether `text` was cut to [`MAX_TEXT_CHARS`]: the caller may want to tell
    /// the candidate that the end of their CV was not kept.
    pub truncated: bool,
}

/// Why no text came out of a file. Each message is for the candidate: it says
/// what was wrong and what to upload instead, and names no internals.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CvError {
    /// 413 Payload Too Large.
    #[error("The file is larger than {} MiB. Upload a smaller PDF or DOCX.", MAX_FILE_BYTES / MIB)]
    TooLarge,
    /// 415 Unsupported Media Type.
    #[error(
        "Only PDF and DOCX files can be read. Save your CV as PDF or DOCX \
         (for an old .doc, use \"Save as\" in Word or LibreOffice) and upload it again."
    )]
    UnsupportedFormat,
    /// 422 Unprocessable Content.
    #[error("The PDF has {pages} pages; at most {MAX_PDF_PAGES} are read. Upload the CV without attachments.")]
    TooManyPages {
        /// How many pages the file has.
        pages: usize,
    },
    /// 422 Unprocessable Content: the file inflates past [`MAX_PDF_UNPACKED_BYTES`]
    /// or [`MAX_DOCX_XML_BYTES`] (a compression bomb, or huge embedded scans).
    #[error(
        "The document unpacks to more data than is read. Save it again as PDF or DOCX \
         from the program it was written in, without large images, and upload it again."
    )]
    TooLargeUnpacked,
    /// 422 Unprocessable Content.
    #[error("The file is password-protected. Remove the password and upload it again.")]
    Encrypted,
    /// 422 Unprocessable Content: the bytes start as this format but cannot be read
    /// as it (truncated, corrupt, or malformed).
    #[error(
        "The {0} file is damaged and cannot be read. Open it, save it again, and upload it again."
    )]
    Unreadable(CvFormat),
    /// 422 Unprocessable Content: the file reads but holds no text, such as a
    /// scanned, image-only PDF.
    #[error(
        "The {0} file holds no text layer, only images or nothing; scanned CVs are not read. \
         Upload the PDF or DOCX saved from the program the CV was written in."
    )]
    NoText(CvFormat),
}

/// Reads the text of a CV file, PDF or DOCX, told apart by its bytes.
///
/// The result is normalised (see [`CvText`]) and cut to [`MAX_TEXT_CHARS`]. Every
/// failure is a [`CvError`], whatever the bytes; nothing here panics on input.
///
/// The work is CPU-bound and synchronous: a real CV takes milliseconds, the
/// slowest hostile file in the tests about half a second. From async code, call it
/// on a blocking thread (`tokio::task::spawn_blocking`).
pub fn extract_text(bytes: &[u8]) -> Result<CvText, CvError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(CvError::TooLarge);
    }
    let (format, raw) = if is_pdf(bytes) {
        (CvFormat::Pdf, pdf::extract(bytes)?)
    } else if let Some(archive) = docx::open(bytes) {
        (CvFormat::Docx, docx::extract(archive)?)
    } else if docx::looks_damaged(bytes) {
        return Err(CvError::Unreadable(CvFormat::Docx));
    } else {
        return Err(CvError::UnsupportedFormat);
    };
    let text = text::normalise(&raw);
    if text.is_empty() {
        return Err(CvError::NoText(format));
    }
    let (text, truncated) = text::truncate(text, MAX_TEXT_CHARS);
    Ok(CvText {
        format,
        text,
        truncated,
    })
}

/// `%PDF-` in the first KiB, unless the file is a ZIP (whose first entry's name
/// could hold those bytes).
fn is_pdf(bytes: &[u8]) -> bool {
    !bytes.starts_with(b"PK\x03\x04")
        && bytes[..bytes.len().min(PDF_HEADER_WINDOW)]
            .windows(5)
            .any(|w| w == b"%PDF-")
}
