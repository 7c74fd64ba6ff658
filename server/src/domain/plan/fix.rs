//! Fixing every oversized grid of a draft in one go. A grid the band can hold in several
//! parts is auto-split ([`plan_grid`]); a grid too big for one part but too small for two
//! (e.g. 544 households with 300–500) is redrawn together with a neighbour of the same
//! level-2 grid, smallest first, when the two make parts within the band. What cannot be
//! fixed either way is reported with the reason.

use super::draft::{merge, DraftGrid, Op};
use super::rebalance::{plan_grid, GridContents};
use super::{fresh_codes, out_of_band, Band, Fit, Measure, PlanError, Split};
use crate::domain::model::{Building, Compound, Grid, Households, Population};
use crate::domain::GridCode;
use crate::engine::PolygonIndex;
use geo::{BoundingRect, InteriorPoint, Intersects};
use std::collections::BTreeMap;

/// What fixing produced: the operations to add to the draft, and the grids left as they were.
#[derive(Debug, Default)]
pub struct Fixed {
    pub ops: Vec<Op>,
    /// Codes redrawn with a neighbour, as (oversized, neighbour).
    pub paired: Vec<(GridCode, GridCode)>,
    pub unfixed: Vec<(GridCode, String)>,
}

/// Compounds and buildings of each grid of `grids`, by their interior point.
fn contents<'a>(
    grids: &BTreeMap<GridCode, Grid>,
    compounds: &'a [Compound],
    buildings: &'a [Building],
) -> BTreeMap<GridCode, GridContents<'a>> {
    let index = PolygonIndex::new(grids.values().map(|g| (g.code.clone(), g.geometry.clone())));
    let mut out: BTreeMap<GridCode, GridContents> = BTreeMap::new();
    let new = || GridContents {
        compounds: vec![],
        buildings: vec![],
    };
    for c in compounds {
        if let Some(code) = c.geometry.interior_point().and_then(|p| index.locate(p)) {
            out.entry(code.clone())
                .or_insert_with(new)
                .compounds
                .push(c);
        }
    }
    for b in buildings {
        if let Some(code) = b.footprint.interior_point().and_then(|p| index.locate(p)) {
            out.entry(code.clone())
                .or_insert_with(new)
                .buildings
                .push(b);
        }
    }
    out
}

fn within(s: &Split) -> bool {
    s.parts.len() > 1 && s.parts.iter().all(|p| p.fit == Fit::Within)
}

/// The parts of `split` as draft grids with fresh codes (added to `taken`), named after `base`.
pub fn parts(
    base: &Grid,
    split: &Split,
    taken: &mut Vec<GridCode>,
) -> Result<Vec<DraftGrid>, PlanError> {
    let parent = base
        .parent()
        .ok_or_else(|| PlanError::NoArea(base.code.to_string()))?;
    let codes = fresh_codes(&parent, taken.iter(), split.parts.len())?;
    taken.extend(codes.iter().cloned());
    Ok(split
        .parts
        .iter()
        .zip(codes)
        .enumerate()
        .map(|(i, (p, code))| {
            DraftGrid::from_grid(&Grid {
                code,
                name: format!("{}-{}", base.name, i + 1),
                kind: base.kind,
                geometry: p.geometry.clone(),
                households: Households::new(p.households),
                population: Population::new(p.population),
                domains: base.domains.clone(),
            })
        })
        .collect())
}

/// Fixes every grid of `now` (a draft's level-3 grids) over the band.
pub fn fix_oversized(
    now: &BTreeMap<GridCode, Grid>,
    compounds: &[Compound],
    buildings: &[Building],
    band: Band,
    by: Measure,
    taken: &mut Vec<GridCode>,
) -> Result<Fixed, PlanError> {
    let mut grids = now.clone();
    let inside = contents(&grids, compounds, buildings);
    let empty = GridContents {
        compounds: vec![],
        buildings: vec![],
    };
    let list: Vec<Grid> = grids.values().cloned().collect();
    let over: Vec<GridCode> = out_of_band(&list, band, by)
        .into_iter()
        .filter(|o| o.fit == Fit::Over)
        .map(|o| o.grid.code.clone())
        .collect();
    let mut fixed = Fixed::default();
    for code in over {
        let Some(grid) = grids.get(&code).cloned() else {
            continue;
        };
        let mine = inside.get(&code).unwrap_or(&empty);
        let (_, alone, _) = plan_grid(&grid, mine, band, by, None)?;
        if within(&alone) {
            let new = parts(&grid, &alone, taken)?;
            grids.remove(&code);
            for g in &new {
                grids.insert(g.to_grid()?.code.clone(), g.to_grid()?);
            }
            fixed.ops.push(Op::Split {
                code: code.to_string(),
                parts: new,
            });
            continue;
        }
        // With a neighbour: siblings touching it, smallest first.
        let bbox = grid.geometry.bounding_rect();
        let mut neighbours: Vec<&Grid> = grids
            .values()
            .filter(|g| g.code != code && g.parent() == grid.parent())
            .filter(|g| {
                bbox.is_some_and(|b| g.geometry.bounding_rect().is_some_and(|o| o.intersects(&b)))
            })
            .collect();
        neighbours.sort_by_key(|g| {
            (
                by.of(g.households.get(), g.population.get()),
                g.code.clone(),
            )
        });
        let mut done = None;
        for n in neighbours {
            let Ok(pair) = merge(&[grid.clone(), n.clone()], code.clone()) else {
                continue;
            };
            let both = GridContents {
                compounds: mine
                    .compounds
                    .iter()
                    .chain(inside.get(&n.code).map_or(&[][..], |c| &c.compounds[..]))
                    .copied()
                    .collect(),
                buildings: mine
                    .buildings
                    .iter()
                    .chain(inside.get(&n.code).map_or(&[][..], |c| &c.buildings[..]))
                    .copied()
                    .collect(),
            };
            let (_, s, _) = plan_grid(&pair, &both, band, by, None)?;
            if within(&s) {
                done = Some((n.code.clone(), s));
                break;
            }
        }
        match done {
            Some((other, s)) => {
                let new = parts(&grid, &s, taken)?;
                grids.remove(&code);
                grids.remove(&other);
                for g in &new {
                    let g = g.to_grid()?;
                    grids.insert(g.code.clone(), g);
                }
                fixed.ops.push(Op::Redraw {
                    codes: vec![code.to_string(), other.to_string()],
                    parts: new,
                });
                fixed.paired.push((code, other));
            }
            None => {
                let why = alone.problems.join("; ");
                fixed.unfixed.push((code, why));
            }
        }
    }
    Ok(fixed)
}

/// Two neighbouring grids of `now` redrawn as two parts with the load shared as evenly as
/// cuts between their units allow (moving units from the fuller grid to the other).
#[allow(clippy::too_many_arguments)]
pub fn redraw_pair(
    now: &BTreeMap<GridCode, Grid>,
    a: &GridCode,
    b: &GridCode,
    compounds: &[Compound],
    buildings: &[Building],
    band: Band,
    by: Measure,
    taken: &mut Vec<GridCode>,
) -> Result<(Op, Split), PlanError> {
    let get = |c: &GridCode| {
        now.get(c)
            .cloned()
            .ok_or_else(|| PlanError::NotInDraft(c.to_string()))
    };
    let (ga, gb) = (get(a)?, get(b)?);
    let pair = merge(&[ga.clone(), gb.clone()], a.clone())?;
    let both: BTreeMap<GridCode, Grid> = [(pair.code.clone(), pair.clone())].into();
    let inside = contents(&both, compounds, buildings);
    let empty = GridContents {
        compounds: vec![],
        buildings: vec![],
    };
    let (_, split, _) = plan_grid(
        &pair,
        inside.get(&pair.code).unwrap_or(&empty),
        band,
        by,
        Some(2),
    )?;
    if split.parts.len() < 2 {
        return Err(PlanError::CannotMerge(format!(
            "grids {a} and {b} cannot be redrawn: {}",
            split.problems.join("; ")
        )));
    }
    let new = parts(&ga, &split, taken)?;
    Ok((
        Op::Redraw {
            codes: vec![a.to_string(), b.to_string()],
            parts: new,
        },
        split,
    ))
}
