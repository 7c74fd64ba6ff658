//! Buildings and compounds against the level-3 grids: every building inside one grid, no
//! footprint cut by a grid edge, compounds within one grid, and no grid left empty.

use super::{area_m2, shared_rect_m2, Defect, DefectKind, Envelopes, Territory, Tolerance};
use crate::domain::code::Level;
use crate::domain::model::{Building, Grid};
use geo::{BooleanOps, BoundingRect, InteriorPoint, Intersects, MultiPolygon, Point, Rect};

/// The level-3 grids, indexed by envelope.
struct Level3<'a> {
    grids: &'a [Grid],
    rects: Vec<Option<Rect>>,
    index: Envelopes,
}

impl Level3<'_> {
    /// The grid holding `p`, boundary included; on a shared edge, the lowest code (the rule
    /// the import uses to assign a building its grid).
    fn holder(&self, p: Point) -> Option<usize> {
        self.index
            .near(&Rect::new(p.0, p.0))
            .filter(|&k| self.grids[k].geometry.intersects(&p))
            .min_by(|&a, &b| (&self.grids[a].code, a).cmp(&(&self.grids[b].code, b)))
    }

    /// The grids holding more than a sliver of `shape`, with the area each holds, by code.
    /// Empty unless the shape is split between two grids or more.
    fn pieces(&self, shape: &MultiPolygon, tol: &Tolerance) -> Vec<(usize, f64)> {
        let Some(r) = shape.bounding_rect() else {
            return Vec::new();
        };
        let mut touching: Vec<usize> = self
            .index
            .near(&r)
            .filter(|&k| self.rects[k].is_some_and(|rk| shared_rect_m2(&r, &rk) > tol.sliver_m2))
            .filter(|&k| self.grids[k].geometry.intersects(shape))
            .collect();
        if touching.len() < 2 {
            return Vec::new();
        }
        touching.sort_unstable_by(|&a, &b| (&self.grids[a].code, a).cmp(&(&self.grids[b].code, b)));
        touching.dedup_by(|a, b| self.grids[*a].code == self.grids[*b].code);
        let pieces: Vec<(usize, f64)> = touching
            .into_iter()
            .map(|k| (k, area_m2(&shape.intersection(&self.grids[k].geometry))))
            .filter(|(_, area)| *area > tol.sliver_m2)
            .collect();
        if pieces.len() < 2 {
            return Vec::new();
        }
        pieces
    }

    /// "A (12.0 m²), B (3.5 m²)".
    fn describe(&self, pieces: &[(usize, f64)]) -> String {
        pieces
            .iter()
            .map(|(k, area)| format!("{} ({area:.1} m²)", self.grids[*k].code))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Buildings and compounds against the level-3 grids; nothing to do without any.
pub(super) fn check(t: &Territory, tol: &Tolerance, out: &mut Vec<Defect>) {
    let mut rects = vec![None; t.grids.len()];
    for (k, g) in t.grids.iter().enumerate() {
        if g.level() == Level::Three {
            rects[k] = g.geometry.bounding_rect();
        }
    }
    let level3 = Level3 {
        grids: t.grids,
        index: Envelopes::new(
            t.grids
                .iter()
                .enumerate()
                .filter(|(k, _)| rects[*k].is_some())
                .map(|(k, g)| (k, &g.geometry)),
        ),
        rects,
    };
    if level3.index.is_empty() {
        return;
    }
    let mut held = vec![0usize; t.grids.len()];
    for b in t.buildings {
        let feature = format!("building {}", b.id);
        let inside = b.footprint.interior_point();
        if let Some(p) = inside {
            match level3.holder(p) {
                Some(k) => held[k] += 1,
                None => out.push(Defect::new(
                    DefectKind::BuildingOutsideGrids,
                    feature.clone(),
                    inside,
                    "its interior point lies in no level-3 grid".to_string(),
                )),
            }
        }
        let pieces = level3.pieces(&b.footprint, tol);
        if !pieces.is_empty() {
            out.push(
                Defect::new(
                    DefectKind::BuildingCut,
                    feature,
                    inside,
                    format!(
                        "its footprint is split between level-3 grids {}",
                        level3.describe(&pieces)
                    ),
                )
                .with("grids", level3.describe(&pieces)),
            );
        }
    }
    for c in t.compounds {
        let pieces = level3.pieces(&c.geometry, tol);
        if !pieces.is_empty() {
            out.push(
                Defect::new(
                    DefectKind::CompoundStraddles,
                    format!("compound {}", c.id),
                    c.geometry.interior_point(),
                    format!("it spreads over level-3 grids {}", level3.describe(&pieces)),
                )
                .with("grids", level3.describe(&pieces))
                .with("name", c.name.clone()),
            );
        }
    }
    if t.buildings.is_empty() {
        return;
    }
    for (k, g) in t.grids.iter().enumerate() {
        if level3.rects[k].is_some() && held[k] == 0 && g.households.get() == 0 {
            out.push(Defect::new(
                DefectKind::EmptyGrid,
                g.code.to_string(),
                g.geometry.interior_point(),
                "no building lies in it and it has 0 households".to_string(),
            ));
        }
    }
}

/// Most overlapping pairs of buildings listed: a file of stacked copies would otherwise list
/// (and intersect) every pair.
pub const MAX_BUILDING_OVERLAPS: usize = 200;

/// `BuildingsOverlap` for each pair of buildings whose footprints share more than a sliver,
/// naming both (up to [`MAX_BUILDING_OVERLAPS`] pairs).
pub(super) fn building_overlaps(buildings: &[Building], tol: &Tolerance, out: &mut Vec<Defect>) {
    let index = Envelopes::new(buildings.iter().map(|b| &b.footprint).enumerate());
    let rects: Vec<_> = buildings
        .iter()
        .map(|b| b.footprint.bounding_rect())
        .collect();
    let mut found = 0;
    for (i, b) in buildings.iter().enumerate() {
        let Some(ri) = rects[i] else { continue };
        let mut near: Vec<usize> = index
            .near(&ri)
            .filter(|&j| j > i)
            .filter(|&j| rects[j].is_some_and(|rj| super::shared_rect_m2(&ri, &rj) > tol.sliver_m2))
            .collect();
        near.sort_unstable();
        for j in near {
            let other = &buildings[j];
            // A copy is an overlap without computing one.
            let shared = if other.footprint == b.footprint {
                super::significant(&b.footprint, tol)
            } else {
                super::significant(&b.footprint.intersection(&other.footprint), tol)
            };
            let Some((area, at)) = shared else { continue };
            out.push(
                Defect::new(
                    DefectKind::BuildingsOverlap,
                    format!("building {}", b.id),
                    at,
                    format!(
                        "{area:.1} m² of its footprint is also building {}'s",
                        other.id
                    ),
                )
                .with_area(area)
                .with("other", format!("building {}", other.id)),
            );
            found += 1;
            if found >= MAX_BUILDING_OVERLAPS {
                return;
            }
        }
    }
}
