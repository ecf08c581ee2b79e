//! Highlighted snippets of a hit's stored text: tantivy's choice of fragment, made
//! on the analyser's tokens as they come.
//!
//! tantivy's `SnippetGenerator` lowercases every token's text once more to look it
//! up among the query's terms: a new `String` for each word of six fields of each
//! of twenty hits. The analyser's terms are lowercase already, and in a profile of
//! the national vacancy search load test that second lowercasing took about 6 % of
//! the server's samples. This is the same algorithm (windows of at most
//! [`SNIPPET_CHARS`] bytes, each scored by the weights of the query terms in it,
//! the best kept, the earliest on a tie; the same HTML), and
//! `tests::snippets_are_tantivys` checks it against `SnippetGenerator` itself.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use tantivy::query::Query;
use tantivy::schema::{Field, Value};
use tantivy::snippet::collapse_overlapped_ranges;
use tantivy::tokenizer::{TokenStream, Tokenizer};
use tantivy::{TantivyDocument, Term};

use super::Snippet;
use crate::analysis::MultilingualTokenizer;
use crate::Result;

/// Longest snippet, in bytes of the field's text (tantivy counts bytes too).
pub(crate) const SNIPPET_CHARS: usize = 200;

/// What makes one field's snippets: the query's terms in that field, each
/// weighed as tantivy weighs them (rarer terms make the better fragment).
pub(crate) struct FieldSnippets {
    name: &'static str,
    pub(crate) field: Field,
    weights: BTreeMap<String, f32>,
}

/// A [`FieldSnippets`] for each of `fields` that holds one of `query`'s terms
/// somewhere in the index: a field none of them occurs in is not analysed only to
/// find nothing (which `SnippetGenerator::create` would do).
pub(crate) fn for_query(
    fields: &[(&'static str, Field)],
    searcher: &tantivy::Searcher,
    query: &dyn Query,
) -> Result<Vec<FieldSnippets>> {
    let mut terms: BTreeMap<Field, BTreeSet<Term>> = BTreeMap::new();
    query.query_terms(&mut |term, _| {
        terms.entry(term.field()).or_default().insert(term.clone());
    });
    let mut out = Vec::new();
    for &(name, field) in fields {
        let mut weights = BTreeMap::new();
        for term in terms.get(&field).into_iter().flatten() {
            let value = term.value();
            let Some(text) = value.as_str() else {
                continue;
            };
            let documents = searcher.doc_freq(term)?;
            if documents > 0 {
                weights.insert(text.to_owned(), 1.0 / (1.0 + documents as f32));
            }
        }
        if !weights.is_empty() {
            out.push(FieldSnippets {
                name,
                field,
                weights,
            });
        }
    }
    Ok(out)
}

/// A window of the text being scored.
struct Fragment {
    score: f32,
    start: usize,
    stop: usize,
    highlighted: Vec<Range<usize>>,
}

impl Fragment {
    fn at(start: usize) -> Fragment {
        Fragment {
            score: 0.0,
            start,
            stop: start,
            highlighted: Vec::new(),
        }
    }
}

impl FieldSnippets {
    /// The best fragment of `doc`'s text in this field, `None` when no query term
    /// occurs in it. The field's values are joined with spaces, as tantivy does.
    pub(crate) fn snippet(
        &self,
        doc: &TantivyDocument,
        analyser: &mut MultilingualTokenizer,
    ) -> Option<Snippet> {
        let mut joined = String::new();
        for value in doc.get_all(self.field) {
            if let Some(text) = value.as_str() {
                joined.push(' ');
                joined.push_str(text);
            }
        }
        let text = joined.trim();
        let mut best: Option<Fragment> = None;
        let mut keep = |fragment: Fragment| {
            // Later windows start further on, so only a higher score replaces.
            if fragment.score > 0.0 && best.as_ref().is_none_or(|b| fragment.score > b.score) {
                best = Some(fragment);
            }
        };
        let mut fragment = Fragment::at(0);
        let mut tokens = analyser.token_stream(text);
        while let Some(token) = tokens.next() {
            if token.offset_to - fragment.start > SNIPPET_CHARS {
                keep(std::mem::replace(
                    &mut fragment,
                    Fragment::at(token.offset_from),
                ));
            }
            fragment.stop = token.offset_to;
            if let Some(weight) = self.weights.get(token.text.as_str()) {
                fragment.score += weight;
                fragment
                    .highlighted
                    .push(token.offset_from..token.offset_to);
            }
        }
        keep(fragment);
        let best = best?;
        let highlights: Vec<Range<usize>> = best
            .highlighted
            .iter()
            .map(|r| r.start - best.start..r.end - best.start)
            .collect();
        let fragment = text[best.start..best.stop].to_owned();
        let html = to_html(&fragment, &highlights);
        Some(Snippet {
            field: self.name.to_owned(),
            fragment,
            highlights,
            html,
        })
    }
}

/// `fragment` escaped as HTML with `<b>` around the highlighted ranges (merged
/// where they overlap), as tantivy's `Snippet::to_html` writes it.
fn to_html(fragment: &str, highlights: &[Range<usize>]) -> String {
    let mut html = String::with_capacity(fragment.len() + 16);
    let mut from = 0;
    for range in collapse_overlapped_ranges(highlights) {
        escape_into(&mut html, &fragment[from..range.start]);
        html.push_str("<b>");
        escape_into(&mut html, &fragment[range.clone()]);
        html.push_str("</b>");
        from = range.end;
    }
    escape_into(&mut html, &fragment[from..]);
    html
}

/// The five characters HTML text and attributes need escaped, as tantivy's
/// (htmlescape's minimal) encoding writes them.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '"' => out.push_str("&quot;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#x27;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}
