//! Real databases for tests in every crate: a fresh SQLite file and, unless
//! disabled, a fresh PostgreSQL database per test, dropped afterwards.
//!
//! PostgreSQL is found through `QABILET_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`, the server `.ci/run` starts).
//! Setting it to `off` skips PostgreSQL — except when `CI` is set, where a missing
//! server fails the test, so CI cannot pass without exercising both backends.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::{Store, StoreError};

/// A store under test plus what must be cleaned up when it is dropped.
pub struct TestStore {
    pub store: Store,
    /// `sqlite` or `postgres`, for assertion messages.
    pub name: &'static str,
    /// The URL the store was opened with, for tests that open it a second time.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(#[allow(dead_code)] tempfile::TempDir),
    Database { admin_url: String, name: String },
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Cleanup::Database { admin_url, name } = &self.cleanup {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs inside the test's runtime; a helper thread gets its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(async {
                        use sqlx::Connection;
                        if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                            let _ = sqlx::query(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .execute(&mut conn)
                            .await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

fn postgres_admin_url() -> Option<String> {
    let url = std::env::var("QABILET_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    (url != "off").then_some(url)
}

/// A fresh embedded store in a temporary directory.
pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join(crate::SQLITE_FILE).display());
    let store = Store::connect(&url).await.expect("open sqlite");
    TestStore {
        store,
        name: "sqlite",
        url,
        cleanup: Cleanup::Dir(dir),
    }
}

/// A fresh PostgreSQL database, or `None` when PostgreSQL is switched off outside CI.
pub async fn postgres() -> Option<TestStore> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let in_ci = std::env::var_os("CI").is_some();
    let Some(admin_url) = postgres_admin_url() else {
        assert!(!in_ci, "QABILET_TEST_POSTGRES_URL=off is not allowed in CI");
        return None;
    };
    let name = format!(
        "qabilet_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_micros() % 1_000_000_000
    );
    use sqlx::Connection;
    let mut conn = match sqlx::PgConnection::connect(&admin_url).await {
        Ok(conn) => conn,
        Err(e) => panic!(
            "PostgreSQL at {admin_url} is not reachable ({e}); start it (.ci/run does) \
             or set QABILET_TEST_POSTGRES_URL=off to test SQLite only"
        ),
    };
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    // Same server and user, the new database: replace the path after the host.
    let after_scheme = admin_url.find("://").map_or(0, |i| i + 3);
    let base = match admin_url[after_scheme..].find('/') {
        Some(i) => &admin_url[..after_scheme + i],
        None => admin_url.as_str(),
    };
    let url = format!("{base}/{name}");
    let store = Store::connect(&url).await.expect("open postgres");
    Some(TestStore {
        store,
        name: "postgres",
        url,
        cleanup: Cleanup::Database { admin_url, name },
    })
}

/// Both backends (PostgreSQL only when available; see the module docs).
pub async fn all() -> Vec<TestStore> {
    let mut stores = vec![sqlite().await];
    stores.extend(postgres().await);
    stores
}

/// Convenience for tests: maps the error to a panic with the backend's name.
pub trait Expect<T> {
    fn on(self, store: &TestStore, what: &str) -> T;
}

impl<T> Expect<T> for Result<T, StoreError> {
    fn on(self, store: &TestStore, what: &str) -> T {
        match self {
            Ok(v) => v,
            Err(e) => panic!("[{}] {what}: {e}", store.name),
        }
    }
}

/// Runs `sql` on its own connection to `url`, as someone with the database's
/// own rights (not through the store) would: for tests that tamper with records.
pub async fn raw_execute(url: &str, sql: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await?;
        sqlx::query(sql).execute(&mut conn).await?;
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        sqlx::query(sql).execute(&mut conn).await?;
    }
    Ok(())
}
