//! Ranking records for a machine-built bag of words (a vacancy used as the query
//! for people, a profile as the query for vacancies), fast enough for a shortlist
//! over a million profiles.
//!
//! [`crate::querying`] serves what people type (grammar, phrases, field boosts).
//! This module serves the shortlist's retrieval:
//! - the query is a flat union of plain term queries, one per analysed term and
//!   text field, all optional. tantivy scores it with its buffered union (4,096
//!   documents per refill, term by term), with none of the per-document work of
//!   the boosted disjunction-max queries of `search`. For a bag of ~100 terms this
//!   exhaustive union is the fast way: forcing block-max WAND on the same query
//!   took 61 ms p50 on a million profiles against 7 ms, because WAND re-sorts its
//!   ~100 cursors at every step and common terms leave little to skip;
//! - filters are checked on the documents the union proposes (those scoring above
//!   the current threshold) instead of being intersected with the union. An
//!   intersection seeks the union to every document of the filter, and a union of
//!   a hundred cursors is expensive to seek (27.6 ms against 10.7 ms unfiltered);
//!   a proposed document is checked by seeking the filter's cheap doc set forward
//!   (documents arrive in order).
//!
//! One traversal fills two top-k lists, everyone and those who pass the filters:
//! the shortlist needs both (the eligible must not be crowded out by wordier
//! ineligible profiles), and the second costs about a millisecond more.

use tantivy::query::{
    BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Searcher, Term, TERMINATED};

use crate::analysis::analyze_query;
use crate::indexing::Part;
use crate::querying::{check_query_length, filter_queries, Filters, Hit, MAX_RESULTS};
use crate::schema::Fields;
use crate::top_k::TopK;
use crate::{Error, Result};

/// Most distinct terms a bag of words is scored with; a vacancy's title,
/// competencies and specialties stay well under it.
const MAX_TERMS: usize = 64;

/// The two ranked lists of one traversal.
#[derive(Debug, Clone, Default)]
pub struct Matches {
    /// Best matches among everyone.
    pub all: Vec<Hit>,
    /// Best matches among those who pass the filters (equal to `all` without filters).
    pub passing: Vec<Hit>,
}

/// A scored document.
type Scored = crate::top_k::Scored<DocAddress>;

/// Whether documents, asked about in increasing order, are in a doc set.
struct Membership(Box<dyn Scorer>);

impl Membership {
    fn contains(&mut self, doc: DocId) -> bool {
        let current = self.0.doc();
        if current == doc {
            return true;
        }
        if current == TERMINATED || current > doc {
            return false;
        }
        self.0.seek(doc) == doc
    }
}

/// The analysed, deduplicated terms of `text`, both readings of an ambiguous word.
pub(crate) fn bag_of_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for t in analyze_query(text) {
        for w in std::iter::once(t.term).chain(t.alternative) {
            if !words.contains(&w) && words.len() < MAX_TERMS {
                words.push(w);
            }
        }
    }
    words
}

/// Every word in every default text field: the terms of the flat union.
pub(crate) fn union_terms(f: &Fields, words: &[String]) -> Vec<Term> {
    f.boosted_text()
        .iter()
        .flat_map(|&(field, _)| words.iter().map(move |w| Term::from_field_text(field, w)))
        .collect()
}

/// One plain, optional term query per term.
pub(crate) fn union_query<'a>(terms: impl Iterator<Item = &'a Term>) -> BooleanQuery {
    let clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .map(|t| {
            let q = TermQuery::new(t.clone(), IndexRecordOption::WithFreqs);
            (Occur::Should, Box::new(q) as Box<dyn Query>)
        })
        .collect();
    BooleanQuery::new(clauses)
}

/// The best `limit` records of `part` for `text` among everyone and among those
/// passing `filters`; see the module docs.
pub(crate) fn match_terms(
    part: &Part,
    text: &str,
    filters: &Filters,
    limit: usize,
) -> Result<Matches> {
    check_query_length(text)?;
    if limit > MAX_RESULTS {
        return Err(Error::Query(format!(
            "limit is {limit}; at most {MAX_RESULTS} results can be fetched"
        )));
    }
    let words = bag_of_words(text);
    if limit == 0 || words.is_empty() {
        return Ok(Matches::default());
    }
    let f = &part.fields;
    let terms = union_terms(f, &words);
    let filters = filter_queries(f, filters);
    let filter = (!filters.is_empty()).then(|| {
        let must = filters
            .into_iter()
            .map(|q| {
                let q: Box<dyn Query> = Box::new(ConstScoreQuery::new(q, 0.0));
                (Occur::Must, q)
            })
            .collect();
        BooleanQuery::new(must)
    });
    let searcher = part.reader.searcher();
    let union =
        union_query(terms.iter()).weight(EnableScoring::enabled_from_searcher(&searcher))?;
    let filter_weight = match &filter {
        Some(q) => Some(q.weight(EnableScoring::disabled_from_searcher(&searcher))?),
        None => None,
    };
    // Deleted-but-uncommitted records are dropped after collection: keep extra.
    let keep = limit + part.hidden.len().min(MAX_RESULTS);
    let (all, passing) = traverse(&searcher, union.as_ref(), filter_weight.as_deref(), keep)?;
    let mut all = hits(part, &searcher, all)?;
    all.truncate(limit);
    let passing = match passing {
        Some(p) => {
            let mut p = hits(part, &searcher, p)?;
            p.truncate(limit);
            p
        }
        None => all.clone(),
    };
    Ok(Matches { all, passing })
}

/// One pass over every segment, filling the open list and, with a filter, the
/// passing list.
fn traverse(
    searcher: &Searcher,
    union: &dyn Weight,
    filter: Option<&dyn Weight>,
    keep: usize,
) -> Result<(Vec<Scored>, Option<Vec<Scored>>)> {
    let mut all = TopK::new(keep);
    let mut passing = filter.map(|_| TopK::new(keep));
    let threshold = |all: &TopK<DocAddress>, passing: &Option<TopK<DocAddress>>| match passing {
        Some(p) => all.threshold().min(p.threshold()),
        None => all.threshold(),
    };
    for (segment_ord, reader) in searcher.segment_readers().iter().enumerate() {
        let alive = reader.alive_bitset();
        let mut members = match filter {
            Some(w) => Some(Membership(w.scorer(reader, 1.0)?)),
            None => None,
        };
        let start = threshold(&all, &passing);
        union.for_each_pruning(start, reader, &mut |doc, score| {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                let scored = Scored {
                    score,
                    key: DocAddress::new(segment_ord as u32, doc),
                };
                all.push(scored);
                if let (Some(p), Some(m)) = (passing.as_mut(), members.as_mut()) {
                    if m.contains(doc) {
                        p.push(scored);
                    }
                }
            }
            threshold(&all, &passing)
        })?;
    }
    Ok((all.into_sorted(), passing.map(TopK::into_sorted)))
}

/// The hits of `found`, in order, with their record ids, without records deleted
/// since the last commit.
fn hits(part: &Part, searcher: &Searcher, found: Vec<Scored>) -> Result<Vec<Hit>> {
    let mut out = Vec::with_capacity(found.len());
    for s in found {
        let reader = searcher.segment_reader(s.key.segment_ord);
        let Some(id) = part.ids.id(reader, s.key.doc_id)? else {
            continue;
        };
        if part.hidden.contains(&id) {
            continue;
        }
        out.push(Hit {
            id,
            score: s.score,
            snippets: Vec::new(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
