//! Closed vocabularies: languages, levels, regions, categories, statuses.
//!
//! Each is serialised as a short lowercase code; an unknown code is rejected by serde
//! with the list of allowed values, which is what an import error should show.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Language of a text or of a language skill. Kazakh and Russian are the state and
/// official languages; English is the third.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Kk,
    Ru,
    En,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::Kk, Language::Ru, Language::En];

    pub fn code(self) -> &'static str {
        match self {
            Language::Kk => "kk",
            Language::Ru => "ru",
            Language::En => "en",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Language {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "kk" | "kaz" | "kazakh" => Ok(Language::Kk),
            "ru" | "rus" | "russian" => Ok(Language::Ru),
            "en" | "eng" | "english" => Ok(Language::En),
            other => Err(format!("unknown language {other:?}; expected kk, ru or en")),
        }
    }
}

/// How well a person speaks a language, ordered from weakest to strongest.
/// Mirrors the CEFR bands HR uses (basic ≈ A1–A2, intermediate ≈ B1, upper ≈ B2,
/// fluent ≈ C1–C2) plus native.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LanguageLevel {
    Basic,
    Intermediate,
    UpperIntermediate,
    Fluent,
    Native,
}

impl LanguageLevel {
    /// The level as written in data files and shown to people (`upper_intermediate`).
    pub fn code(self) -> &'static str {
        match self {
            LanguageLevel::Basic => "basic",
            LanguageLevel::Intermediate => "intermediate",
            LanguageLevel::UpperIntermediate => "upper_intermediate",
            LanguageLevel::Fluent => "fluent",
            LanguageLevel::Native => "native",
        }
    }
}

impl FromStr for LanguageLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "basic" | "a1" | "a2" | "elementary" | "beginner" => LanguageLevel::Basic,
            "intermediate" | "b1" => LanguageLevel::Intermediate,
            "upper_intermediate" | "upper-intermediate" | "b2" => LanguageLevel::UpperIntermediate,
            "fluent" | "advanced" | "c1" | "c2" | "proficient" => LanguageLevel::Fluent,
            "native" | "native speaker" | "mother tongue" => LanguageLevel::Native,
            other => {
                return Err(format!(
                    "unknown language level {other:?}; expected basic, intermediate, upper_intermediate, fluent or native"
                ))
            }
        })
    }
}

/// Highest completed education, ordered. Follows Kazakhstan's levels: general
/// secondary, technical and vocational (ТиПО), post-secondary, higher (bachelor or
/// specialist), master, doctorate (PhD).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EducationLevel {
    Secondary,
    Vocational,
    PostSecondary,
    Higher,
    Master,
    Doctorate,
}

impl EducationLevel {
    pub fn code(self) -> &'static str {
        match self {
            EducationLevel::Secondary => "secondary",
            EducationLevel::Vocational => "vocational",
            EducationLevel::PostSecondary => "post_secondary",
            EducationLevel::Higher => "higher",
            EducationLevel::Master => "master",
            EducationLevel::Doctorate => "doctorate",
        }
    }
}

impl FromStr for EducationLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "secondary" | "school" | "high school" => EducationLevel::Secondary,
            "vocational" | "college" | "technical" => EducationLevel::Vocational,
            "post_secondary" | "post-secondary" => EducationLevel::PostSecondary,
            "higher" | "bachelor" | "bachelors" | "specialist" | "ba" | "bsc" | "bs" => {
                EducationLevel::Higher
            }
            "master" | "masters" | "ma" | "msc" | "ms" | "mba" => EducationLevel::Master,
            "doctorate" | "phd" | "doctor" | "candidate of sciences" => EducationLevel::Doctorate,
            other => {
                return Err(format!(
                    "unknown education level {other:?}; expected secondary, vocational, post_secondary, higher, master or doctorate"
                ))
            }
        })
    }
}

/// Recorded only for the fairness report; never used in ranking and hidden in blind mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Female,
    Male,
}

/// Town or countryside, for the fairness report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Locality {
    Urban,
    Rural,
}

/// Where a job was held: public service counts separately in civil-service requirements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    Public,
    Private,
    NonProfit,
}

/// Life cycle of a vacancy. Applications are accepted only while `open` and before
/// the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum VacancyStatus {
    Draft,
    Open,
    Closed,
    Cancelled,
}

impl VacancyStatus {
    pub fn code(self) -> &'static str {
        match self {
            VacancyStatus::Draft => "draft",
            VacancyStatus::Open => "open",
            VacancyStatus::Closed => "closed",
            VacancyStatus::Cancelled => "cancelled",
        }
    }
}

macro_rules! regions {
    ($($variant:ident => $code:literal, $kk:literal, $ru:literal, $en:literal;)*) => {
        /// Where a person lives or a post is: one of the 17 regions and 3 cities of
        /// republican significance of Kazakhstan ([`Region::KAZAKHSTAN`]), or, for a
        /// person only, [`Region::Abroad`] or [`Region::Unknown`]. Citizens abroad
        /// apply too, and a CV from outside often names no region; both are kept
        /// as what they are rather than refused or guessed. No eligibility rule
        /// reads the region (residence is no requirement of a civil-service
        /// competition), and the fairness reports show both as groups of their own.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Region {
            $(#[serde(rename = $code)] $variant,)*
        }

        impl Region {
            /// Every code, Kazakhstan's 20 first, then `abroad` and `unknown`.
            pub const ALL: &'static [Region] = &[$(Region::$variant,)*];

            pub fn code(self) -> &'static str {
                match self { $(Region::$variant => $code,)* }
            }

            /// The region's name in the given interface language.
            pub fn name(self, lang: Language) -> &'static str {
                match (self, lang) {
                    $((Region::$variant, Language::Kk) => $kk,
                      (Region::$variant, Language::Ru) => $ru,
                      (Region::$variant, Language::En) => $en,)*
                }
            }
        }

        impl FromStr for Region {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let s = s.trim();
                $(if s.eq_ignore_ascii_case($code) || s == $kk || s == $ru || s.eq_ignore_ascii_case($en) {
                    return Ok(Region::$variant);
                })*
                Err(format!("unknown region {s:?}; expected one of {}",
                    [$($code),*].join(", ")))
            }
        }
    };
}

regions! {
    Astana => "astana", "Астана", "Астана", "Astana";
    Almaty => "almaty", "Алматы", "Алматы", "Almaty";
    Shymkent => "shymkent", "Шымкент", "Шымкент", "Shymkent";
    Abai => "abai", "Абай облысы", "Абайская область", "Abai Region";
    Akmola => "akmola", "Ақмола облысы", "Акмолинская область", "Akmola Region";
    Aktobe => "aktobe", "Ақтөбе облысы", "Актюбинская область", "Aktobe Region";
    AlmatyRegion => "almaty_region", "Алматы облысы", "Алматинская область", "Almaty Region";
    Atyrau => "atyrau", "Атырау облысы", "Атырауская область", "Atyrau Region";
    EastKazakhstan => "east_kazakhstan", "Шығыс Қазақстан облысы", "Восточно-Казахстанская область", "East Kazakhstan Region";
    Jambyl => "jambyl", "Жамбыл облысы", "Жамбылская область", "Jambyl Region";
    Jetisu => "jetisu", "Жетісу облысы", "Область Жетысу", "Jetisu Region";
    Karaganda => "karaganda", "Қарағанды облысы", "Карагандинская область", "Karaganda Region";
    Kostanay => "kostanay", "Қостанай облысы", "Костанайская область", "Kostanay Region";
    Kyzylorda => "kyzylorda", "Қызылорда облысы", "Кызылординская область", "Kyzylorda Region";
    Mangystau => "mangystau", "Маңғыстау облысы", "Мангистауская область", "Mangystau Region";
    NorthKazakhstan => "north_kazakhstan", "Солтүстік Қазақстан облысы", "Северо-Казахстанская область", "North Kazakhstan Region";
    Pavlodar => "pavlodar", "Павлодар облысы", "Павлодарская область", "Pavlodar Region";
    Turkistan => "turkistan", "Түркістан облысы", "Туркестанская область", "Turkistan Region";
    Ulytau => "ulytau", "Ұлытау облысы", "Область Улытау", "Ulytau Region";
    WestKazakhstan => "west_kazakhstan", "Батыс Қазақстан облысы", "Западно-Казахстанская область", "West Kazakhstan Region";
    Abroad => "abroad", "Шетелде", "За рубежом", "Abroad";
    Unknown => "unknown", "Көрсетілмеген", "Не указан", "Not stated";
}

impl Region {
    /// The 17 regions and 3 cities of republican significance: where a vacancy or
    /// an organisation can be.
    pub const KAZAKHSTAN: &'static [Region] = Region::ALL.split_at(20).0;

    /// Whether this is a region of Kazakhstan (not `abroad` or `unknown`).
    pub fn is_in_kazakhstan(self) -> bool {
        !matches!(self, Region::Abroad | Region::Unknown)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The letter of a civil-service category. Group A is corps A (top managers); groups
/// B–E are corps B: central bodies (B), regional (C), district (D), local (E).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CategoryGroup {
    A,
    B,
    C,
    D,
    E,
}

/// A civil-service post category such as `B-4`, `C-O-3` or `E-2`.
///
/// Written as `GROUP[-LEVEL]-GRADE`: GROUP is A–E, the optional LEVEL letter is O
/// (oblast), R (raion) or G (city), GRADE is 1–9 (lower is more senior).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Category {
    pub group: CategoryGroup,
    pub level: Option<char>,
    pub grade: u8,
}

impl Category {
    /// Corps A or B, as the law groups categories.
    pub fn corps(&self) -> char {
        if self.group == CategoryGroup::A {
            'A'
        } else {
            'B'
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = match self.group {
            CategoryGroup::A => 'A',
            CategoryGroup::B => 'B',
            CategoryGroup::C => 'C',
            CategoryGroup::D => 'D',
            CategoryGroup::E => 'E',
        };
        match self.level {
            Some(l) => write!(f, "{g}-{l}-{}", self.grade),
            None => write!(f, "{g}-{}", self.grade),
        }
    }
}

impl FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "invalid category {s:?}; expected GROUP[-LEVEL]-GRADE such as A-2, B-4, C-O-3, E-1 \
                 (GROUP A–E, LEVEL O/R/G, GRADE 1–9)"
            )
        };
        let upper = s.trim().to_ascii_uppercase().replace('–', "-");
        let parts: Vec<&str> = upper.split('-').collect();
        let (group, level, grade) = match parts.as_slice() {
            [g, n] => (*g, None, *n),
            [g, l, n] => (*g, Some(*l), *n),
            _ => return Err(bad()),
        };
        let group = match group {
            "A" => CategoryGroup::A,
            "B" => CategoryGroup::B,
            "C" => CategoryGroup::C,
            "D" => CategoryGroup::D,
            "E" => CategoryGroup::E,
            _ => return Err(bad()),
        };
        let level = match level {
            None => None,
            Some(l @ ("O" | "R" | "G")) => l.chars().next(),
            Some(_) => return Err(bad()),
        };
        let grade: u8 = grade.parse().map_err(|_| bad())?;
        if !(1..=9).contains(&grade) {
            return Err(bad());
        }
        Ok(Category {
            group,
            level,
            grade,
        })
    }
}

/// Written by hand: the derive cannot read the `rename`s the `regions!` macro
/// passes it, and would document the variant names instead of the codes.
impl utoipa::PartialSchema for Region {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Region::ALL.iter().map(|r| r.code())))
            .description(Some(
                "A region or city of republican significance of Kazakhstan; for a person \
                 also `abroad` or `unknown`",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Region {}

impl utoipa::PartialSchema for Category {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[A-Ea-e](-[ORGorg])?-[1-9]$"))
            .description(Some(
                "A civil-service category, GROUP[-LEVEL]-GRADE: B-4, C-O-3, E-1",
            ))
            .examples(["C-O-4"])
            .into()
    }
}

impl utoipa::ToSchema for Category {}

impl Serialize for Category {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Category {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_round_trip_and_reject_nonsense() {
        for s in ["A-1", "B-4", "C-O-3", "D-R-2", "E-G-1"] {
            assert_eq!(s.parse::<Category>().unwrap().to_string(), s);
        }
        assert_eq!("b-4".parse::<Category>().unwrap().corps(), 'B');
        assert_eq!("A-3".parse::<Category>().unwrap().corps(), 'A');
        for s in ["F-1", "B-0", "B-X-1", "B", "B-10"] {
            assert!(s.parse::<Category>().is_err(), "{s}");
        }
    }

    #[test]
    fn regions_parse_from_any_language() {
        assert_eq!(
            "Карагандинская область".parse::<Region>(),
            Ok(Region::Karaganda)
        );
        assert_eq!("Қарағанды облысы".parse::<Region>(), Ok(Region::Karaganda));
        assert_eq!("karaganda".parse::<Region>(), Ok(Region::Karaganda));
        assert_eq!(Region::KAZAKHSTAN.len(), 20);
        assert_eq!(Region::ALL.len(), 22);
        assert!(Region::KAZAKHSTAN.iter().all(|r| r.is_in_kazakhstan()));
        assert_eq!("abroad".parse::<Region>(), Ok(Region::Abroad));
        assert!(!Region::Unknown.is_in_kazakhstan());
        let err = serde_json::from_str::<Region>("\"mars\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("astana"), "{err}");
    }

    #[test]
    fn levels_are_ordered() {
        assert!(EducationLevel::Master > EducationLevel::Higher);
        assert!(LanguageLevel::Native > LanguageLevel::Fluent);
        assert_eq!("C1".parse::<LanguageLevel>(), Ok(LanguageLevel::Fluent));
    }

    #[test]
    fn language_level_codes_are_the_serialised_names() {
        use LanguageLevel::*;
        for level in [Basic, Intermediate, UpperIntermediate, Fluent, Native] {
            let json = serde_json::to_string(&level).unwrap();
            assert_eq!(json, format!("\"{}\"", level.code()));
            assert_eq!(level.code().parse::<LanguageLevel>(), Ok(level));
        }
    }
}
