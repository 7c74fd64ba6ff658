//! Plane geometry for the generator: convex rings cut by half-planes (the city's blocks are
//! all convex), their areas, centroids and insets, and a block's own frame — turned with the
//! block, in units of a degree of latitude along both axes — in which its buildings are laid
//! out as if the block were upright.
//!
//! Rings here are counter-clockwise lists of points without the closing point.

use super::layout::Cell;
use geo::{Coord, LineString, MapCoords, MultiPolygon, Polygon};

/// A point.
pub type P = (f64, f64);

/// Points closer to a cut than this (in the ring's units) count as lying on it.
pub(super) const ON: f64 = 1e-12;

/// The ring's signed area: positive when counter-clockwise.
pub fn area(ring: &[P]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum::<f64>()
        / 2.0
}

/// The ring's centroid (its first point when it has no area).
pub fn centroid(ring: &[P]) -> P {
    let a = area(ring);
    if a.abs() < 1e-30 {
        return ring.first().copied().unwrap_or((0.0, 0.0));
    }
    let n = ring.len();
    // Relative to the first point, so large coordinates lose no precision.
    let o = ring[0];
    let (mut cx, mut cy) = (0.0, 0.0);
    for i in 0..n {
        let (a0, b0) = (ring[i].0 - o.0, ring[i].1 - o.1);
        let (a1, b1) = (ring[(i + 1) % n].0 - o.0, ring[(i + 1) % n].1 - o.1);
        let cross = a0 * b1 - a1 * b0;
        cx += (a0 + a1) * cross;
        cy += (b0 + b1) * cross;
    }
    (o.0 + cx / (6.0 * a), o.1 + cy / (6.0 * a))
}

fn dot(a: P, b: P) -> f64 {
    a.0 * b.0 + a.1 * b.1
}

/// The part of convex `ring` where `n·p ≥ s`.
pub fn clip(ring: &[P], n: P, s: f64) -> Vec<P> {
    let len = ring.len();
    let mut out = Vec::with_capacity(len + 1);
    for i in 0..len {
        let (a, b) = (ring[i], ring[(i + 1) % len]);
        let (da, db) = (dot(n, a) - s, dot(n, b) - s);
        if da >= -ON {
            out.push(a);
        }
        if (da > ON && db < -ON) || (da < -ON && db > ON) {
            let t = da / (da - db);
            out.push((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t));
        }
    }
    out
}

/// The unit normal pointing into a counter-clockwise ring from its edge `a → b`.
pub fn inward(a: P, b: P) -> P {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = dx.hypot(dy);
    if len == 0.0 {
        return (0.0, 0.0);
    }
    (-dy / len, dx / len)
}

/// Convex `ring` shrunk by `d` on every side (fewer than three points when nothing is left).
pub fn inset(ring: &[P], d: f64) -> Vec<P> {
    clip_inside(ring, ring, d)
}

/// Convex `poly` cut down to convex `ring` (their intersection, convex too).
pub fn clip_to(poly: &[P], ring: &[P]) -> Vec<P> {
    clip_inside(poly, ring, 0.0)
}

/// `poly` cut by every edge of counter-clockwise `ring` moved `d` inwards.
fn clip_inside(poly: &[P], ring: &[P], d: f64) -> Vec<P> {
    let mut out = poly.to_vec();
    let n = ring.len();
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        let normal = inward(a, b);
        if normal == (0.0, 0.0) {
            continue;
        }
        out = clip(&out, normal, dot(normal, a) + d);
        if out.len() < 3 {
            return vec![];
        }
    }
    out
}

/// Whether `p` lies in convex counter-clockwise `ring` (its edges included).
pub fn contains(ring: &[P], p: P) -> bool {
    let n = ring.len();
    n >= 3
        && (0..n).all(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0) >= -ON
        })
}

/// The bounding box of a ring.
pub fn bbox(ring: &[P]) -> Cell {
    ring.iter().fold(
        Cell {
            min_x: f64::INFINITY,
            min_y: f64::INFINITY,
            max_x: f64::NEG_INFINITY,
            max_y: f64::NEG_INFINITY,
        },
        |c, p| Cell {
            min_x: c.min_x.min(p.0),
            min_y: c.min_y.min(p.1),
            max_x: c.max_x.max(p.0),
            max_y: c.max_y.max(p.1),
        },
    )
}

/// A closed polygon from a ring.
pub fn polygon(ring: &[P]) -> Polygon {
    let mut pts: Vec<Coord> = ring.iter().map(|&(x, y)| Coord { x, y }).collect();
    if let Some(first) = pts.first().copied() {
        pts.push(first);
    }
    Polygon::new(LineString::new(pts), vec![])
}

/// A block's own frame: origin at a working point (degrees), axes turned by `angle` from
/// east and north, units of a degree of latitude on both axes (a degree of longitude is
/// `lat_scale` of one).
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    origin: P,
    lat_scale: f64,
    cos: f64,
    sin: f64,
}

impl Frame {
    pub fn new(origin: P, angle: f64, lat_scale: f64) -> Frame {
        let (sin, cos) = angle.sin_cos();
        Frame {
            origin,
            lat_scale,
            cos,
            sin,
        }
    }

    /// A working point (degrees) in this frame.
    pub fn local(&self, p: P) -> P {
        let (dx, dy) = ((p.0 - self.origin.0) * self.lat_scale, p.1 - self.origin.1);
        (dx * self.cos + dy * self.sin, dy * self.cos - dx * self.sin)
    }

    /// A point of this frame as a working point (degrees).
    pub fn world(&self, p: P) -> P {
        let (rx, ry) = (
            p.0 * self.cos - p.1 * self.sin,
            p.0 * self.sin + p.1 * self.cos,
        );
        (self.origin.0 + rx / self.lat_scale, self.origin.1 + ry)
    }

    /// A shape drawn in this frame, as working coordinates.
    pub fn to_world(&self, mp: &MultiPolygon) -> MultiPolygon {
        mp.map_coords(|c| {
            let (x, y) = self.world((c.x, c.y));
            Coord { x, y }
        })
    }
}

/// A block seen from its own frame: turned with its longest edge, and shrunk by a margin
/// (6% of its size, 7–30 m) so that nothing placed inside touches its boundary.
pub struct Block {
    frame: Frame,
    /// The shrunk block, in the frame.
    inner: Vec<P>,
    /// `inner`'s box, in the frame.
    pub bounds: Cell,
}

impl Block {
    /// The block with corners `ring` (working degrees, counter-clockwise, convex).
    pub fn new(ring: &[P], lat_scale: f64) -> Block {
        let n = ring.len();
        let (mut longest, mut angle) = (0.0, 0.0);
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            let (dx, dy) = ((b.0 - a.0) * lat_scale, b.1 - a.1);
            if dx.hypot(dy) > longest {
                longest = dx.hypot(dy);
                angle = dy.atan2(dx);
            }
        }
        let frame = Frame::new(centroid(ring), angle, lat_scale);
        let local: Vec<P> = ring.iter().map(|p| frame.local(*p)).collect();
        let margin = (0.06 * area(&local).abs().sqrt()).clamp(0.000_065, 0.000_27);
        let inner = [margin, margin / 4.0]
            .iter()
            .map(|m| inset(&local, *m))
            .find(|r| r.len() >= 3)
            .unwrap_or(local);
        Block {
            frame,
            bounds: bbox(&inner),
            inner,
        }
    }

    /// Whether a rectangle of the frame lies inside the shrunk block.
    pub fn fits(&self, c: &Cell) -> bool {
        [
            (c.min_x, c.min_y),
            (c.max_x, c.min_y),
            (c.max_x, c.max_y),
            (c.min_x, c.max_y),
        ]
        .iter()
        .all(|p| contains(&self.inner, *p))
    }

    /// A `w`×`h` rectangle of the frame about the centroid of the shrunk block's part in
    /// `within`, made smaller until it fits.
    pub fn site(&self, within: &Cell, w: f64, h: f64) -> Cell {
        let corners = [
            (within.min_x, within.min_y),
            (within.max_x, within.min_y),
            (within.max_x, within.max_y),
            (within.min_x, within.max_y),
        ];
        let part = clip_to(&self.inner, &corners);
        let (cx, cy) = centroid(if part.len() >= 3 { &part } else { &self.inner });
        let mut scale = 1.0;
        for _ in 0..40 {
            let (hw, hh) = (w * scale / 2.0, h * scale / 2.0);
            let c = Cell {
                min_x: cx - hw,
                min_y: cy - hh,
                max_x: cx + hw,
                max_y: cy + hh,
            };
            if self.fits(&c) {
                return c;
            }
            scale *= 0.8;
        }
        let tiny = w.min(h) * 1e-4;
        Cell {
            min_x: cx - tiny,
            min_y: cy - tiny,
            max_x: cx + tiny,
            max_y: cy + tiny,
        }
    }

    /// A convex shape of the frame cut down to the shrunk block.
    pub fn clip(&self, mp: &MultiPolygon) -> Option<MultiPolygon> {
        let outer = mp.0.first()?.exterior();
        let mut ring: Vec<P> = outer.0.iter().map(|c| (c.x, c.y)).collect();
        ring.pop();
        if area(&ring) < 0.0 {
            ring.reverse();
        }
        let cut = clip_to(&ring, &self.inner);
        (cut.len() >= 3).then(|| MultiPolygon::new(vec![polygon(&cut)]))
    }

    /// A shape drawn in the frame, as working coordinates.
    pub fn world(&self, mp: &MultiPolygon) -> MultiPolygon {
        self.frame.to_world(mp)
    }

    /// The block's frame.
    pub fn frame(&self) -> &Frame {
        &self.frame
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square() -> Vec<P> {
        vec![(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)]
    }

    #[test]
    fn a_half_plane_cut_keeps_the_part_on_its_side_and_its_area() {
        let left = clip(&square(), (-1.0, 0.0), -0.5);
        assert!((area(&left) - 1.0).abs() < 1e-12, "{left:?}");
        let diagonal = clip(&square(), (1.0, 1.0), 2.0);
        assert_eq!(diagonal.len(), 3);
        assert!((area(&diagonal) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn an_inset_square_is_smaller_by_twice_the_distance_and_a_thin_one_vanishes() {
        let inner = inset(&square(), 0.5);
        assert!((area(&inner) - 1.0).abs() < 1e-12, "{inner:?}");
        assert!(contains(&inner, (1.0, 1.0)));
        assert!(!contains(&inner, (0.2, 1.0)));
        assert!(inset(&square(), 1.5).is_empty());
    }

    #[test]
    fn a_frame_maps_there_and_back_and_keeps_lengths_in_latitude_degrees() {
        let f = Frame::new((110.4, 35.5), 0.4, 0.8);
        let p = (110.41, 35.49);
        let back = f.world(f.local(p));
        assert!((back.0 - p.0).abs() < 1e-12 && (back.1 - p.1).abs() < 1e-12);
        let l = f.local(p);
        assert!((l.0.hypot(l.1) - (0.008f64).hypot(0.01)).abs() < 1e-12);
    }

    #[test]
    fn the_centroid_of_a_convex_ring_lies_inside_it() {
        let tri = vec![(10.0, 10.0), (13.0, 10.0), (10.0, 16.0)];
        let c = centroid(&tri);
        assert!((c.0 - 11.0).abs() < 1e-9 && (c.1 - 12.0).abs() < 1e-9);
        assert!(contains(&tri, c));
    }
}
