//! Views of a competition that keeps no rankings (`--shortlist-cache-applicants
//! 0`) share fresh ones: views that arrive while the competition is being ranked
//! wait for the next ranking, which starts once the running one ends and serves
//! every view that arrived before it started. So each view still gets a ranking
//! of the data as it was after the view was asked for, and the server ranks a
//! competition at most once at a time, however many people open it.
//!
//! Why: without it, 64 commission members opening one 5,000-applicant shortlist
//! ran 64 rankings side by side on two cores; each view took 2.2 s (p50, national
//! load test, `docs/performance.md`) where one ranking takes a few tens of ms.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use super::Shortlist;
use crate::AppResult;

/// (vacancy, blind): the rankings that can be shared.
type Key = (String, bool);

/// The competitions being ranked, each with the views waiting for its next
/// ranking (a [`Shortlist`]; the tests share numbers).
pub(crate) struct FreshRankings<T = Shortlist>(Mutex<HashMap<Key, Arc<Competition<T>>>>);

impl<T> Default for FreshRankings<T> {
    fn default() -> Self {
        FreshRankings(Mutex::default())
    }
}

struct Competition<T> {
    /// Held while a ranking of this competition runs: one at a time.
    running: tokio::sync::Mutex<()>,
    /// The views waiting for a ranking not yet started.
    next: Mutex<Option<Arc<Batch<T>>>>,
}

impl<T> Default for Competition<T> {
    fn default() -> Self {
        Competition {
            running: tokio::sync::Mutex::default(),
            next: Mutex::default(),
        }
    }
}

/// The views that share one ranking: the longest list any of them asks for, and
/// the ranking once it is done.
struct Batch<T> {
    limit: AtomicUsize,
    done: OnceLock<Arc<T>>,
}

impl<T> Default for Batch<T> {
    fn default() -> Self {
        Batch {
            limit: AtomicUsize::new(0),
            done: OnceLock::new(),
        }
    }
}

impl<T> FreshRankings<T> {
    /// The ranking of `key` a view asking for `limit` entries gets: one started
    /// after this call, by `rank` (given the longest limit of the views sharing
    /// it) here or in a view that arrived at the same time. Its lists may be
    /// longer than `limit`. When the leading view fails or goes away, the next
    /// view waiting ranks for the batch.
    pub(crate) async fn shared<F, Fut>(&self, key: Key, limit: usize, rank: F) -> AppResult<Arc<T>>
    where
        F: FnOnce(usize) -> Fut,
        Fut: Future<Output = AppResult<T>>,
    {
        let competition = self.lock().entry(key.clone()).or_default().clone();
        let batch = {
            let mut next = lock(&competition.next);
            let batch = next.get_or_insert_with(Default::default).clone();
            batch.limit.fetch_max(limit, Ordering::Relaxed);
            batch
        };
        let running = competition.running.lock().await;
        if let Some(done) = batch.done.get() {
            drop(running);
            self.forget_if_idle(&key, &competition);
            return Ok(done.clone());
        }
        // This view leads its batch; views arriving from now on join the next.
        {
            let mut next = lock(&competition.next);
            if next.as_ref().is_some_and(|b| Arc::ptr_eq(b, &batch)) {
                *next = None;
            }
        }
        let ranked = rank(batch.limit.load(Ordering::Relaxed))
            .await
            .map(Arc::new);
        if let Ok(view) = &ranked {
            let _ = batch.done.set(view.clone());
        }
        drop(running);
        self.forget_if_idle(&key, &competition);
        ranked
    }

    /// Drops a competition nobody is waiting for, so the map holds only the
    /// competitions being viewed.
    fn forget_if_idle(&self, key: &Key, competition: &Arc<Competition<T>>) {
        let mut map = self.lock();
        // The map's reference and the caller's: nobody else holds it.
        if Arc::strong_count(competition) == 2 && lock(&competition.next).is_none() {
            map.remove(key);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<Competition<T>>>> {
        lock(&self.0)
    }
}

/// A poisoned lock here only means a view panicked between two plain updates of
/// the maps, which leave them consistent.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicU64;
    use std::time::Duration;

    use super::*;

    /// 40 views of one competition arriving over ~4 rankings' time: far fewer
    /// rankings than views, each view's ranking started after the view arrived and
    /// long enough for it, and nothing left behind in the map.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn views_arriving_together_share_a_ranking_started_after_them() {
        let fresh = Arc::new(FreshRankings::<(u64, usize)>::default());
        let clock = Arc::new(AtomicU64::new(0));
        let rankings = Arc::new(AtomicU64::new(0));
        let mut views = Vec::new();
        for i in 0..40u64 {
            let (fresh, clock, rankings) = (fresh.clone(), clock.clone(), rankings.clone());
            views.push(tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(i * 2)).await;
                let limit = 1 + (i as usize % 7);
                let arrived = clock.fetch_add(1, Ordering::SeqCst);
                let key = ("V-1".to_owned(), true);
                let got = fresh
                    .shared(key, limit, |longest| async move {
                        rankings.fetch_add(1, Ordering::SeqCst);
                        let started = clock.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Ok((started, longest))
                    })
                    .await
                    .unwrap();
                (arrived, limit, got)
            }));
        }
        for view in views {
            let (arrived, limit, got) = view.await.unwrap();
            assert!(
                got.0 > arrived,
                "a ranking started at {} served a view of {arrived}",
                got.0
            );
            assert!(got.1 >= limit);
        }
        let rankings = rankings.load(Ordering::SeqCst);
        assert!(
            (2..=10).contains(&rankings),
            "{rankings} rankings for 40 views"
        );
        assert!(fresh.lock().is_empty());
    }

    /// A ranking that fails is the error of the view that led it; a view that
    /// waited for the same ranking ranks for itself.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_ranking_leaves_the_waiting_views_to_rank_again() {
        let fresh = Arc::new(FreshRankings::<u32>::default());
        let view = |after: u64, outcome: AppResult<u32>| {
            let fresh = fresh.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(after)).await;
                fresh
                    .shared(("V-1".into(), true), 1, |_| async move {
                        tokio::time::sleep(Duration::from_millis(40)).await;
                        outcome
                    })
                    .await
            })
        };
        // The first ranks alone; the next two arrive while it runs and share one
        // ranking, led by the first of them, which fails.
        let running = view(0, Ok(1));
        let failing = view(10, Err(crate::AppError::internal("the store went away")));
        let waiting = view(20, Ok(3));
        assert_eq!(*running.await.unwrap().unwrap(), 1);
        assert!(failing.await.unwrap().is_err());
        assert_eq!(*waiting.await.unwrap().unwrap(), 3);
        assert!(fresh.lock().is_empty());
    }
}
