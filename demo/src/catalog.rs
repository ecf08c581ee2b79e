//! The organisation catalogue: central bodies, regional akimats with their departments,
//! territorial departments of committees and a few district and city akimats.
//!
//! Besides the [`Organisation`] record, each entry knows its tier (which decides the
//! category letters of its posts and whether a unit is an «управление» or an «отдел»)
//! and which occupation families it mostly hires.

use qabilet_domain::{Organisation, OrganisationId, OrganisationKind, Region};
use rand::Rng;

use crate::data::{family_index, CENTRAL_BODIES, GENERAL_FAMILIES, LOCAL_AKIMATS, REGIONAL_BODIES};

/// Where in the state structure a body sits; decides post categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tier {
    /// Ministries and agencies: categories B.
    Central,
    /// Committees of ministries: categories C.
    Committee,
    /// Territorial departments of committees in a region: C-O.
    Territorial,
    /// A regional akimat's apparatus: D.
    RegionalAkimat,
    /// Departments (управления) of a regional akimat: D-O.
    RegionalDepartment,
    /// District and city akimats: E.
    District,
}

impl Tier {
    /// Central bodies have «управления» and experts; others «отделы» and specialists.
    pub fn is_central(self) -> bool {
        matches!(self, Tier::Central | Tier::Committee)
    }
}

/// One organisation with what the generator needs to know about it.
pub(crate) struct OrgSpec {
    pub org: Organisation,
    pub tier: Tier,
    /// Family indices the body mostly hires; general families come on top.
    pub families: Vec<usize>,
}

/// Region names in the grammatical forms the templates need.
struct RegionForms {
    ru_gen: String,
    ru_dat: String,
    kk_gen: String,
    kk_nom: String,
    en: &'static str,
}

fn region_forms(region: Region) -> RegionForms {
    use qabilet_domain::Language::{En, Kk, Ru};
    let (ru_gen, ru_dat, kk_nom) = match region {
        Region::Astana => ("города Астаны", "городу Астане", "Астана қаласы"),
        Region::Almaty => ("города Алматы", "городу Алматы", "Алматы қаласы"),
        Region::Shymkent => ("города Шымкента", "городу Шымкенту", "Шымкент қаласы"),
        _ => ("", "", ""),
    };
    if !ru_gen.is_empty() {
        return RegionForms {
            ru_gen: ru_gen.into(),
            ru_dat: ru_dat.into(),
            kk_gen: format!("{kk_nom}ның"),
            kk_nom: kk_nom.into(),
            en: region.name(En),
        };
    }
    let ru = region.name(Ru);
    // «Карагандинская область» → «Карагандинской области»; «Область Улытау» → «области Улытау».
    let ru_gen = if let Some(adj) = ru.strip_suffix("ая область") {
        format!("{adj}ой области")
    } else if let Some(name) = ru.strip_prefix("Область ") {
        format!("области {name}")
    } else {
        ru.to_owned()
    };
    let kk = region.name(Kk);
    RegionForms {
        ru_dat: ru_gen.clone(),
        ru_gen,
        // «Қарағанды облысы» → «Қарағанды облысының».
        kk_gen: format!("{kk}ның"),
        kk_nom: kk.to_owned(),
        en: region.name(En),
    }
}

fn fill(template: &str, f: &RegionForms) -> String {
    let filled = template
        .replace("{ru_gen}", &f.ru_gen)
        .replace("{ru_dat}", &f.ru_dat)
        .replace("{kk_gen}", &f.kk_gen)
        .replace("{kk_nom}", &f.kk_nom)
        .replace("{en}", f.en);
    crate::text::cap(&filled)
}

fn families(codes: &[&str]) -> Vec<usize> {
    codes
        .iter()
        .map(|c| family_index(c).unwrap_or_else(|| panic!("unknown family {c} in catalogue")))
        .collect()
}

fn id(s: &str) -> OrganisationId {
    OrganisationId::new(s).expect("catalogue ids are well-formed")
}

/// Families an akimat hires beyond the general ones: local government does nearly
/// everything.
const AKIMAT_FAMILIES: &[&str] = &[
    "economy",
    "finance",
    "social",
    "education",
    "agriculture",
    "land",
    "housing",
    "architecture",
    "culture",
    "sport",
    "civil_registry",
];

/// Builds the whole catalogue: central bodies first (parents before children), then
/// regional akimats, then every other body in a seed-dependent order, so that taking
/// a prefix gives a varied set.
pub(crate) fn build<R: Rng>(rng: &mut R) -> Vec<OrgSpec> {
    let mut out = Vec::new();
    for body in CENTRAL_BODIES {
        out.push(OrgSpec {
            org: Organisation {
                id: id(body.code),
                name_kk: body.kk.into(),
                name_ru: body.ru.into(),
                name_en: Some(body.en.into()),
                kind: body.kind,
                region: Region::Astana,
                parent_id: body.parent.map(id),
            },
            tier: if body.kind == OrganisationKind::Committee {
                Tier::Committee
            } else {
                Tier::Central
            },
            families: families(body.families),
        });
    }
    for &region in Region::KAZAKHSTAN {
        let f = region_forms(region);
        out.push(OrgSpec {
            org: Organisation {
                id: id(&akimat_id(region)),
                name_kk: format!("{} әкімдігі", f.kk_gen),
                name_ru: format!("Акимат {}", f.ru_gen),
                name_en: Some(format!("Akimat of {}", f.en)),
                kind: OrganisationKind::Akimat,
                region,
                parent_id: None,
            },
            tier: Tier::RegionalAkimat,
            families: families(&["economy", "social", "press", "finance"]),
        });
    }
    let mut rest = Vec::new();
    for &region in Region::KAZAKHSTAN {
        let f = region_forms(region);
        for body in REGIONAL_BODIES {
            rest.push(OrgSpec {
                org: Organisation {
                    id: id(&format!("{}-{}", body.code, region.code().to_uppercase())),
                    name_kk: fill(body.kk, &f),
                    name_ru: fill(body.ru, &f),
                    name_en: Some(fill(body.en, &f)),
                    kind: body.kind,
                    region,
                    parent_id: Some(match body.parent {
                        Some(parent) => id(parent),
                        None => id(&akimat_id(region)),
                    }),
                },
                tier: if body.territorial {
                    Tier::Territorial
                } else {
                    Tier::RegionalDepartment
                },
                families: families(body.families),
            });
        }
    }
    for akimat in LOCAL_AKIMATS {
        rest.push(OrgSpec {
            org: Organisation {
                id: id(&format!("AKIMAT-{}", akimat.code)),
                name_kk: akimat.kk.into(),
                name_ru: akimat.ru.into(),
                name_en: Some(akimat.en.into()),
                kind: OrganisationKind::Akimat,
                region: akimat.region,
                parent_id: Some(id(&akimat_id(akimat.region))),
            },
            tier: Tier::District,
            families: families(AKIMAT_FAMILIES),
        });
    }
    // Fisher–Yates with the catalogue's own stream, so the prefix differs by seed.
    for i in (1..rest.len()).rev() {
        let j = rng.gen_range(0..=i);
        rest.swap(i, j);
    }
    out.extend(rest);
    out
}

fn akimat_id(region: Region) -> String {
    format!("AKIMAT-{}", region.code().to_uppercase())
}

/// Families every body hires, as indices.
pub(crate) fn general_families() -> Vec<usize> {
    families(GENERAL_FAMILIES)
}

/// Keeps the first `n` organisations and forgets parents that were not kept, so every
/// `parent_id` in the output names an organisation that is in it.
pub(crate) fn truncate(mut specs: Vec<OrgSpec>, n: usize) -> Vec<OrgSpec> {
    specs.truncate(n.max(1));
    let kept: std::collections::HashSet<OrganisationId> =
        specs.iter().map(|s| s.org.id.clone()).collect();
    for s in &mut specs {
        if s.org.parent_id.as_ref().is_some_and(|p| !kept.contains(p)) {
            s.org.parent_id = None;
        }
    }
    specs
}

#[cfg(test)]
mod tests {
    use super::*;
    use qabilet_domain::Validate;
    use rand::SeedableRng;

    #[test]
    fn region_names_decline() {
        let f = region_forms(Region::Karaganda);
        assert_eq!(f.ru_gen, "Карагандинской области");
        assert_eq!(f.kk_gen, "Қарағанды облысының");
        let f = region_forms(Region::Ulytau);
        assert_eq!(f.ru_gen, "области Улытау");
        let f = region_forms(Region::Astana);
        assert_eq!(f.ru_dat, "городу Астане");
        assert_eq!(f.kk_gen, "Астана қаласының");
    }

    #[test]
    fn catalogue_is_valid_and_unique() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let specs = build(&mut rng);
        let mut ids = std::collections::HashSet::new();
        for s in &specs {
            s.org.validate().unwrap();
            assert!(ids.insert(s.org.id.clone()), "{} twice", s.org.id);
        }
        assert!(specs.len() > 300);
    }
}
