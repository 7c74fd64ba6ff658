//! Lengths and areas on a local equirectangular projection: 1° of latitude is 111,320 m and
//! 1° of longitude 111,320·cos(lat) m. At city scale this is well within a square metre of
//! the geodesic figure (tested in `domain::validate`), and it is the one definition every
//! part of the service measures with.

use geo::{BoundingRect, LineString, MultiPolygon, Polygon};

/// Metres per degree of latitude (and of longitude at the equator).
pub const M_PER_DEG: f64 = 111_320.0;

/// Metres between two (lng, lat) points close to each other (same projection as areas).
///
/// ```
/// use gridd_core::spatial::measure::distance_m;
/// let d = distance_m((110.44, 35.47), (110.44, 35.47 + 250.0 / 111_320.0));
/// assert!((d - 250.0).abs() < 1e-6);
/// ```
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let lat = ((a.1 + b.1) / 2.0).to_radians();
    let dx = (b.0 - a.0) * M_PER_DEG * lat.cos();
    let dy = (b.1 - a.1) * M_PER_DEG;
    dx.hypot(dy)
}

/// Square metres per square degree at latitude `lat`.
pub fn m2_per_deg2(lat: f64) -> f64 {
    M_PER_DEG * M_PER_DEG * lat.to_radians().cos()
}

/// Area of a ring in square degrees, whatever its winding. Coordinates are taken relative
/// to the first vertex, so a small ring far from (0, 0) keeps its precision.
fn ring_deg2(ring: &LineString) -> f64 {
    let Some(o) = ring.0.first() else {
        return 0.0;
    };
    let twice: f64 = ring
        .lines()
        .map(|l| (l.start.x - o.x) * (l.end.y - o.y) - (l.end.x - o.x) * (l.start.y - o.y))
        .sum();
    twice.abs() / 2.0
}

/// Area of a polygon in m²: its shell minus its holes, whatever their winding.
pub fn polygon_m2(p: &Polygon) -> f64 {
    let Some(r) = p.exterior().bounding_rect() else {
        return 0.0;
    };
    let deg2 = ring_deg2(p.exterior()) - p.interiors().iter().map(ring_deg2).sum::<f64>();
    (deg2 * m2_per_deg2(r.center().y)).max(0.0)
}

/// Area of a multipolygon in m².
pub fn area_m2(mp: &MultiPolygon) -> f64 {
    mp.iter().map(polygon_m2).sum()
}
