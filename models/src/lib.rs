//! Candle embedding models (filled by issue 3).
