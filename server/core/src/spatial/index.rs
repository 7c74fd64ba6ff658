//! An R-tree (`rstar`) of polygons keyed by a value, answering "which polygon holds this
//! point?" with a documented tie rule.
//!
//! **Tie rule.** A point exactly on an edge or vertex shared by several polygons belongs to
//! the one with the lowest key (for grids: the lowest code). Boundaries count as inside,
//! which matches PostGIS `ST_Intersects`. A point in no polygon has no answer.

use geo::{BoundingRect, Intersects, MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// Polygons with keys, indexed by their envelopes.
pub struct PolygonIndex<K> {
    tree: RTree<Entry>,
    items: Vec<(K, MultiPolygon)>,
}

impl<K: Ord + Clone> PolygonIndex<K> {
    /// Builds the index in one bulk load. Polygons without extent are skipped.
    pub fn new(items: impl IntoIterator<Item = (K, MultiPolygon)>) -> Self {
        let items: Vec<(K, MultiPolygon)> = items.into_iter().collect();
        let entries = items
            .iter()
            .enumerate()
            .filter_map(|(i, (_, mp))| {
                let r = mp.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect();
        PolygonIndex {
            tree: RTree::bulk_load(entries),
            items,
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every polygon whose envelope meets the box `[min, max]`, with its key.
    pub fn in_box(&self, min: [f64; 2], max: [f64; 2]) -> impl Iterator<Item = &(K, MultiPolygon)> {
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_corners(min, max))
            .map(|e| &self.items[e.data])
    }

    /// The key of the polygon holding `p`, boundary included, lowest key on ties.
    pub fn locate(&self, p: Point) -> Option<&K> {
        let env = AABB::from_point([p.x(), p.y()]);
        self.tree
            .locate_in_envelope_intersecting(&env)
            .filter(|e| self.items[e.data].1.intersects(&p))
            .map(|e| &self.items[e.data].0)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn square(x: f64, y: f64) -> MultiPolygon {
        MultiPolygon::new(vec![polygon![
            (x: x, y: y), (x: x + 1.0, y: y), (x: x + 1.0, y: y + 1.0), (x: x, y: y + 1.0), (x: x, y: y)
        ]])
    }

    fn four_squares() -> PolygonIndex<&'static str> {
        PolygonIndex::new([
            ("b", square(1.0, 0.0)),
            ("a", square(0.0, 0.0)),
            ("d", square(1.0, 1.0)),
            ("c", square(0.0, 1.0)),
        ])
    }

    #[test]
    fn a_point_inside_one_square_gets_that_square() {
        assert_eq!(four_squares().locate(Point::new(1.5, 0.5)), Some(&"b"));
    }

    #[test]
    fn a_point_on_a_shared_edge_goes_to_the_lowest_key() {
        assert_eq!(four_squares().locate(Point::new(1.0, 0.5)), Some(&"a"));
        assert_eq!(four_squares().locate(Point::new(1.5, 1.0)), Some(&"b"));
    }

    #[test]
    fn a_point_on_a_vertex_shared_by_four_goes_to_the_lowest_key() {
        assert_eq!(four_squares().locate(Point::new(1.0, 1.0)), Some(&"a"));
    }

    #[test]
    fn a_point_in_a_hole_or_outside_everything_has_no_answer() {
        let holed = MultiPolygon::new(vec![polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 3.0, y: 1.0), (x: 3.0, y: 3.0), (x: 1.0, y: 3.0), (x: 1.0, y: 1.0)]],
        ]]);
        let idx = PolygonIndex::new([(1, holed)]);
        assert_eq!(idx.locate(Point::new(2.0, 2.0)), None);
        assert_eq!(idx.locate(Point::new(0.5, 0.5)), Some(&1));
        assert_eq!(idx.locate(Point::new(9.0, 9.0)), None);
        // The hole's edge is the polygon's boundary, so it counts as inside.
        assert_eq!(idx.locate(Point::new(1.0, 2.0)), Some(&1));
    }

    #[test]
    fn a_multipolygon_answers_for_each_of_its_parts() {
        let two = MultiPolygon::new(vec![
            square(0.0, 0.0).0[0].clone(),
            square(5.0, 5.0).0[0].clone(),
        ]);
        let idx = PolygonIndex::new([("x", two)]);
        assert_eq!(idx.locate(Point::new(5.5, 5.5)), Some(&"x"));
        assert_eq!(idx.locate(Point::new(3.0, 3.0)), None);
    }
}
