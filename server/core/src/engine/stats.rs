//! What is known about each grid apart from its incidents, computed once per city version:
//! households and population, serving officers, compounds without a party organisation,
//! households within reach of a service centre, and the grid's edge neighbours (for Gi*).
//!
//! **Reach.** A building is within reach when its centre is at most [`REACH_M`] (the
//! "10-minute service circle") from a service centre, straight-line, on a local projection.
//! **Neighbours** share at least one boundary segment (the same two vertices): grids that
//! only touch at a corner are not neighbours. Tilings that share edges without sharing their
//! vertices (un-noded data) get fewer neighbours; the validator does not require noding.

use crate::domain::Dataset;
use crate::domain::{Grid, GridCode, Level, PartyOrg};
use crate::spatial::M_PER_DEG;
use geo::BoundingRect;
use rstar::RTree;
use std::collections::HashMap;

/// The service circle: 800 m, about ten minutes on foot.
pub const REACH_M: f64 = 800.0;

/// One grid's fixed figures.
#[derive(Clone, Debug, PartialEq)]
pub struct GridFacts {
    pub code: GridCode,
    pub name: String,
    pub households: u32,
    pub population: u32,
    /// Grid heads, full-time and part-time officers assigned to this grid.
    pub officers: u32,
    pub compounds: u32,
    pub compounds_without_party_org: u32,
    /// Households of the buildings in the grid, and of those within reach.
    pub building_households: u64,
    pub households_within_reach: u64,
    pub buildings: u32,
    pub buildings_outside_reach: u32,
    /// Positions (in this level's list) of the grids sharing an edge with this one.
    pub neighbours: Vec<usize>,
}

impl GridFacts {
    /// Share of building households within reach of a service centre; `None` without any.
    pub fn reach_share(&self) -> Option<f64> {
        (self.building_households > 0)
            .then(|| self.households_within_reach as f64 / self.building_households as f64)
    }
}

/// Per-level lists of grid facts, each sorted by code.
#[derive(Default)]
pub struct GridStats {
    levels: [Vec<GridFacts>; 3],
    position: HashMap<GridCode, usize>,
}

impl GridStats {
    pub fn build(data: &Dataset) -> GridStats {
        let mut stats = GridStats::default();
        for level in [Level::One, Level::Two, Level::Three] {
            let mut grids: Vec<&Grid> = data.grids.iter().filter(|g| g.level() == level).collect();
            grids.sort_by(|a, b| a.code.cmp(&b.code));
            let neighbours = edge_neighbours(&grids);
            let facts: Vec<GridFacts> = grids
                .iter()
                .zip(neighbours)
                .map(|(g, neighbours)| GridFacts {
                    code: g.code.clone(),
                    name: g.name.clone(),
                    households: g.households.get(),
                    population: g.population.get(),
                    officers: 0,
                    compounds: 0,
                    compounds_without_party_org: 0,
                    building_households: 0,
                    households_within_reach: 0,
                    buildings: 0,
                    buildings_outside_reach: 0,
                    neighbours,
                })
                .collect();
            for (i, f) in facts.iter().enumerate() {
                stats.position.insert(f.code.clone(), i);
            }
            stats.levels[level.number() as usize - 1] = facts;
        }
        for o in data.officers.iter().filter(|o| o.role.serves_grid()) {
            for g in &o.grids {
                if let Some(f) = stats.facts_mut(g) {
                    f.officers += 1;
                }
            }
        }
        for c in &data.compounds {
            let none = matches!(c.party_org, PartyOrg::None);
            stats.each_level(c.grid.as_ref(), |f| {
                f.compounds += 1;
                f.compounds_without_party_org += u32::from(none);
            });
        }
        let centres = Reach::new(data);
        for b in &data.buildings {
            let within = b
                .footprint
                .bounding_rect()
                .is_some_and(|r| centres.within(r.center().x, r.center().y));
            let h = u64::from(b.households.get());
            stats.each_level(b.grid.as_ref(), |f| {
                f.buildings += 1;
                f.building_households += h;
                if within {
                    f.households_within_reach += h;
                } else {
                    f.buildings_outside_reach += 1;
                }
            });
        }
        stats
    }

    fn facts_mut(&mut self, code: &GridCode) -> Option<&mut GridFacts> {
        let i = *self.position.get(code)?;
        self.levels[code.level().number() as usize - 1].get_mut(i)
    }

    /// The facts of one grid.
    pub fn facts(&self, code: &GridCode) -> Option<&GridFacts> {
        let i = *self.position.get(code)?;
        self.levels[code.level().number() as usize - 1].get(i)
    }

    /// Calls `f` on the grid `code` and each grid above it.
    fn each_level(&mut self, code: Option<&GridCode>, mut f: impl FnMut(&mut GridFacts)) {
        let Some(code) = code else { return };
        for level in [Level::One, Level::Two, Level::Three] {
            if let Some(c) = code.at_level(level) {
                if let Some(facts) = self.facts_mut(&c) {
                    f(facts);
                }
            }
        }
    }

    /// The grids of a level, sorted by code.
    pub fn level(&self, level: Level) -> &[GridFacts] {
        &self.levels[level.number() as usize - 1]
    }
}

/// For each grid, the others that share a boundary segment with it.
fn edge_neighbours(grids: &[&Grid]) -> Vec<Vec<usize>> {
    // A vertex by its exact bits; a segment by its two vertices, smaller first.
    type Vertex = (u64, u64);
    let key = |c: geo::Coord| -> Vertex { (c.x.to_bits(), c.y.to_bits()) };
    let mut by_segment: HashMap<(Vertex, Vertex), Vec<usize>> = HashMap::new();
    for (i, g) in grids.iter().enumerate() {
        for ring in g
            .geometry
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        {
            for l in ring.lines() {
                let (a, b) = (key(l.start), key(l.end));
                by_segment.entry((a.min(b), a.max(b))).or_default().push(i);
            }
        }
    }
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); grids.len()];
    for owners in by_segment.values() {
        for &i in owners {
            out[i].extend(owners.iter().copied().filter(|&j| j != i));
        }
    }
    for n in &mut out {
        n.sort_unstable();
        n.dedup();
    }
    out
}

/// Service centres on a local metric projection, for "is this point within reach?".
pub struct Reach {
    tree: RTree<[f64; 2]>,
    cos_lat: f64,
}

impl Reach {
    pub fn new(data: &Dataset) -> Reach {
        let lat0 = if data.service_centres.is_empty() {
            0.0
        } else {
            data.service_centres
                .iter()
                .map(|s| s.location.lat())
                .sum::<f64>()
                / data.service_centres.len() as f64
        };
        let cos_lat = lat0.to_radians().cos();
        let tree = RTree::bulk_load(
            data.service_centres
                .iter()
                .map(|s| {
                    [
                        s.location.lng() * M_PER_DEG * cos_lat,
                        s.location.lat() * M_PER_DEG,
                    ]
                })
                .collect(),
        );
        Reach { tree, cos_lat }
    }

    pub fn within(&self, lng: f64, lat: f64) -> bool {
        let p = [lng * M_PER_DEG * self.cos_lat, lat * M_PER_DEG];
        self.tree
            .nearest_neighbor(&p)
            .is_some_and(|c| (c[0] - p[0]).hypot(c[1] - p[1]) <= REACH_M)
    }
}
