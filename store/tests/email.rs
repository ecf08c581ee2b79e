//! The email channel's bookkeeping on SQLite and PostgreSQL: the cursor starts at
//! the end of the outbox and moves by compare-and-set with the message it takes
//! up, and an attempt is claimed by one caller only.

use chrono::{Duration, Utc};
use qabilet_store::test_support::{self, Expect};
use qabilet_store::{EmailStatus, EmailTakeUp, EventKind};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cursor_moves_once_and_an_attempt_is_claimed_once() {
    for db in test_support::all().await {
        let store = &db.store;
        let name = db.name;
        let enqueue = |n: i64| async move {
            let mut tx = store.begin().await.unwrap();
            let seq = tx
                .enqueue_event(
                    EventKind::StageResult,
                    "application",
                    "A-1",
                    &json!({ "n": n }),
                )
                .await
                .unwrap();
            tx.commit().await.unwrap();
            seq
        };
        let before = enqueue(1).await;
        assert_eq!(store.email_cursor().await.on(&db, "cursor"), None);
        // The first start begins after what is already there, and a second start
        // does not move it.
        assert_eq!(
            store.start_email_cursor().await.on(&db, "start"),
            before,
            "[{name}]"
        );
        let first = enqueue(2).await;
        let second = enqueue(3).await;
        assert_eq!(
            store.start_email_cursor().await.on(&db, "start"),
            before,
            "[{name}]"
        );

        let take = EmailTakeUp::Message { profile_id: "P-1" };
        assert!(store
            .advance_email_cursor(before, first, take)
            .await
            .on(&db, "advance"));
        // A second server still at `before` moves nothing and records nothing.
        assert!(!store
            .advance_email_cursor(before, first, take)
            .await
            .on(&db, "again"));
        let unreadable = EmailTakeUp::Unreadable {
            error: "bad payload",
        };
        assert!(store
            .advance_email_cursor(first, second, unreadable)
            .await
            .on(&db, "bad"));
        assert_eq!(store.email_cursor().await.on(&db, "cursor"), Some(second));

        let all = store.email_messages(0, 10).await.on(&db, "messages");
        assert_eq!(all.len(), 2, "[{name}] {all:?}");
        assert_eq!((all[0].seq, all[0].status), (first, EmailStatus::Pending));
        assert_eq!(all[0].profile_id.as_deref(), Some("P-1"));
        assert_eq!((all[1].seq, all[1].status), (second, EmailStatus::Failed));
        assert_eq!(all[1].detail.as_deref(), Some("bad payload"));

        let pending = store.pending_emails(10).await.on(&db, "pending");
        assert_eq!(pending.len(), 1, "[{name}]");
        let lease = Utc::now() + Duration::minutes(2);
        assert!(store
            .begin_email_attempt(first, 0, lease)
            .await
            .on(&db, "claim"));
        assert!(!store
            .begin_email_attempt(first, 0, lease)
            .await
            .on(&db, "claim twice"));
        store
            .mark_email(
                first,
                EmailStatus::Sent,
                Some("p1@example.kz"),
                None,
                Utc::now(),
            )
            .await
            .on(&db, "sent");
        // A final status is final: a late retry record does not reopen it.
        store
            .mark_email(first, EmailStatus::Pending, None, Some("late"), Utc::now())
            .await
            .on(&db, "late");
        let sent = &store.email_messages(0, 1).await.on(&db, "messages")[0];
        assert_eq!(sent.status, EmailStatus::Sent, "[{name}]");
        assert_eq!(
            (sent.attempts, sent.recipient.as_deref()),
            (1, Some("p1@example.kz"))
        );
        assert!(store.pending_emails(10).await.on(&db, "pending").is_empty());
    }
}
