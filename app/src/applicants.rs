//! A vacancy's applicants with their profiles, as the shortlist ranks them: each
//! profile decoded once per write and kept while the store still has that write.
//!
//! Every view reads the applications and each applicant's [`ProfileStamp`] from
//! the store; only bodies whose stamp is not kept are fetched and decoded. So a
//! ranking is always of the profiles as stored when it was asked for (a profile
//! changed, a consent withdrawn or a profile erased is seen at once, on any node),
//! and an unchanged competition costs one small row per applicant instead of its
//! profiles' text. The national load test measured why: a view of 5,000
//! applicants spent most of its CPU turning `jsonb` into text in PostgreSQL and
//! decoding it again in the server.

use std::collections::HashMap;
use std::sync::Arc;

use qabilet_domain::{Application, Profile, VacancyId};
use qabilet_store::ProfileStamp;
use quick_cache::sync::Cache;

use crate::{blocking, App, AppError, AppResult};

/// Decoded profiles by the stamp they were read at, weighed by the length of
/// their stored text (about what they take decoded). An older stamp is never
/// asked for again and leaves as the cache fills.
pub(crate) struct ProfileCache(Option<Cache<ProfileStamp, Decoded, ByTextLength>>);

#[derive(Clone)]
pub(crate) struct Decoded {
    profile: Arc<Profile>,
    text_bytes: u64,
}

#[derive(Clone)]
pub(crate) struct ByTextLength;

impl quick_cache::Weighter<ProfileStamp, Decoded> for ByTextLength {
    fn weight(&self, _: &ProfileStamp, decoded: &Decoded) -> u64 {
        decoded.text_bytes.max(1)
    }
}

impl ProfileCache {
    /// A cache of profiles whose stored text is `bytes` long in all; 0 keeps none,
    /// so every view reads and decodes every body.
    pub(crate) fn with_bytes(bytes: u64) -> ProfileCache {
        // quick_cache sizes its table from the expected count: ~4 KB per profile.
        let items = (bytes / 4_096).clamp(16, 1 << 20) as usize;
        ProfileCache((bytes > 0).then(|| Cache::with_weighter(items, bytes, ByTextLength)))
    }
}

/// An application and its applicant's profile (`None`: erased meanwhile).
pub(crate) type Applicant = (Application, Option<Arc<Profile>>);

/// The applications to `vacancy`, in application id order, with their profiles:
/// the one way every use case reads a competition's applicants.
pub(crate) async fn applicants(app: &App, vacancy: &VacancyId) -> AppResult<Vec<Applicant>> {
    Ok(stamped(app, vacancy)
        .await?
        .into_iter()
        .map(|(application, profile)| (application, profile.map(|(_, p)| p)))
        .collect())
}

/// [`applicants`] with the stamp each profile was decoded at, for the ranking
/// that keeps its pairs by it (`shortlist::pairs`).
pub(crate) async fn stamped(
    app: &App,
    vacancy: &VacancyId,
) -> AppResult<Vec<(Application, Option<(ProfileStamp, Arc<Profile>)>)>> {
    // Without a cache (`--profile-cache-mib 0`) every body is read and decoded.
    let cache = app.profile_cache().0.as_ref();
    let stamped = app.store().applicant_stamps(vacancy).await?;
    let mut kept: Vec<Option<(ProfileStamp, Arc<Profile>)>> = Vec::with_capacity(stamped.len());
    let mut missing: Vec<&str> = Vec::new();
    for (_, stamp) in &stamped {
        let Some(stamp) = stamp else {
            kept.push(None);
            continue;
        };
        let found = cache.and_then(|c| c.get(stamp));
        if found.is_none() {
            missing.push(&stamp.id);
        }
        kept.push(found.map(|d| (stamp.clone(), d.profile)));
    }
    let fetched = if missing.is_empty() {
        HashMap::new()
    } else {
        let bodies = app.store().profile_bodies(&missing).await?;
        let decoded = blocking(move || {
            bodies
                .into_iter()
                .map(|b| {
                    let profile: Profile = serde_json::from_str(&b.body).map_err(|e| {
                        AppError::internal(format!("profile {} as stored: {e}", b.stamp.id))
                    })?;
                    let text_bytes = b.body.len() as u64;
                    Ok((b.stamp, Arc::new(profile), text_bytes))
                })
                .collect::<AppResult<Vec<_>>>()
        })
        .await?;
        let mut by_id = HashMap::with_capacity(decoded.len());
        for (stamp, profile, text_bytes) in decoded {
            by_id.insert(stamp.id.clone(), (stamp.clone(), profile.clone()));
            if let Some(cache) = cache {
                let decoded = Decoded {
                    profile,
                    text_bytes,
                };
                cache.insert(stamp, decoded);
            }
        }
        by_id
    };
    Ok(stamped
        .into_iter()
        .zip(kept)
        .map(|((application, stamp), kept)| {
            // Read again when not kept (at the stamp of that read, which may be
            // newer); gone since the stamps were read: erased.
            let profile = kept.or_else(|| fetched.get(&stamp?.id).cloned());
            (application, profile)
        })
        .collect())
}
