//! Basemap roads in Web Mercator units ([0, 1]², y down), indexed by their envelopes with an
//! R-tree, for the roads vector tiles.

use crate::domain::{Road, RoadClass};
use crate::spatial::mercator;
use geo::{BoundingRect, MapCoords, MultiLineString};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

/// A road ready to be cut into tiles.
pub struct TileRoad {
    pub name: String,
    pub class: RoadClass,
    pub lines: MultiLineString,
}

/// Every road of the city, findable by a box.
pub struct RoadIndex {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    roads: Vec<TileRoad>,
}

impl RoadIndex {
    pub fn new(roads: &[Road]) -> RoadIndex {
        let roads: Vec<TileRoad> = roads
            .iter()
            .map(|r| TileRoad {
                name: r.name.clone(),
                class: r.class,
                lines: r.geometry.map_coords(|c| {
                    let (x, y) = mercator(c.x, c.y);
                    geo::Coord { x, y }
                }),
            })
            .collect();
        let entries = roads
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let b = r.lines.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([b.min().x, b.min().y], [b.max().x, b.max().y]),
                    i,
                ))
            })
            .collect();
        RoadIndex {
            tree: RTree::bulk_load(entries),
            roads,
        }
    }

    pub fn len(&self) -> usize {
        self.roads.len()
    }

    pub fn is_empty(&self) -> bool {
        self.roads.is_empty()
    }

    /// Roads whose envelope meets the box `[min, max]` (Mercator units), in load order.
    pub fn in_box(&self, min: [f64; 2], max: [f64; 2]) -> Vec<&TileRoad> {
        let mut hits: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_corners(min, max))
            .map(|e| e.data)
            .collect();
        hits.sort_unstable();
        hits.into_iter().map(|i| &self.roads[i]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FeatureId;

    fn road(id: &str, class: RoadClass, line: Vec<(f64, f64)>) -> Road {
        Road {
            id: FeatureId::parse(id).unwrap(),
            name: id.to_string(),
            class,
            geometry: MultiLineString::new(vec![geo::LineString::from(line)]),
        }
    }

    #[test]
    fn a_box_finds_the_roads_that_cross_it_and_not_the_others() {
        let index = RoadIndex::new(&[
            road(
                "east",
                RoadClass::Arterial,
                vec![(110.40, 35.47), (110.50, 35.47)],
            ),
            road(
                "north",
                RoadClass::Lane,
                vec![(110.45, 35.50), (110.45, 35.52)],
            ),
        ]);
        let (x0, y1) = mercator(110.44, 35.46);
        let (x1, y0) = mercator(110.46, 35.48);
        let found: Vec<&str> = index
            .in_box([x0, y0], [x1, y1])
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(found, ["east"]);
        assert_eq!(index.len(), 2);
    }
}
