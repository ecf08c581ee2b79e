//! Group commit of "who viewed what" audit entries.
//!
//! Every shortlist view must be in the audit log before the shortlist is shown, but
//! a view changes nothing, so it needs no transaction of its own. Concurrent views
//! are queued to one writer task that appends every entry waiting (up to
//! [`MAX_BATCH`]) in one transaction and only then answers each request. The hash
//! chain is the same as with one transaction per entry; the writes per second the
//! store has to sustain drop by the batch size. If the batch fails, every request in
//! it fails: no view is shown unaudited.

use std::collections::HashSet;
use std::sync::OnceLock;

use qabilet_store::Store;
use tokio::sync::{mpsc, oneshot};

use crate::AppError;

/// Most entries appended in one transaction.
pub(crate) const MAX_BATCH: usize = 256;

/// One entry to append.
pub(crate) struct ViewRecord {
    pub actor: String,
    pub action: &'static str,
    pub subject_kind: &'static str,
    pub subject_id: String,
    pub detail: String,
    /// The ranking record the view showed, (hash, JSON text): kept with the entry.
    pub ranking_record: Option<(String, std::sync::Arc<String>)>,
}

type Job = (ViewRecord, oneshot::Sender<Result<(), String>>);

/// The queue to the writer task, started on first use (inside the runtime).
#[derive(Default)]
pub(crate) struct ViewAudit {
    queue: OnceLock<mpsc::UnboundedSender<Job>>,
}

impl ViewAudit {
    /// Appends `record` and returns once it is committed.
    pub async fn record(&self, store: &Store, record: ViewRecord) -> Result<(), AppError> {
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(writer(store.clone(), rx));
            tx
        });
        let (done, answer) = oneshot::channel();
        queue
            .send((record, done))
            .map_err(|_| AppError::Internal("the audit writer stopped".into()))?;
        answer
            .await
            .map_err(|_| AppError::Internal("the audit writer dropped a view".into()))?
            .map_err(AppError::Internal)
    }
}

/// Runs until every sender is gone (the server state dropped).
async fn writer(store: Store, mut rx: mpsc::UnboundedReceiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut kept = KeptRecords::default();
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let result = append(&store, &batch, &mut kept)
            .await
            .map_err(|e| e.to_string());
        for (_, done) in batch.drain(..) {
            // The request may have gone (client hung up); nothing to tell then.
            let _ = done.send(result.clone());
        }
    }
}

/// Hashes of the ranking records this writer has seen committed. Every view of an
/// unchanged competition has the same record (every applicant's signals: 501,134
/// bytes for 5,000 applicants), so it is sent to the store once, not with every
/// view for the store to find it kept already.
/// Records are never deleted, so a hash seen committed stays kept; the set is
/// bounded by forgetting everything now and then, which costs one resend each.
#[derive(Default)]
struct KeptRecords(HashSet<String>);

impl KeptRecords {
    const MOST: usize = 4_096;

    fn note(&mut self, hashes: impl IntoIterator<Item = String>) {
        if self.0.len() >= Self::MOST {
            self.0.clear();
        }
        self.0.extend(hashes);
    }
}

async fn append(
    store: &Store,
    batch: &[Job],
    kept: &mut KeptRecords,
) -> Result<(), qabilet_store::StoreError> {
    let mut tx = store.begin().await?;
    let mut new_records: Vec<String> = Vec::new();
    for (r, _) in batch {
        if let Some((hash, body)) = &r.ranking_record {
            if !kept.0.contains(hash) && !new_records.contains(hash) {
                tx.keep_ranking_record(hash, body).await?;
                new_records.push(hash.clone());
            }
        }
        tx.audit(&r.actor, r.action, r.subject_kind, &r.subject_id, &r.detail)
            .await?;
    }
    tx.commit().await?;
    kept.note(new_records);
    Ok(())
}
