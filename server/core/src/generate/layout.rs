//! The city's geometry: a rectangle cut recursively (guillotine cuts) into 39 level-1,
//! 164 level-2 and 1,243 level-3 rectangles, and the cut lines as roads.
//!
//! Each cut position is computed once and shared by both sides, so neighbours meet on
//! bit-identical coordinates. A ring then gets every lattice corner that lies on its edges
//! ("noding"), so shared edges carry identical vertices on both sides, T-junctions included.

use super::rng::Rng;
use geo::{Coord, LineString, MultiPolygon, Polygon};
use std::collections::BTreeMap;

/// An axis-aligned cell in degrees.
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
    /// The cell shrunk by `fraction` of its size on every side, rounded to 1e-6°.
    pub fn inset(&self, fraction: f64) -> Cell {
        let (dx, dy) = (self.width() * fraction, self.height() * fraction);
        Cell {
            min_x: round6(self.min_x + dx),
            min_y: round6(self.min_y + dy),
            max_x: round6(self.max_x - dx),
            max_y: round6(self.max_y - dy),
        }
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

/// Splits `cell` into `k` cells by recursive guillotine cuts across the longer side, each
/// cut placed in proportion to the parts on each side, jittered by up to ±`jitter` of the
/// side. Cuts are pushed to `roads` with `class`.
pub fn split(
    cell: Cell,
    k: usize,
    jitter: f64,
    class: u8,
    rng: &mut Rng,
    roads: &mut Vec<Road>,
) -> Vec<Cell> {
    if k <= 1 {
        return vec![cell];
    }
    let left = k / 2;
    let share = left as f64 / k as f64;
    let t = (share + rng.range(-jitter, jitter)).clamp(0.2, 0.8);
    // Compare sides in metres-ish: a degree of longitude is shorter than one of latitude.
    let lat_scale = ((cell.min_y + cell.max_y) / 2.0).to_radians().cos();
    let (a, b) = if cell.width() * lat_scale >= cell.height() {
        let x = round6(cell.min_x + cell.width() * t);
        roads.push(Road {
            class,
            from: (x, cell.min_y),
            to: (x, cell.max_y),
        });
        (Cell { max_x: x, ..cell }, Cell { min_x: x, ..cell })
    } else {
        let y = round6(cell.min_y + cell.height() * t);
        roads.push(Road {
            class,
            from: (cell.min_x, y),
            to: (cell.max_x, y),
        });
        (Cell { max_y: y, ..cell }, Cell { min_y: y, ..cell })
    };
    let mut out = split(a, left, jitter, class, rng, roads);
    out.extend(split(b, k - left, jitter, class, rng, roads));
    out
}

/// Orders cells for numbering: north to south, then west to east.
pub fn reading_order(cells: &mut [Cell]) {
    cells.sort_by(|a, b| {
        b.max_y
            .total_cmp(&a.max_y)
            .then(a.min_x.total_cmp(&b.min_x))
    });
}

/// Every corner of the finest cells, by the line it lies on, to insert into coarser rings.
pub struct Lattice {
    /// y bits → sorted xs of corners on that horizontal line.
    rows: BTreeMap<u64, Vec<f64>>,
    /// x bits → sorted ys of corners on that vertical line.
    cols: BTreeMap<u64, Vec<f64>>,
}

impl Lattice {
    pub fn new(cells: &[Cell]) -> Lattice {
        let mut rows: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
        let mut cols: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
        for c in cells {
            for (x, y) in [
                (c.min_x, c.min_y),
                (c.max_x, c.min_y),
                (c.max_x, c.max_y),
                (c.min_x, c.max_y),
            ] {
                rows.entry(y.to_bits()).or_default().push(x);
                cols.entry(x.to_bits()).or_default().push(y);
            }
        }
        for v in rows.values_mut().chain(cols.values_mut()) {
            v.sort_by(f64::total_cmp);
            v.dedup();
        }
        Lattice { rows, cols }
    }

    fn between(line: Option<&Vec<f64>>, a: f64, b: f64) -> Vec<f64> {
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        let mut v: Vec<f64> = line
            .map(|l| l.iter().copied().filter(|p| *p > lo && *p < hi).collect())
            .unwrap_or_default();
        if a > b {
            v.reverse();
        }
        v
    }

    /// The cell's ring counter-clockwise from its south-west corner, with every lattice
    /// corner on its edges.
    pub fn noded_polygon(&self, c: &Cell) -> MultiPolygon {
        let mut pts = vec![Coord {
            x: c.min_x,
            y: c.min_y,
        }];
        let south = Self::between(self.rows.get(&c.min_y.to_bits()), c.min_x, c.max_x);
        pts.extend(south.into_iter().map(|x| Coord { x, y: c.min_y }));
        pts.push(Coord {
            x: c.max_x,
            y: c.min_y,
        });
        let east = Self::between(self.cols.get(&c.max_x.to_bits()), c.min_y, c.max_y);
        pts.extend(east.into_iter().map(|y| Coord { x: c.max_x, y }));
        pts.push(Coord {
            x: c.max_x,
            y: c.max_y,
        });
        let north = Self::between(self.rows.get(&c.max_y.to_bits()), c.max_x, c.min_x);
        pts.extend(north.into_iter().map(|x| Coord { x, y: c.max_y }));
        pts.push(Coord {
            x: c.min_x,
            y: c.max_y,
        });
        let west = Self::between(self.cols.get(&c.min_x.to_bits()), c.max_y, c.min_y);
        pts.extend(west.into_iter().map(|y| Coord { x: c.min_x, y }));
        pts.push(Coord {
            x: c.min_x,
            y: c.min_y,
        });
        MultiPolygon::new(vec![Polygon::new(LineString::new(pts), vec![])])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Area;

    fn unit() -> Cell {
        Cell {
            min_x: 110.0,
            min_y: 35.0,
            max_x: 110.1,
            max_y: 35.1,
        }
    }

    #[test]
    fn splitting_gives_k_cells_that_cover_the_parent_exactly() {
        let mut roads = vec![];
        let cells = split(unit(), 7, 0.1, 3, &mut Rng::new(1), &mut roads);
        assert_eq!(cells.len(), 7);
        assert_eq!(roads.len(), 6);
        let area: f64 = cells.iter().map(|c| c.width() * c.height()).sum();
        assert!((area - 0.01).abs() < 1e-12, "{area}");
    }

    #[test]
    fn a_noded_ring_carries_the_neighbours_t_junction_vertex() {
        let mut roads = vec![];
        let parent = unit();
        let halves = split(parent, 2, 0.0, 2, &mut Rng::new(1), &mut roads);
        let mut fine = split(halves[0], 2, 0.0, 3, &mut Rng::new(2), &mut roads);
        fine.push(halves[1]);
        let lattice = Lattice::new(&fine);
        // The undivided half gets the vertex where its neighbour was cut.
        let ring = lattice.noded_polygon(&halves[1]);
        assert_eq!(ring.0[0].exterior().0.len(), 6);
        assert!((ring.unsigned_area() - halves[1].width() * halves[1].height()).abs() < 1e-15);
    }

    #[test]
    fn reading_order_is_north_to_south_then_west_to_east() {
        let a = Cell {
            min_x: 0.0,
            min_y: 1.0,
            max_x: 1.0,
            max_y: 2.0,
        };
        let b = Cell {
            min_x: 1.0,
            min_y: 1.0,
            max_x: 2.0,
            max_y: 2.0,
        };
        let c = Cell {
            min_x: 0.0,
            min_y: 0.0,
            max_x: 2.0,
            max_y: 1.0,
        };
        let mut v = vec![c, b, a];
        reading_order(&mut v);
        assert_eq!(v, vec![a, b, c]);
    }
}
