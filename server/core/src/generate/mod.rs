//! `gridd generate`: a deterministic sample city where 韩城 is (around 110.44°E, 35.47°N,
//! WGS84), reproducing the seed figures: 39 / 164 / 1,243 grids under county 610581,
//! 207 compounds (50 standalone party branches, 37 joint branches over 129 compounds,
//! 28 functional), officers per 一格三员 (39 + 39 at level 1, 164 heads + 494 officers at
//! level 2, 1,268 level-3 officers with a few vacancies), service centres, ~20k buildings.
//!
//! Geometry rules hold by construction: children tile their parents with identical shared
//! vertices ([`layout`]); buildings sit inside an inset of their grid, so none is cut. The
//! city is built in a working rectangle and then laid into the real county by a one-to-one
//! map ([`warp`]) whose east side follows the county boundary (the Yellow River) and whose
//! waves bend the cuts into streets and lanes; buildings take four shapes, rural houses
//! gather into villages and compounds are drawn around their buildings ([`shapes`]).

pub mod cases;
pub mod incident_files;
pub mod incidents;
pub mod layout;
mod names;
mod people;
pub mod rng;
pub mod scale;
pub mod shapes;
pub mod warp;

use crate::domain::Dataset;
use crate::domain::{
    Domain, FeatureId, Grid, GridCode, GridKind, Households, Population, Road as BasemapRoad,
    RoadClass,
};
use layout::{reading_order, split, Cell, Lattice, Road};
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

/// One grid cell with its code and name, before people are placed.
pub(crate) struct Planned {
    pub code: GridCode,
    pub name: String,
    pub cell: Cell,
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
    let mut l1_cells = split(city, LEVEL1, 0.08, 1, &mut cut_rng, &mut roads);
    reading_order(&mut l1_cells);
    let l2_counts = child_counts(LEVEL1, LEVEL2, &mut root.fork(3));
    let mut levels: [Vec<Planned>; 3] = [vec![], vec![], vec![]];
    for (i, cell) in l1_cells.into_iter().enumerate() {
        let c = code(COUNTY, i)?;
        let stem = stems[i % stems.len()];
        levels[0].push(Planned {
            name: format!("{stem}社区一级网格"),
            code: c,
            cell,
        });
    }
    let mut l2 = Vec::with_capacity(LEVEL2);
    for (p, parent) in levels[0].iter().enumerate() {
        let mut kids = split(parent.cell, l2_counts[p], 0.1, 2, &mut cut_rng, &mut roads);
        reading_order(&mut kids);
        for (i, cell) in kids.into_iter().enumerate() {
            let name = format!(
                "{}第{}二级网格",
                parent.name.trim_end_matches("一级网格"),
                i + 1
            );
            l2.push(Planned {
                code: code(parent.code.as_str(), i)?,
                name,
                cell,
            });
        }
    }
    levels[1] = l2;
    let l3_counts = child_counts(LEVEL2, LEVEL3, &mut root.fork(4));
    let mut l3 = Vec::with_capacity(LEVEL3);
    for (p, parent) in levels[1].iter().enumerate() {
        let mut kids = split(parent.cell, l3_counts[p], 0.12, 3, &mut cut_rng, &mut roads);
        reading_order(&mut kids);
        for (i, cell) in kids.into_iter().enumerate() {
            let name = format!("{}-{}网格", parent.name.trim_end_matches("二级网格"), i + 1);
            l3.push(Planned {
                code: code(parent.code.as_str(), i)?,
                name,
                cell,
            });
        }
    }
    levels[2] = l3;

    progress("placing compounds, buildings, officers and service centres");
    let mut placed = people::populate(&levels, &city, &root);

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
    let l3_cells: Vec<Cell> = levels[2].iter().map(|p| p.cell).collect();
    let lattice = Lattice::new(&l3_cells);
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
                geometry: warp.multipolygon(&lattice.noded_polygon(&p.cell), true),
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
