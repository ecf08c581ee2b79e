//! The axum HTTP API (filled by issue 7).
