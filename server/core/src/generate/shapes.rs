//! What the sample city's buildings and compounds look like, drawn in their block's own frame
//! (units of a degree of latitude on both axes, so the latitude factors here are 1; see
//! [`super::plane::Block`]) before [`super::warp`] lays them into the county: building
//! footprints of four kinds on
//! their slots, villages that gather a rural grid's houses around one or two centres, and
//! compound outlines drawn around the buildings they hold.
//!
//! Choices here use a hash of the building's number, not the generator's random streams, so
//! the households and every other figure stay what they were.

use super::layout::{round6, Cell};
use geo::{ConvexHull, Coord, LineString, MultiPoint, MultiPolygon, Point, Polygon};

/// A building's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// 板楼: the whole slot.
    Slab,
    /// 塔楼: a square in the middle of the slot.
    Tower,
    /// An L: the slot without its north-east quarter.
    Ell,
    /// 合院: a house around a yard (a ring with a hole).
    Courtyard,
}

/// A number in 0..100 from `n` and `salt`, the same on every run.
pub fn pick(n: usize, salt: u64) -> u64 {
    let mut z = (n as u64).wrapping_add(salt.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) % 100
}

/// How town-like a place (working degrees) is, 1 at the centre of the city and 0 at its edge.
pub fn urbanity((x, y): (f64, f64), city: &Cell) -> f64 {
    let (cx, cy) = city.center();
    let d = (((x - cx) / city.width()).powi(2) + ((y - cy) / city.height()).powi(2)).sqrt() * 2.0;
    (1.0 - d).clamp(0.0, 1.0)
}

/// The shape of building `n` in a compound, in town, or in a village.
pub fn shape_for(n: usize, in_compound: bool, urban: f64) -> Shape {
    let p = pick(n, 7);
    match (in_compound, urban) {
        (true, _) if p < 70 => Shape::Slab,
        (true, _) => Shape::Tower,
        (false, u) if u < 0.2 => {
            if p < 70 {
                Shape::Courtyard
            } else {
                Shape::Ell
            }
        }
        (false, _) if p < 35 => Shape::Slab,
        (false, _) if p < 70 => Shape::Ell,
        (false, _) => Shape::Courtyard,
    }
}

fn ring(pts: &[(f64, f64)]) -> LineString {
    let mut v: Vec<Coord> = pts
        .iter()
        .map(|&(x, y)| Coord {
            x: round6(x),
            y: round6(y),
        })
        .collect();
    v.push(v[0]);
    LineString::new(v)
}

/// The footprint of a building of `shape` on `slot`.
pub fn footprint(slot: &Cell, shape: Shape) -> MultiPolygon {
    let (x0, y0, x1, y1) = (slot.min_x, slot.min_y, slot.max_x, slot.max_y);
    let (w, h) = (slot.width(), slot.height());
    let poly = match shape {
        Shape::Slab => return slot.polygon(),
        Shape::Tower => {
            let lat_scale = slot.center().1.to_radians().cos();
            let side_y = h.min(w * lat_scale) * 0.9;
            let side_x = side_y / lat_scale;
            let (cx, cy) = slot.center();
            let (hx, hy) = (side_x / 2.0, side_y / 2.0);
            Polygon::new(
                ring(&[
                    (cx - hx, cy - hy),
                    (cx + hx, cy - hy),
                    (cx + hx, cy + hy),
                    (cx - hx, cy + hy),
                ]),
                vec![],
            )
        }
        Shape::Ell => {
            let (xm, ym) = (x0 + w * 0.55, y0 + h * 0.55);
            Polygon::new(
                ring(&[(x0, y0), (x1, y0), (x1, ym), (xm, ym), (xm, y1), (x0, y1)]),
                vec![],
            )
        }
        Shape::Courtyard => {
            let (ix, iy) = (w * 0.3, h * 0.3);
            Polygon::new(
                ring(&[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]),
                vec![ring(&[
                    (x0 + ix, y0 + iy),
                    (x0 + ix, y1 - iy),
                    (x1 - ix, y1 - iy),
                    (x1 - ix, y0 + iy),
                ])],
            )
        }
    };
    MultiPolygon::new(vec![poly])
}

/// The slots of a rural grid, nearest a village centre first, so its houses gather into one
/// or two villages instead of filling the grid row by row.
pub fn village_order(slots: &mut [Cell], area: &Cell, grid_index: usize) {
    let at = |salt: u64| {
        let fx = 0.25 + 0.5 * pick(grid_index, salt) as f64 / 100.0;
        let fy = 0.25 + 0.5 * pick(grid_index, salt + 1) as f64 / 100.0;
        (
            area.min_x + area.width() * fx,
            area.min_y + area.height() * fy,
        )
    };
    let mut centres = vec![at(11)];
    if pick(grid_index, 13) < 40 {
        centres.push(at(17));
    }
    let lat_scale = area.center().1.to_radians().cos();
    let dist = |c: &Cell| {
        let (x, y) = c.center();
        centres
            .iter()
            .map(|(vx, vy)| ((x - vx) * lat_scale).hypot(y - vy))
            .fold(f64::INFINITY, f64::min)
    };
    slots.sort_by(|a, b| dist(a).total_cmp(&dist(b)));
}

/// A compound's outline: the hull of its buildings' slots with a yard of `margin` (degrees
/// of latitude) around them, its corners cut, kept inside `within`.
pub fn compound_outline(slots: &[Cell], margin: f64, within: &Cell) -> Option<MultiPolygon> {
    let lat_scale = within.center().1.to_radians().cos();
    let (mx, my) = (margin / lat_scale, margin);
    let pts: Vec<Point> = slots
        .iter()
        .flat_map(|s| {
            // Each corner pushed out along both axes, the outer corners cut at 45°.
            [
                (s.min_x - mx, s.min_y - my * 0.5),
                (s.min_x - mx * 0.5, s.min_y - my),
                (s.max_x + mx * 0.5, s.min_y - my),
                (s.max_x + mx, s.min_y - my * 0.5),
                (s.max_x + mx, s.max_y + my * 0.5),
                (s.max_x + mx * 0.5, s.max_y + my),
                (s.min_x - mx * 0.5, s.max_y + my),
                (s.min_x - mx, s.max_y + my * 0.5),
            ]
        })
        .map(|(x, y)| {
            Point::new(
                round6(x.clamp(within.min_x, within.max_x)),
                round6(y.clamp(within.min_y, within.max_y)),
            )
        })
        .collect();
    if pts.is_empty() {
        return None;
    }
    let hull = MultiPoint::new(pts).convex_hull();
    Some(MultiPolygon::new(vec![hull]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Contains, Validation};

    #[test]
    fn every_shape_is_a_valid_footprint_inside_its_slot() {
        let s = Cell {
            min_x: 110.40,
            min_y: 35.45,
            max_x: 110.4005,
            max_y: 35.4502,
        };
        for shape in [Shape::Slab, Shape::Tower, Shape::Ell, Shape::Courtyard] {
            let f = footprint(&s, shape);
            assert!(f.is_valid(), "{shape:?}");
            assert!(f.unsigned_area() > 0.0);
            assert!(
                f.unsigned_area() <= s.width() * s.height() + 1e-15,
                "{shape:?}"
            );
        }
        assert_eq!(footprint(&s, Shape::Courtyard).0[0].interiors().len(), 1);
    }

    #[test]
    fn a_compound_outline_holds_its_buildings_and_stays_in_its_area() {
        let area = Cell {
            min_x: 110.40,
            min_y: 35.45,
            max_x: 110.41,
            max_y: 35.46,
        };
        let slots = [
            Cell {
                min_x: 110.401,
                min_y: 35.451,
                max_x: 110.4015,
                max_y: 35.4512,
            },
            Cell {
                min_x: 110.402,
                min_y: 35.452,
                max_x: 110.4025,
                max_y: 35.4522,
            },
        ];
        let outline = compound_outline(&slots, 0.0001, &area).unwrap();
        assert!(outline.is_valid());
        for s in &slots {
            assert!(outline.contains(&s.polygon()));
        }
        assert!(area.polygon().contains(&outline));
        assert!(outline.0[0].exterior().0.len() > 5, "not a plain rectangle");
    }

    #[test]
    fn villages_put_the_slots_nearest_their_centres_first() {
        let area = Cell {
            min_x: 110.40,
            min_y: 35.45,
            max_x: 110.42,
            max_y: 35.47,
        };
        let mut slots: Vec<Cell> = (0..20)
            .flat_map(|i| (0..20).map(move |j| (i, j)))
            .map(|(i, j)| {
                let x = 110.40 + 0.001 * f64::from(i);
                let y = 35.45 + 0.001 * f64::from(j);
                Cell {
                    min_x: x,
                    min_y: y,
                    max_x: x + 0.0002,
                    max_y: y + 0.0002,
                }
            })
            .collect();
        let before = slots.clone();
        // A grid whose houses form one village.
        let grid = (0..100).find(|i| pick(*i, 13) >= 40).unwrap();
        village_order(&mut slots, &area, grid);
        assert_ne!(slots, before);
        // The first dozen houses stand within a few hundred metres of each other.
        let first: Vec<_> = slots[..12].iter().map(Cell::center).collect();
        let spread = first
            .iter()
            .flat_map(|a| first.iter().map(move |b| (a.0 - b.0).hypot(a.1 - b.1)))
            .fold(0.0, f64::max);
        assert!(spread < 0.006, "{spread}");
    }
}
