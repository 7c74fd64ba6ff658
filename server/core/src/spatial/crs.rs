//! Coordinate systems Chinese phones report in, to and from WGS84.
//!
//! - `wgs84` and `cgcs2000` are taken as equal: the two frames differ by centimetres, far
//!   below what a phone fix or a grid boundary resolves.
//! - `gcj02` (国测局 "Mars" coordinates, used by 高德/腾讯 maps and WeChat) is WGS84 plus a
//!   published, smooth, non-invertible offset of some hundreds of metres; outside China's
//!   rough bounding box it is WGS84 unchanged. Going back to WGS84 is a fixed-point
//!   iteration on the forward offset, stopped when it moves less than 1e-7° (about 1 cm).
//! - `bd09` (百度) is GCJ-02 with a further rotation and shift, invertible in closed form up
//!   to a tiny residual, which the inverse removes by the same iteration.

use crate::domain::{CoordError, Crs, RawCoord, Wgs84Point};
use std::f64::consts::PI;

/// Semi-major axis (m) and eccentricity² of the Krasovsky 1940 ellipsoid GCJ-02 is built on.
const KRASOVSKY_A: f64 = 6_378_245.0;
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;
/// BD-09's angular factor.
const BD_X_PI: f64 = PI * 3000.0 / 180.0;
/// The inverse iterations stop below this step, in degrees (about 1 cm).
pub const INVERSE_TOLERANCE_DEG: f64 = 1e-7;
/// Iterations never exceed this; in practice three or four suffice.
const MAX_ITERATIONS: usize = 30;

/// Outside this box GCJ-02 is WGS84 unchanged (the box used by every published
/// implementation, so our answers agree with the apps').
pub fn outside_china(lng: f64, lat: f64) -> bool {
    !(72.004..=137.8347).contains(&lng) || !(0.8293..=55.8271).contains(&lat)
}

fn offset_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn offset_lng(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS84 → GCJ-02.
pub fn wgs84_to_gcj02(lng: f64, lat: f64) -> (f64, f64) {
    if outside_china(lng, lat) {
        return (lng, lat);
    }
    let dlat = offset_lat(lng - 105.0, lat - 35.0);
    let dlng = offset_lng(lng - 105.0, lat - 35.0);
    let rad = lat / 180.0 * PI;
    let magic = 1.0 - KRASOVSKY_EE * rad.sin() * rad.sin();
    let sqrt_magic = magic.sqrt();
    let dlat = dlat * 180.0 / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * PI);
    let dlng = dlng * 180.0 / (KRASOVSKY_A / sqrt_magic * rad.cos() * PI);
    (lng + dlng, lat + dlat)
}

/// Inverts `forward` at `target` by fixed-point iteration from `start`: move by the error the
/// forward map makes, until the move is below [`INVERSE_TOLERANCE_DEG`].
fn invert(
    start: (f64, f64),
    target: (f64, f64),
    forward: impl Fn(f64, f64) -> (f64, f64),
) -> (f64, f64) {
    let (mut x, mut y) = start;
    for _ in 0..MAX_ITERATIONS {
        let (fx, fy) = forward(x, y);
        let (dx, dy) = (fx - target.0, fy - target.1);
        x -= dx;
        y -= dy;
        if dx.abs() < INVERSE_TOLERANCE_DEG && dy.abs() < INVERSE_TOLERANCE_DEG {
            break;
        }
    }
    (x, y)
}

/// GCJ-02 → WGS84, to within 1e-7° of the point whose GCJ-02 is the input.
pub fn gcj02_to_wgs84(lng: f64, lat: f64) -> (f64, f64) {
    if outside_china(lng, lat) {
        return (lng, lat);
    }
    invert((lng, lat), (lng, lat), wgs84_to_gcj02)
}

/// GCJ-02 → BD-09.
pub fn gcj02_to_bd09(lng: f64, lat: f64) -> (f64, f64) {
    let z = (lng * lng + lat * lat).sqrt() + 0.000_02 * (lat * BD_X_PI).sin();
    let theta = lat.atan2(lng) + 0.000_003 * (lng * BD_X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// BD-09 → GCJ-02: the closed-form inverse, polished by iteration so that `gcj02_to_bd09`
/// of the answer gives back the input.
pub fn bd09_to_gcj02(lng: f64, lat: f64) -> (f64, f64) {
    let (x, y) = (lng - 0.0065, lat - 0.006);
    let z = (x * x + y * y).sqrt() - 0.000_02 * (y * BD_X_PI).sin();
    let theta = y.atan2(x) - 0.000_003 * (x * BD_X_PI).cos();
    invert(
        (z * theta.cos(), z * theta.sin()),
        (lng, lat),
        gcj02_to_bd09,
    )
}

/// WGS84 → BD-09.
pub fn wgs84_to_bd09(lng: f64, lat: f64) -> (f64, f64) {
    let (x, y) = wgs84_to_gcj02(lng, lat);
    gcj02_to_bd09(x, y)
}

/// A WGS84 point expressed in `crs`.
pub fn from_wgs84(p: Wgs84Point, crs: Crs) -> (f64, f64) {
    match crs {
        Crs::Wgs84 | Crs::Cgcs2000 => (p.lng(), p.lat()),
        Crs::Gcj02 => wgs84_to_gcj02(p.lng(), p.lat()),
        Crs::Bd09 => wgs84_to_bd09(p.lng(), p.lat()),
    }
}

/// The WGS84 point a reported coordinate stands for.
pub fn to_wgs84(raw: RawCoord) -> Result<Wgs84Point, CoordError> {
    let (lng, lat) = match raw.crs {
        Crs::Wgs84 | Crs::Cgcs2000 => (raw.lng, raw.lat),
        Crs::Gcj02 => gcj02_to_wgs84(raw.lng, raw.lat),
        Crs::Bd09 => {
            let (x, y) = bd09_to_gcj02(raw.lng, raw.lat);
            gcj02_to_wgs84(x, y)
        }
    };
    Wgs84Point::new(lng, lat)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: (f64, f64), b: (f64, f64), tol: f64) -> bool {
        (a.0 - b.0).abs() <= tol && (a.1 - b.1).abs() <= tol
    }

    // Reference values published with wandergis/coordtransform (test/app.js), the
    // implementation most Chinese web maps use, for the point (116.404, 39.915).
    #[test]
    fn wgs84_to_gcj02_matches_the_published_reference_pair() {
        let got = wgs84_to_gcj02(116.404, 39.915);
        assert!(
            close(got, (116.41024449916938, 39.91640428150164), 1e-12),
            "{got:?}"
        );
    }

    #[test]
    fn gcj02_to_bd09_and_back_match_the_published_reference_pairs() {
        let got = gcj02_to_bd09(116.404, 39.915);
        assert!(
            close(got, (116.41036949371029, 39.92133699351021), 1e-12),
            "{got:?}"
        );
        // The published inverse is the closed form, which misses by a few centimetres; ours
        // is polished until BD-09 of the answer is the input, so the two agree to 1e-6°.
        let back = bd09_to_gcj02(116.404, 39.915);
        assert!(
            close(back, (116.39762729119315, 39.90865673957631), 1e-6),
            "{back:?}"
        );
        let again = gcj02_to_bd09(back.0, back.1);
        assert!(
            close(again, (116.404, 39.915), INVERSE_TOLERANCE_DEG),
            "{again:?}"
        );
    }

    #[test]
    fn gcj02_round_trips_to_within_a_ten_millionth_of_a_degree_across_china() {
        let mut worst: f64 = 0.0;
        for i in 0..60 {
            for j in 0..40 {
                let (lng, lat) = (73.0 + i as f64 * 1.07, 18.0 + j as f64 * 0.93);
                let (g0, g1) = wgs84_to_gcj02(lng, lat);
                assert!(
                    (g0, g1) != (lng, lat),
                    "GCJ-02 moves points inside China: {lng},{lat}"
                );
                let back = gcj02_to_wgs84(g0, g1);
                worst = worst.max((back.0 - lng).abs()).max((back.1 - lat).abs());
            }
        }
        assert!(worst < INVERSE_TOLERANCE_DEG, "worst error {worst}°");
    }

    #[test]
    fn bd09_round_trips_through_wgs84_at_hancheng() {
        let p = Wgs84Point::new(110.4425, 35.4761).unwrap();
        let (b0, b1) = from_wgs84(p, Crs::Bd09);
        let back = to_wgs84(RawCoord::new(b0, b1, Crs::Bd09).unwrap()).unwrap();
        assert!(
            close(
                (back.lng(), back.lat()),
                (p.lng(), p.lat()),
                INVERSE_TOLERANCE_DEG
            ),
            "{back:?}"
        );
    }

    #[test]
    fn the_gcj02_offset_at_hancheng_is_a_few_hundred_metres() {
        let (g0, g1) = wgs84_to_gcj02(110.44, 35.47);
        let dx = (g0 - 110.44) * 111_320.0 * 35.47f64.to_radians().cos();
        let dy = (g1 - 35.47) * 111_320.0;
        let d = (dx * dx + dy * dy).sqrt();
        assert!((100.0..=1000.0).contains(&d), "offset {d} m");
    }

    #[test]
    fn outside_china_gcj02_is_wgs84_unchanged() {
        for (lng, lat) in [(2.35, 48.85), (139.7, 35.7), (-74.0, 40.7), (100.0, 0.5)] {
            assert_eq!(wgs84_to_gcj02(lng, lat), (lng, lat));
            assert_eq!(gcj02_to_wgs84(lng, lat), (lng, lat));
        }
    }

    #[test]
    fn wgs84_and_cgcs2000_are_taken_as_the_same_frame() {
        let raw = RawCoord::new(110.44, 35.47, Crs::Cgcs2000).unwrap();
        let p = to_wgs84(raw).unwrap();
        assert_eq!((p.lng(), p.lat()), (110.44, 35.47));
    }
}
