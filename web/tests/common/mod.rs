//! The API's test server with the web pages merged in: the same harness as the
//! API's own tests (one way to start a server), serving `qabilet_web::routes`.

#![allow(dead_code)]

#[path = "../../../api/tests/common/mod.rs"]
mod server;

pub use server::*;

/// Starts serving the pages beside the API; call before starting a server.
pub fn pages() {
    serve_pages(qabilet_web::routes);
}

/// [`server::start`] with the pages.
pub async fn start(db: qabilet_store::test_support::TestStore) -> Server {
    pages();
    server::start(db).await
}

/// [`server::start_indexed`] with the pages.
pub async fn start_indexed(
    db: qabilet_store::test_support::TestStore,
) -> (
    Server,
    std::sync::Arc<std::sync::RwLock<qabilet_indexer::Index>>,
    tempfile::TempDir,
) {
    pages();
    server::start_indexed(db).await
}
