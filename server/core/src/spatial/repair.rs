//! Making a broken footprint valid, the way PostGIS `ST_MakeValid` does for the faults real
//! building data has (OpenStreetMap extracts, survey exports), and saying what was done:
//!
//! 1. repeated consecutive positions are dropped;
//! 2. an unclosed ring is closed (its first position repeated at the end);
//! 3. a ring left with fewer than three distinct positions is dropped (a line has no area);
//! 4. a ring that crosses itself is split into the areas it encloses (even–odd: a bow tie
//!    becomes its two triangles), as `ST_MakeValid`'s linework method does;
//! 5. parts that overlap or share an edge are merged into one (their union).
//!
//! What is left must have area; a footprint that collapses to nothing cannot be repaired.

use geo::algorithm::bool_ops::{unary_union, BooleanOps, FillRule};
use geo::{Area, Coord, LineString, MultiPolygon, Polygon};

/// What a repair did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RepairKind {
    DroppedRepeatedPoints,
    ClosedRing,
    DroppedDegenerateRing,
    SplitSelfIntersection,
    MergedOverlappingParts,
}

impl RepairKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RepairKind::DroppedRepeatedPoints => "dropped_repeated_points",
            RepairKind::ClosedRing => "closed_ring",
            RepairKind::DroppedDegenerateRing => "dropped_degenerate_ring",
            RepairKind::SplitSelfIntersection => "split_self_intersection",
            RepairKind::MergedOverlappingParts => "merged_overlapping_parts",
        }
    }
}

/// One repair and where (lng/lat of the ring or part it concerns).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Repair {
    pub kind: RepairKind,
    pub at: (f64, f64),
    /// The part (0-based) and ring (0 = exterior) it concerns.
    pub part: usize,
    pub ring: usize,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot be repaired: {0}")]
pub struct Unrepairable(pub String);

/// A ring as raw (lng, lat) positions, before any check.
pub type RawRing = Vec<(f64, f64)>;

/// Steps 1–3 on one ring: the cleaned, closed ring, or `None` when it has no area.
fn clean_ring(raw: &RawRing, part: usize, ring: usize, done: &mut Vec<Repair>) -> Option<RawRing> {
    let at = raw.first().copied().unwrap_or((f64::NAN, f64::NAN));
    let note = |done: &mut Vec<Repair>, kind| {
        done.push(Repair {
            kind,
            at,
            part,
            ring,
        })
    };
    let mut out: RawRing = Vec::with_capacity(raw.len() + 1);
    for p in raw {
        if out.last() != Some(p) {
            out.push(*p);
        }
    }
    if out.len() < raw.len() {
        note(done, RepairKind::DroppedRepeatedPoints);
    }
    let closed = out.len() > 1 && out.first() == out.last();
    let distinct = out.len() - usize::from(closed);
    if distinct < 3 {
        note(done, RepairKind::DroppedDegenerateRing);
        return None;
    }
    if !closed {
        out.push(out[0]);
        note(done, RepairKind::ClosedRing);
    }
    Some(out)
}

fn line(r: &RawRing) -> LineString {
    LineString::new(r.iter().map(|&(x, y)| Coord { x, y }).collect())
}

/// The areas a ring encloses by the even–odd rule, as valid polygons.
fn enclosed(r: &RawRing) -> MultiPolygon {
    let p = Polygon::new(line(r), vec![]);
    p.union_with_fill_rule(&MultiPolygon::new(vec![]), FillRule::EvenOdd)
}

/// Whether a closed ring is simple (no edge crosses or touches a non-adjacent one).
fn is_simple(r: &RawRing) -> bool {
    use geo::Validation;
    Polygon::new(line(r), vec![]).is_valid()
}

/// Repairs a footprint given as parts of rings (exterior first), returning the valid
/// footprint and every repair made. A footprint that is already valid comes back unchanged
/// with no repairs.
pub fn make_valid(parts: &[Vec<RawRing>]) -> Result<(MultiPolygon, Vec<Repair>), Unrepairable> {
    let mut done = Vec::new();
    let mut pieces: Vec<MultiPolygon> = Vec::new();
    for (pi, rings) in parts.iter().enumerate() {
        let Some(exterior) = rings.first() else {
            continue;
        };
        let Some(ext) = clean_ring(exterior, pi, 0, &mut done) else {
            continue;
        };
        let holes: Vec<RawRing> = rings[1..]
            .iter()
            .enumerate()
            .filter_map(|(ri, r)| clean_ring(r, pi, ri + 1, &mut done))
            .collect();
        let simple = is_simple(&ext) && holes.iter().all(is_simple);
        let mut piece = enclosed(&ext);
        for h in &holes {
            piece = piece.difference(&enclosed(h));
        }
        if !simple {
            done.push(Repair {
                kind: RepairKind::SplitSelfIntersection,
                at: ext[0],
                part: pi,
                ring: 0,
            });
        }
        pieces.push(piece);
    }
    if pieces.is_empty() {
        return Err(Unrepairable(
            "no ring with three distinct positions is left".into(),
        ));
    }
    let separate: f64 = pieces.iter().map(|p| p.unsigned_area()).sum();
    let merged = unary_union(pieces.iter());
    let area = merged.unsigned_area();
    let parts_before: usize = pieces.iter().map(|p| p.0.len()).sum();
    let overlapped = (separate - area) > 1e-12 * separate.max(1e-300);
    if pieces.len() > 1 && (overlapped || merged.0.len() < parts_before) {
        let at = merged
            .0
            .first()
            .and_then(|p| p.exterior().0.first())
            .map_or((f64::NAN, f64::NAN), |c| (c.x, c.y));
        done.push(Repair {
            kind: RepairKind::MergedOverlappingParts,
            at,
            part: 0,
            ring: 0,
        });
    }
    if merged.0.is_empty() || area <= 0.0 {
        return Err(Unrepairable("it encloses no area".into()));
    }
    Ok((merged, done))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Validation;

    fn kinds(r: &[Repair]) -> Vec<RepairKind> {
        r.iter().map(|r| r.kind).collect()
    }

    #[test]
    fn an_unclosed_triangle_is_closed() {
        let (mp, r) = make_valid(&[vec![vec![(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)]]]).unwrap();
        assert_eq!(kinds(&r), [RepairKind::ClosedRing]);
        assert!(mp.is_valid());
        assert!((mp.unsigned_area() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn a_bow_tie_becomes_its_two_triangles() {
        let ring = vec![(0.0, 0.0), (2.0, 2.0), (2.0, 0.0), (0.0, 2.0), (0.0, 0.0)];
        let (mp, r) = make_valid(&[vec![ring]]).unwrap();
        assert_eq!(kinds(&r), [RepairKind::SplitSelfIntersection]);
        assert!(mp.is_valid());
        assert_eq!(mp.0.len(), 2);
        assert!((mp.unsigned_area() - 2.0).abs() < 1e-9);
    }

    #[test]
    fn overlapping_parts_are_merged_and_repeated_points_dropped() {
        let a = vec![
            (0.0, 0.0),
            (2.0, 0.0),
            (2.0, 2.0),
            (2.0, 2.0),
            (0.0, 2.0),
            (0.0, 0.0),
        ];
        let b = vec![(1.0, 1.0), (3.0, 1.0), (3.0, 3.0), (1.0, 3.0), (1.0, 1.0)];
        let (mp, r) = make_valid(&[vec![a], vec![b]]).unwrap();
        assert_eq!(
            kinds(&r),
            [
                RepairKind::DroppedRepeatedPoints,
                RepairKind::MergedOverlappingParts
            ]
        );
        assert!(mp.is_valid());
        assert_eq!(mp.0.len(), 1);
        assert!((mp.unsigned_area() - 7.0).abs() < 1e-9);
    }

    #[test]
    fn parts_sharing_only_an_edge_become_one_and_a_valid_footprint_is_left_alone() {
        let a = vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)];
        let b = vec![(1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0, 1.0), (1.0, 0.0)];
        let (mp, _) = make_valid(&[vec![a.clone()], vec![b]]).unwrap();
        assert_eq!(mp.0.len(), 1, "one footprint of area 2");
        let (mp, r) = make_valid(&[vec![a]]).unwrap();
        assert!(r.is_empty());
        assert!((mp.unsigned_area() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_footprint_of_two_positions_cannot_be_repaired() {
        let e = make_valid(&[vec![vec![(0.0, 0.0), (1.0, 1.0)]]]).unwrap_err();
        assert!(e.to_string().contains("three distinct positions"), "{e}");
        let e = make_valid(&[vec![vec![(0.0, 0.0), (1.0, 1.0), (0.0, 0.0), (1.0, 1.0)]]]);
        assert!(e.is_err());
    }

    #[test]
    fn a_hole_crossing_itself_is_split_and_cut_from_its_exterior() {
        let ext = vec![
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ];
        let hole = vec![(2.0, 2.0), (4.0, 4.0), (4.0, 2.0), (2.0, 4.0), (2.0, 2.0)];
        let (mp, r) = make_valid(&[vec![ext, hole]]).unwrap();
        assert_eq!(kinds(&r), [RepairKind::SplitSelfIntersection]);
        assert!(mp.is_valid());
        assert!((mp.unsigned_area() - 98.0).abs() < 1e-9);
    }
}
