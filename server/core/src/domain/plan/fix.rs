//! Fixing every oversized grid of a draft in one go. A grid the band can hold in several
//! parts is auto-split ([`plan_grid`]); a grid too big for one part but too small for two
//! (e.g. 544 households with 300–500) is redrawn together with a neighbour of the same
//! level-2 grid, smallest first, when the two make parts within the band. What cannot be
//! fixed either way is reported with the reason.

use super::draft::{merge, DraftGrid, Op};
use super::rebalance::{plan_grid, GridContents};
use super::{fresh_codes, out_of_band, Band, Fit, Measure, PlanError, Split};
use crate::domain::message::{joined, Message};
use crate::domain::model::{Building, Compound, Grid, Households, Population};
use crate::domain::GridCode;
use crate::spatial::PolygonIndex;
use geo::{BoundingRect, InteriorPoint, Intersects};
use std::collections::BTreeMap;

/// What fixing produced: the operations to add to the draft, and the grids left as they were.
#[derive(Debug, Default)]
pub struct Fixed {
    pub ops: Vec<Op>,
    /// Codes redrawn with a neighbour, as (oversized, neighbour).
    pub paired: Vec<(GridCode, GridCode)>,
    pub unfixed: Vec<(GridCode, Vec<Message>)>,
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
                code: code.clone(),
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
                    codes: vec![code.clone(), other.clone()],
                    parts: new,
                });
                fixed.paired.push((code, other));
            }
            None => {
                fixed.unfixed.push((code, alone.problems.clone()));
            }
        }
    }
    Ok(fixed)
}

/// Two grids of `now` and the one grid they make together (refused unless they share an edge).
fn neighbours(
    now: &BTreeMap<GridCode, Grid>,
    a: &GridCode,
    b: &GridCode,
) -> Result<(Grid, Grid, Grid), PlanError> {
    if a == b {
        return Err(PlanError::CannotCut(format!(
            "{a} is given as both grids: choose two different, neighbouring grids"
        )));
    }
    let get = |c: &GridCode| {
        now.get(c)
            .cloned()
            .ok_or_else(|| PlanError::NotInDraft(c.to_string()))
    };
    let (ga, gb) = (get(a)?, get(b)?);
    let pair = merge(&[ga.clone(), gb.clone()], a.clone())?;
    Ok((ga, gb, pair))
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
    let (ga, _, pair) = neighbours(now, a, b)?;
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
            joined(&split.problems)
        )));
    }
    let new = parts(&ga, &split, taken)?;
    Ok((
        Op::Redraw {
            codes: vec![a.clone(), b.clone()],
            parts: new,
        },
        split,
    ))
}

/// Units (compounds or buildings, by id; a building of a compound moves its compound) moved
/// from grid `from` to its neighbour `to`: both redrawn so that `to` holds its own units and
/// the moved ones and `from` the rest, along a boundary between units (straight or with one
/// step). The new parts come in that order: what is left of `from`, then `to`.
#[allow(clippy::too_many_arguments)]
pub fn move_units(
    now: &BTreeMap<GridCode, Grid>,
    from: &GridCode,
    to: &GridCode,
    moving: &[String],
    compounds: &[Compound],
    buildings: &[Building],
    band: Band,
    by: Measure,
    taken: &mut Vec<GridCode>,
) -> Result<(Op, Split), PlanError> {
    use super::cuts::{apply, separating, Frame};
    let (ga, gb, pair) = neighbours(now, from, to)?;
    let two: BTreeMap<GridCode, Grid> =
        [(ga.code.clone(), ga.clone()), (gb.code.clone(), gb.clone())].into();
    let inside = contents(&two, compounds, buildings);
    let units_in = |c: &GridCode| {
        inside.get(c).map_or_else(Vec::new, |g| {
            let cs: Vec<Compound> = g.compounds.iter().map(|x| (*x).clone()).collect();
            let bs: Vec<Building> = g.buildings.iter().map(|x| (*x).clone()).collect();
            super::units_of(&cs, &bs, &Default::default())
        })
    };
    let (ua, ub) = (units_in(from), units_in(to));
    let compound_of: BTreeMap<&str, &str> = buildings
        .iter()
        .filter_map(|b| Some((b.id.as_str(), b.compound.as_ref()?.as_str())))
        .collect();
    let mut want: std::collections::HashSet<usize> = (ua.len()..ua.len() + ub.len()).collect();
    for id in moving {
        let unit = ua
            .iter()
            .position(|u| {
                u.id.as_str() == id || compound_of.get(id.as_str()) == Some(&u.id.as_str())
            })
            .ok_or_else(|| {
                PlanError::CannotCut(format!("{id} is not a compound or building of grid {from}"))
            })?;
        want.insert(unit);
    }
    if want.len() == ua.len() + ub.len() {
        return Err(PlanError::CannotCut(format!(
            "moving every unit of {from} would leave it empty: merge the two grids instead"
        )));
    }
    let units: Vec<_> = ua.into_iter().chain(ub).collect();
    let frame = Frame::around(&pair.geometry).ok_or_else(|| PlanError::NoArea(from.to_string()))?;
    let all: Vec<usize> = (0..units.len()).collect();
    let best = separating(frame, &all, &units, &want)
        .into_iter()
        .filter_map(|(cut, want_low)| {
            let (lo, hi) = apply(frame, &pair.geometry, &cut)?;
            let (left, moved) = if want_low { ((hi, cut.high), (lo, cut.low)) } else { ((lo, cut.low), (hi, cut.high)) };
            let score = super::polsby_popper(&left.0).min(super::polsby_popper(&moved.0));
            Some((left, moved, score))
        })
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .ok_or_else(|| {
            PlanError::CannotCut(format!(
                "no boundary between units separates the chosen units from the rest of {from}; choose units along the edge {from} shares with {to}"
            ))
        })?;
    let split = Split {
        parts: super::split::finish([best.0, best.1].into_iter(), &units, band, by),
        problems: vec![],
    };
    let mut new = parts(&ga, &split, taken)?;
    // Each keeps its grid's name: the first is what is left of `from`, the second is `to`.
    for (part, g) in new.iter_mut().zip([&ga, &gb]) {
        part.name = g.name.clone();
    }
    Ok((
        Op::Redraw {
            codes: vec![from.clone(), to.clone()],
            parts: new,
        },
        split,
    ))
}
