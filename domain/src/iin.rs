//! The national individual identification number (ЖСН / ИИН): the key every
//! Kazakh state system files a person under.
//!
//! Twelve digits: the birth date as `YYMMDD`; a digit for the century and sex
//! (1/2 born in the 1800s, 3/4 in the 1900s, 5/6 in the 2000s; odd for men, even
//! for women); four serial digits; and a check digit. The check digit is the sum
//! of the first eleven digits weighted 1…11, modulo 11; if that gives 10, the
//! weights 3…11, 1, 2 are used instead; a number for which both give 10 is never
//! issued.
//!
//! An IIN is personal data that tells a birth date and sex: views show it
//! [`masked`](Iin::masked) unless the viewer is its owner or a role that needs it.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Gender;

/// A validated IIN (see the module docs).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Iin {
    digits: String,
    /// Written out (JSON, `Display`) as [`Iin::masked`]: a view's copy.
    masked: bool,
}

impl Iin {
    /// Checks `text` (digits only, spaces allowed between groups as people write
    /// them) and returns the IIN.
    pub fn parse(text: &str) -> Result<Iin, String> {
        let digits: String = text.chars().filter(|c| *c != ' ').collect();
        if digits.chars().count() != 12 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("{text:?} is not 12 digits"));
        }
        let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
        let weighted = |weights: [u32; 11]| {
            d.iter()
                .zip(weights)
                .map(|(digit, w)| digit * w)
                .sum::<u32>()
                % 11
        };
        let mut check = weighted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        if check == 10 {
            check = weighted([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
        }
        if check == 10 || check != d[11] {
            return Err(format!(
                "{digits} fails the IIN check digit: a digit is mistyped"
            ));
        }
        let iin = Iin {
            digits,
            masked: false,
        };
        iin.birth_date()?;
        Ok(iin)
    }

    /// The digits (of a masked copy too: for the store, never for a view).
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    fn digit(&self, i: usize) -> u32 {
        self.digits.as_bytes()[i] as u32 - u32::from(b'0')
    }

    /// The birth date it encodes.
    pub fn birth_date(&self) -> Result<NaiveDate, String> {
        let two = |i: usize| self.digit(i) * 10 + self.digit(i + 1);
        let century = match self.digit(6) {
            1 | 2 => 1800,
            3 | 4 => 1900,
            5 | 6 => 2000,
            other => {
                return Err(format!(
                    "{}: the 7th digit {other} is not a century and sex (1–6)",
                    self.digits
                ))
            }
        };
        NaiveDate::from_ymd_opt((century + two(0)) as i32, two(2), two(4))
            .ok_or_else(|| format!("{}: the first six digits are not a date", self.digits))
    }

    /// The sex it encodes.
    pub fn gender(&self) -> Gender {
        if self.digit(6) % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// The last four digits only, as shown to those who may not see the whole
    /// number: enough to tell two people apart on a call, not a birth date.
    pub fn masked(&self) -> String {
        format!("********{}", &self.digits[8..])
    }

    /// A copy written out masked, for a viewer who may not see the number. It
    /// does not parse back: a masked view re-imported is refused, not stored.
    pub fn to_masked(&self) -> Iin {
        Iin {
            digits: self.digits.clone(),
            masked: true,
        }
    }

    /// Whether this copy is written out masked.
    pub fn is_masked(&self) -> bool {
        self.masked
    }
}

/// Twelve digits; views that may not show it give `********` and the last four.
impl utoipa::PartialSchema for Iin {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^([0-9]{12}|\*{8}[0-9]{4})$"))
            .description(Some(
                "The national IIN: 12 digits with a valid check digit, the birth date and \
                 sex agreeing with the profile's; masked (`********1234`) for viewers who \
                 may not see it",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Iin {}

impl TryFrom<String> for Iin {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Iin::parse(&s)
    }
}

impl From<Iin> for String {
    fn from(iin: Iin) -> String {
        iin.to_string()
    }
}

impl fmt::Display for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.masked {
            f.write_str(&self.masked())
        } else {
            f.write_str(&self.digits)
        }
    }
}

/// Debug output never prints the whole number (logs, panics).
impl fmt::Debug for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Iin({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_numbers_give_their_date_and_sex() {
        let iin = Iin::parse("900501 401234").unwrap();
        assert_eq!(iin.as_str(), "900501401234");
        assert_eq!(iin.birth_date().unwrap().to_string(), "1990-05-01");
        assert_eq!(iin.gender(), Gender::Female);
        let iin = Iin::parse("051212507897").unwrap();
        assert_eq!(iin.birth_date().unwrap().to_string(), "2005-12-12");
        assert_eq!(iin.gender(), Gender::Male);
        assert_eq!(iin.masked(), "********7897");
        assert!(!format!("{iin:?}").contains("051212"));
        let view = serde_json::to_string(&iin.to_masked()).unwrap();
        assert_eq!(view, "\"********7897\"");
        assert!(serde_json::from_str::<Iin>(&view).is_err());
        assert_eq!(
            serde_json::from_str::<Iin>("\"051212507897\"").unwrap(),
            iin
        );
    }

    #[test]
    fn mistakes_are_caught() {
        for bad in [
            "90050140123",   // 11 digits
            "9005014012345", // 13
            "90050140123x",
            "900501401235", // check digit
            "900501401324", // two digits swapped
            "901301401233", // month 13 (its check digit is right)
            "900501701233", // century digit 7 (check digit right)
        ] {
            assert!(Iin::parse(bad).is_err(), "{bad}");
        }
        // The check digit of the month-13 number is right, so the date is what fails.
        let e = Iin::parse("901301401233").unwrap_err();
        assert!(e.contains("not a date"), "{e}");
    }
}
