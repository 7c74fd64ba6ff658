//! Topology checks for an imported city: do the grids tile their parents, and do compounds
//! and buildings sit inside the level-3 grids?
//!
//! [`validate`] takes the grids, compounds and buildings of a [`Territory`] and lists every
//! [`Defect`] it finds, each with the grid or feature it concerns and, where there is one, a
//! lng/lat to look at. Only what is present is checked: grids alone are checked as a tiling,
//! buildings without any level-3 grid are not checked for placement.
//!
//! Areas are in m², measured on a local equirectangular projection at each polygon's
//! latitude (1° lat = 111,320 m, 1° lng = 111,320·cos(lat) m), which is well within a
//! square metre at city scale. Gaps and overlaps smaller than [`Tolerance::sliver_m2`] are
//! rounding, not defects. Candidate pairs come from R-trees, so a city of a thousand grids
//! and tens of thousands of buildings is checked in well under a second.

mod placement;
mod tiling;

#[cfg(test)]
mod tests;

use super::geometry::At;
use super::model::{Building, Compound, Grid};
pub use crate::spatial::measure::{area_m2, M_PER_DEG};
use crate::spatial::measure::{m2_per_deg2, polygon_m2};
use geo::{BoundingRect, InteriorPoint, MultiPolygon, Point, Polygon, Rect};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use std::fmt;

/// What [`validate`] looks at: slices of an import's grids, compounds and buildings.
pub struct Territory<'a> {
    pub grids: &'a [Grid],
    pub compounds: &'a [Compound],
    pub buildings: &'a [Building],
}

/// Whether a defect stops an import (`Error`) or is only worth a look (`Warning`).
#[derive(Debug, Clone, PartialEq)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The kinds of defect [`validate`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DefectKind {
    /// Two grids share a code.
    DuplicateCode,
    /// A level-2 or level-3 grid whose parent code is not among the grids.
    MissingParent,
    /// Part of a grid lies outside its parent.
    OutsideParent,
    /// Part of a parent grid is covered by none of its children.
    Gap,
    /// Two sibling grids cover the same ground.
    Overlap,
    /// A building's footprint is split between level-3 grids.
    BuildingCut,
    /// A building lies in no level-3 grid.
    BuildingOutsideGrids,
    /// Two buildings' footprints cover the same ground (stacked or duplicated buildings).
    BuildingsOverlap,
    /// A compound spreads over several level-3 grids (a warning).
    CompoundStraddles,
    /// A level-3 grid with no building and no households (a warning).
    EmptyGrid,
}

impl DefectKind {
    pub const ALL: [DefectKind; 10] = [
        DefectKind::DuplicateCode,
        DefectKind::MissingParent,
        DefectKind::OutsideParent,
        DefectKind::Gap,
        DefectKind::Overlap,
        DefectKind::BuildingCut,
        DefectKind::BuildingOutsideGrids,
        DefectKind::BuildingsOverlap,
        DefectKind::CompoundStraddles,
        DefectKind::EmptyGrid,
    ];

    /// The snake_case name, as sent to clients.
    pub fn as_str(self) -> &'static str {
        match self {
            DefectKind::DuplicateCode => "duplicate_code",
            DefectKind::MissingParent => "missing_parent",
            DefectKind::OutsideParent => "outside_parent",
            DefectKind::Gap => "gap",
            DefectKind::Overlap => "overlap",
            DefectKind::BuildingCut => "building_cut",
            DefectKind::BuildingOutsideGrids => "building_outside_grids",
            DefectKind::BuildingsOverlap => "buildings_overlap",
            DefectKind::CompoundStraddles => "compound_straddles",
            DefectKind::EmptyGrid => "empty_grid",
        }
    }

    /// How serious a defect of this kind is.
    pub fn severity(self) -> Severity {
        match self {
            DefectKind::CompoundStraddles | DefectKind::EmptyGrid => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl fmt::Display for DefectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found, where it is and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Defect {
    pub kind: DefectKind,
    pub severity: Severity,
    /// A grid code, or `building B001`, `compound C001`.
    pub feature: String,
    /// A lng/lat inside the problem area, to look at.
    pub at: Option<(f64, f64)>,
    pub message: String,
    /// The figures in the message, for the frontend to put in the user's language (with
    /// `kind` as the template and `feature`).
    pub params: serde_json::Map<String, serde_json::Value>,
}

/// As the API gives it: `{"kind", "feature", "message", "at": [lng, lat] | null, "params"}`.
impl serde::Serialize for Defect {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Defect", 5)?;
        st.serialize_field("kind", self.kind.as_str())?;
        st.serialize_field("feature", &self.feature)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("at", &self.at.map(|a| [a.0, a.1]))?;
        st.serialize_field("params", &self.params)?;
        st.end()
    }
}

impl Defect {
    fn new(kind: DefectKind, feature: String, at: Option<Point>, message: String) -> Defect {
        Defect {
            kind,
            severity: kind.severity(),
            feature,
            at: at.map(|p| (p.x(), p.y())),
            message,
            params: serde_json::Map::new(),
        }
    }

    /// Adds a figure of the message.
    fn with(mut self, name: &str, value: impl Into<serde_json::Value>) -> Defect {
        self.params.insert(name.to_string(), value.into());
        self
    }

    /// An area in m², rounded as the message gives it.
    fn with_area(self, area: f64) -> Defect {
        self.with("area_m2", (area * 10.0).round() / 10.0)
    }
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Some((lng, lat)) => write!(
                f,
                "{}: {} at {}: {}",
                self.kind,
                self.feature,
                At(lng, lat),
                self.message
            ),
            None => write!(f, "{}: {}: {}", self.kind, self.feature, self.message),
        }
    }
}

/// How much disagreement between polygons is rounding rather than a defect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// Gaps, overlaps and pieces with an area under this many m² are ignored.
    pub sliver_m2: f64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance { sliver_m2: 1.0 }
    }
}

/// Checks a territory's topology and lists every defect found: grid rules first (codes,
/// parents, containment, gaps, overlaps), then buildings and compounds against the level-3
/// grids. Each rule reports in input order, so the same data gives the same list.
pub fn validate(t: &Territory, tol: &Tolerance) -> Vec<Defect> {
    let mut out = Vec::new();
    let first = tiling::duplicate_codes(t.grids, &mut out);
    tiling::missing_parents(t.grids, &first, &mut out);
    tiling::outside_parents(t.grids, &first, tol, &mut out);
    tiling::gaps(t.grids, &first, tol, &mut out);
    tiling::overlaps(t.grids, tol, &mut out);
    placement::check(t, tol, &mut out);
    placement::building_overlaps(t.buildings, tol, &mut out);
    out
}

/// Area in m² shared by two rectangles: an upper bound for anything they hold in common.
fn shared_rect_m2(a: &Rect, b: &Rect) -> f64 {
    let w = a.max().x.min(b.max().x) - a.min().x.max(b.min().x);
    let h = a.max().y.min(b.max().y) - a.min().y.max(b.min().y);
    if w <= 0.0 || h <= 0.0 {
        return 0.0;
    }
    w * h * m2_per_deg2((a.min().y.max(b.min().y) + h / 2.0).clamp(-90.0, 90.0))
}

/// The parts of `mp` larger than the tolerance: their total area in m² and a point inside
/// the largest of them, or `None` when every part is a sliver.
fn significant(mp: &MultiPolygon, tol: &Tolerance) -> Option<(f64, Option<Point>)> {
    let parts: Vec<(f64, &Polygon)> = mp
        .iter()
        .map(|p| (polygon_m2(p), p))
        .filter(|(a, _)| *a > tol.sliver_m2)
        .collect();
    let largest = parts.iter().max_by(|a, b| a.0.total_cmp(&b.0))?;
    Some((
        parts.iter().map(|(a, _)| a).sum(),
        largest.1.interior_point(),
    ))
}

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// An R-tree of polygon envelopes, each tagged with the polygon's position in a slice.
struct Envelopes {
    tree: RTree<Entry>,
}

impl Envelopes {
    /// Indexes `(position, polygon)` pairs; polygons without extent are left out.
    fn new<'a>(items: impl Iterator<Item = (usize, &'a MultiPolygon)>) -> Envelopes {
        let entries = items
            .filter_map(|(i, mp)| {
                let r = mp.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect();
        Envelopes {
            tree: RTree::bulk_load(entries),
        }
    }

    fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Positions of the polygons whose envelopes meet `r` (touching included).
    fn near(&self, r: &Rect) -> impl Iterator<Item = usize> + '_ {
        let env = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        self.tree
            .locate_in_envelope_intersecting(&env)
            .map(|e| e.data)
    }
}
