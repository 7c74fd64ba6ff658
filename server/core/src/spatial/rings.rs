//! Where polygon rings cross, found with an R-tree of their segments (n log n, where a
//! pairwise check is n²): to locate why a polygon is invalid, and to decide on its own
//! whether a polygon is valid — of one ring, or of any number of parts and holes whose rings
//! share no point (then only containment is left to check, one vertex per ring).

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

/// Whether every ring of `mp` is long enough, closed and free of a position repeated in a
/// row (what the crossing test assumes).
fn plain_rings(mp: &MultiPolygon) -> bool {
    mp.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .all(|r| {
            let c = &r.0;
            c.len() >= 4 && c.first() == c.last() && !c.windows(2).any(|w| w[0] == w[1])
        })
}

/// Whether `c` lies inside the ring (not on it: callers know no ring touches another).
fn inside(c: geo::Coord<f64>, ring: &geo::LineString<f64>) -> bool {
    use geo::coordinate_position::{CoordPos, CoordinatePosition};
    geo::Polygon::new(ring.clone(), vec![]).coordinate_position(&c) == CoordPos::Inside
}

/// The bounding box of a ring for an R-tree.
fn envelope(ring: &geo::LineString<f64>) -> AABB<[f64; 2]> {
    use geo::BoundingRect;
    match ring.bounding_rect() {
        Some(r) => AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
        None => AABB::from_point([f64::NAN, f64::NAN]),
    }
}

/// Decides the validity of any multipolygon the quick way when it can: with no two segments
/// meeting (each ring simple, no ring touching another), it is valid when each hole lies
/// inside its exterior and outside its polygon's other holes, and no part lies inside
/// another part's area (an island in another part's hole is fine). One vertex per ring is
/// placed against the rings whose boxes hold it, so the whole check is n log n for the
/// shapes maps hold. `None` when rings meet (touching at a point can be valid: the caller
/// checks the slow way) or a ring is short or repeats a position; `Err` holds a point that
/// shows the fault.
pub fn quick_validity(mp: &MultiPolygon) -> Option<Result<(), (f64, f64)>> {
    if let Some(one) = single_ring_validity(mp) {
        return Some(one);
    }
    if mp.0.is_empty() || !plain_rings(mp) || crossing(mp).is_some() {
        return None;
    }
    let at = |c: geo::Coord<f64>| Some(Err((c.x, c.y)));
    for p in mp.iter() {
        let holes = p.interiors();
        let tree = RTree::bulk_load(
            holes
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    GeomWithData::new(rstar::primitives::Rectangle::from_aabb(envelope(h)), i)
                })
                .collect::<Vec<_>>(),
        );
        for (i, h) in holes.iter().enumerate() {
            let v = h.0[0];
            if !inside(v, p.exterior()) {
                return at(v);
            }
            let nested = tree
                .locate_all_at_point(&[v.x, v.y])
                .any(|o| o.data != i && inside(v, &holes[o.data]));
            if nested {
                return at(v);
            }
        }
    }
    let parts = RTree::bulk_load(
        mp.iter()
            .enumerate()
            .map(|(i, p)| {
                GeomWithData::new(
                    rstar::primitives::Rectangle::from_aabb(envelope(p.exterior())),
                    i,
                )
            })
            .collect::<Vec<_>>(),
    );
    for (i, p) in mp.iter().enumerate() {
        let v = p.exterior().0[0];
        for o in parts.locate_all_at_point(&[v.x, v.y]) {
            let other = &mp.0[o.data];
            let in_area =
                inside(v, other.exterior()) && !other.interiors().iter().any(|h| inside(v, h));
            if o.data != i && in_area {
                return at(v);
            }
        }
    }
    Some(Ok(()))
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

    /// A star-shaped (so simple) ring of `n` vertices around (cx, cy), radii in [r, 1.6 r].
    fn star(state: &mut u64, cx: f64, cy: f64, r: f64, n: usize) -> LineString {
        let mut points: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let t = i as f64 / n as f64 * std::f64::consts::TAU;
                let radius = r * (1.0 + 0.6 * unit(state));
                (cx + radius * t.cos(), cy + radius * t.sin())
            })
            .collect();
        points.push(points[0]);
        LineString::from(points)
    }

    fn unit(state: &mut u64) -> f64 {
        (splitmix(state) >> 11) as f64 / (1u64 << 53) as f64
    }

    #[test]
    fn the_quick_verdict_on_parts_and_holes_agrees_with_geos_on_six_thousand_random_shapes() {
        let mut state = 11;
        let (mut valid, mut invalid, mut undecided) = (0, 0, 0);
        for _ in 0..6_000 {
            let parts = 1 + (splitmix(&mut state) % 3) as usize;
            let polygons: Vec<Polygon> = (0..parts)
                .map(|_| {
                    let (cx, cy) = (16.0 * unit(&mut state), 16.0 * unit(&mut state));
                    let n = 8 + (splitmix(&mut state) % 12) as usize;
                    let outer = star(&mut state, cx, cy, 3.0, n);
                    let holes = (0..splitmix(&mut state) % 4)
                        .map(|_| {
                            let (hx, hy) = (
                                cx + 10.0 * unit(&mut state) - 5.0,
                                cy + 10.0 * unit(&mut state) - 5.0,
                            );
                            let r = 0.2 + 1.2 * unit(&mut state);
                            star(&mut state, hx, hy, r, 6)
                        })
                        .collect();
                    Polygon::new(outer, holes)
                })
                .collect();
            let mp = MultiPolygon::new(polygons);
            let Some(quick) = quick_validity(&mp) else {
                undecided += 1;
                continue;
            };
            let slow = mp.is_valid();
            assert_eq!(quick.is_ok(), slow, "{mp:?}: quick {quick:?}, geo {slow}");
            if slow {
                valid += 1;
            } else {
                invalid += 1;
            }
        }
        assert!(
            valid > 600 && invalid > 300,
            "{valid} valid, {invalid} invalid, {undecided} left to geo"
        );
    }

    #[test]
    fn a_hole_outside_its_polygon_or_inside_another_hole_and_a_part_inside_another_are_invalid() {
        let square = |x: f64, y: f64, s: f64| {
            LineString::from(vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)])
        };
        let with = |holes: Vec<LineString>| {
            MultiPolygon::new(vec![Polygon::new(square(0.0, 0.0, 10.0), holes)])
        };
        assert_eq!(
            quick_validity(&with(vec![square(2.0, 2.0, 2.0)])),
            Some(Ok(()))
        );
        assert_eq!(
            quick_validity(&with(vec![square(20.0, 2.0, 2.0)])),
            Some(Err((20.0, 2.0)))
        );
        assert_eq!(
            quick_validity(&with(vec![square(2.0, 2.0, 5.0), square(3.0, 3.0, 1.0)])),
            Some(Err((3.0, 3.0)))
        );
        // An island inside a part's hole is another part, and fine; the same part on solid
        // ground overlaps.
        let lake = Polygon::new(square(0.0, 0.0, 10.0), vec![square(2.0, 2.0, 6.0)]);
        let island = Polygon::new(square(4.0, 4.0, 1.0), vec![]);
        assert_eq!(
            quick_validity(&MultiPolygon::new(vec![lake.clone(), island])),
            Some(Ok(()))
        );
        let ashore = Polygon::new(square(0.5, 0.5, 1.0), vec![]);
        assert_eq!(
            quick_validity(&MultiPolygon::new(vec![lake, ashore])),
            Some(Err((0.5, 0.5)))
        );
        // A hole touching the exterior at a corner is left to the slow check.
        assert_eq!(quick_validity(&with(vec![square(0.0, 0.0, 2.0)])), None);
    }
}
