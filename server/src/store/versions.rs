//! What the stores keep for planning: published versions of the grid set, grids retired by
//! a version (kept so codes are never reused and old versions can still be asked), drafts,
//! and the change a publish writes in one transaction.

use crate::domain::{FeatureId, Grid, GridCode};
use chrono::{DateTime, Utc};

/// A published version of the grid set; version 1 is the imported city.
#[derive(Clone, Debug, PartialEq)]
pub struct GridVersion {
    pub version: i64,
    /// From when its boundaries apply.
    pub valid_from: DateTime<Utc>,
    pub published_at: DateTime<Utc>,
    pub draft: Option<i64>,
    pub note: String,
    pub retired: Vec<GridCode>,
    pub created: Vec<GridCode>,
}

/// A grid no longer in force, with the versions it was in force for (`since` ≤ v < `retired`).
#[derive(Clone, Debug, PartialEq)]
pub struct RetiredGrid {
    pub grid: Grid,
    pub since: i64,
    pub retired: i64,
}

/// A stored draft: its state is the planner's operations as JSON (see `domain::plan::draft`).
#[derive(Clone, Debug, PartialEq)]
pub struct DraftRow {
    pub id: i64,
    pub name: String,
    pub base_version: i64,
    /// Increases by one with every saved edit (optimistic concurrency).
    pub version: i64,
    pub state: String,
    /// The login (or `token:<name>`) that made the draft.
    pub owner: String,
    /// The scope its maker worked in (`Scope`'s text form): who else may see it.
    pub scope: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A draft to create.
#[derive(Clone, Debug)]
pub struct NewDraft {
    pub name: String,
    pub base_version: i64,
    pub state: String,
    pub owner: String,
    pub scope: String,
}

/// What saving a draft edit did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DraftSave {
    /// Saved; the draft's new version.
    Saved(i64),
    /// No such draft.
    Missing,
    /// The edit was made on an older version than the one stored; nothing was saved.
    Stale { current: i64 },
}

/// Everything one publish changes, written in one transaction.
#[derive(Clone, Debug, Default)]
pub struct Publish {
    /// The draft published (its id, and its version as loaded): taken in the same
    /// transaction, and the publish refused (409) if the draft was edited since it was loaded,
    /// so an edit saved during a publish is never silently left out of it.
    pub draft: Option<(i64, i64)>,
    pub valid_from: DateTime<Utc>,
    pub note: String,
    /// Live grids this version retires; if any is no longer live, the publish is refused
    /// (another version changed it first).
    pub retire: Vec<GridCode>,
    /// New grids, with codes never used before.
    pub create: Vec<Grid>,
    /// Compounds and buildings moving to a new grid.
    pub compounds: Vec<(FeatureId, GridCode)>,
    pub buildings: Vec<(FeatureId, GridCode)>,
    /// Who will serve the new grids: (officer, new grid). An officer's rows for retired grids
    /// go with them; rows for grids in force are kept (an officer may serve several grids).
    pub officers: Vec<(FeatureId, GridCode)>,
}

/// The words of the refusal when a grid a publish would retire is no longer live.
pub fn stale(code: &GridCode) -> String {
    format!("grid {code} is no longer in force: another version changed it after this draft was made; start a new draft")
}

/// Why a publish was refused when its draft was edited after it was loaded.
pub fn draft_changed(id: i64, version: i64) -> String {
    format!(
        "draft {id} was edited or removed while it was being published (it is no longer at version {version}); nothing was published: reload it and publish again"
    )
}
