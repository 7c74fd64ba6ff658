//! The engine proper: one [`Locator`] per grid level, one for compounds and one for
//! buildings, built from a city and answering "where is this point?" for one point or a
//! million.

use super::locator::Locator;
use super::stats::GridStats;
use crate::spatial::mercator;
use crate::spatial::PolygonIndex;
use geo::MapCoords;

/// A lng/lat polygon in Web Mercator units.
fn to_mercator(mp: &geo::MultiPolygon) -> geo::MultiPolygon {
    mp.map_coords(|c| {
        let (x, y) = mercator(c.x, c.y);
        geo::Coord { x, y }
    })
}
use crate::domain::Dataset;
use crate::domain::{FeatureId, GridCode, GridPath, Level, Wgs84Point};
use std::collections::HashMap;

/// What a point falls in.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Assignment {
    pub grids: GridPath,
    pub compound: Option<FeatureId>,
    pub building: Option<FeatureId>,
}

/// A compound as `locate` reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct CompoundInfo {
    pub name: String,
    pub party_org: &'static str,
}

/// A building as `locate` reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildingInfo {
    pub address: String,
    pub households: u32,
    pub compound: Option<FeatureId>,
}

/// The in-memory spatial engine for one version of the city.
pub struct Engine {
    levels: [Locator<GridCode>; 3],
    compounds: Locator<FeatureId>,
    buildings: Locator<FeatureId>,
    compound_info: HashMap<FeatureId, CompoundInfo>,
    building_info: HashMap<FeatureId, BuildingInfo>,
    stats: GridStats,
    /// Grid outlines per level in Web Mercator units ([0, 1]², y down), for vector tiles.
    shapes: [PolygonIndex<GridCode>; 3],
    roads: super::roads::RoadIndex,
    /// The city this engine was built from, for planning (the store stays the truth).
    city: std::sync::Arc<Dataset>,
}

impl Engine {
    /// Builds every index from a city (grids, compounds, buildings and roads are used).
    pub fn build(data: &Dataset) -> Engine {
        let level = |l: Level| {
            Locator::new(
                data.grids
                    .iter()
                    .filter(|g| g.level() == l)
                    .map(|g| (g.code.clone(), g.geometry.clone())),
            )
        };
        let shapes = |l: Level| {
            PolygonIndex::new(
                data.grids
                    .iter()
                    .filter(|g| g.level() == l)
                    .map(|g| (g.code.clone(), to_mercator(&g.geometry))),
            )
        };
        Engine {
            stats: GridStats::build(data),
            shapes: [shapes(Level::One), shapes(Level::Two), shapes(Level::Three)],
            roads: super::roads::RoadIndex::new(&data.roads),
            city: std::sync::Arc::new(data.clone()),
            levels: [level(Level::One), level(Level::Two), level(Level::Three)],
            compounds: Locator::new(
                data.compounds
                    .iter()
                    .map(|c| (c.id.clone(), c.geometry.clone())),
            ),
            buildings: Locator::new(
                data.buildings
                    .iter()
                    .map(|b| (b.id.clone(), b.footprint.clone())),
            ),
            compound_info: data
                .compounds
                .iter()
                .map(|c| {
                    let info = CompoundInfo {
                        name: c.name.clone(),
                        party_org: c.party_org.kind(),
                    };
                    (c.id.clone(), info)
                })
                .collect(),
            building_info: data
                .buildings
                .iter()
                .map(|b| {
                    let info = BuildingInfo {
                        address: b.address.clone(),
                        households: b.households.get(),
                        compound: b.compound.clone(),
                    };
                    (b.id.clone(), info)
                })
                .collect(),
        }
    }

    /// An engine with nothing in it (an empty store).
    pub fn empty() -> Engine {
        Engine::build(&Dataset::default())
    }

    /// How many grids per level, compounds and buildings are indexed.
    pub fn sizes(&self) -> [usize; 5] {
        [
            self.levels[0].len(),
            self.levels[1].len(),
            self.levels[2].len(),
            self.compounds.len(),
            self.buildings.len(),
        ]
    }

    /// The grid of `level` holding (lng, lat), lowest code on shared edges.
    #[inline]
    pub fn grid_at(&self, level: Level, lng: f64, lat: f64) -> Option<&GridCode> {
        self.levels[level.number() as usize - 1].locate_xy(lng, lat)
    }

    /// The grids of all three levels, the compound and the building holding `p`.
    pub fn assign(&self, p: Wgs84Point) -> Assignment {
        let (x, y) = (p.lng(), p.lat());
        Assignment {
            grids: GridPath {
                level1: self.grid_at(Level::One, x, y).cloned(),
                level2: self.grid_at(Level::Two, x, y).cloned(),
                level3: self.grid_at(Level::Three, x, y).cloned(),
            },
            compound: self.compounds.locate_xy(x, y).cloned(),
            building: self.buildings.locate_xy(x, y).cloned(),
        }
    }

    /// Grid outlines of `level` (Web Mercator units) whose envelopes meet the box.
    pub fn shapes_in(
        &self,
        level: Level,
        min: [f64; 2],
        max: [f64; 2],
    ) -> impl Iterator<Item = &(GridCode, geo::MultiPolygon)> {
        self.shapes[level.number() as usize - 1].in_box(min, max)
    }

    /// Fixed per-grid figures (households, officers, reach, neighbours).
    /// The city this engine answers for.
    pub fn city(&self) -> &Dataset {
        &self.city
    }

    /// The basemap roads, for tiles.
    pub fn roads(&self) -> &super::roads::RoadIndex {
        &self.roads
    }

    /// The name of the grid `code` in this engine's city.
    pub fn grid_name(&self, code: &str) -> Option<&str> {
        let code = GridCode::parse(code).ok()?;
        self.stats.facts(&code).map(|f| f.name.as_str())
    }

    pub fn stats(&self) -> &GridStats {
        &self.stats
    }

    pub fn compound(&self, id: &FeatureId) -> Option<&CompoundInfo> {
        self.compound_info.get(id)
    }

    pub fn building(&self, id: &FeatureId) -> Option<&BuildingInfo> {
        self.building_info.get(id)
    }

    /// Level-1/2/3 grid indexes (into the sorted codes of each level, `u32::MAX` for none)
    /// of many points at once, on `threads` threads. For bulk work where cloning codes would
    /// dominate.
    pub fn assign_levels(
        &self,
        points: &[(f64, f64)],
        threads: usize,
    ) -> Vec<[Option<&GridCode>; 3]> {
        let mut out: Vec<[Option<&GridCode>; 3]> = vec![[None; 3]; points.len()];
        let chunk = points.len().div_ceil(threads.max(1)).max(1);
        std::thread::scope(|s| {
            for (ps, os) in points.chunks(chunk).zip(out.chunks_mut(chunk)) {
                s.spawn(move || {
                    for (&(x, y), o) in ps.iter().zip(os.iter_mut()) {
                        *o = [
                            self.levels[0].locate_xy(x, y),
                            self.levels[1].locate_xy(x, y),
                            self.levels[2].locate_xy(x, y),
                        ];
                    }
                });
            }
        });
        out
    }
}
