//! Normalising extracted text, and cutting it to the output limit.

/// Cleans text pulled out of a PDF or DOCX into what a profile summary holds.
///
/// - line breaks (`\r\n`, `\r`, U+2028/U+2029) become `\n`;
/// - tabs and every other kind of space (no-break, thin, ideographic…) become
///   one plain space, runs of spaces collapse to one, and lines are trimmed;
/// - control characters go, and so do characters that only steer layout or come
///   from symbol fonts: soft hyphen, zero-width space and BOM, and the private-use
///   area (Word's Symbol-font bullets arrive as U+F0B7 and the like);
/// - more than one blank line in a row collapses to one, so paragraph breaks stay;
/// - the whole is trimmed.
///
/// Letters are left as they are: no Unicode normalisation form is applied, because
/// NFKC would turn «№» into «No» and superscripts into digits, and the producers
/// tested here already emit precomposed Kazakh letters.
pub(crate) fn normalise(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    // Newlines seen since the last visible character (0, 1 or 2 are kept).
    let mut newlines = 0usize;
    // A space is owed before the next visible character on this line.
    let mut space = false;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        let c = match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                '\n'
            }
            '\n' | '\u{2028}' | '\u{2029}' | '\u{85}' | '\u{0B}' | '\u{0C}' => '\n',
            '\u{AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}' => continue,
            '\u{E000}'..='\u{F8FF}' => continue,
            c if c != '\n' && c.is_whitespace() => ' ',
            c if c.is_control() => continue,
            c => c,
        };
        match c {
            '\n' => {
                newlines += 1;
                space = false;
            }
            ' ' => space = newlines == 0 && !out.is_empty(),
            c => {
                if !out.is_empty() {
                    match newlines {
                        0 if space => out.push(' '),
                        0 => {}
                        1 => out.push('\n'),
                        _ => out.push_str("\n\n"),
                    }
                }
                out.push(c);
                newlines = 0;
                space = false;
            }
        }
    }
    out
}

/// Cuts `text` to at most `max_chars` characters, at a character boundary, and says
/// whether anything was cut. Trailing spaces left by the cut are dropped.
pub(crate) fn truncate(mut text: String, max_chars: usize) -> (String, bool) {
    match text.char_indices().nth(max_chars) {
        None => (text, false),
        Some((end, _)) => {
            text.truncate(end);
            let kept = text.trim_end().len();
            text.truncate(kept);
            (text, true)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_spaces_and_keeps_paragraph_breaks() {
        let raw = "  Қазақстан \t  Республикасы\u{A0}\u{A0}мемлекеттік  \r\n\r\n\r\n\n  қызмет\u{7}\u{AD}ші \n\nEnd  ";
        assert_eq!(
            normalise(raw),
            "Қазақстан Республикасы мемлекеттік\n\nқызметші\n\nEnd"
        );
    }

    #[test]
    fn single_newlines_stay_and_symbol_font_bullets_go() {
        assert_eq!(normalise("\u{F0B7}\tExcel\n\u{F0B7}\tSQL\n"), "Excel\nSQL");
        assert_eq!(normalise("\u{FEFF}a\rb\u{2029}c"), "a\nb\nc");
    }

    #[test]
    fn blank_input_stays_blank() {
        assert_eq!(normalise(" \n\t\r\n \u{A0}\u{200B}"), "");
    }

    #[test]
    fn truncates_at_char_boundary() {
        // Every Kazakh letter here is two bytes in UTF-8; a byte cut would split one.
        let (t, cut) = truncate("әғқңөұүһі".to_string(), 4);
        assert_eq!((t.as_str(), cut), ("әғқң", true));
        let (t, cut) = truncate("әғқ".to_string(), 3);
        assert_eq!((t.as_str(), cut), ("әғқ", false));
        let (t, cut) = truncate("ab  cd".to_string(), 4);
        assert_eq!((t.as_str(), cut), ("ab", true));
    }
}
