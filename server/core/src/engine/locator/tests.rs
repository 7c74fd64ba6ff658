use super::*;
use crate::generate::rng::Rng;
use geo::{polygon, Coord, LineString, Polygon};

fn square(x: f64, y: f64, s: f64) -> MultiPolygon {
    MultiPolygon::new(vec![polygon![
        (x: x, y: y), (x: x + s, y: y), (x: x + s, y: y + s), (x: x, y: y + s), (x: x, y: y)
    ]])
}

/// Four unit squares around (1, 1): a bottom-left, b bottom-right, c top-left, d top-right.
fn four() -> Locator<&'static str> {
    Locator::new([
        ("d", square(1.0, 1.0, 1.0)),
        ("b", square(1.0, 0.0, 1.0)),
        ("a", square(0.0, 0.0, 1.0)),
        ("c", square(0.0, 1.0, 1.0)),
    ])
}

#[test]
fn a_point_inside_one_square_gets_that_square() {
    let l = four();
    assert_eq!(l.locate_xy(0.5, 0.5), Some(&"a"));
    assert_eq!(l.locate_xy(1.5, 0.5), Some(&"b"));
    assert_eq!(l.locate_xy(0.5, 1.5), Some(&"c"));
    assert_eq!(l.locate_xy(1.5, 1.5), Some(&"d"));
}

#[test]
fn a_point_on_a_shared_edge_goes_to_the_lowest_key() {
    let l = four();
    assert_eq!(l.locate_xy(1.0, 0.5), Some(&"a"), "a|b edge");
    assert_eq!(l.locate_xy(1.0, 1.5), Some(&"c"), "c|d edge");
    assert_eq!(l.locate_xy(1.5, 1.0), Some(&"b"), "b/d edge");
}

#[test]
fn the_vertex_shared_by_four_squares_goes_to_the_lowest_key() {
    assert_eq!(four().locate_xy(1.0, 1.0), Some(&"a"));
}

#[test]
fn the_outer_boundary_counts_as_inside_and_beyond_it_is_no_polygon() {
    let l = four();
    assert_eq!(l.locate_xy(2.0, 2.0), Some(&"d"), "outer corner");
    assert_eq!(l.locate_xy(0.0, 0.3), Some(&"a"), "outer edge");
    assert_eq!(l.locate_xy(2.0000001, 1.5), None);
    assert_eq!(l.locate_xy(-5.0, -5.0), None);
    assert_eq!(l.locate_xy(f64::NAN, 1.0), None);
}

fn ring(pts: &[(f64, f64)]) -> LineString {
    LineString::from(pts.to_vec())
}

#[test]
fn a_point_in_a_hole_is_outside_unless_an_island_fills_it_and_the_hole_edge_is_inside() {
    let shell = ring(&[(0., 0.), (4., 0.), (4., 4.), (0., 4.), (0., 0.)]);
    let hole = ring(&[(1., 1.), (3., 1.), (3., 3.), (1., 3.), (1., 1.)]);
    let donut = MultiPolygon::new(vec![Polygon::new(shell, vec![hole])]);
    let l = Locator::new([("donut", donut.clone())]);
    assert_eq!(l.locate_xy(2.0, 2.0), None, "in the hole");
    assert_eq!(l.locate_xy(0.5, 2.0), Some(&"donut"));
    assert_eq!(l.locate_xy(1.0, 2.0), Some(&"donut"), "on the hole's edge");
    let island = square(1.0, 1.0, 2.0);
    let l = Locator::new([("donut", donut), ("island", island)]);
    assert_eq!(l.locate_xy(2.0, 2.0), Some(&"island"));
    assert_eq!(
        l.locate_xy(3.0, 2.5),
        Some(&"donut"),
        "shared edge: lowest key"
    );
}

#[test]
fn every_part_of_a_multipolygon_is_found() {
    let two = MultiPolygon::new(vec![
        square(0.0, 0.0, 1.0).0.remove(0),
        square(5.0, 5.0, 1.0).0.remove(0),
    ]);
    let l = Locator::new([("two", two), ("between", square(2.0, 2.0, 1.0))]);
    assert_eq!(l.locate_xy(0.5, 0.5), Some(&"two"));
    assert_eq!(l.locate_xy(5.5, 5.5), Some(&"two"));
    assert_eq!(l.locate_xy(2.5, 2.5), Some(&"between"));
    assert_eq!(l.locate_xy(4.0, 4.0), None);
}

#[test]
fn an_empty_locator_holds_nothing() {
    let l: Locator<u32> = Locator::new([]);
    assert!(l.is_empty());
    assert_eq!(l.locate_xy(110.0, 35.0), None);
}

/// PostGIS's point_in_multipolygon, ring by ring, over every polygon: the reference.
fn reference(items: &[(String, MultiPolygon)], x: f64, y: f64) -> Option<&String> {
    fn ring_status(r: &LineString, x: f64, y: f64) -> i32 {
        let mut wn = 0;
        for l in r.lines() {
            let e = Edge {
                ax: l.start.x,
                ay: l.start.y,
                bx: l.end.x,
                by: l.end.y,
            };
            if l.start == l.end {
                continue;
            }
            let side = (e.bx - e.ax) * (y - e.ay) - (x - e.ax) * (e.by - e.ay);
            match e.test(x, y) {
                Hit::Boundary => return 0,
                Hit::Crossing if side > 0.0 => wn += 1,
                Hit::Crossing => wn -= 1,
                Hit::Miss => {}
            }
        }
        if wn == 0 {
            -1
        } else {
            1
        }
    }
    let holds = |mp: &MultiPolygon| {
        mp.iter().any(|p| match ring_status(p.exterior(), x, y) {
            -1 => false,
            0 => true,
            _ => p.interiors().iter().all(|h| ring_status(h, x, y) != 1),
        })
    };
    items
        .iter()
        .filter(|(_, mp)| holds(mp))
        .map(|(k, _)| k)
        .min()
}

/// The sample city's level-3 grids: 1,243 noded polygons sharing edges and vertices.
fn city_level3() -> Vec<(String, MultiPolygon)> {
    let city = crate::generate::generate(42, |_| {}).unwrap();
    city.data
        .grids
        .into_iter()
        .filter(|g| g.level() == crate::domain::Level::Three)
        .map(|g| (g.code.to_string(), g.geometry))
        .collect()
}

#[test]
fn on_the_sample_city_the_raster_agrees_with_postgis_arithmetic_everywhere_including_shared_edges_and_vertices(
) {
    let items = city_level3();
    let l = Locator::new(items.clone());
    let (nx, ny, mixed) = l.raster();
    assert!(mixed < nx * ny, "most cells answer directly");
    let bbox = items
        .iter()
        .filter_map(|(_, mp)| mp.bounding_rect())
        .reduce(|a, b| {
            geo::Rect::new(
                Coord {
                    x: a.min().x.min(b.min().x),
                    y: a.min().y.min(b.min().y),
                },
                Coord {
                    x: a.max().x.max(b.max().x),
                    y: a.max().y.max(b.max().y),
                },
            )
        })
        .unwrap();
    let mut rng = Rng::new(11);
    let mut points: Vec<(f64, f64)> = (0..3000)
        .map(|_| {
            (
                rng.range(bbox.min().x - 0.01, bbox.max().x + 0.01),
                rng.range(bbox.min().y - 0.01, bbox.max().y + 0.01),
            )
        })
        .collect();
    // Points on edges (interpolated) and exactly on vertices.
    for _ in 0..3000 {
        let (_, mp) = rng.pick(&items);
        let ring = mp.0[0].exterior();
        let k = (rng.next_u64() % (ring.0.len() as u64 - 1)) as usize;
        let (a, b) = (ring.0[k], ring.0[k + 1]);
        let t = if rng.unit() < 0.3 { 0.0 } else { rng.unit() };
        points.push((a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)));
    }
    let mut mismatches = Vec::new();
    for &(x, y) in &points {
        let got = l.locate_xy(x, y);
        let want = reference(&items, x, y);
        if got != want {
            mismatches.push((x, y, got.cloned(), want.cloned()));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches, first {:?}",
        mismatches.len(),
        &mismatches[..mismatches.len().min(5)]
    );
}

#[test]
fn nested_polygons_answer_the_lowest_key_that_holds_the_point() {
    let big = square(0.0, 0.0, 10.0);
    let small = square(4.0, 4.0, 2.0);
    let l = Locator::new([("a", small.clone()), ("z", big.clone())]);
    assert_eq!(
        l.locate_xy(4.001, 5.0),
        Some(&"a"),
        "just inside the small one"
    );
    assert_eq!(l.locate_xy(3.999, 5.0), Some(&"z"), "just outside it");
    assert_eq!(l.locate_xy(4.0, 5.0), Some(&"a"), "on its edge");
    let l = Locator::new([("z", small), ("a", big)]);
    assert_eq!(
        l.locate_xy(4.001, 5.0),
        Some(&"a"),
        "the big one has the lower key"
    );
}
