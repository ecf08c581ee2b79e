//! BM25 of a vacancy's words for a closed pool of profiles (a competition's
//! applicants), scored as if the pool were the whole collection.
//!
//! A shortlist must depend on the applicants alone. Retrieving the global top
//! list and keeping the applicants in it (what the shortlist did before) leaves an
//! applicant outside that list without a BM25 score, and even inside it each
//! score moves with everyone else in the index: BM25's inverse document frequency
//! and average field length are collection statistics, so 10,000 new profiles
//! full of the vacancy's words would lower every applicant's score by different
//! amounts and could reorder them. Here the statistics come from the pool itself
//! (tantivy's [`Bm25StatisticsProvider`]): the number of pool documents, the
//! tokens per field summed over them (from the field norms, which tantivy keeps
//! exactly for fields up to 40 tokens and rounded above), and how many of them hold
//! each term. The scores are then a function of the applicants' documents only.
//!
//! Cost: the pool's documents are found by id (one term lookup each), and each
//! query term's postings are walked only to the pool's documents, so a pool of a
//! few thousand costs milliseconds whatever the size of the index.

use tantivy::query::{Bm25StatisticsProvider, EnableScoring, Query};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Searcher, Term, TERMINATED};

use crate::bag_of_words::{bag_of_words, union_query, union_terms};
use crate::indexing::Part;
use crate::querying::{check_query_length, Hit};
use crate::Result;

/// The pool's documents in one segment, in increasing order, with their ids.
struct SegmentPool {
    docs: Vec<(DocId, String)>,
}

/// Collection statistics of the pool, for tantivy's BM25 weights.
struct PoolStatistics<'a> {
    searcher: &'a Searcher,
    segments: &'a [SegmentPool],
}

impl PoolStatistics<'_> {
    fn documents(&self) -> u64 {
        self.segments.iter().map(|s| s.docs.len() as u64).sum()
    }
}

impl Bm25StatisticsProvider for PoolStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let mut total = 0u64;
        for (reader, pool) in self.searcher.segment_readers().iter().zip(self.segments) {
            let norms = reader.get_fieldnorms_reader(field)?;
            total += pool
                .docs
                .iter()
                .map(|(doc, _)| u64::from(norms.fieldnorm(*doc)))
                .sum::<u64>();
        }
        Ok(total)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.documents())
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let mut freq = 0u64;
        for (reader, pool) in self.searcher.segment_readers().iter().zip(self.segments) {
            let index = reader.inverted_index(term.field())?;
            let Some(mut postings) = index.read_postings(term, IndexRecordOption::Basic)? else {
                continue;
            };
            for (doc, _) in &pool.docs {
                if postings.doc() == TERMINATED {
                    break;
                }
                if postings.doc() < *doc {
                    postings.seek(*doc);
                }
                if postings.doc() == *doc {
                    freq += 1;
                }
            }
        }
        Ok(freq)
    }
}

/// The pool's live documents, segment by segment; ids deleted since the last
/// commit, or not in the index, are simply absent.
///
/// A record is alive in one segment at most, so an id found alive is not looked
/// up in the segments after it, and the segments are searched largest first:
/// on an index of a million profiles in a dozen segments, looking every
/// applicant up in every segment was most of the pool's cost.
fn find_pool(part: &Part, searcher: &Searcher, ids: &[&str]) -> Result<Vec<SegmentPool>> {
    let readers = searcher.segment_readers();
    let mut largest_first: Vec<usize> = (0..readers.len()).collect();
    largest_first.sort_by_key(|&s| std::cmp::Reverse(readers[s].num_docs()));
    let mut out: Vec<SegmentPool> = readers
        .iter()
        .map(|_| SegmentPool { docs: Vec::new() })
        .collect();
    let mut found = vec![false; ids.len()];
    for s in largest_first {
        let reader = &readers[s];
        let index = reader.inverted_index(part.fields.id)?;
        let alive = reader.alive_bitset();
        let mut docs = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            if found[i] || part.hidden.contains(*id) {
                continue;
            }
            let term = Term::from_field_text(part.fields.id, id);
            let postings = index
                .read_postings(&term, IndexRecordOption::Basic)
                .map_err(crate::Error::io("reading the id postings"))?;
            let Some(mut postings) = postings else {
                continue;
            };
            // A replaced record leaves its old, deleted document behind until a merge.
            while postings.doc() != TERMINATED {
                if alive.is_none_or(|a| a.is_alive(postings.doc())) {
                    docs.push((postings.doc(), (*id).to_owned()));
                    found[i] = true;
                }
                postings.advance();
            }
        }
        docs.sort_unstable();
        docs.dedup_by(|a, b| a.0 == b.0);
        out[s] = SegmentPool { docs };
    }
    Ok(out)
}

/// BM25 of `text` (a bag of words, as [`crate::Index::match_profiles`] takes it) for
/// the records of `part` with these `ids`, with the pool as the collection; see the
/// module docs. Records the words do not match get no hit.
pub(crate) fn score_pool(part: &Part, text: &str, ids: &[&str]) -> Result<Vec<Hit>> {
    check_query_length(text)?;
    let words = bag_of_words(text);
    if words.is_empty() || ids.is_empty() {
        return Ok(Vec::new());
    }
    let searcher = part.reader.searcher();
    let segments = find_pool(part, &searcher, ids)?;
    let stats = PoolStatistics {
        searcher: &searcher,
        segments: &segments,
    };
    if stats.documents() == 0 {
        return Ok(Vec::new());
    }
    let terms = union_terms(&part.fields, &words);
    let weight = union_query(terms.iter()).weight(
        EnableScoring::enabled_from_statistics_provider(&stats, &searcher),
    )?;
    let mut hits = Vec::new();
    for (reader, pool) in searcher.segment_readers().iter().zip(&segments) {
        if pool.docs.is_empty() {
            continue;
        }
        let mut scorer = weight.scorer(reader, 1.0)?;
        for (doc, id) in &pool.docs {
            if scorer.doc() == TERMINATED {
                break;
            }
            if scorer.doc() < *doc {
                scorer.seek(*doc);
            }
            if scorer.doc() == *doc {
                hits.push(Hit {
                    id: id.clone(),
                    score: scorer.score(),
                    snippets: Vec::new(),
                });
            }
        }
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    Ok(hits)
}

#[cfg(test)]
mod tests;
