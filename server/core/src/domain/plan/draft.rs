//! A planner's draft (pure): the operations applied to a copy of the live level-3 grids, with
//! undo and redo. Each operation records its result (the grids it removes and the grids it
//! adds), so replaying a draft never re-runs a split and always gives what the planner saw.
//! Stored as JSON; the live grids are never touched until the draft is published.

use super::PlanError;
use crate::domain::model::{Domain, FeatureId, Grid, GridKind, Households, Population};
use crate::domain::GridCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A grid a draft adds, as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftGrid {
    pub code: GridCode,
    pub name: String,
    pub kind: String,
    pub households: u32,
    pub population: u32,
    pub domains: Vec<String>,
    pub geometry: geojson::Geometry,
}

impl DraftGrid {
    pub fn from_grid(g: &Grid) -> DraftGrid {
        DraftGrid {
            code: g.code.clone(),
            name: g.name.clone(),
            kind: g.kind.as_str().to_string(),
            households: g.households.get(),
            population: g.population.get(),
            domains: g.domains.iter().map(|d| d.as_str().to_string()).collect(),
            geometry: geojson::Geometry::new(geojson::GeometryValue::from(&g.geometry)),
        }
    }

    pub fn to_grid(&self) -> Result<Grid, PlanError> {
        let bad = |what: String| PlanError::BadDraft(format!("grid {}: {what}", self.code));
        Ok(Grid {
            code: self.code.clone(),
            name: self.name.clone(),
            kind: self
                .kind
                .parse::<GridKind>()
                .map_err(|e| bad(e.to_string()))?,
            geometry: geo::MultiPolygon::try_from(self.geometry.value.clone())
                .or_else(|_| {
                    geo::Polygon::try_from(self.geometry.value.clone())
                        .map(|p| geo::MultiPolygon::new(vec![p]))
                })
                .map_err(|e| bad(e.to_string()))?,
            households: Households::new(self.households),
            population: Population::new(self.population),
            domains: self
                .domains
                .iter()
                .map(|d| d.parse::<Domain>().map_err(|e| bad(e.to_string())))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// One change to the grid set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// A grid cut into parts.
    Split {
        code: GridCode,
        parts: Vec<DraftGrid>,
    },
    /// Neighbouring grids joined into one.
    Merge {
        codes: Vec<GridCode>,
        into: DraftGrid,
    },
    /// Neighbouring grids redrawn together into new parts (an oversized grid that cannot be
    /// split into the band on its own, redrawn with a small neighbour).
    Redraw {
        codes: Vec<GridCode>,
        parts: Vec<DraftGrid>,
    },
    /// Several operations done (and undone) as one, e.g. fixing every oversized grid.
    Batch { ops: Vec<Op> },
    /// The officers who will serve a grid the draft creates, chosen by the planner instead of
    /// the default (the officers of the grid it came from go to its part with the most
    /// households). An empty list goes back to the default. Changes no ground.
    Staff {
        grid: GridCode,
        officers: Vec<FeatureId>,
    },
}

impl Op {
    fn removes(&self) -> Vec<&GridCode> {
        match self {
            Op::Split { code, .. } => vec![code],
            Op::Merge { codes, .. } | Op::Redraw { codes, .. } => codes.iter().collect(),
            Op::Batch { .. } | Op::Staff { .. } => vec![],
        }
    }
    fn adds(&self) -> Vec<&DraftGrid> {
        match self {
            Op::Split { parts, .. } | Op::Redraw { parts, .. } => parts.iter().collect(),
            Op::Merge { into, .. } => vec![into],
            Op::Batch { .. } | Op::Staff { .. } => vec![],
        }
    }
    /// This operation as simple ones, in order (a batch opened up).
    fn steps(&self) -> Vec<&Op> {
        match self {
            Op::Batch { ops } => ops.iter().flat_map(Op::steps).collect(),
            other => vec![other],
        }
    }
}

/// The operations and how many of them are in effect (the rest were undone).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DraftState {
    pub ops: Vec<Op>,
    pub cursor: usize,
}

/// What a draft changes against the live grids.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    /// Live grids the draft replaces.
    pub retired: Vec<GridCode>,
    /// Grids the draft adds that are still in it (not replaced again by a later operation).
    pub created: Vec<Grid>,
    /// For each created grid, the live grids it came from.
    pub origins: BTreeMap<GridCode, Vec<GridCode>>,
}

impl DraftState {
    pub fn parse(json: &str) -> Result<DraftState, PlanError> {
        let s: DraftState =
            serde_json::from_str(json).map_err(|e| PlanError::BadDraft(e.to_string()))?;
        if s.cursor > s.ops.len() {
            return Err(PlanError::BadDraft(format!(
                "cursor {} beyond {} operations",
                s.cursor,
                s.ops.len()
            )));
        }
        Ok(s)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{\"ops\":[],\"cursor\":0}".into())
    }

    /// Adds an operation after those in effect; undone ones are dropped (no redo past a new edit).
    pub fn push(&mut self, op: Op) {
        self.ops.truncate(self.cursor);
        self.ops.push(op);
        self.cursor = self.ops.len();
    }

    pub fn can_undo(&self) -> bool {
        self.cursor > 0
    }
    pub fn can_redo(&self) -> bool {
        self.cursor < self.ops.len()
    }
    pub fn undo(&mut self) -> bool {
        let ok = self.can_undo();
        self.cursor -= usize::from(ok);
        ok
    }
    pub fn redo(&mut self) -> bool {
        let ok = self.can_redo();
        self.cursor += usize::from(ok);
        ok
    }

    /// The operations in effect.
    pub fn applied(&self) -> &[Op] {
        &self.ops[..self.cursor]
    }

    /// The simple operations in effect, batches opened up.
    fn steps(&self) -> Vec<&Op> {
        self.applied().iter().flat_map(Op::steps).collect()
    }

    /// The level-3 grids with the draft applied to `live` (the live level-3 grids).
    pub fn grids(&self, live: &[Grid]) -> Result<BTreeMap<GridCode, Grid>, PlanError> {
        let mut now: BTreeMap<GridCode, Grid> =
            live.iter().map(|g| (g.code.clone(), g.clone())).collect();
        for op in self.steps() {
            for code in op.removes() {
                if now.remove(code).is_none() {
                    return Err(PlanError::NotInDraft(code.to_string()));
                }
            }
            for g in op.adds() {
                let g = g.to_grid()?;
                now.insert(g.code.clone(), g);
            }
        }
        Ok(now)
    }

    /// The net change against `live`: which live grids go, which new grids come, and where
    /// each new grid came from.
    pub fn changes(&self, live: &[Grid]) -> Result<Changes, PlanError> {
        let after = self.grids(live)?;
        let before: BTreeMap<&GridCode, &Grid> = live.iter().map(|g| (&g.code, g)).collect();
        let retired: Vec<GridCode> = before
            .keys()
            .filter(|c| !after.contains_key(**c))
            .map(|c| (*c).clone())
            .collect();
        let created: Vec<Grid> = after
            .values()
            .filter(|g| !before.contains_key(&g.code))
            .cloned()
            .collect();
        // Follow each operation back to the live grids it consumed.
        let mut roots: BTreeMap<GridCode, Vec<GridCode>> = BTreeMap::new();
        for op in self.steps() {
            let mut from = Vec::new();
            for code in op.removes() {
                match roots.get(code) {
                    Some(r) => from.extend(r.iter().cloned()),
                    None => from.push(code.clone()),
                }
            }
            from.sort();
            from.dedup();
            for g in op.adds() {
                roots.insert(g.code.clone(), from.clone());
            }
        }
        let origins = created
            .iter()
            .map(|g| {
                (
                    g.code.clone(),
                    roots.get(&g.code).cloned().unwrap_or_default(),
                )
            })
            .collect();
        Ok(Changes {
            retired,
            created,
            origins,
        })
    }

    /// Codes this draft has given out (in operations still in effect).
    /// Every grid code any operation of the draft removes or adds, undone ones included
    /// (a redo may bring them back): what the draft may change.
    pub fn touched(&self) -> Vec<GridCode> {
        let mut out = Vec::new();
        for op in &self.ops {
            out.extend(op.removes().into_iter().cloned());
            out.extend(op.adds().into_iter().map(|g| g.code.clone()));
        }
        out
    }

    pub fn codes(&self) -> Vec<GridCode> {
        self.steps()
            .into_iter()
            .flat_map(|op| op.adds())
            .map(|g| g.code.clone())
            .collect()
    }

    /// The officers the planner chose per grid, the latest choice for each grid in effect
    /// (an empty choice removed). Grids a later operation replaced keep their entry here;
    /// [`super::staff::officer_moves`] looks only at the grids the draft still creates.
    pub fn staffing(&self) -> BTreeMap<GridCode, Vec<FeatureId>> {
        let mut out = BTreeMap::new();
        for op in self.steps() {
            if let Op::Staff { grid, officers } = op {
                if officers.is_empty() {
                    out.remove(grid);
                } else {
                    out.insert(grid.clone(), officers.clone());
                }
            }
        }
        out
    }
}

/// Neighbouring level-3 grids of one level-2 parent joined into one grid with `code`: their
/// ground, households and population added up, the first grid's name and kind.
pub fn merge(grids: &[Grid], code: GridCode) -> Result<Grid, PlanError> {
    use geo::BooleanOps;
    let [first, rest @ ..] = grids else {
        return Err(PlanError::CannotMerge(
            "a merge needs at least two grids".into(),
        ));
    };
    if rest.is_empty() {
        return Err(PlanError::CannotMerge(
            "a merge needs at least two grids".into(),
        ));
    }
    for g in grids {
        if g.level() != crate::domain::Level::Three || g.parent() != first.parent() {
            return Err(PlanError::CannotMerge(format!(
                "grid {} is not a level-3 grid under {}: only level-3 grids of one level-2 grid are merged",
                g.code,
                first.parent().map_or_else(String::new, |p| p.to_string())
            )));
        }
    }
    let geometry = rest
        .iter()
        .fold(first.geometry.clone(), |acc, g| acc.union(&g.geometry));
    if geometry.0.len() > first.geometry.0.len().max(1) {
        let codes: Vec<&str> = grids.iter().map(|g| g.code.as_str()).collect();
        return Err(PlanError::CannotMerge(format!(
            "grids {} do not all share an edge: a merged grid must be in one piece",
            codes.join(", ")
        )));
    }
    let mut domains: Vec<Domain> = grids
        .iter()
        .flat_map(|g| g.domains.iter().copied())
        .collect();
    domains.sort_by_key(|d| d.as_str());
    domains.dedup();
    Ok(Grid {
        code,
        name: first.name.clone(),
        kind: first.kind,
        geometry,
        households: Households::new(grids.iter().map(|g| g.households.get()).sum()),
        population: Population::new(grids.iter().map(|g| g.population.get()).sum()),
        domains,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testkit::square_grid as grid;

    fn live() -> Vec<Grid> {
        vec![
            grid("610581001001001", 110.00, 100),
            grid("610581001001002", 110.01, 120),
            grid("610581001001003", 110.03, 90),
        ]
    }

    #[test]
    fn a_merge_of_neighbours_adds_their_figures_and_a_gap_between_them_is_refused() {
        let l = live();
        let m = merge(&l[..2], GridCode::parse("610581001001004").unwrap()).unwrap();
        assert_eq!(m.households.get(), 220);
        assert_eq!(m.geometry.0.len(), 1);
        let e = merge(
            &[l[0].clone(), l[2].clone()],
            GridCode::parse("610581001001004").unwrap(),
        );
        assert!(matches!(e, Err(PlanError::CannotMerge(m)) if m.contains("share an edge")));
        assert!(merge(&l[..1], GridCode::parse("610581001001004").unwrap()).is_err());
    }

    #[test]
    fn undo_and_redo_move_through_the_operations_and_a_new_edit_drops_the_undone() {
        let l = live();
        let mut s = DraftState::default();
        let merged = merge(&l[..2], GridCode::parse("610581001001004").unwrap()).unwrap();
        s.push(Op::Merge {
            codes: vec![l[0].code.clone(), l[1].code.clone()],
            into: DraftGrid::from_grid(&merged),
        });
        let c = s.changes(&l).unwrap();
        assert_eq!(c.retired.len(), 2);
        assert_eq!(c.created.len(), 1);
        assert_eq!(c.origins[&merged.code].len(), 2);
        assert_eq!(s.grids(&l).unwrap().len(), 2);
        assert!(s.undo());
        assert_eq!(s.changes(&l).unwrap(), Changes::default());
        assert!(!s.undo());
        assert!(s.redo());
        assert!(!s.redo());
        assert_eq!(s.grids(&l).unwrap().len(), 2);
        // Round trip through JSON, as stored.
        let back = DraftState::parse(&s.to_json()).unwrap();
        assert_eq!(back, s);
        s.undo();
        s.push(Op::Split {
            code: l[2].code.clone(),
            parts: vec![DraftGrid::from_grid(&grid("610581001001005", 110.03, 90))],
        });
        assert_eq!(s.ops.len(), 1, "the undone merge is gone");
        assert!(!s.can_redo());
    }

    #[test]
    fn an_operation_on_a_grid_no_longer_in_the_draft_is_refused_on_replay() {
        let l = live();
        let mut s = DraftState::default();
        for _ in 0..2 {
            s.push(Op::Split {
                code: l[0].code.clone(),
                parts: vec![DraftGrid::from_grid(&grid("610581001001006", 110.0, 100))],
            });
        }
        assert_eq!(
            s.grids(&l),
            Err(PlanError::NotInDraft("610581001001001".into()))
        );
        assert!(DraftState::parse("{\"ops\":[],\"cursor\":3}").is_err());
    }

    #[test]
    fn the_latest_staffing_choice_for_a_grid_counts_an_empty_one_resets_it_and_undo_takes_it_back()
    {
        let g = GridCode::parse("610581001001011").unwrap();
        let o = |s: &str| FeatureId::parse(s).unwrap();
        let mut s = DraftState::default();
        s.push(Op::Staff {
            grid: g.clone(),
            officers: vec![o("a")],
        });
        s.push(Op::Staff {
            grid: g.clone(),
            officers: vec![o("b"), o("c")],
        });
        assert_eq!(s.staffing()[&g], vec![o("b"), o("c")]);
        assert!(s.undo());
        assert_eq!(s.staffing()[&g], vec![o("a")]);
        s.push(Op::Staff {
            grid: g.clone(),
            officers: vec![],
        });
        assert!(s.staffing().is_empty());
        // A staffing choice changes no grid.
        assert_eq!(s.grids(&live()).unwrap().len(), 3);
        assert_eq!(DraftState::parse(&s.to_json()).unwrap(), s);
    }
}
