//! Safe parsing of user queries and BM25 search with filters and snippets.
//!
//! User input is never handed to tantivy's query grammar: a colon in
//! "Требования: опыт" would become a field name, and every parser has corners. Our
//! own tiny grammar cannot fail:
//! - words, optionally prefixed `+` (must) or `-` (must not);
//! - `"quoted phrases"` (with the same prefixes); an unbalanced quote runs to the end;
//! - anything else (stray operators, brackets, colons) is just a separator.
//!
//! The whole query is analysed at once, so the language context of each word (see
//! [`crate::analysis`]) is the same as in documents; a word whose language is a
//! guess is searched in both readings. Each clause becomes, per text
//! field, a term or phrase query boosted by the field's weight; the fields are
//! combined with a disjunction-max so one field's match is not counted six times.
//! Filters are constant-score clauses: they narrow, they do not rank.

use std::ops::{Bound, Range};

use chrono::NaiveDate;
use qabilet_domain::{EducationLevel, Language, LanguageLevel, Region, VacancyStatus};
use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery,
    Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{TantivyDocument, Term};

use crate::analysis::{analyze_query, MultilingualTokenizer, QueryTerm};
use crate::indexing::Part;
use crate::schema::{self, Fields};
use crate::{Error, Result};

mod snippets;

/// Longest query accepted, in characters. Real queries are a few words; the limit
/// keeps a pasted CV from turning into a thousand-clause query.
pub(crate) const MAX_QUERY_CHARS: usize = 1_000;
/// Most results one request may ask for (limit + offset).
pub(crate) const MAX_RESULTS: usize = 1_000;
/// A full-text search: the user's words, structured filters and a page.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// What the user typed; may be empty to list by filters only.
    pub text: String,
    pub filters: Filters,
    pub limit: usize,
    pub offset: usize,
    /// Whether to compute highlighted snippets for the hits.
    pub snippets: bool,
}

impl SearchRequest {
    /// A first page of 20 results with snippets and no filters.
    pub fn new(text: impl Into<String>) -> Self {
        SearchRequest {
            text: text.into(),
            filters: Filters::default(),
            limit: 20,
            offset: 0,
            snippets: true,
        }
    }
}

/// Structured filters. Empty lists and `None` mean "any". Education level and years
/// apply to what the record holds: for a profile, the highest level and the years
/// worked; for a vacancy, the level and years it requires (so a candidate with three
/// years looks for vacancies with `max_years: Some(3)`).
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Any of these regions.
    pub regions: Vec<Region>,
    /// Any of these categories: a full code (`C-O-4`) or a group letter (`C`).
    pub categories: Vec<String>,
    /// Any of these organisations: an organisation id for vacancies, a name from the
    /// work history for profiles.
    pub organisations: Vec<String>,
    /// Vacancies only.
    pub status: Option<VacancyStatus>,
    /// Vacancies in any of these statuses (e.g. every published one, never drafts).
    pub statuses: Vec<VacancyStatus>,
    pub min_education: Option<EducationLevel>,
    pub max_education: Option<EducationLevel>,
    pub min_years: Option<u8>,
    pub max_years: Option<u8>,
    /// Profiles: years in public service at least this.
    pub min_years_public: Option<u8>,
    /// Every one of these languages (at its level, if given).
    pub languages: Vec<LanguageFilter>,
    /// Vacancies whose deadline is on or after this date (still open to apply).
    pub deadline_from: Option<NaiveDate>,
}

/// A language, optionally at a minimum level.
#[derive(Debug, Clone, Copy)]
pub struct LanguageFilter {
    pub language: Language,
    pub min_level: Option<LanguageLevel>,
}

/// One search result.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The vacancy or profile id.
    pub id: String,
    /// BM25 score with field boosts; comparable only within one result list.
    pub score: f32,
    /// Highlighted fragments, best field first; empty unless asked for.
    pub snippets: Vec<Snippet>,
}

/// A fragment of a stored field with the matched words marked.
#[derive(Debug, Clone)]
pub struct Snippet {
    /// Field the fragment is from: title, description, skills, ...
    pub field: String,
    pub fragment: String,
    /// Byte ranges of `fragment` to highlight.
    pub highlights: Vec<Range<usize>>,
    /// The fragment as HTML, escaped, with `<b>` around matches.
    pub html: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ClauseKind {
    Should,
    Must,
    MustNot,
}

/// A word or phrase of the query: its kind and byte range in the query text.
struct Clause {
    kind: ClauseKind,
    span: Range<usize>,
}

/// Splits the query into clauses; see the module docs. Cannot fail.
fn clauses(text: &str) -> Vec<Clause> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut kind = ClauseKind::Should;
    while let Some((i, c)) = chars.next() {
        match c {
            '+' => kind = ClauseKind::Must,
            '-' => kind = ClauseKind::MustNot,
            '"' | '«' | '»' | '“' | '”' => {
                let start = i + c.len_utf8();
                let mut end = text.len();
                for (j, d) in chars.by_ref() {
                    if matches!(d, '"' | '»' | '”' | '«' | '“') {
                        end = j;
                        break;
                    }
                }
                out.push(Clause {
                    kind,
                    span: start..end,
                });
                kind = ClauseKind::Should;
            }
            c if c.is_alphanumeric() => {
                let mut end = text.len();
                while let Some(&(j, d)) = chars.peek() {
                    // A hyphen inside a word (бухгалтер-экономист) keeps it whole.
                    if d.is_whitespace() || matches!(d, '"' | '«' | '»' | '“' | '”' | '+') {
                        end = j;
                        break;
                    }
                    chars.next();
                }
                out.push(Clause { kind, span: i..end });
                kind = ClauseKind::Should;
            }
            // Anything else separates; an operator not followed by a word is dropped.
            c if c.is_whitespace() => kind = ClauseKind::Should,
            _ => {}
        }
    }
    out
}

/// Builds the tantivy query for the user's text, or `None` when it has no words.
fn text_query(fields: &Fields, text: &str) -> Option<Box<dyn Query>> {
    let clauses = clauses(text);
    let mut terms: Vec<Vec<QueryTerm>> = clauses.iter().map(|_| Vec::new()).collect();
    for term in analyze_query(text) {
        if let Some(i) = clauses.iter().position(|c| c.span.contains(&term.offset)) {
            terms[i].push(term);
        }
    }
    let mut subqueries: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (clause, words) in clauses.iter().zip(terms) {
        if words.is_empty() {
            continue;
        }
        let per_field: Vec<Box<dyn Query>> = fields
            .boosted_text()
            .iter()
            .map(|&(field, boost)| {
                // A single word scores by frequency alone: its positions are
                // never read, so the postings are opened without them.
                let term_query = |t: &str| -> Box<dyn Query> {
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, t),
                        IndexRecordOption::WithFreqs,
                    ))
                };
                let q: Box<dyn Query> = match words.as_slice() {
                    [word] => match &word.alternative {
                        // Either reading may match; the better one scores.
                        Some(alt) => Box::new(DisjunctionMaxQuery::new(vec![
                            term_query(&word.term),
                            term_query(alt),
                        ])),
                        None => term_query(&word.term),
                    },
                    // Phrases keep the reading their context gave: alternatives per
                    // word would multiply into many phrases.
                    _ => {
                        let terms = words.iter().map(|w| Term::from_field_text(field, &w.term));
                        Box::new(PhraseQuery::new(terms.collect()))
                    }
                };
                Box::new(BoostQuery::new(q, boost)) as Box<dyn Query>
            })
            .collect();
        let occur = match clause.kind {
            ClauseKind::Should => Occur::Should,
            ClauseKind::Must => Occur::Must,
            ClauseKind::MustNot => Occur::MustNot,
        };
        let q = DisjunctionMaxQuery::with_tie_breaker(per_field, 0.1);
        subqueries.push((occur, Box::new(q)));
    }
    if subqueries.is_empty() {
        return None;
    }
    if subqueries.iter().all(|(o, _)| *o == Occur::MustNot) {
        // "-word" alone means "everything except word".
        subqueries.push((Occur::Should, Box::new(AllQuery)));
    }
    Some(Box::new(BooleanQuery::new(subqueries)))
}

fn any_of(field: Field, values: impl Iterator<Item = String>) -> Box<dyn Query> {
    let mut terms: Vec<(Occur, Box<dyn Query>)> = values
        .map(|v| {
            let q = TermQuery::new(Term::from_field_text(field, &v), IndexRecordOption::Basic);
            (Occur::Should, Box::new(q) as Box<dyn Query>)
        })
        .collect();
    // A union of one is still a buffered union scorer: seeking through it (as the
    // shortlist's filter check does) costs far more than through the term itself.
    match terms.len() {
        1 => terms
            .pop()
            .map(|(_, q)| q)
            .unwrap_or_else(|| Box::new(BooleanQuery::new(vec![]))),
        _ => Box::new(BooleanQuery::new(terms)),
    }
}

fn u64_range(field: Field, min: Option<u64>, max: Option<u64>) -> Box<dyn Query> {
    let bound = |v: Option<u64>| {
        v.map_or(Bound::Unbounded, |v| {
            Bound::Included(Term::from_field_u64(field, v))
        })
    };
    Box::new(RangeQuery::new(bound(min), bound(max)))
}

/// The filter clauses of a request.
pub(crate) fn filter_queries(f: &Fields, filters: &Filters) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    if !filters.regions.is_empty() {
        out.push(any_of(
            f.region,
            filters.regions.iter().map(|r| r.code().to_owned()),
        ));
    }
    if !filters.categories.is_empty() {
        let codes = filters
            .categories
            .iter()
            .map(|c| c.trim().to_ascii_uppercase());
        out.push(any_of(f.category, codes));
    }
    if !filters.organisations.is_empty() {
        out.push(any_of(
            f.organisation,
            filters.organisations.iter().cloned(),
        ));
    }
    if let Some(status) = filters.status {
        out.push(any_of(f.status, std::iter::once(status.code().to_owned())));
    }
    if !filters.statuses.is_empty() {
        out.push(any_of(
            f.status,
            filters.statuses.iter().map(|s| s.code().to_owned()),
        ));
    }
    if filters.min_education.is_some() || filters.max_education.is_some() {
        let rank = |l: Option<EducationLevel>| l.map(|l| schema::education_rank(Some(l)));
        out.push(u64_range(
            f.education_level,
            rank(filters.min_education),
            rank(filters.max_education),
        ));
    }
    if filters.min_years.is_some() || filters.max_years.is_some() {
        let years = |y: Option<u8>| y.map(u64::from);
        out.push(u64_range(
            f.years,
            years(filters.min_years),
            years(filters.max_years),
        ));
    }
    if let Some(y) = filters.min_years_public {
        out.push(u64_range(f.years_public, Some(u64::from(y)), None));
    }
    for l in &filters.languages {
        let term = match l.min_level {
            Some(level) => schema::language_term(l.language, level),
            None => l.language.code().to_owned(),
        };
        out.push(any_of(f.languages, std::iter::once(term)));
    }
    if let Some(from) = filters.deadline_from {
        let term = Term::from_field_date_for_search(f.deadline, schema::date(from));
        out.push(Box::new(RangeQuery::new(
            Bound::Included(term),
            Bound::Unbounded,
        )));
    }
    out
}

/// Runs `request` against one part of the index.
/// Refuses query text longer than [`MAX_QUERY_CHARS`].
pub(crate) fn check_query_length(text: &str) -> Result<()> {
    let chars = text.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(Error::Query(format!(
            "the query is {chars} characters long; at most {MAX_QUERY_CHARS} are allowed"
        )));
    }
    Ok(())
}

pub(crate) fn search(part: &Part, request: &SearchRequest) -> Result<Vec<Hit>> {
    check_query_length(&request.text)?;
    let wanted = request.limit.saturating_add(request.offset);
    if wanted > MAX_RESULTS {
        return Err(Error::Query(format!(
            "limit + offset is {wanted}; at most {MAX_RESULTS} results can be paged through"
        )));
    }
    if request.limit == 0 {
        return Ok(Vec::new());
    }
    let f = &part.fields;
    let text = text_query(f, &request.text);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    match &text {
        Some(q) => clauses.push((Occur::Must, q.box_clone())),
        None => clauses.push((Occur::Must, Box::new(AllQuery))),
    }
    for filter in filter_queries(f, &request.filters) {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
    }
    let query = BooleanQuery::new(clauses);
    let searcher = part.reader.searcher();
    // Deleted-but-uncommitted records are dropped after collection, so fetch enough
    // extra to still fill the page.
    let extra = part.hidden.len().min(MAX_RESULTS);
    let top = TopDocs::with_limit(wanted + extra);
    let found = searcher.search(&query, &top)?;
    let generators = match (&text, request.snippets) {
        (Some(q), true) => snippets::for_query(&snippet_fields(f), &searcher, q.as_ref())?,
        _ => Vec::new(),
    };
    Ok(collect_hits(part, &searcher, found, &generators)?
        .into_iter()
        .skip(request.offset)
        .take(request.limit)
        .collect())
}

/// The hits of `found`, in order, without records deleted since the last commit,
/// each with its snippets in the fields of `snippets`.
fn collect_hits(
    part: &Part,
    searcher: &tantivy::Searcher,
    found: Vec<(f32, tantivy::DocAddress)>,
    snippets: &[snippets::FieldSnippets],
) -> Result<Vec<Hit>> {
    let mut hits = Vec::with_capacity(found.len());
    let mut analyser = MultilingualTokenizer::default();
    for (score, address) in found {
        let reader = searcher.segment_reader(address.segment_ord);
        let Some(id) = part.ids.id(reader, address.doc_id)? else {
            continue;
        };
        if part.hidden.contains(&id) {
            continue;
        }
        // The stored document is read only when snippets are wanted.
        let snippets = if snippets.is_empty() {
            Vec::new()
        } else {
            let doc: TantivyDocument = searcher.doc(address)?;
            snippets
                .iter()
                .filter_map(|field| field.snippet(&doc, &mut analyser))
                .collect()
        };
        hits.push(Hit {
            id,
            score,
            snippets,
        });
    }
    Ok(hits)
}

/// Stored text fields snippets are taken from, in the order they are shown.
fn snippet_fields(f: &Fields) -> [(&'static str, Field); 6] {
    [
        ("title", f.title),
        ("skills", f.skills),
        ("requirements", f.requirements),
        ("description", f.description),
        ("experience", f.experience),
        ("education", f.education),
    ]
}

#[cfg(test)]
mod tests;
