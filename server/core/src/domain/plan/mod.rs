//! Planning level-3 grids (pure): the household band a grid should hold (300–500 by default,
//! seed 001: "调整管理幅度过大和过小的网格"), which grids fall outside it, the units a grid is
//! made of (a compound with its buildings, or a building outside any compound — never cut),
//! and splitting a grid into parts that keep every unit whole ([`split`]).

mod cuts;
pub mod draft;
pub mod fix;
pub mod rebalance;
pub mod split;
pub mod staff;

pub use rebalance::{fresh_codes, rebalance, Planned};
pub use split::{cut_along, split, Part, Split};

use super::model::{Building, Compound, FeatureId, Grid, GridKind};
use super::validate::{area_m2, M_PER_DEG};
use geo::{InteriorPoint, MultiPolygon, Point, Polygon};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

/// Why a planning request cannot be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("band {min}–{max} is empty: min must be at least 1 and not above max")]
    BadBand { min: u32, max: u32 },
    #[error("measure {0:?} is not households or population")]
    BadMeasure(String),
    #[error("k = {k}: a grid is split into 2 to {max} parts")]
    BadK { k: usize, max: usize },
    #[error("{total} households in parts of {min}–{max} would need {k} parts; a grid is split into 2 to {most} parts: widen the band or give k")]
    BandTooNarrow {
        total: u32,
        min: u32,
        max: u32,
        k: usize,
        most: usize,
    },
    #[error("grid {0} has no area to split")]
    NoArea(String),
    #[error("no level-3 code is left under {0}: numbers 001–999 are all used or retired")]
    CodesExhausted(String),
    #[error("the stored draft is unreadable: {0}")]
    BadDraft(String),
    #[error("grid {0} is not in this draft (already split, merged or never there)")]
    NotInDraft(String),
    #[error("{0}")]
    CannotMerge(String),
    #[error("{0}")]
    CannotCut(String),
}

/// What the band counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Measure {
    #[default]
    Households,
    Population,
}

impl Measure {
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Households => "households",
            Measure::Population => "population",
        }
    }
    /// The unit's count in this measure.
    pub fn of(self, households: u32, population: u32) -> u32 {
        match self {
            Measure::Households => households,
            Measure::Population => population,
        }
    }
    /// The word for messages: "households" / "people".
    pub fn noun(self) -> &'static str {
        match self {
            Measure::Households => "households",
            Measure::Population => "people",
        }
    }
}

impl FromStr for Measure {
    type Err = PlanError;
    fn from_str(s: &str) -> Result<Measure, PlanError> {
        match s {
            "households" => Ok(Measure::Households),
            "population" => Ok(Measure::Population),
            other => Err(PlanError::BadMeasure(other.to_string())),
        }
    }
}

/// The range a grid's load should fall in, both ends included.
///
/// ```
/// use gridd_core::domain::plan::{Band, Fit};
///
/// let band = Band::default(); // 300–500 households
/// assert_eq!((band.fit(299), band.fit(300), band.fit(500), band.fit(501)),
///            (Fit::Under, Fit::Within, Fit::Within, Fit::Over));
/// assert_eq!(band.parts_for(859), 2);
/// assert_eq!(band.parts_for(520), 1, "4% over beats two grids 13% under");
/// assert!(Band::new(500, 300).is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Band {
    min: u32,
    max: u32,
}

impl Default for Band {
    /// 300–500 households: the size a grid officer can know house by house.
    fn default() -> Band {
        Band { min: 300, max: 500 }
    }
}

/// Where a value lies against a band.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    Under,
    Within,
    Over,
}

impl Fit {
    pub fn as_str(self) -> &'static str {
        match self {
            Fit::Under => "under",
            Fit::Within => "within",
            Fit::Over => "over",
        }
    }
}

impl Band {
    pub fn new(min: u32, max: u32) -> Result<Band, PlanError> {
        if min == 0 || min > max {
            return Err(PlanError::BadBand { min, max });
        }
        Ok(Band { min, max })
    }
    pub fn min(self) -> u32 {
        self.min
    }
    pub fn max(self) -> u32 {
        self.max
    }
    pub fn fit(self, v: u32) -> Fit {
        if v < self.min {
            Fit::Under
        } else if v > self.max {
            Fit::Over
        } else {
            Fit::Within
        }
    }

    /// How many parts `total` should be cut into: the fewest that bring the parts under
    /// `max`, or one fewer when that lands nearer the band (e.g. 520 with 300–500 stays one
    /// grid: 4% over beats two grids 13% under).
    pub fn parts_for(self, total: u32) -> usize {
        let k_min = total.div_ceil(self.max).max(1) as usize;
        let miss = |k: usize| {
            let each = f64::from(total) / k as f64;
            (each - f64::from(self.max)).max(0.0) / f64::from(self.max)
                + (f64::from(self.min) - each).max(0.0) / f64::from(self.min)
        };
        if k_min > 1 && miss(k_min - 1) < miss(k_min) {
            k_min - 1
        } else {
            k_min
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.min, self.max)
    }
}

/// A grid outside the band, with its figures.
#[derive(Clone, Debug, PartialEq)]
pub struct OutOfBand<'a> {
    pub grid: &'a Grid,
    pub value: u32,
    pub fit: Fit,
}

/// Comprehensive level-3 grids whose measure falls outside the band: those over it first,
/// then those under it, each most out of band first. Dedicated grids (专属网格: a school, a
/// hospital, a market) are not residential and are left out.
pub fn out_of_band(grids: &[Grid], band: Band, by: Measure) -> Vec<OutOfBand<'_>> {
    let mut out: Vec<OutOfBand> = grids
        .iter()
        .filter(|g| g.level() == super::Level::Three && g.kind == GridKind::Comprehensive)
        .filter_map(|g| {
            let value = by.of(g.households.get(), g.population.get());
            let fit = band.fit(value);
            (fit != Fit::Within).then_some(OutOfBand {
                grid: g,
                value,
                fit,
            })
        })
        .collect();
    let distance = |o: &OutOfBand| match o.fit {
        Fit::Over => f64::from(o.value) / f64::from(band.max) - 1.0,
        _ => 1.0 - f64::from(o.value) / f64::from(band.min),
    };
    out.sort_by(|a, b| {
        (b.fit == Fit::Over)
            .cmp(&(a.fit == Fit::Over))
            .then_with(|| distance(b).total_cmp(&distance(a)))
            .then_with(|| a.grid.code.cmp(&b.grid.code))
    });
    out
}

/// What a unit is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitKind {
    Compound,
    Building,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Compound => "compound",
            UnitKind::Building => "building",
        }
    }
}

/// What a grid is made of and may not be cut through: a compound (with its buildings) or a
/// building outside any compound.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    pub id: FeatureId,
    pub kind: UnitKind,
    /// The compound's name or the building's address.
    pub name: String,
    pub households: u32,
    pub population: u32,
    /// Every polygon of the unit (a compound's own and its buildings').
    pub parts: Vec<Polygon>,
    /// A point inside the unit, to tell which part of a split holds it.
    pub anchor: Point,
}

/// The units of a piece of ground, given what lies in it: its compounds (households from
/// their buildings, or the compound's own figure when it has none) and its buildings outside
/// those compounds. The compounds named in `divide` are taken apart into their buildings (a
/// large 小区 divided by 楼栋, as level-3 grids served by building heads are).
pub fn units_of(
    compounds: &[Compound],
    buildings: &[Building],
    divide: &HashSet<FeatureId>,
) -> Vec<Unit> {
    let mut by_compound: HashMap<&FeatureId, Vec<&Building>> = HashMap::new();
    let ours: Vec<&Compound> = compounds
        .iter()
        .filter(|c| !divide.contains(&c.id))
        .collect();
    let known: std::collections::HashSet<&FeatureId> = ours.iter().map(|c| &c.id).collect();
    let mut units = Vec::new();
    for b in buildings {
        match b.compound.as_ref().filter(|c| known.contains(c)) {
            Some(c) => by_compound.entry(c).or_default().push(b),
            None => units.push(Unit {
                id: b.id.clone(),
                kind: UnitKind::Building,
                name: b.address.clone(),
                households: b.households.get(),
                population: b.population.get(),
                parts: b.footprint.0.clone(),
                anchor: anchor(&b.footprint),
            }),
        }
    }
    for c in ours {
        let members = by_compound.remove(&c.id).unwrap_or_default();
        let (households, population) = if members.is_empty() {
            (c.households.get(), c.population.get())
        } else {
            members.iter().fold((0, 0), |(h, p), b| {
                (h + b.households.get(), p + b.population.get())
            })
        };
        let mut parts = c.geometry.0.clone();
        parts.extend(members.iter().flat_map(|b| b.footprint.0.iter().cloned()));
        units.push(Unit {
            id: c.id.clone(),
            kind: UnitKind::Compound,
            name: c.name.clone(),
            households,
            population,
            parts,
            anchor: anchor(&c.geometry),
        });
    }
    units.sort_by(|a, b| a.id.cmp(&b.id));
    units
}

fn anchor(mp: &MultiPolygon) -> Point {
    mp.interior_point().unwrap_or_else(|| Point::new(0.0, 0.0))
}

/// Polsby-Popper compactness, 4πA/P² (1 for a circle, 0.785 for a square, → 0 for a
/// sliver), on a local metric projection.
pub fn polsby_popper(mp: &MultiPolygon) -> f64 {
    let area = area_m2(mp);
    let Some(lat) = mp
        .iter()
        .next()
        .and_then(|p| p.exterior().0.first())
        .map(|c| c.y)
    else {
        return 0.0;
    };
    let kx = M_PER_DEG * lat.to_radians().cos();
    let perimeter: f64 = mp
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.lines())
        .map(|l| ((l.dx() * kx).powi(2) + (l.dy() * M_PER_DEG).powi(2)).sqrt())
        .sum();
    if perimeter == 0.0 {
        return 0.0;
    }
    4.0 * std::f64::consts::PI * area / (perimeter * perimeter)
}

#[cfg(test)]
mod tests;
