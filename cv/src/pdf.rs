//! PDF: a bounded look at the file with lopdf, then the text with pdf-extract.
//!
//! pdf-extract reads text right (see the crate docs) but trusts the file: it
//! inflates every stream it touches without a size bound, follows `Do` into
//! XObjects without a depth bound or cycle check, and walks `/Parent` for inherited
//! page attributes the same way. A 5 MiB upload can therefore ask it for gigabytes
//! of memory or an endless recursion, and neither an out-of-memory abort nor a
//! stack overflow can be caught: they take the whole server down, not one request.
//! So before pdf-extract sees a file, [`check`] walks the same objects it would
//! walk, with lopdf 0.47's bounded decoders, and charges every stream it would
//! inflate (page contents, each XObject each time it is drawn, each colour space
//! each time it is set, each page's fonts)
//! against [`MAX_PDF_UNPACKED_BYTES`]. A file that would exceed the budget, loops,
//! or nests deeper than [`MAX_NESTING`] is refused here.
//!
//! Measured with this walk switched off, on the files `tests/hostile.rs` builds: a
//! form that draws itself overflowed the stack and aborted the test process; a
//! `/Parent` loop hung (still running after 60 s: at `-O3` the recursion becomes a
//! loop); a 2 KiB file of forms drawing forms 64 times over kept pdf-extract busy
//! for 16 s. With the walk, the first two are refused at once and the third in
//! half a second (the walk counts the drawings out until the budget runs dry).

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};

use lopdf::content::Content;
use lopdf::{DecompressError, Dictionary, Document, Error, LoadOptions, Object, ObjectId, Stream};

use crate::{CvError, CvFormat, MAX_PDF_PAGES, MAX_PDF_UNPACKED_BYTES};

/// How deep `/Parent` chains, nested XObjects and font resources may go. Real page
/// trees are a few levels deep and real forms nest one or two; this is far above
/// both and far below what would exhaust a thread's stack.
const MAX_NESTING: usize = 32;

/// What looking at one object costs, in budget bytes, when the walk follows
/// references (fonts, colour spaces). Without it a crafted web of references,
/// looked at afresh at each of many `cs` operators, would run the CPU out
/// instead of the budget. A real page's fonts are tens of objects.
const LOOK_COST: usize = 64;

/// The raw text of a PDF, not yet normalised.
pub(crate) fn extract(bytes: &[u8]) -> Result<String, CvError> {
    let unreadable = CvError::Unreadable(CvFormat::Pdf);
    // lopdf and pdf-extract index, `unwrap` and `panic!` their way through
    // objects that a malformed file can leave missing or of the wrong type
    // (pdf-extract has dozens of such spots). A panic there is a bad file, not a
    // bug of ours, and must become an error for this upload rather than a 500 or a
    // dead worker. The closures only read `bytes` and build values they return, so
    // nothing half-updated is observed after an unwind. (The default panic hook
    // still prints the message to stderr; that is the log line an operator wants.)
    panic::catch_unwind(AssertUnwindSafe(|| check(bytes))).map_err(|_| unreadable.clone())??;
    let text = panic::catch_unwind(AssertUnwindSafe(|| {
        pdf_extract::extract_text_from_mem(bytes)
    }))
    .map_err(|_| unreadable.clone())?;
    text.map_err(|e| match e {
        pdf_extract::OutputError::PdfError(pdf_extract::Error::Decryption(_)) => CvError::Encrypted,
        _ => unreadable,
    })
}

/// Loads the file with bounded decoding and refuses what pdf-extract should not
/// be given: encrypted files it cannot open, too many pages, too much to inflate,
/// loops and deep nesting.
fn check(bytes: &[u8]) -> Result<(), CvError> {
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_PDF_UNPACKED_BYTES),
        ..LoadOptions::default()
    };
    let mut doc = Document::load_mem_with_options(bytes, options).map_err(load_error)?;
    if doc.is_encrypted() {
        // As pdf-extract does: an owner password alone (printing or copying
        // restrictions) leaves the user password empty, and such files open.
        doc.decrypt("").map_err(|_| CvError::Encrypted)?;
    }
    let pages = pages(&doc)?;
    if pages.len() > MAX_PDF_PAGES {
        return Err(CvError::TooManyPages { pages: pages.len() });
    }
    let mut walk = Walk {
        doc: &doc,
        left: MAX_PDF_UNPACKED_BYTES,
        drawing: Vec::new(),
        fonts_on_page: HashSet::new(),
    };
    for page in pages {
        walk.page(page)?;
    }
    Ok(())
}

/// The page tree's leaves in reading order, refusing a tree that is not a tree:
/// one where a node is listed twice (a page counted again and again, or a node
/// among its own kids) or that runs deeper than [`MAX_NESTING`]. lopdf's page
/// iterators do not refuse such trees: on the tests' files pdf-extract read one
/// page three and five times over, and how far a crafted tree multiplies that is
/// not worth finding out. Real producers never list a node twice.
fn pages(doc: &Document) -> Result<Vec<ObjectId>, CvError> {
    let unreadable = || CvError::Unreadable(CvFormat::Pdf);
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .and_then(|id| doc.get_dictionary(id))
        .and_then(|catalog| catalog.get(b"Pages"))
        .and_then(Object::as_reference)
        .map_err(|_| unreadable())?;
    let mut seen = HashSet::new();
    let mut pages = Vec::new();
    // Nodes still to visit, each with its depth; kids are pushed in reverse so
    // that pages come out in order.
    let mut stack = vec![(root, 0)];
    while let Some((id, depth)) = stack.pop() {
        if !seen.insert(id) || depth > MAX_NESTING {
            return Err(unreadable());
        }
        let Ok(node) = doc.get_dictionary(id) else {
            continue;
        };
        match node.get(b"Type").and_then(Object::as_name) {
            Ok(b"Pages") => {
                let kids = node.get(b"Kids").and_then(Object::as_array);
                for kid in kids.into_iter().flatten().rev() {
                    if let Ok(kid) = kid.as_reference() {
                        stack.push((kid, depth + 1));
                    }
                }
            }
            Ok(b"Page") => pages.push(id),
            _ => {}
        }
    }
    Ok(pages)
}

fn load_error(e: Error) -> CvError {
    match e {
        Error::Decompress(DecompressError::MemoryLimitExceeded { .. }) => CvError::TooLargeUnpacked,
        Error::Decryption(_) | Error::InvalidPassword => CvError::Encrypted,
        _ => CvError::Unreadable(CvFormat::Pdf),
    }
}

/// The walk of [`check`]: what pdf-extract would inflate, charged as it goes.
struct Walk<'a> {
    doc: &'a Document,
    /// Bytes still allowed to be inflated, over the whole file.
    left: usize,
    /// The XObjects being drawn, outermost first, to catch a form that draws itself.
    drawing: Vec<ObjectId>,
    /// The font objects (and the streams under them) charged on this page.
    fonts_on_page: HashSet<ObjectId>,
}

impl<'a> Walk<'a> {
    fn page(&mut self, page: ObjectId) -> Result<(), CvError> {
        let resources = self
            .ancestry(page)?
            .into_iter()
            .find_map(|dict| dict.get(b"Resources").ok().and_then(|o| self.dict(o)));
        let content = self
            .doc
            .get_page_content_with_limit(page, self.left)
            .map_err(|_| CvError::TooLargeUnpacked)?;
        self.charge(content.len())?;
        self.fonts_on_page.clear();
        if let Some(resources) = resources {
            self.fonts(resources)?;
        }
        self.draw(&content, resources)
    }

    /// The page's dictionary and its ancestors' up the `/Parent` chain, where
    /// pdf-extract looks for inherited attributes (resources, media box). The
    /// whole chain is walked, because pdf-extract walks it as far as an attribute
    /// is missing, and recurses along it for ever if it loops.
    fn ancestry(&self, page: ObjectId) -> Result<Vec<&'a Dictionary>, CvError> {
        let mut seen = HashSet::new();
        let mut chain = Vec::new();
        let mut id = page;
        while let Ok(dict) = self.doc.get_dictionary(id) {
            if !seen.insert(id) || chain.len() >= MAX_NESTING {
                return Err(CvError::Unreadable(CvFormat::Pdf));
            }
            chain.push(dict);
            match dict.get(b"Parent").and_then(Object::as_reference) {
                Ok(parent) => id = parent,
                Err(_) => break,
            }
        }
        Ok(chain)
    }

    /// Charges what pdf-extract inflates as it runs the content stream: each
    /// XObject drawn (`Do`), with its own drawings, and each colour space set
    /// (`cs`, `CS`), whose ICC profile or sampled function it reads again at every
    /// use.
    fn draw(&mut self, content: &[u8], resources: Option<&'a Dictionary>) -> Result<(), CvError> {
        // Content that lopdf cannot parse makes pdf-extract panic, which
        // `extract` already turns into an error; it draws nothing to charge.
        let Ok(content) = Content::decode(content) else {
            return Ok(());
        };
        for op in &content.operations {
            let draws = match op.operator.as_str() {
                "Do" => true,
                "cs" | "CS" => false,
                _ => continue,
            };
            let category: &[u8] = if draws { b"XObject" } else { b"ColorSpace" };
            let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else {
                continue;
            };
            let Some(entry) = resources
                .and_then(|r| r.get(category).ok())
                .and_then(|o| self.dict(o))
                .and_then(|named| named.get(name).ok())
            else {
                continue;
            };
            match entry {
                Object::Reference(id) if draws => self.xobject(*id, resources)?,
                _ if draws => {}
                _ => self.reachable_streams(entry, &mut HashSet::new(), 0)?,
            }
        }
        Ok(())
    }

    fn xobject(&mut self, id: ObjectId, outer: Option<&'a Dictionary>) -> Result<(), CvError> {
        if self.drawing.contains(&id) || self.drawing.len() >= MAX_NESTING {
            return Err(CvError::Unreadable(CvFormat::Pdf));
        }
        let doc = self.doc;
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            return Ok(());
        };
        let content = self.inflate(stream)?;
        // pdf-extract runs every drawn XObject, images too, through its content
        // interpreter, with the form's own resources or else the caller's.
        let own = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|o| self.dict(o));
        if let Some(own) = own {
            self.fonts(own)?;
        }
        let resources = own.or(outer);
        self.drawing.push(id);
        let drawn = self.draw(&content, resources);
        self.drawing.pop();
        drawn
    }

    /// Charges every stream reachable from the fonts of `resources` (ToUnicode
    /// and encoding CMaps, embedded font files, Type 3 glyph procedures) that is
    /// not charged on this page yet: pdf-extract loads a font once per page.
    fn fonts(&mut self, resources: &'a Dictionary) -> Result<(), CvError> {
        let Some(fonts) = resources.get(b"Font").ok().and_then(|o| self.dict(o)) else {
            return Ok(());
        };
        let mut seen = std::mem::take(&mut self.fonts_on_page);
        let charged = fonts
            .iter()
            .try_for_each(|(_, font)| self.reachable_streams(font, &mut seen, 0));
        self.fonts_on_page = seen;
        charged
    }

    fn reachable_streams(
        &mut self,
        object: &'a Object,
        seen: &mut HashSet<ObjectId>,
        depth: usize,
    ) -> Result<(), CvError> {
        if depth > MAX_NESTING {
            return Err(CvError::Unreadable(CvFormat::Pdf));
        }
        self.charge(LOOK_COST)?;
        let doc = self.doc;
        match object {
            Object::Reference(id) => {
                let first_visit = seen.insert(*id);
                if let (true, Ok(target)) = (first_visit, doc.get_object(*id)) {
                    self.reachable_streams(target, seen, depth + 1)?;
                }
            }
            Object::Array(items) => {
                for item in items {
                    self.reachable_streams(item, seen, depth + 1)?;
                }
            }
            Object::Dictionary(dict) => self.reachable_in_dict(dict, seen, depth)?,
            Object::Stream(stream) => {
                self.inflate(stream)?;
                self.reachable_in_dict(&stream.dict, seen, depth)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn reachable_in_dict(
        &mut self,
        dict: &'a Dictionary,
        seen: &mut HashSet<ObjectId>,
        depth: usize,
    ) -> Result<(), CvError> {
        for (key, value) in dict.iter() {
            // Up the page tree is not part of a font.
            if key.as_slice() != b"Parent" {
                self.reachable_streams(value, seen, depth + 1)?;
            }
        }
        Ok(())
    }

    /// The stream's content as pdf-extract gets it (decoded, or raw when lopdf
    /// has no decoder for its filter, such as DCT for JPEG), charged to the budget.
    fn inflate(&mut self, stream: &Stream) -> Result<Vec<u8>, CvError> {
        let content = match stream.decompressed_content_with_limit(self.left) {
            Ok(content) => content,
            Err(Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
                return Err(CvError::TooLargeUnpacked);
            }
            // lopdf 0.42, under pdf-extract, would decode every one of them unbounded.
            Err(Error::Decompress(DecompressError::TooManyFilters { .. })) => {
                return Err(CvError::Unreadable(CvFormat::Pdf));
            }
            Err(_) => stream.content.clone(),
        };
        self.charge(content.len())?;
        Ok(content)
    }

    fn charge(&mut self, bytes: usize) -> Result<(), CvError> {
        self.left = self
            .left
            .checked_sub(bytes)
            .ok_or(CvError::TooLargeUnpacked)?;
        Ok(())
    }

    /// A dictionary, directly or through one reference.
    fn dict(&self, object: &'a Object) -> Option<&'a Dictionary> {
        match object {
            Object::Dictionary(d) => Some(d),
            Object::Reference(id) => self.doc.get_dictionary(*id).ok(),
            _ => None,
        }
    }
}
