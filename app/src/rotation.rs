//! The rotation list: civil servants three years or more in one post, from the
//! work history on their profiles, as e-Qyzmet alerts the HR office so that
//! long tenure in one post (a known corruption risk) is reviewed.
//!
//! A post counts when it is current (no end date), in the public sector, and
//! began at least [`ROTATION_YEARS`] years before today in the jurisdiction's
//! calendar. HR officers see the people whose current post is in their own
//! organisation (matched by its Kazakh, Russian or English name, as profiles name
//! employers in words, not ids); admins see everyone. Only profiles with
//! processing consent are read. Each reading is audited (`rotation.view`), as a
//! list of named people is personal data.
//!
//! The list is read by walking the profiles in pages: a report an officer opens
//! now and then, not a query on every page, so no index is kept for it.

use chrono::{Datelike, NaiveDate};
use qabilet_domain::{ConsentPurpose, Organisation, ProfileId, Sector};
use qabilet_store::Role;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Actor, App, AppError, AppResult};

/// Years in one post from which a person is on the list.
pub const ROTATION_YEARS: u32 = 3;

/// Profiles read per store page while walking.
const PAGE: i64 = 500;

/// One person due for rotation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RotationEntry {
    pub profile_id: ProfileId,
    pub full_name: String,
    pub organisation: String,
    pub position: String,
    /// When the person took the post.
    pub since: NaiveDate,
    /// Whole years in the post as of today.
    pub years: u32,
}

/// Whole years from `since` to `today`.
fn whole_years(since: NaiveDate, today: NaiveDate) -> u32 {
    let mut years = today.year() - since.year();
    if (today.month(), today.day()) < (since.month(), since.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

fn names(org: &Organisation) -> Vec<&str> {
    let mut names = vec![org.name_kk.as_str(), org.name_ru.as_str()];
    names.extend(org.name_en.as_deref());
    names
}

/// People [`ROTATION_YEARS`] or more in one post, longest first, at most the
/// page limit.
pub async fn rotation_list(app: &App, actor: &Actor) -> AppResult<Vec<RotationEntry>> {
    actor.require(&[Role::Hr, Role::Admin])?;
    let organisation = match actor.role {
        Role::Hr => {
            let id = actor
                .organisation_id
                .as_ref()
                .ok_or_else(|| AppError::forbidden("your account has no organisation"))?;
            Some(
                app.store()
                    .organisation(id.as_str())
                    .await?
                    .ok_or_else(|| {
                        AppError::not_found(format!("organisation {id} does not exist"))
                    })?,
            )
        }
        _ => None,
    };
    let today = app.today();
    let mut out = Vec::new();
    let mut after = String::new();
    loop {
        let page = app.store().profiles_page(&after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id.to_string();
        for profile in &page {
            if !profile.consents_to(ConsentPurpose::Processing) {
                continue;
            }
            for post in &profile.experience {
                if post.end.is_some() || post.sector != Sector::Public || post.start > today {
                    continue;
                }
                let years = whole_years(post.start, today);
                if years < ROTATION_YEARS {
                    continue;
                }
                if let Some(org) = &organisation {
                    if !names(org).iter().any(|n| same_name(n, &post.organisation)) {
                        continue;
                    }
                }
                out.push(RotationEntry {
                    profile_id: profile.id.clone(),
                    full_name: profile.full_name.clone(),
                    organisation: post.organisation.clone(),
                    position: post.position.clone(),
                    since: post.start,
                    years,
                });
            }
        }
        if page.len() < PAGE as usize {
            break;
        }
    }
    out.sort_by(|a, b| a.since.cmp(&b.since).then(a.profile_id.cmp(&b.profile_id)));
    out.truncate(usize::try_from(app.config().limits.page).unwrap_or(usize::MAX));
    let mut tx = app.store().begin().await?;
    tx.audit(
        actor.audit_name(),
        "rotation.view",
        "organisation",
        organisation.as_ref().map_or("*", |o| o.id.as_str()),
        &out.len().to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_years_count_the_anniversary() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(whole_years(d("2020-06-15"), d("2023-06-14")), 2);
        assert_eq!(whole_years(d("2020-06-15"), d("2023-06-15")), 3);
        assert!(same_name("Қаржы  министрлігі", "қаржы министрлігі"));
    }
}
