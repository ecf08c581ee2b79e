//! The personal part of a profile: name, gender, region, contacts, languages, consents.
//!
//! Names are spelled the way the profile's language spells them (Айгерім Сапарова in
//! Kazakh, Айгерим Сапарова in Russian, Aigerim Saparova in English).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use qabilet_domain::{Consent, ConsentPurpose, Gender, Language, LanguageLevel, Locality, Region};
use rand::Rng;

use crate::data::{
    Name, FATHERS, KAZAKH_FEMALE, KAZAKH_MALE, KAZAKH_SURNAMES, RUSSIAN_FATHERS, RUSSIAN_FEMALE,
    RUSSIAN_MALE, RUSSIAN_SURNAMES,
};
use crate::text::pick;

/// Who the person is, before any career is attached.
pub(crate) struct Person {
    pub full_name: String,
    pub gender: Gender,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Level per language, indexed like `Language::ALL`.
    pub languages: [Option<LanguageLevel>; 3],
}

fn spell(name: &Name, lang: Language) -> &'static str {
    match lang {
        Language::Kk => name.0,
        Language::Ru => name.1,
        Language::En => name.2,
    }
}

/// Feminine surname: «Сапаров» → «Сапарова»; surnames like «Ким» do not change.
fn feminine(surname: &str, lang: Language) -> String {
    if surname.ends_with(['в', 'н', 'v', 'n']) {
        match lang {
            Language::En => format!("{surname}a"),
            _ => format!("{surname}а"),
        }
    } else {
        surname.to_owned()
    }
}

/// Makes a person whose texts are in `lang`. `kazakh` chooses a Kazakh or a Russian name.
pub(crate) fn person<R: Rng>(rng: &mut R, lang: Language, kazakh: bool) -> Person {
    let gender = if rng.gen_bool(0.55) {
        Gender::Female
    } else {
        Gender::Male
    };
    let female = gender == Gender::Female;
    let (first, surname, father) = if kazakh {
        let first = pick(rng, if female { KAZAKH_FEMALE } else { KAZAKH_MALE });
        (first, pick(rng, KAZAKH_SURNAMES), pick(rng, FATHERS))
    } else {
        let first = pick(rng, if female { RUSSIAN_FEMALE } else { RUSSIAN_MALE });
        (
            first,
            pick(rng, RUSSIAN_SURNAMES),
            pick(rng, RUSSIAN_FATHERS),
        )
    };
    let sur = spell(surname, lang);
    let sur = if female {
        feminine(sur, lang)
    } else {
        sur.to_owned()
    };
    let given = spell(first, lang);
    let full_name = match lang {
        Language::En => format!("{given} {sur}"),
        _ if rng.gen_bool(0.3) => format!("{sur} {given}"),
        _ => {
            let f = spell(father, lang);
            let patronymic = match (lang, kazakh, female) {
                (Language::Kk, true, false) => format!("{f}ұлы"),
                (Language::Kk, true, true) => format!("{f}қызы"),
                (_, _, false) => format!("{f}ович"),
                (_, _, true) => format!("{f}овна"),
            };
            format!("{sur} {given} {patronymic}")
        }
    };

    let latin_first = first.2.to_ascii_lowercase();
    let latin_sur = if female {
        feminine(surname.2, Language::En)
    } else {
        surname.2.to_owned()
    }
    .to_ascii_lowercase();
    let email = rng.gen_bool(0.75).then(|| {
        let domain = pick(rng, &["mail.kz", "gmail.com", "inbox.kz", "mail.ru"]);
        format!("{latin_first}.{latin_sur}{}@{domain}", rng.gen_range(1..99))
    });
    let phone = rng.gen_bool(0.85).then(|| {
        let op = pick(rng, &[701, 702, 705, 707, 747, 771, 775, 777, 778]);
        format!(
            "+7 {op} {:03} {:02} {:02}",
            rng.gen_range(0..1000),
            rng.gen_range(0..100),
            rng.gen_range(0..100)
        )
    });

    let mut languages = [None; 3];
    use LanguageLevel::*;
    if kazakh {
        languages[0] = Some(if rng.gen_bool(0.9) { Native } else { Fluent });
        languages[1] = Some(if rng.gen_bool(0.7) { Fluent } else { Native });
    } else {
        languages[1] = Some(Native);
        languages[0] = Some(match rng.gen_range(0..20) {
            0..=7 => Basic,
            8..=14 => Intermediate,
            15..=17 => UpperIntermediate,
            _ => Fluent,
        });
    }
    languages[2] = match (lang, rng.gen_range(0..10)) {
        (Language::En, 0..=5) => Some(Fluent),
        (Language::En, _) => Some(UpperIntermediate),
        (_, 0..=3) => None,
        (_, 4..=6) => Some(Basic),
        (_, 7..=8) => Some(Intermediate),
        _ => Some(UpperIntermediate),
    };
    Person {
        full_name,
        gender,
        email,
        phone,
        languages,
    }
}

/// Regions weighted roughly by population, so the big cities and the south dominate.
pub(crate) fn region<R: Rng>(rng: &mut R) -> Region {
    const WEIGHTS: &[(Region, u32)] = &[
        (Region::Almaty, 22),
        (Region::Astana, 14),
        (Region::Shymkent, 12),
        (Region::Turkistan, 21),
        (Region::AlmatyRegion, 15),
        (Region::Karaganda, 11),
        (Region::EastKazakhstan, 7),
        (Region::Jambyl, 12),
        (Region::Aktobe, 9),
        (Region::Kostanay, 8),
        (Region::Kyzylorda, 8),
        (Region::Pavlodar, 7),
        (Region::Mangystau, 8),
        (Region::Atyrau, 7),
        (Region::WestKazakhstan, 7),
        (Region::Akmola, 8),
        (Region::NorthKazakhstan, 5),
        (Region::Abai, 6),
        (Region::Jetisu, 7),
        (Region::Ulytau, 2),
    ];
    let total: u32 = WEIGHTS.iter().map(|(_, w)| w).sum();
    let mut roll = rng.gen_range(0..total);
    for (r, w) in WEIGHTS {
        if roll < *w {
            return *r;
        }
        roll -= w;
    }
    Region::Almaty
}

/// Cities of republican significance are urban; elsewhere about a third is rural.
pub(crate) fn locality<R: Rng>(rng: &mut R, region: Region) -> Locality {
    if matches!(region, Region::Astana | Region::Almaty | Region::Shymkent) || rng.gen_bool(0.65) {
        Locality::Urban
    } else {
        Locality::Rural
    }
}

/// Consent to processing is always given at registration; the reserve consent is given
/// by most, and a few later revoked it.
pub(crate) fn consents<R: Rng>(rng: &mut R, reference: NaiveDate) -> Vec<Consent> {
    let registered = reference - Duration::days(rng.gen_range(1..=900));
    let at = |d: NaiveDate, secs: i64| -> DateTime<Utc> {
        (d.and_hms_opt(8, 0, 0).expect("valid time") + Duration::seconds(secs)).and_utc()
    };
    let granted = at(registered, rng.gen_range(0..50_000));
    let mut out = vec![Consent {
        purpose: ConsentPurpose::Processing,
        granted_at: granted,
        revoked_at: None,
    }];
    if rng.gen_bool(0.85) {
        let revoked_at = rng.gen_bool(0.03).then(|| {
            granted + Duration::days(rng.gen_range(0..=(reference - registered).num_days()))
        });
        out.push(Consent {
            purpose: ConsentPurpose::Reserve,
            granted_at: granted,
            revoked_at,
        });
    }
    out
}
