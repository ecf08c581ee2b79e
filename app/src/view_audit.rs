//! Group commit of "who viewed what" audit entries.
//!
//! Every shortlist view must be in the audit log before the shortlist is shown, but
//! a view changes nothing, so it needs no transaction of its own. Concurrent views
//! are queued to one writer task that appends every entry waiting (up to
//! [`MAX_BATCH`]) in one transaction and only then answers each request. The hash
//! chain is the same as with one transaction per entry; the writes per second the
//! store has to sustain drop by the batch size. If the batch fails, every request in
//! it fails: no view is shown unaudited.

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
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let result = append(&store, &batch).await.map_err(|e| e.to_string());
        for (_, done) in batch.drain(..) {
            // The request may have gone (client hung up); nothing to tell then.
            let _ = done.send(result.clone());
        }
    }
}

async fn append(store: &Store, batch: &[Job]) -> Result<(), qabilet_store::StoreError> {
    let mut tx = store.begin().await?;
    for (r, _) in batch {
        if let Some((hash, body)) = &r.ranking_record {
            tx.keep_ranking_record(hash, body).await?;
        }
        tx.audit(&r.actor, r.action, r.subject_kind, &r.subject_id, &r.detail)
            .await?;
    }
    tx.commit().await
}
