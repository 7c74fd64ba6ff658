//! Conversions between `geo` geometries and the `postgis` crate's EWKB types (SRID 4326).

use super::super::{Result, StoreError};
use geo::{Coord, LineString, MultiLineString, MultiPolygon, Polygon};
use postgis::ewkb;

pub const SRID: Option<i32> = Some(4326);

fn ring_to_ewkb(r: &LineString) -> ewkb::LineString {
    ewkb::LineString {
        points: r
            .0
            .iter()
            .map(|c| ewkb::Point {
                x: c.x,
                y: c.y,
                srid: SRID,
            })
            .collect(),
        srid: SRID,
    }
}

pub fn to_ewkb(mp: &MultiPolygon) -> ewkb::MultiPolygon {
    ewkb::MultiPolygon {
        polygons: mp
            .0
            .iter()
            .map(|p| ewkb::Polygon {
                rings: std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .map(ring_to_ewkb)
                    .collect(),
                srid: SRID,
            })
            .collect(),
        srid: SRID,
    }
}

fn ring_from_ewkb(r: &ewkb::LineString) -> LineString {
    LineString::new(r.points.iter().map(|p| Coord { x: p.x, y: p.y }).collect())
}

pub fn from_ewkb(mp: &ewkb::MultiPolygon, what: &str) -> Result<MultiPolygon> {
    mp.polygons
        .iter()
        .map(|p| {
            let (outer, inner) = p
                .rings
                .split_first()
                .ok_or_else(|| StoreError::Corrupt(format!("{what}: a polygon without rings")))?;
            Ok(Polygon::new(
                ring_from_ewkb(outer),
                inner.iter().map(ring_from_ewkb).collect(),
            ))
        })
        .collect::<Result<Vec<_>>>()
        .map(MultiPolygon::new)
}

pub fn lines_to_ewkb(ml: &MultiLineString) -> ewkb::MultiLineString {
    ewkb::MultiLineString {
        lines: ml.0.iter().map(ring_to_ewkb).collect(),
        srid: SRID,
    }
}

pub fn lines_from_ewkb(ml: &ewkb::MultiLineString) -> MultiLineString {
    MultiLineString::new(ml.lines.iter().map(ring_from_ewkb).collect())
}

pub fn point(lng: f64, lat: f64) -> ewkb::Point {
    ewkb::Point {
        x: lng,
        y: lat,
        srid: SRID,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn a_multipolygon_with_a_hole_converts_to_ewkb_and_back_unchanged() {
        let p = polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 1.5), (x: 1.0, y: 1.0)]],
        ];
        let mp = MultiPolygon::new(vec![p]);
        let e = to_ewkb(&mp);
        assert_eq!(e.srid, Some(4326));
        assert_eq!(from_ewkb(&e, "test").unwrap(), mp);
    }
}
