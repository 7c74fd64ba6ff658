//! Auto-split: a grid cut into k parts by straight cuts that run between its units, never
//! through one, so every compound and building stays whole; each part holds a share of the
//! load as near the band as the units allow.
//!
//! The cut is recursive: a piece meant for k parts is cut once into pieces for ⌊k/2⌋ and
//! ⌈k/2⌉ parts. Candidate cuts ([`super::cuts`]) are straight lines between units, or a line
//! with one step (an L) where rows of units are too coarse to balance. The best cut balances
//! the load in proportion to the parts each side is for, then keeps both sides in one piece
//! and compact (Polsby-Popper). The two sides are the piece's intersection with the cut's
//! region and its difference from it, so they tile the piece.
//!
//! Why this and not a spanning-tree partition of a unit adjacency graph: the units do not
//! tile a grid (streets and yards lie between them), so a graph partition would still need a
//! geometric cut to draw the new boundaries; straight cuts between units give that boundary
//! directly, are compact by construction and take well under a millisecond per cut.

use super::cuts::{along, apply, candidates, Cut, Frame};
use super::{polsby_popper, Band, Fit, Measure, PlanError, Unit};
use crate::domain::message::Message;
use geo::{Contains, MultiPolygon};

/// Most parts one split makes.
pub const MAX_PARTS: usize = 16;

/// A part of a split grid.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    pub geometry: MultiPolygon,
    /// Indexes into the units given to [`split`].
    pub units: Vec<usize>,
    pub households: u32,
    pub population: u32,
    pub polsby_popper: f64,
    pub fit: Fit,
}

/// The parts, in cut order, and why any of them is outside the band.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub parts: Vec<Part>,
    pub problems: Vec<Message>,
}

/// A piece on its way to becoming parts.
struct Piece {
    shape: MultiPolygon,
    units: Vec<usize>,
    k: usize,
}

/// Splits `grid` (its geometry and units) into `k` parts, or as many as `band` asks for.
pub fn split(
    name: &str,
    geometry: &MultiPolygon,
    units: &[Unit],
    band: Band,
    by: Measure,
    k: Option<usize>,
) -> Result<Split, PlanError> {
    let load: Vec<u32> = units
        .iter()
        .map(|u| by.of(u.households, u.population))
        .collect();
    let total: u32 = load.iter().sum();
    let asked = k.is_some();
    let k = k.unwrap_or_else(|| band.parts_for(total));
    if !(1..=MAX_PARTS).contains(&k) {
        if !asked {
            return Err(PlanError::BandTooNarrow {
                total,
                min: band.min(),
                max: band.max(),
                k,
                most: MAX_PARTS,
            });
        }
        return Err(PlanError::BadK { k, max: MAX_PARTS });
    }
    let frame = Frame::around(geometry).ok_or_else(|| PlanError::NoArea(name.to_string()))?;
    let mut problems = Vec::new();
    let mut done = Vec::new();
    let mut todo = vec![Piece {
        shape: geometry.clone(),
        units: (0..units.len()).collect(),
        k,
    }];
    while let Some(piece) = todo.pop() {
        if piece.k == 1 {
            done.push(piece);
            continue;
        }
        let low_k = piece.k / 2;
        let share = low_k as f64 / piece.k as f64;
        let mut cuts: Vec<Cut> = candidates(frame, &piece.units, units, &load, share);
        cuts.sort_by(|a, b| a.imbalance.total_cmp(&b.imbalance));
        // Among the cuts about as balanced as the best, the most compact that keeps both
        // sides whole.
        let slack = cuts.first().map_or(0.0, |c| c.imbalance) + (f64::from(total) * 0.02).max(5.0);
        let tried = |c: &'_ Cut| {
            let (lo, hi) = apply(frame, &piece.shape, c)?;
            let score = polsby_popper(&lo).min(polsby_popper(&hi));
            Some((lo, hi, score))
        };
        let chosen = cuts
            .iter()
            .filter(|c| c.imbalance <= slack)
            .filter_map(|c| tried(c).map(|t| (c, t)))
            .max_by(|a, b| a.1 .2.total_cmp(&b.1 .2))
            // Otherwise the most balanced cut that keeps both sides whole.
            .or_else(|| cuts.iter().find_map(|c| tried(c).map(|t| (c, t))))
            .map(|(c, (lo, hi, _))| (c, lo, hi));
        match chosen {
            Some((cut, lo, hi)) => {
                todo.push(Piece {
                    shape: hi,
                    units: cut.high.clone(),
                    k: piece.k - low_k,
                });
                todo.push(Piece {
                    shape: lo,
                    units: cut.low.clone(),
                    k: low_k,
                });
            }
            None => {
                let held = piece.units.iter().map(|&u| load[u]).sum::<u32>();
                problems.push(
                    Message::new(
                        "plan.no_cut_between_units",
                        format!(
                            "no cut runs between the units of a piece of {name} holding {held} {}: it is left as one part instead of {}",
                            by.noun(),
                            piece.k
                        ),
                    )
                    .with("grid", name)
                    .with("load", held)
                    .with("measure", by.as_str())
                    .with("parts", piece.k),
                );
                done.push(Piece { k: 1, ..piece });
            }
        }
    }
    let parts = finish(
        done.into_iter().map(|p| (p.shape, p.units)),
        units,
        band,
        by,
    );
    explain(name, &parts, units, &load, band, by, total, &mut problems);
    debug_assert!(parts.iter().all(|p| p
        .units
        .iter()
        .all(|&u| p.geometry.contains(&units[u].anchor) || units[u].parts.is_empty())));
    Ok(Split { parts, problems })
}

/// Pieces (shape and unit indexes) as parts with their load, fit and compactness.
pub(super) fn finish(
    pieces: impl Iterator<Item = (MultiPolygon, Vec<usize>)>,
    units: &[Unit],
    band: Band,
    by: Measure,
) -> Vec<Part> {
    pieces
        .map(|(shape, mut ids)| {
            ids.sort_unstable();
            let households = ids.iter().map(|&u| units[u].households).sum();
            let population = ids.iter().map(|&u| units[u].population).sum();
            Part {
                polsby_popper: polsby_popper(&shape),
                fit: band.fit(by.of(households, population)),
                geometry: shape,
                units: ids,
                households,
                population,
            }
        })
        .collect()
}

/// Cuts a grid in two along the line a planner drew from `a` to `b` (lng/lat), moved
/// sideways to the nearest place where it passes between units, so no unit is cut.
pub fn cut_along(
    name: &str,
    geometry: &MultiPolygon,
    units: &[Unit],
    band: Band,
    by: Measure,
    a: (f64, f64),
    b: (f64, f64),
) -> Result<Split, PlanError> {
    let frame = Frame::around(geometry).ok_or_else(|| PlanError::NoArea(name.to_string()))?;
    let all: Vec<usize> = (0..units.len()).collect();
    let cut = along(frame, a, b, &all, units).ok_or_else(|| {
        PlanError::CannotCut(format!(
            "no line parallel to the one drawn, or turned from it by up to {}°, runs between the units of {name}",
            super::cuts::ALONG_TURN_DEG
        ))
    })?;
    let (low, high) = apply(frame, geometry, &cut).ok_or_else(|| {
        PlanError::CannotCut(format!(
            "the line drawn does not cut {name} into two whole pieces; draw it across the grid"
        ))
    })?;
    let parts = finish(
        [(low, cut.low.clone()), (high, cut.high.clone())].into_iter(),
        units,
        band,
        by,
    );
    Ok(Split {
        parts,
        problems: vec![],
    })
}

/// Says why parts are outside the band: a unit too big to share, too little load for the
/// parts, or cuts that could not balance.
#[allow(clippy::too_many_arguments)]
fn explain(
    name: &str,
    parts: &[Part],
    units: &[Unit],
    load: &[u32],
    band: Band,
    by: Measure,
    total: u32,
    problems: &mut Vec<Message>,
) {
    for u in units.iter().zip(load).filter(|(_, l)| **l > band.max()) {
        problems.push(
            Message::new(
                "plan.unit_over_band",
                format!(
                    "{} {} has {} {} on its own, more than {}: a unit is never cut, so its part stays over the band",
                    u.0.kind.as_str(),
                    u.0.name,
                    u.1,
                    by.noun(),
                    band.max()
                ),
            )
            .with("kind", u.0.kind.as_str())
            .with("unit", u.0.name.as_str())
            .with("load", *u.1)
            .with("measure", by.as_str())
            .with("max", band.max()),
        );
    }
    let k = parts.len() as u32;
    if k > 1 && total < band.min() * k {
        problems.push(
            Message::new(
                "plan.too_little_for_parts",
                format!(
                    "{name} holds {total} {}: {k} parts of at least {} would need {}",
                    by.noun(),
                    band.min(),
                    band.min() * k
                ),
            )
            .with("grid", name)
            .with("total", total)
            .with("measure", by.as_str())
            .with("parts", k)
            .with("min", band.min())
            .with("needed", band.min() * k),
        );
    }
    let lonely = |p: &Part| p.units.len() == 1 && load[p.units[0]] > band.max();
    if problems.is_empty() && parts.iter().any(|p| p.fit != Fit::Within && !lonely(p)) {
        let loads: Vec<String> = parts
            .iter()
            .map(|p| by.of(p.households, p.population).to_string())
            .collect();
        let room = (band.max() * k).min(total).saturating_sub(band.min() * k);
        let biggest = load.iter().max().copied().unwrap_or(0);
        problems.push(
            Message::new(
                "plan.best_cut_outside_band",
                format!(
                    "{name} holds {total} {noun}: {k} parts of {band} leave {room} {noun} of room, and units of up to {biggest} {noun} must stay whole; the best cut between them gives {}",
                    loads.join(" / "),
                    noun = by.noun(),
                ),
            )
            .with("grid", name)
            .with("total", total)
            .with("measure", by.as_str())
            .with("parts", k)
            .with("min", band.min())
            .with("max", band.max())
            .with("room", room)
            .with("biggest", biggest)
            .with("loads", loads.join(" / ")),
        );
    }
}
