//! JSON Lines: one JSON record per line, blank lines ignored.
//!
//! Lines are read as bytes with a hard length cap, so a file with invalid UTF-8 or a
//! gigabyte-long line gets an error for that line instead of exhausting memory.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use qabilet_domain::limits::IMPORT_LINE_BYTES;
use qabilet_domain::repair::RepairText;
use qabilet_domain::{FieldError, Validate};
use serde::de::DeserializeOwned;

use super::{parse_checked, Item, TextPolicy};

/// Reads `path` lazily, checking each record's text under `policy`; I/O errors end
/// the stream with an error item.
pub fn read<T: DeserializeOwned + Validate + RepairText + Clone>(
    path: &Path,
    policy: TextPolicy,
) -> std::io::Result<impl Iterator<Item = Item<T>>> {
    let mut reader = BufReader::with_capacity(1 << 16, File::open(path)?);
    let mut line_no = 0u64;
    let mut buf = Vec::new();
    let mut done = false;
    Ok(std::iter::from_fn(move || loop {
        if done {
            return None;
        }
        buf.clear();
        line_no += 1;
        let read = (&mut reader)
            .take(IMPORT_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf);
        let fail = |message: String| {
            Item::new(
                line_no,
                Err(FieldError::new(
                    "",
                    qabilet_domain::problem::MALFORMED,
                    message,
                )),
            )
        };
        match read {
            Err(e) => {
                done = true;
                return Some(fail(format!("cannot read: {e}")));
            }
            Ok(0) => return None,
            Ok(_) => {}
        }
        if buf.len() > IMPORT_LINE_BYTES {
            done = true;
            return Some(fail(format!(
                "line is longer than {IMPORT_LINE_BYTES} bytes; records are limited in size"
            )));
        }
        let text = match std::str::from_utf8(&buf) {
            Ok(text) => text.trim(),
            Err(e) => {
                return Some(fail(format!(
                    "not valid UTF-8 (byte {}); save the file as UTF-8",
                    e.valid_up_to()
                )))
            }
        };
        if text.is_empty() {
            continue;
        }
        return Some(Item {
            line: line_no,
            ..parse_checked(text, policy)
        });
    }))
}
