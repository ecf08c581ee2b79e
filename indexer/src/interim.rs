//! Interim profile vectors: a fast model's vectors that stand in for the
//! transformer's until the upgrade replaces them.
//!
//! Embedding a national pool with the transformer takes hours (56 profile texts/s on
//! two cores, int8), the distilled static model takes about a minute. So a bulk
//! index can give every profile a static-model vector first (searchable at once)
//! and upgrade them to transformer vectors in the background
//! ([`crate::sync::upgrade`]).
//!
//! The two models' vectors are never compared with each other: they live in two
//! stores (`vectors/profiles` and `vectors/profiles-interim`, each recording its own
//! model and dimension), and a profile has a valid vector in at most one of them.
//! Whoever ranks embeds the query with each model and scores each profile with the
//! query vector of its own model (the matcher calibrates the two groups apart).
//!
//! Only profiles have interim vectors: vacancies are few (a transformer embeds
//! 10,000 in three minutes) and candidates' searches are embedded with the
//! transformer.
//!
//! The interim store commits *before* the transformer's and does not count in
//! [`Index::last_applied_seq`]: it may be created long after the index, and a
//! crash between the commits only means a replay of the change feed re-applies the
//! same current state.

use std::collections::HashSet;
use std::path::Path;

use qabilet_domain::{ConsentPurpose, Profile};

use crate::schema;
use crate::vectors::{text_hash, VectorHit, VectorStore};
use crate::{Error, Index, Result};

/// Name of the interim store in the `vectors/` directory.
pub(crate) const INTERIM_NAME: &str = "profiles-interim";

/// Opens the interim store in `vectors_dir` if one was ever committed there.
pub(crate) fn open_existing(vectors_dir: &Path, writable: bool) -> Result<Option<VectorStore>> {
    let Some(dim) = VectorStore::stored_dim(vectors_dir, INTERIM_NAME)? else {
        return Ok(None);
    };
    let store = if writable {
        VectorStore::open(vectors_dir, INTERIM_NAME, dim)?
    } else {
        VectorStore::open_read_only(vectors_dir, INTERIM_NAME, dim)?
    };
    Ok(Some(store))
}

/// Removes every file of the interim store (a model of another dimension replaces
/// it).
fn remove_files(vectors_dir: &Path) -> Result<()> {
    let prefix = format!("{INTERIM_NAME}.");
    let entries = match std::fs::read_dir(vectors_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(format!("reading {}", vectors_dir.display()))(e)),
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            std::fs::remove_file(entry.path())
                .map_err(Error::io(format!("removing {}", entry.path().display())))?;
        }
    }
    Ok(())
}

impl Index {
    /// Makes `model` (of `dim` dimensions) the source of interim profile vectors.
    /// Interim vectors of another model are dropped (durable at once).
    pub fn use_interim_model(&mut self, model: &str, dim: usize) -> Result<()> {
        self.require_writable()?;
        if model == self.vector_model().unwrap_or_default() {
            return Err(Error::Unusable {
                path: self.dir().display().to_string(),
                reason: format!("{model} is already the model of the main vectors"),
            });
        }
        let vectors_dir = self.dir().join("vectors");
        match &mut self.interim {
            Some(store) if store.model() == Some(model) && store.dim() == dim => return Ok(()),
            Some(store) if store.dim() == dim => {
                store.set_model(Some(model));
                store.clear()?;
                return Ok(());
            }
            _ => {}
        }
        self.interim = None;
        remove_files(&vectors_dir)?;
        let mut store = VectorStore::open(&vectors_dir, INTERIM_NAME, dim)?;
        store.set_model(Some(model));
        store.commit(self.last_applied_seq())?;
        self.interim = Some(store);
        Ok(())
    }

    /// The model of the interim vectors, if there are any.
    pub fn interim_model(&self) -> Option<&str> {
        self.interim
            .as_ref()
            .filter(|s| !s.is_empty())
            .and_then(VectorStore::model)
    }

    /// Dimension of the interim vectors, if an interim store exists.
    pub fn interim_dim(&self) -> Option<usize> {
        self.interim.as_ref().map(VectorStore::dim)
    }

    /// Profiles whose vector is still an interim one (including uncommitted changes).
    pub fn interim_count(&self) -> usize {
        self.interim.as_ref().map_or(0, VectorStore::len)
    }

    /// Whether the profile has no valid vector of either model: it needs one from
    /// whichever embedder the caller has.
    pub fn profile_needs_any_vector(&self, profile: &Profile) -> bool {
        let hash = text_hash(&schema::profile_embedding_text(profile));
        let id = profile.id.as_str();
        self.profiles.vectors.needs_embedding(id, hash)
            && self
                .interim
                .as_ref()
                .is_none_or(|s| s.needs_embedding(id, hash))
    }

    /// The stored interim vector of the profile if it is still valid for its text.
    pub(crate) fn stored_interim_vector(&self, profile: &Profile) -> Result<Option<Vec<f32>>> {
        let Some(store) = &self.interim else {
            return Ok(None);
        };
        let hash = text_hash(&schema::profile_embedding_text(profile));
        store.stored_vector(profile.id.as_str(), hash)
    }

    /// Inserts or replaces a profile with an interim vector (see the module docs;
    /// [`Self::use_interim_model`] first). A stale transformer vector is dropped.
    pub fn upsert_profile_interim(
        &mut self,
        profile: &Profile,
        embedding: &[f32],
        seq: u64,
    ) -> Result<()> {
        self.require_writable()?;
        if !profile.consents_to(ConsentPurpose::Processing) {
            return self.delete_profile(&profile.id, seq);
        }
        let Some(interim) = self.interim.as_mut() else {
            return Err(Error::Unusable {
                path: self.dir().display().to_string(),
                reason: "no interim model chosen (Index::use_interim_model)".into(),
            });
        };
        let id = profile.id.as_str();
        let text = schema::profile_embedding_text(profile);
        let hash = text_hash(&text);
        interim.upsert(id, embedding, hash)?;
        if self.profiles.vectors.needs_embedding(id, hash) {
            // A stale transformer vector, or none; never two valid ones.
            self.profiles.vectors.delete(id)?;
        }
        self.put_profile_document(profile, seq)
    }

    /// Keeps the interim vector in step with an upsert of the profile: dropped when a
    /// transformer vector was given, or when the text it came from changed.
    pub(crate) fn update_interim_vector(
        &mut self,
        id: &str,
        text: &str,
        transformer: bool,
    ) -> Result<()> {
        let Some(interim) = self.interim.as_mut() else {
            return Ok(());
        };
        if transformer || interim.needs_embedding(id, text_hash(text)) {
            interim.delete(id)?;
        }
        Ok(())
    }

    pub(crate) fn delete_interim_vector(&mut self, id: &str) -> Result<()> {
        match self.interim.as_mut() {
            Some(interim) => interim.delete(id),
            None => Ok(()),
        }
    }

    /// [`Index::publish`] of the interim vectors.
    pub(crate) fn publish_interim(&mut self, seq: u64, compact_above: f64) -> Result<()> {
        if let Some(interim) = self.interim.as_mut() {
            interim.publish(seq)?;
            if interim.dead_fraction() > compact_above {
                interim.compact()?;
            }
        }
        Ok(())
    }

    /// Up to `limit` profiles that still have an interim vector, as ids with the hash
    /// of the text it came from, leaving out `skip`.
    pub fn interim_profiles(&self, limit: usize, skip: &HashSet<String>) -> Vec<(String, u64)> {
        self.interim
            .as_ref()
            .map_or_else(Vec::new, |s| s.live_rows(limit, skip))
    }

    /// Replaces a profile's interim vector with its transformer vector, if the
    /// interim one is still there and came from the same text (`hash`); returns
    /// whether it did. Otherwise the profile changed meanwhile and the change feed
    /// takes care of it. The document is unchanged, so no sequence number moves.
    pub fn upgrade_profile_vector(&mut self, id: &str, hash: u64, vector: &[f32]) -> Result<bool> {
        self.require_writable()?;
        let Some(interim) = self.interim.as_mut() else {
            return Ok(false);
        };
        if interim.needs_embedding(id, hash) {
            return Ok(false);
        }
        self.profiles.vectors.upsert(id, vector, hash)?;
        interim.delete(id)?;
        Ok(true)
    }

    /// Profiles whose interim vector is closest to `embedding` (a query vector of the
    /// interim model), best first.
    pub fn similar_profiles_interim(&self, embedding: &[f32], k: usize) -> Result<Vec<VectorHit>> {
        match &self.interim {
            Some(s) if !s.is_empty() => s.search(embedding, k),
            _ => Ok(Vec::new()),
        }
    }

    /// Like [`Self::profile_similarities`], over the interim vectors.
    pub fn profile_similarities_interim(
        &self,
        embedding: &[f32],
        ids: &[&str],
    ) -> Result<Vec<VectorHit>> {
        match &self.interim {
            Some(s) if !s.is_empty() => s.similarities(embedding, ids),
            _ => Ok(Vec::new()),
        }
    }
}
