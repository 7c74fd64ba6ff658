//! Drafts and publishing, as rules: loading a draft, saving an edit only if it was made on
//! the version stored (optimistic concurrency: of two edits made on the same version, the
//! second gets 409 naming the current version), checking the city with the draft applied,
//! and publishing it as a new version (store → engine rebuilt off the async workers → swap
//! → incidents refiled), one publish at a time.

use super::auth::Principal;
use super::{App, AppError};
use crate::domain::plan::draft::{Changes, DraftState};
use crate::domain::plan::rebalance::GridContents;
use crate::domain::plan::staff::moves;
use crate::domain::plan::PlanError;
use crate::domain::validate::{validate, Defect, Severity, Territory, Tolerance};
use crate::domain::{Grid, GridCode, Level};
use crate::engine::Engine;
use crate::store::{DraftRow, DraftSave, GridVersion, Publish};
use chrono::{DateTime, Utc};
use geo::{BoundingRect, Contains, InteriorPoint};
use std::collections::HashSet;

pub fn plan_error(e: PlanError) -> AppError {
    match e {
        PlanError::NotInDraft(_) => AppError::Conflict(e.to_string()),
        PlanError::BadDraft(_) => AppError::Internal(e.to_string()),
        _ => AppError::bad("cannot_plan", e.to_string()),
    }
}

/// The live level-3 grids (what a draft's operations apply to).
pub fn live_level3(engine: &Engine) -> Vec<Grid> {
    engine
        .city()
        .grids
        .iter()
        .filter(|g| g.level() == Level::Three)
        .cloned()
        .collect()
}

/// What a draft grid holds, found by location among the live city's compounds and buildings.
pub fn contents_of<'a>(grid: &Grid, engine: &'a Engine) -> GridContents<'a> {
    let city = engine.city();
    let Some(bbox) = grid.geometry.bounding_rect() else {
        return GridContents {
            compounds: vec![],
            buildings: vec![],
        };
    };
    let inside = |mp: &geo::MultiPolygon| {
        mp.interior_point()
            .is_some_and(|p| bbox.contains(&p) && grid.geometry.contains(&p))
    };
    GridContents {
        compounds: city
            .compounds
            .iter()
            .filter(|c| inside(&c.geometry))
            .collect(),
        buildings: city
            .buildings
            .iter()
            .filter(|b| inside(&b.footprint))
            .collect(),
    }
}

/// The city with a draft applied, split into what stops a publish and what is worth a look.
pub struct Checked {
    pub changes: Changes,
    pub errors: Vec<Defect>,
    pub warnings: Vec<Defect>,
}

/// What a publish wrote, and the validator's warnings it went ahead with.
pub struct Published {
    pub version: GridVersion,
    pub warnings: Vec<Defect>,
}

/// Refuses an edit that names a version other than the one stored.
fn claim(row: &DraftRow, claimed: Option<i64>) -> Result<(), AppError> {
    match claimed {
        Some(v) if v != row.version => Err(stale(row.id, v, row.version)),
        _ => Ok(()),
    }
}

fn stale(id: i64, claimed: i64, current: i64) -> AppError {
    AppError::Stale {
        message: format!(
            "draft {id} is at version {current}, not {claimed}: another edit was saved first; reload the draft and try again"
        ),
        current,
    }
}

impl App {
    /// A stored draft and its parsed operations; 404 when there is none.
    /// A draft outside `who`'s scope is 404 as well, so draft ids cannot be probed.
    pub async fn draft(
        &self,
        id: i64,
        who: &Principal,
    ) -> Result<(DraftRow, DraftState), AppError> {
        let row = self
            .store
            .draft(id)
            .await?
            .filter(|r| who.sees_draft(&r.scope))
            .ok_or_else(|| AppError::NotFound(format!("no draft {id}")))?;
        let s = DraftState::parse(&row.state).map_err(plan_error)?;
        Ok((row, s))
    }

    /// A draft to edit: as [`App::draft`], refused (409) when the client's `claimed`
    /// version is not the stored one.
    pub async fn draft_for_edit(
        &self,
        id: i64,
        claimed: Option<i64>,
        who: &Principal,
    ) -> Result<(DraftRow, DraftState), AppError> {
        let (row, s) = self.draft(id, who).await?;
        claim(&row, claimed)?;
        Ok((row, s))
    }

    /// Saves an edit made on `row` (as loaded). If another edit was saved since, nothing is
    /// saved and the answer is 409 with the current version. Returns the row as saved.
    /// A draft that would change a grid outside `who`'s scope is refused (403) and not saved.
    pub async fn save_draft(
        &self,
        row: &DraftRow,
        s: &DraftState,
        who: &Principal,
    ) -> Result<DraftRow, AppError> {
        for code in s.touched() {
            who.may_change(&code, &format!("grid {code}"))?;
        }
        let state = s.to_json();
        match self.store.update_draft(row.id, &state, row.version).await? {
            DraftSave::Saved(version) => Ok(DraftRow {
                version,
                state,
                updated_at: Utc::now(),
                ..row.clone()
            }),
            DraftSave::Missing => Err(AppError::NotFound(format!("no draft {}", row.id))),
            DraftSave::Stale { current } => Err(stale(row.id, row.version, current)),
        }
    }

    /// The city with the draft applied, checked by the validator off the async workers (it
    /// looks at every grid, compound and building: about 0.1 s for the sample city).
    pub async fn check_draft(&self, s: &DraftState) -> Result<Checked, AppError> {
        let (s, engine) = (s.clone(), self.engine());
        tokio::task::spawn_blocking(move || check(&s, &engine))
            .await
            .map_err(|e| AppError::Internal(format!("validating the draft: {e}")))?
    }

    /// Every code that may not be given out: live at any level, retired, or used by `s`.
    pub async fn taken_codes(
        &self,
        engine: &Engine,
        s: &DraftState,
    ) -> Result<Vec<GridCode>, AppError> {
        let mut codes: Vec<GridCode> = engine.city().grids.iter().map(|g| g.code.clone()).collect();
        codes.extend(
            self.store
                .retired_grids()
                .await?
                .into_iter()
                .map(|r| r.grid.code),
        );
        codes.extend(s.codes());
        Ok(codes)
    }

    /// Publishes draft `id` as a new version: 409 when the draft is stale (its `claimed`
    /// version, or grids another version changed first), 422 when the city with it applied
    /// fails validation, 400 when it changes nothing.
    /// When a version published now starts: `asked`, or now. Not before the version in
    /// force started (history cannot be rewritten under incidents already filed), and not
    /// in the future: a version takes effect when it is published, for intake and `locate`
    /// alike (scheduling a version is not supported; publish it on the day).
    async fn start_of_new_version(
        &self,
        asked: Option<DateTime<Utc>>,
    ) -> Result<DateTime<Utc>, AppError> {
        let now = Utc::now();
        let Some(at) = asked else { return Ok(now) };
        // A minute's grace for clocks a little ahead of ours.
        if at > now + chrono::Duration::minutes(1) {
            return Err(AppError::body_field(
                "valid_from",
                format!(
                    "{} is in the future; a version takes effect when it is published (leave valid_from out, or publish on the day)",
                    at.to_rfc3339()
                ),
            ));
        }
        if let Some(current) = self.store.versions().await?.last() {
            if at < current.valid_from {
                return Err(AppError::body_field(
                    "valid_from",
                    format!(
                        "{} is before version {}, in force since {}; a version may not start before the one in force",
                        at.to_rfc3339(),
                        current.version,
                        current.valid_from.to_rfc3339()
                    ),
                ));
            }
        }
        Ok(at)
    }

    pub async fn publish(
        &self,
        id: i64,
        claimed: Option<i64>,
        valid_from: Option<DateTime<Utc>>,
        note: Option<String>,
        who: &Principal,
    ) -> Result<Published, AppError> {
        let _one_at_a_time = self.publishing.lock().await;
        let (row, s) = self.draft_for_edit(id, claimed, who).await?;
        for code in s.touched() {
            who.may_change(&code, &format!("publishing grid {code}"))?;
        }
        let valid_from = self.start_of_new_version(valid_from).await?;
        let engine = self.engine();
        let checked = self.check_draft(&s).await?;
        if checked.changes.retired.is_empty() {
            return Err(AppError::bad(
                "nothing_to_publish",
                format!("draft {id} changes no grid"),
            ));
        }
        if !checked.errors.is_empty() {
            return Err(AppError::Invalid {
                message: format!(
                    "draft {id} fails validation with {} error(s); nothing was published",
                    checked.errors.len()
                ),
                problems: serde_json::to_value(&checked.errors).unwrap_or_default(),
            });
        }
        let city = engine.city();
        let m = moves(
            &checked.changes,
            &s.staffing(),
            &city.compounds,
            &city.buildings,
            &city.officers,
        );
        let written = self
            .store
            .publish(&Publish {
                draft: Some((id, row.version)),
                valid_from,
                note: note.unwrap_or_else(|| row.name.clone()),
                retire: checked.changes.retired.clone(),
                create: checked.changes.created.clone(),
                compounds: m.compounds,
                buildings: m.buildings,
                officers: m.officers,
            })
            .await?;
        // The engine in service is swapped whole: lookups in flight finish on the old one.
        self.reload_city().await?;
        self.store.delete_draft(id).await?;
        tracing::info!(
            version = written.version,
            retired = written.retired.len(),
            created = written.created.len(),
            "published"
        );
        Ok(Published {
            version: written,
            warnings: checked.warnings,
        })
    }
}

/// The city with the draft applied, and the problems the import validator finds in it.
pub fn check(s: &DraftState, engine: &Engine) -> Result<Checked, AppError> {
    let city = engine.city();
    // A grid the draft changes that is no longer live was changed by a version published
    // after the draft was made.
    let changes = s.changes(&live_level3(engine)).map_err(|e| match e {
        PlanError::NotInDraft(code) => AppError::Conflict(format!(
            "grid {code} is no longer in force: another version changed it after this draft was made; start a new draft"
        )),
        other => plan_error(other),
    })?;
    let retired: HashSet<&GridCode> = changes.retired.iter().collect();
    let mut grids: Vec<Grid> = city
        .grids
        .iter()
        .filter(|g| !retired.contains(&g.code))
        .cloned()
        .collect();
    grids.extend(changes.created.iter().cloned());
    let (errors, warnings) = validate(
        &Territory {
            grids: &grids,
            compounds: &city.compounds,
            buildings: &city.buildings,
        },
        &Tolerance::default(),
    )
    .into_iter()
    .partition(|d| d.severity == Severity::Error);
    Ok(Checked {
        changes,
        errors,
        warnings,
    })
}
