//! `gridd generate`: a deterministic sample city where 韩城 is (around 110.44°E, 35.47°N,
//! WGS84), reproducing the seed figures: 39 / 164 / 1,243 grids under county 610581,
//! 207 compounds (50 standalone party branches, 37 joint branches over 129 compounds,
//! 28 functional), officers per 一格三员 (39 + 39 at level 1, 164 heads + 494 officers at
//! level 2, 1,268 level-3 officers with a few vacancies), service centres, ~20k buildings.
//!
//! Geometry rules hold by construction: children tile their parents with identical shared
//! vertices ([`layout`]: convex blocks cut the way each district's streets run, irregular in
//! the old town); buildings sit inside an inset of their block, turned with it ([`plane`]),
//! so none is cut. The city is built in a working rectangle and then laid into the real
//! county by a one-to-one map ([`warp`]) whose east side follows the county boundary (the
//! Yellow River) and whose waves bend the cuts into streets and lanes; buildings take four
//! shapes, rural houses gather into villages and compounds are drawn around their buildings
//! ([`shapes`]).

pub mod cases;
pub mod incident_files;
pub mod incidents;
pub mod layout;
mod names;
mod people;
pub mod plane;
pub mod rng;
pub mod scale;
pub mod shapes;
pub mod warp;

use crate::domain::Dataset;
use crate::domain::{
    Domain, FeatureId, Grid, GridCode, GridKind, Households, Population, Road as BasemapRoad,
    RoadClass,
};
use geo::RemoveRepeatedPoints;
use layout::{Cell, Cuts, Piece, Plan, Road};
use plane::P;
use rng::Rng;
use warp::Warp;

/// The seed figures the generator reproduces.
pub const LEVEL1: usize = 39;
pub const LEVEL2: usize = 164;
pub const LEVEL3: usize = 1243;
pub const COUNTY: &str = "610581";

/// A generated city: the dataset to import (its roads included) and the road segments
/// drawn along grid boundaries, by class, that the incident generator uses as hotspots.
pub struct City {
    pub data: Dataset,
    pub roads: Vec<Road>,
}

/// The cut lines as basemap roads, laid into the county by `warp`: arterials and streets
/// named from the city's road names (in turn), lanes unnamed.
fn basemap_roads(segments: &[Road], warp: &Warp) -> Vec<BasemapRoad> {
    let mut named = 0;
    segments
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let class = match s.class {
                1 => RoadClass::Arterial,
                2 => RoadClass::Street,
                _ => RoadClass::Lane,
            };
            let name = if class == RoadClass::Lane {
                String::new()
            } else {
                named += 1;
                names::ROADS[(named - 1) % names::ROADS.len()].to_string()
            };
            Some(BasemapRoad {
                id: FeatureId::parse(&format!("R{:05}", i + 1)).ok()?,
                name,
                class,
                geometry: warp.lines(&geo::MultiLineString::new(vec![geo::LineString::from(
                    vec![s.from, s.to],
                )])),
            })
        })
        .collect()
}

/// How many children each parent gets so that `parents` parents hold `total` children:
/// the first `total % parents` (in a shuffled order) get one more.
fn child_counts(parents: usize, total: usize, rng: &mut Rng) -> Vec<usize> {
    let base = total / parents;
    let mut extra: Vec<bool> = (0..parents).map(|i| i < total % parents).collect();
    rng.shuffle(&mut extra);
    extra.into_iter().map(|e| base + usize::from(e)).collect()
}

fn code(parent: &str, i: usize) -> Result<GridCode, crate::domain::CodeError> {
    GridCode::parse(&format!("{parent}{:03}", i + 1))
}

/// One grid block with its code and name, before people are placed.
pub(crate) struct Planned {
    pub code: GridCode,
    pub name: String,
    pub piece: Piece,
    /// Its corners in working degrees, counter-clockwise (convex).
    pub ring: Vec<P>,
}

/// The old town: within this share of the working rectangle's size from its centre.
const OLD_TOWN: f64 = 0.15;

/// The way streets run at a working point and how far single cuts stray from it (radians):
/// the newer districts around the old town each at their own angle, the old town's lanes
/// irregular. `level` is the level being cut: arterials (level 1) keep to their district's
/// angle everywhere.
fn streets(city: Cell, level: u8) -> impl Fn(P) -> (f64, f64) {
    move |(x, y)| {
        let u = (x - city.min_x) / city.width();
        let v = (y - city.min_y) / city.height();
        let old = (u - 0.5).hypot(v - 0.5) < OLD_TOWN;
        let base: f64 = match (u < 0.5, v < 0.5) {
            (true, false) => -9.0,
            (false, false) => 21.0,
            (true, true) => 4.0,
            _ => 36.0,
        };
        let spread: f64 = match (level, old) {
            (1, _) => 5.0,
            (_, true) => 17.0,
            _ => 3.0,
        };
        let base = if old && level > 1 { 10.0 } else { base };
        (base.to_radians(), spread.to_radians())
    }
}

/// Generates the city for `seed`; `progress` hears about each stage.
pub fn generate(
    seed: u64,
    mut progress: impl FnMut(&str),
) -> Result<City, crate::domain::CodeError> {
    let root = Rng::new(seed);
    let mut cut_rng = root.fork(1);
    let city = Cell {
        min_x: 110.36,
        min_y: 35.41,
        max_x: 110.52,
        max_y: 35.53,
    };
    let mut roads = Vec::new();
    let mut stems: Vec<&str> = names::COMMUNITY_STEMS.to_vec();
    root.fork(2).shuffle(&mut stems);

    progress("cutting 39 / 164 / 1,243 grids");
    let (mut plan, whole) = Plan::new(&city);
    let (arterials, streets_of, lanes) = (streets(city, 1), streets(city, 2), streets(city, 3));
    let cuts = |class: u8, shift: f64| {
        let angle: &dyn Fn(P) -> (f64, f64) = match class {
            1 => &arterials,
            2 => &streets_of,
            _ => &lanes,
        };
        Cuts {
            class,
            shift,
            angle,
        }
    };
    let mut l1_pieces = plan.split(whole, LEVEL1, &cuts(1, 0.08), &mut cut_rng, &mut roads);
    plan.reading_order(&mut l1_pieces);
    let l2_counts = child_counts(LEVEL1, LEVEL2, &mut root.fork(3));
    let mut levels: [Vec<Planned>; 3] = [vec![], vec![], vec![]];
    for (i, piece) in l1_pieces.into_iter().enumerate() {
        let c = code(COUNTY, i)?;
        let stem = stems[i % stems.len()];
        levels[0].push(Planned {
            name: format!("{stem}社区一级网格"),
            code: c,
            ring: plan.ring(&piece),
            piece,
        });
    }
    let mut l2 = Vec::with_capacity(LEVEL2);
    for (p, parent) in levels[0].iter().enumerate() {
        let (piece, n) = (parent.piece.clone(), l2_counts[p]);
        let mut kids = plan.split(piece, n, &cuts(2, 0.1), &mut cut_rng, &mut roads);
        plan.reading_order(&mut kids);
        for (i, piece) in kids.into_iter().enumerate() {
            let name = format!(
                "{}第{}二级网格",
                parent.name.trim_end_matches("一级网格"),
                i + 1
            );
            l2.push(Planned {
                code: code(parent.code.as_str(), i)?,
                name,
                ring: plan.ring(&piece),
                piece,
            });
        }
    }
    levels[1] = l2;
    let l3_counts = child_counts(LEVEL2, LEVEL3, &mut root.fork(4));
    let mut l3 = Vec::with_capacity(LEVEL3);
    for (p, parent) in levels[1].iter().enumerate() {
        let (piece, n) = (parent.piece.clone(), l3_counts[p]);
        let mut kids = plan.split(piece, n, &cuts(3, 0.12), &mut cut_rng, &mut roads);
        plan.reading_order(&mut kids);
        for (i, piece) in kids.into_iter().enumerate() {
            let name = format!("{}-{}网格", parent.name.trim_end_matches("二级网格"), i + 1);
            l3.push(Planned {
                code: code(parent.code.as_str(), i)?,
                name,
                ring: plan.ring(&piece),
                piece,
            });
        }
    }
    levels[2] = l3;
    plan.finish();

    progress("placing compounds, buildings, officers and service centres");
    let mut placed = people::populate(&levels, &city, plan.lat_scale(), &root);

    progress("laying the city into the county of 韩城");
    let warp = Warp::hancheng(city);
    for c in &mut placed.compounds {
        c.geometry = warp.multipolygon(&c.geometry, true);
    }
    for b in &mut placed.buildings {
        b.footprint = warp.multipolygon(&b.footprint, false);
    }
    for s in &mut placed.centres {
        let (x, y) = warp.point(s.location.lng(), s.location.lat());
        if let Ok(p) = crate::domain::Wgs84Point::new(x, y) {
            s.location = p;
        }
    }

    progress("noding shared edges");
    let all_domains = vec![
        Domain::PartyBuilding,
        Domain::PublicSecurity,
        Domain::CivilAffairs,
    ];
    let mut grids = Vec::with_capacity(LEVEL1 + LEVEL2 + LEVEL3);
    for level in &levels {
        for p in level {
            let (households, population) = placed.totals(&p.code);
            grids.push(Grid {
                code: p.code.clone(),
                name: placed
                    .names
                    .get(&p.code)
                    .cloned()
                    .unwrap_or_else(|| p.name.clone()),
                kind: if placed.dedicated.contains(&p.code) {
                    GridKind::Dedicated
                } else {
                    GridKind::Comprehensive
                },
                geometry: warp
                    .multipolygon(&plan.noded_polygon(&p.piece), true)
                    .remove_repeated_points(),
                households: Households::new(households),
                population: Population::new(population),
                domains: all_domains.clone(),
            });
        }
    }
    Ok(City {
        data: Dataset {
            grids,
            service_centres: placed.centres,
            compounds: placed.compounds,
            buildings: placed.buildings,
            officers: placed.officers,
            roads: basemap_roads(&roads, &warp),
        },
        roads: laid_roads(&roads, &warp),
    })
}

/// The cut lines as the incident generator's road segments, in pieces of about
/// [`warp::STEP_M`] laid into the county (so hotspots follow the bent streets).
fn laid_roads(segments: &[Road], warp: &Warp) -> Vec<Road> {
    segments
        .iter()
        .flat_map(|s| {
            let line = warp.line(&geo::LineString::from(vec![s.from, s.to]), true);
            line.lines()
                .map(|l| Road {
                    class: s.class,
                    from: (l.start.x, l.start.y),
                    to: (l.end.x, l.end.y),
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_counts_add_up_to_the_seed_figures() {
        let c2 = child_counts(LEVEL1, LEVEL2, &mut Rng::new(1));
        assert_eq!(c2.iter().sum::<usize>(), LEVEL2);
        assert!(c2.iter().all(|n| *n == 4 || *n == 5));
        let c3 = child_counts(LEVEL2, LEVEL3, &mut Rng::new(1));
        assert_eq!(c3.iter().sum::<usize>(), LEVEL3);
    }
}
