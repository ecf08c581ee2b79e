//! Test-session anomaly detection (filled by issue 6).
