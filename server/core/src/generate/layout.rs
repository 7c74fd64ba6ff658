//! The city's geometry: the working rectangle cut recursively by straight cuts into 39
//! level-1, 164 level-2 and 1,243 level-3 convex blocks, each cut running the way the
//! streets of its district run (several angles across the city, irregular in the old
//! town), and the cut lines as roads.
//!
//! Every corner is made once and kept by number, and every edge remembers the cut (or
//! side of the rectangle) it lies on, with every corner ever made on that line. A ring is
//! drawn with all the corners lying on its edges ("noding"), so neighbours share identical
//! vertices along their common edges, T-junctions included, whatever the angle.

use super::plane::{self, ON, P};
use super::rng::Rng;
use geo::{Coord, LineString, MultiPolygon, Polygon};

/// An axis-aligned rectangle: the working rectangle in degrees, or a slot in a block's frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    pub min_x: f64,
    pub min_y: f64,
    pub max_x: f64,
    pub max_y: f64,
}

impl Cell {
    pub fn width(&self) -> f64 {
        self.max_x - self.min_x
    }
    pub fn height(&self) -> f64 {
        self.max_y - self.min_y
    }
    pub fn center(&self) -> (f64, f64) {
        (
            (self.min_x + self.max_x) / 2.0,
            (self.min_y + self.max_y) / 2.0,
        )
    }
    pub fn polygon(&self) -> MultiPolygon {
        MultiPolygon::new(vec![Polygon::new(
            LineString::new(vec![
                Coord {
                    x: self.min_x,
                    y: self.min_y,
                },
                Coord {
                    x: self.max_x,
                    y: self.min_y,
                },
                Coord {
                    x: self.max_x,
                    y: self.max_y,
                },
                Coord {
                    x: self.min_x,
                    y: self.max_y,
                },
                Coord {
                    x: self.min_x,
                    y: self.min_y,
                },
            ]),
            vec![],
        )])
    }
}

/// Rounds to 1e-6° (about 0.1 m), so files stay short and values print exactly.
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// A cut line, kept as a road of the level whose cut made it.
#[derive(Clone, Debug, PartialEq)]
pub struct Road {
    /// 1 = arterial (主干道), 2 = street (街道), 3 = lane (巷道).
    pub class: u8,
    pub from: (f64, f64),
    pub to: (f64, f64),
}

/// How one level is cut: the road class its cuts make, how far a cut may stray from the
/// share that gives both sides equal blocks, and the street direction with its spread at a
/// point (radians; the point in working degrees).
pub struct Cuts<'a> {
    pub class: u8,
    pub shift: f64,
    pub angle: &'a dyn Fn(P) -> (f64, f64),
}

/// A convex block: its corners counter-clockwise, each with the line its next edge lies on.
#[derive(Clone, Debug)]
pub struct Piece {
    ring: Vec<(usize, usize)>,
}

/// A cut or a side of the working rectangle, with the corners made on it.
struct Line {
    origin: P,
    dir: P,
    on: Vec<(f64, usize)>,
}

impl Line {
    /// How far along the line `p` lies.
    fn at(&self, p: P) -> f64 {
        (p.0 - self.origin.0) * self.dir.0 + (p.1 - self.origin.1) * self.dir.1
    }
}

/// Every corner and line made so far. Coordinates are kept with longitude scaled by the
/// cosine of the latitude (so angles and areas are true) and given back in degrees.
pub struct Plan {
    lat_scale: f64,
    points: Vec<P>,
    lines: Vec<Line>,
}

impl Plan {
    /// A plan holding the working rectangle `city` as its one block.
    pub fn new(city: &Cell) -> (Plan, Piece) {
        let lat_scale = city.center().1.to_radians().cos();
        let mut plan = Plan {
            lat_scale,
            points: vec![],
            lines: vec![],
        };
        let corners = [
            (city.min_x, city.min_y),
            (city.max_x, city.min_y),
            (city.max_x, city.max_y),
            (city.min_x, city.max_y),
        ]
        .map(|(x, y)| plan.add_point((x * lat_scale, y)));
        let mut ring = Vec::with_capacity(4);
        for i in 0..4 {
            let (a, b) = (corners[i], corners[(i + 1) % 4]);
            let line = plan.add_line(plan.points[a], plan.points[b]);
            plan.put_on(line, a);
            plan.put_on(line, b);
            ring.push((a, line));
        }
        (plan, Piece { ring })
    }

    /// The factor a degree of longitude is shortened by here.
    pub fn lat_scale(&self) -> f64 {
        self.lat_scale
    }

    fn add_point(&mut self, p: P) -> usize {
        self.points.push(p);
        self.points.len() - 1
    }

    fn add_line(&mut self, a: P, b: P) -> usize {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = dx.hypot(dy).max(f64::MIN_POSITIVE);
        self.lines.push(Line {
            origin: a,
            dir: (dx / len, dy / len),
            on: vec![],
        });
        self.lines.len() - 1
    }

    fn put_on(&mut self, line: usize, point: usize) {
        let t = self.lines[line].at(self.points[point]);
        let on = &mut self.lines[line].on;
        if !on.iter().any(|(_, p)| *p == point) {
            on.push((t, point));
        }
    }

    fn scaled(&self, piece: &Piece) -> Vec<P> {
        piece.ring.iter().map(|(p, _)| self.points[*p]).collect()
    }

    fn degrees(&self, p: P) -> P {
        (p.0 / self.lat_scale, p.1)
    }

    /// The block's corners in degrees (without the corners its neighbours put on its edges).
    pub fn ring(&self, piece: &Piece) -> Vec<P> {
        piece
            .ring
            .iter()
            .map(|(p, _)| self.degrees(self.points[*p]))
            .collect()
    }

    /// Splits `piece` into `k` blocks by recursive cuts across its longer side in the
    /// street directions at its centroid, each cut placed so the parts' areas are in
    /// proportion to the blocks on each side, moved by up to ±`cuts.shift` of the area and
    /// turned by up to the direction's spread. Cuts are pushed to `roads`.
    pub fn split(
        &mut self,
        piece: Piece,
        k: usize,
        cuts: &Cuts,
        rng: &mut Rng,
        roads: &mut Vec<Road>,
    ) -> Vec<Piece> {
        if k <= 1 {
            return vec![piece];
        }
        let ring = self.scaled(&piece);
        let (base, spread) = (cuts.angle)(self.degrees(plane::centroid(&ring)));
        let angle = base + rng.range(-spread, spread);
        let (u, v) = ((angle.cos(), angle.sin()), (-angle.sin(), angle.cos()));
        let extent = |d: P| {
            ring.iter()
                .map(|p| p.0 * d.0 + p.1 * d.1)
                .fold((f64::MAX, f64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)))
        };
        let (ul, vl) = (extent(u), extent(v));
        let (normal, span) = if ul.1 - ul.0 >= vl.1 - vl.0 {
            (u, ul)
        } else {
            (v, vl)
        };
        let left = k / 2;
        let share = (left as f64 / k as f64 + rng.range(-cuts.shift, cuts.shift)).clamp(0.2, 0.8);
        let offset = place_cut(&ring, normal, span, share);
        let (far, near, road) = self.cut(&piece, normal, offset);
        roads.push(Road {
            class: cuts.class,
            from: self.degrees(road.0),
            to: self.degrees(road.1),
        });
        let mut out = self.split(far, left, cuts, rng, roads);
        out.extend(self.split(near, k - left, cuts, rng, roads));
        out
    }

    /// Cuts `piece` along `normal·p = offset` into the part beyond it and the part before
    /// it, making each new corner once; also gives the cut's two ends.
    fn cut(&mut self, piece: &Piece, normal: P, offset: f64) -> (Piece, Piece, (P, P)) {
        let pts = self.scaled(piece);
        let n = pts.len();
        let d: Vec<f64> = pts
            .iter()
            .map(|p| p.0 * normal.0 + p.1 * normal.1 - offset)
            .collect();
        // Where the cut crosses each edge, and the corners it passes through.
        let mut crossing: Vec<Option<usize>> = vec![None; n];
        let mut ends: Vec<usize> = vec![];
        for i in 0..n {
            let j = (i + 1) % n;
            if d[i].abs() <= ON {
                ends.push(piece.ring[i].0);
            } else if (d[i] > ON && d[j] < -ON) || (d[i] < -ON && d[j] > ON) {
                let t = d[i] / (d[i] - d[j]);
                let (a, b) = (pts[i], pts[j]);
                let q = self.add_point((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t));
                self.put_on(piece.ring[i].1, q);
                crossing[i] = Some(q);
                ends.push(q);
            }
        }
        // A cut strictly inside a convex block (the area share is kept within 0.2–0.8)
        // meets its boundary exactly twice.
        let (a, b) = (ends[0], ends[ends.len() - 1]);
        let line = self.add_line(self.points[a], self.points[b]);
        self.put_on(line, a);
        self.put_on(line, b);
        let side = |sign: f64| {
            let mut ring = vec![];
            for i in 0..n {
                let j = (i + 1) % n;
                let (vi, li) = piece.ring[i];
                let (si, sj) = (sign * d[i], sign * d[j]);
                if si > ON {
                    ring.push((vi, li));
                } else if si.abs() <= ON {
                    // On the cut: the edge leaving it follows the block's edge if that stays
                    // on this side, else the cut.
                    ring.push((vi, if sj > ON { li } else { line }));
                }
                if let Some(q) = crossing[i] {
                    // Leaving this side along the cut, or entering it along the edge.
                    ring.push((q, if si > ON { line } else { li }));
                }
            }
            Piece { ring }
        };
        let (far, near) = (side(1.0), side(-1.0));
        (far, near, (self.points[a], self.points[b]))
    }

    /// Sorts each line's corners by their place along it; call once, after the last cut.
    pub fn finish(&mut self) {
        for l in &mut self.lines {
            l.on.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
    }

    /// The block's ring in degrees, counter-clockwise, with every corner lying on its edges.
    pub fn noded_polygon(&self, piece: &Piece) -> MultiPolygon {
        let n = piece.ring.len();
        let mut pts = Vec::with_capacity(n * 3);
        for i in 0..n {
            let (a, line) = piece.ring[i];
            let b = piece.ring[(i + 1) % n].0;
            pts.push(a);
            let l = &self.lines[line];
            let (ta, tb) = (l.at(self.points[a]), l.at(self.points[b]));
            let between =
                l.on.iter()
                    .filter(|(t, p)| *p != a && *p != b && *t > ta.min(tb) && *t < ta.max(tb));
            if ta <= tb {
                pts.extend(between.map(|(_, p)| *p));
            } else {
                pts.extend(between.rev().map(|(_, p)| *p));
            }
        }
        pts.push(pts[0]);
        let coords = pts
            .into_iter()
            .map(|p| {
                let (x, y) = self.degrees(self.points[p]);
                Coord { x, y }
            })
            .collect();
        MultiPolygon::new(vec![Polygon::new(LineString::new(coords), vec![])])
    }

    /// Orders blocks for numbering: north to south, then west to east (by their boxes).
    pub fn reading_order(&self, pieces: &mut [Piece]) {
        let key = |p: &Piece| plane::bbox(&self.scaled(p));
        pieces.sort_by(|a, b| {
            let (a, b) = (key(a), key(b));
            b.max_y
                .total_cmp(&a.max_y)
                .then(a.min_x.total_cmp(&b.min_x))
        });
    }
}

/// Where along `normal` to cut convex `ring` so that the part beyond holds `share` of its
/// area (by bisection: that part shrinks as the cut moves out).
fn place_cut(ring: &[P], normal: P, (lo, hi): (f64, f64), share: f64) -> f64 {
    let total = plane::area(ring);
    let (mut lo, mut hi) = (lo, hi);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if plane::area(&plane::clip(ring, normal, mid)) > share * total {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Validation};

    fn unit() -> Cell {
        Cell {
            min_x: 110.0,
            min_y: 35.0,
            max_x: 110.1,
            max_y: 35.1,
        }
    }

    fn turned(_: P) -> (f64, f64) {
        (0.5, 0.2)
    }

    fn cuts(angle: &dyn Fn(P) -> (f64, f64)) -> Cuts<'_> {
        Cuts {
            class: 3,
            shift: 0.1,
            angle,
        }
    }

    #[test]
    fn splitting_gives_k_valid_blocks_that_cover_the_parent_exactly() {
        let (mut plan, city) = Plan::new(&unit());
        let mut roads = vec![];
        let blocks = plan.split(city, 7, &cuts(&turned), &mut Rng::new(1), &mut roads);
        plan.finish();
        assert_eq!(blocks.len(), 7);
        assert_eq!(roads.len(), 6);
        let area: f64 = blocks
            .iter()
            .map(|b| plan.noded_polygon(b).unsigned_area())
            .sum();
        assert!((area - 0.01).abs() < 1e-12, "{area}");
        assert!(blocks.iter().all(|b| plan.noded_polygon(b).is_valid()));
    }

    #[test]
    fn cuts_run_the_way_the_streets_do_not_along_the_rectangle() {
        let (mut plan, city) = Plan::new(&unit());
        let mut roads = vec![];
        let along = |_: P| (0.5, 0.0);
        plan.split(city, 4, &cuts(&along), &mut Rng::new(3), &mut roads);
        let lat_scale = plan.lat_scale();
        for r in &roads {
            let a = (r.to.1 - r.from.1)
                .atan2((r.to.0 - r.from.0) * lat_scale)
                .rem_euclid(std::f64::consts::FRAC_PI_2);
            assert!((a - 0.5).abs() < 1e-6, "{r:?} runs at {a}");
        }
    }

    #[test]
    fn a_noded_ring_carries_the_neighbours_t_junction_vertex() {
        let (mut plan, city) = Plan::new(&unit());
        let mut roads = vec![];
        let halves = plan.split(city, 2, &cuts(&turned), &mut Rng::new(1), &mut roads);
        let first = halves[0].clone();
        let quarters = plan.split(first, 2, &cuts(&turned), &mut Rng::new(2), &mut roads);
        plan.finish();
        // The undivided half gets the corner where its neighbour was cut.
        let plain = plan.ring(&halves[1]).len();
        let noded = plan.noded_polygon(&halves[1]);
        assert_eq!(noded.0[0].exterior().0.len(), plain + 2, "{noded:?}");
        let parts: f64 = quarters
            .iter()
            .map(|q| plan.noded_polygon(q).unsigned_area())
            .sum();
        let whole = plan.noded_polygon(&halves[0]).unsigned_area();
        assert!((parts - whole).abs() < 1e-15);
    }

    #[test]
    fn reading_order_is_north_to_south() {
        let (mut plan, city) = Plan::new(&unit());
        let mut roads = vec![];
        let upright = |_: P| (0.0, 0.0);
        let mut blocks = plan.split(city, 4, &cuts(&upright), &mut Rng::new(1), &mut roads);
        blocks.reverse();
        plan.reading_order(&mut blocks);
        let tops: Vec<f64> = blocks
            .iter()
            .map(|b| plane::bbox(&plan.ring(b)).max_y)
            .collect();
        assert!(tops.windows(2).all(|w| w[0] >= w[1]), "{tops:?}");
    }
}
