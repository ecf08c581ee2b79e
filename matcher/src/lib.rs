//! Eligibility rules, hybrid ranking, explanations, reserve and second-best matching (filled by issue 5).
