//! The tantivy index of vacancies and profiles (filled by issue 4).
