//! Blind mode: a profile as a commission sees it when identity must not sway it.
//!
//! [`BlindProfileView`] is a separate type rather than a flag on serialisation, so a
//! hidden field cannot leak through a forgotten `skip`: it simply has no name,
//! gender, birth date or age, photo, e-mail or phone. Words of the person's name are
//! also masked in the free texts, where people often sign their CV.

use qabilet_domain::{Education, Experience, LanguageSkill, Locality, Profile, Region};
use serde::Serialize;

/// What blind mode shows of a profile. Nothing else: its schema says so
/// (`additionalProperties: false`), which also tells it apart from a full profile.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlindProfileView {
    pub id: String,
    pub region: Region,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locality: Option<Locality>,
    pub summary: String,
    pub education: Vec<Education>,
    pub experience: Vec<Experience>,
    pub skills: Vec<String>,
    pub languages: Vec<LanguageSkill>,
}

const MASK: &str = "▇▇▇";

/// Replaces each word of `name` (two letters or more) in `text`, in any case.
pub fn mask_name(text: &str, name: &str) -> String {
    let mut out = text.to_owned();
    for word in name.split_whitespace().filter(|w| w.chars().count() >= 2) {
        for variant in [word.to_owned(), word.to_lowercase(), word.to_uppercase()] {
            out = out.replace(&variant, MASK);
        }
    }
    out
}

impl BlindProfileView {
    pub fn of(p: &Profile) -> Self {
        let mask = |t: &str| mask_name(t, &p.full_name);
        BlindProfileView {
            id: p.id.to_string(),
            region: p.region,
            locality: p.locality,
            summary: mask(&p.summary),
            education: p.education.clone(),
            experience: p
                .experience
                .iter()
                .map(|e| Experience {
                    duties: mask(&e.duties),
                    ..e.clone()
                })
                .collect(),
            skills: p.skills.clone(),
            languages: p.languages.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_hidden_field_appears_in_the_json() {
        let mut p = crate::eligibility::tests::profile();
        p.summary = format!("{} — бухгалтер. Сапарова А.", p.summary);
        let json = serde_json::to_string(&BlindProfileView::of(&p)).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        for key in [
            "full_name",
            "gender",
            "birth_date",
            "age",
            "email",
            "phone",
            "photo_url",
            "consents",
        ] {
            assert!(value.get(key).is_none(), "{key} in {json}");
        }
        for secret in [
            "Айгерім",
            "Сапарова",
            "female",
            "1990-05-01",
            "a@example.kz",
            "+77010000000",
            "p.jpg",
        ] {
            assert!(!json.contains(secret), "{secret} leaked: {json}");
        }
        assert!(json.contains("бухгалтер"));
    }
}
