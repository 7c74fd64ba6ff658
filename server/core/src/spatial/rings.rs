//! Where polygon rings cross, found with an R-tree of their segments (n log n, where a
//! pairwise check is n²): to locate why a polygon is invalid, and to decide on its own
//! whether a polygon of one ring is valid.

use geo::line_intersection::{line_intersection, LineIntersection};
use geo::{Line, MultiPolygon};
use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};

/// A segment with (ring number, index along the ring, segments in the ring).
type Segment = GeomWithData<rstar::primitives::Line<[f64; 2]>, (usize, usize, usize)>;

/// Where a ring of `mp` crosses or touches itself or another ring: the first point shared by
/// two segments that are not neighbours along one ring, or where neighbours fold back over
/// each other (a spike).
pub fn crossing(mp: &MultiPolygon) -> Option<(f64, f64)> {
    let mut segments: Vec<Segment> = Vec::new();
    let rings = mp
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
    for (r, ring) in rings.enumerate() {
        let n = ring.0.len().saturating_sub(1);
        for (i, l) in ring.lines().enumerate() {
            let line = rstar::primitives::Line::new([l.start.x, l.start.y], [l.end.x, l.end.y]);
            segments.push(GeomWithData::new(line, (r, i, n)));
        }
    }
    let tree = RTree::bulk_load(segments.clone());
    let neighbours = |a: (usize, usize, usize), b: (usize, usize, usize)| {
        a.0 == b.0 && (a.1.abs_diff(b.1) <= 1 || a.1.abs_diff(b.1) == a.2.saturating_sub(1))
    };
    let line = |s: &Segment| {
        let (p, q) = (s.geom().from, s.geom().to);
        Line::new((p[0], p[1]), (q[0], q[1]))
    };
    for s in &segments {
        let (p, q) = (s.geom().from, s.geom().to);
        let env = AABB::from_corners(p, q);
        for t in tree.locate_in_envelope_intersecting(&env) {
            if t.data == s.data {
                continue;
            }
            match (
                line_intersection(line(s), line(t)),
                neighbours(s.data, t.data),
            ) {
                // Neighbours share their common vertex, and only that.
                (Some(LineIntersection::SinglePoint { .. }), true) | (None, _) => {}
                (Some(LineIntersection::SinglePoint { intersection, .. }), false) => {
                    return Some((intersection.x, intersection.y))
                }
                (Some(LineIntersection::Collinear { intersection }), _) => {
                    return Some((intersection.start.x, intersection.start.y))
                }
            }
        }
    }
    None
}

/// Decides the validity of a polygon of one ring without holes: valid when the ring is
/// simple (no crossing, touching or folding back). `None` for anything else — several
/// parts, holes, fewer than four positions, or a position repeated in a row — which the
/// caller checks the slow way. `Err` holds a point where the ring meets itself.
pub fn single_ring_validity(mp: &MultiPolygon) -> Option<Result<(), (f64, f64)>> {
    let [polygon] = mp.0.as_slice() else {
        return None;
    };
    let ring = &polygon.exterior().0;
    if !polygon.interiors().is_empty()
        || ring.len() < 4
        || ring.first() != ring.last()
        || ring.windows(2).any(|w| w[0] == w[1])
    {
        return None;
    }
    Some(match crossing(mp) {
        Some(at) => Err(at),
        None => Ok(()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::algorithm::Validation;
    use geo::Area;
    use geo::{LineString, Polygon};

    fn ring(points: &[(f64, f64)]) -> MultiPolygon {
        let mut p = points.to_vec();
        p.push(points[0]);
        MultiPolygon::new(vec![Polygon::new(LineString::from(p), vec![])])
    }

    /// SplitMix64, for the same "random" rings every run.
    fn splitmix(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    #[test]
    fn the_quick_verdict_on_a_single_ring_agrees_with_geos_on_five_thousand_random_rings() {
        let mut state = 7;
        let (mut valid, mut invalid) = (0, 0);
        for _ in 0..5_000 {
            let n = 3 + (splitmix(&mut state) % 6) as usize;
            // Small integer coordinates make touching vertices and collinear folds common.
            let points: Vec<(f64, f64)> = (0..n)
                .map(|_| {
                    (
                        (splitmix(&mut state) % 5) as f64,
                        (splitmix(&mut state) % 5) as f64,
                    )
                })
                .collect();
            let mp = ring(&points);
            let Some(quick) = single_ring_validity(&mp) else {
                continue;
            };
            let slow = mp.is_valid();
            // `geo` takes a ring of zero area (all on one line) as valid; it is not simple.
            let flat = mp.unsigned_area() == 0.0;
            if !(flat && slow && quick.is_err()) {
                assert_eq!(
                    quick.is_ok(),
                    slow,
                    "{points:?}: quick {quick:?}, geo {slow}"
                );
            }
            if slow {
                valid += 1;
            } else {
                invalid += 1;
            }
        }
        assert!(
            valid > 300 && invalid > 300,
            "{valid} valid, {invalid} invalid"
        );
    }

    #[test]
    fn a_ring_touching_itself_at_a_vertex_or_folding_back_is_not_simple() {
        // A figure of eight through (2, 2).
        let eight = ring(&[
            (0.0, 0.0),
            (2.0, 2.0),
            (4.0, 0.0),
            (4.0, 4.0),
            (2.0, 2.0),
            (0.0, 4.0),
        ]);
        assert_eq!(single_ring_validity(&eight), Some(Err((2.0, 2.0))));
        // A spike out along (1, 0) → (3, 0) and back.
        let spike = ring(&[(0.0, 0.0), (1.0, 0.0), (3.0, 0.0), (1.0, 0.0), (1.0, 1.0)]);
        assert!(matches!(single_ring_validity(&spike), Some(Err(_))));
        let square = ring(&[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]);
        assert_eq!(single_ring_validity(&square), Some(Ok(())));
    }
}
