//! Synthetic demo data.
