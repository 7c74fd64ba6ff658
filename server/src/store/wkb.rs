//! Well-Known Binary for the geometries SQLite keeps in BLOB columns (MultiPolygon,
//! MultiLineString, Point; 2D), by geozero: written little-endian, read in either byte order,
//! so a BLOB from another OGC tool (e.g. `ST_AsBinary`) reads back too. What this module adds
//! is the store's rules: the geometry type a column holds (a bare Polygon or LineString is
//! wrapped), and no bytes left over after the geometry.

use geo::{Geometry, MultiLineString, MultiPolygon, Point};
use geozero::wkb::Wkb;
use geozero::{CoordDimensions, ToGeo, ToWkb};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WkbError {
    #[error("WKB is unreadable: {0}")]
    Unreadable(String),
    #[error("WKB geometry is a {0}, not a {1}")]
    Type(&'static str, &'static str),
    #[error("WKB has {0} bytes left over")]
    Trailing(usize),
}

/// Walks the WKB's structure (byte order, type, counts) without building anything and
/// answers how many bytes the geometry takes. geozero trusts the counts it reads and would
/// try to allocate four billion points for a ring that claims them; this refuses any count
/// the remaining bytes cannot hold before geozero sees the buffer.
fn measure(buf: &[u8]) -> Result<usize, WkbError> {
    fn walk(buf: &[u8], at: usize, depth: u8) -> Result<usize, WkbError> {
        let short = || WkbError::Unreadable(format!("it ends early at byte {}", buf.len()));
        let little = match buf.get(at) {
            Some(0) => false,
            Some(1) => true,
            Some(b) => {
                return Err(WkbError::Unreadable(format!(
                    "byte-order flag {b} at byte {at}"
                )))
            }
            None => return Err(short()),
        };
        let u32_at = |i: usize| -> Result<usize, WkbError> {
            let b: [u8; 4] = buf
                .get(i..i + 4)
                .ok_or_else(short)?
                .try_into()
                .map_err(|_| short())?;
            Ok((if little {
                u32::from_le_bytes(b)
            } else {
                u32::from_be_bytes(b)
            }) as usize)
        };
        let room = |i: usize, n: usize, each: usize| {
            if n.saturating_mul(each) > buf.len().saturating_sub(i) {
                Err(WkbError::Unreadable(format!(
                    "a count of {n} at byte {i} is more than the buffer holds"
                )))
            } else {
                Ok(())
            }
        };
        let points = |i: usize| -> Result<usize, WkbError> {
            let n = u32_at(i)?;
            room(i + 4, n, 16)?;
            Ok(i + 4 + 16 * n)
        };
        let body = at + 5;
        match u32_at(at + 1)? {
            1 => Ok(body + 16),
            2 => points(body),
            3 => {
                let rings = u32_at(body)?;
                room(body + 4, rings, 4)?;
                (0..rings).try_fold(body + 4, |i, _| points(i))
            }
            4..=6 if depth == 0 => {
                let parts = u32_at(body)?;
                room(body + 4, parts, 9)?;
                (0..parts).try_fold(body + 4, |i, _| walk(buf, i, 1))
            }
            t => Err(WkbError::Unreadable(format!(
                "geometry type {t} at byte {}",
                at + 1
            ))),
        }
    }
    walk(buf, 0, 0)
}

fn kind(g: &Geometry) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        _ => "geometry of another kind",
    }
}

/// Reads one 2D geometry and refuses trailing bytes (a BLOB that holds more than it says is
/// not misread as the part that parses).
fn decode(buf: &[u8]) -> Result<Geometry, WkbError> {
    let used = measure(buf)?;
    if buf.len() > used {
        return Err(WkbError::Trailing(buf.len() - used));
    }
    Wkb(buf)
        .to_geo()
        .map_err(|e| WkbError::Unreadable(e.to_string()))
}

fn encode(g: Geometry) -> Vec<u8> {
    // Writing plain coordinates into a Vec cannot fail; an empty BLOB would be refused on read.
    g.to_wkb(CoordDimensions::xy()).unwrap_or_default()
}

/// Encodes any geometry as little-endian WKB (a GeoPackage's geometries).
pub fn encode_geometry(g: &Geometry) -> Vec<u8> {
    encode(g.clone())
}

/// Decodes WKB of any geometry type, refusing impossible counts and trailing bytes.
pub fn decode_geometry(buf: &[u8]) -> Result<Geometry, WkbError> {
    decode(buf)
}

/// Encodes a multipolygon as little-endian WKB.
pub fn encode_multipolygon(mp: &MultiPolygon) -> Vec<u8> {
    encode(Geometry::MultiPolygon(mp.clone()))
}

/// Encodes a multilinestring as little-endian WKB.
pub fn encode_multilinestring(ml: &MultiLineString) -> Vec<u8> {
    encode(Geometry::MultiLineString(ml.clone()))
}

/// Encodes a point as little-endian WKB.
pub fn encode_point(p: Point) -> Vec<u8> {
    encode(Geometry::Point(p))
}

/// Decodes a WKB MultiPolygon (a bare Polygon is accepted and wrapped).
pub fn decode_multipolygon(buf: &[u8]) -> Result<MultiPolygon, WkbError> {
    match decode(buf)? {
        Geometry::MultiPolygon(mp) => Ok(mp),
        Geometry::Polygon(p) => Ok(MultiPolygon::new(vec![p])),
        other => Err(WkbError::Type(kind(&other), "MultiPolygon")),
    }
}

/// Decodes a WKB MultiLineString (a bare LineString is accepted and wrapped).
pub fn decode_multilinestring(buf: &[u8]) -> Result<MultiLineString, WkbError> {
    match decode(buf)? {
        Geometry::MultiLineString(ml) => Ok(ml),
        Geometry::LineString(l) => Ok(MultiLineString::new(vec![l])),
        other => Err(WkbError::Type(kind(&other), "MultiLineString")),
    }
}

/// Decodes a WKB Point.
pub fn decode_point(buf: &[u8]) -> Result<Point, WkbError> {
    match decode(buf)? {
        Geometry::Point(p) => Ok(p),
        other => Err(WkbError::Type(kind(&other), "Point")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, LineString};

    #[test]
    fn roads_of_one_or_more_lines_survive_a_round_trip() {
        let a = LineString::from(vec![(110.1, 35.1), (110.2, 35.1), (110.25, 35.2)]);
        let b = LineString::from(vec![(110.3, 35.3), (110.4, 35.3)]);
        let ml = MultiLineString::new(vec![a, b]);
        assert_eq!(
            decode_multilinestring(&encode_multilinestring(&ml)).unwrap(),
            ml
        );
        let bytes = encode_multilinestring(&ml);
        assert!(matches!(
            decode_multilinestring(&bytes[..bytes.len() - 3]),
            Err(WkbError::Unreadable(_))
        ));
        assert_eq!(
            decode_multilinestring(&encode_point(Point::new(1.0, 2.0))),
            Err(WkbError::Type("Point", "MultiLineString"))
        );
    }

    #[test]
    fn a_multipolygon_with_a_hole_survives_a_round_trip() {
        let a = polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 1.5), (x: 1.0, y: 1.0)]],
        ];
        let b = polygon![(x: 110.1, y: 35.1), (x: 110.2, y: 35.1), (x: 110.2, y: 35.2), (x: 110.1, y: 35.1)];
        let mp = MultiPolygon::new(vec![a, b]);
        let bytes = encode_multipolygon(&mp);
        assert_eq!(bytes[0], 1, "written little-endian");
        assert_eq!(decode_multipolygon(&bytes).unwrap(), mp);
    }

    #[test]
    fn big_endian_wkb_from_other_tools_is_read() {
        // POINT(1 2) as big-endian WKB, the way some tools write it.
        let mut be = vec![0u8, 0, 0, 0, 1];
        be.extend_from_slice(&1.0f64.to_be_bytes());
        be.extend_from_slice(&2.0f64.to_be_bytes());
        assert_eq!(decode_point(&be).unwrap(), Point::new(1.0, 2.0));
    }

    #[test]
    fn truncated_or_padded_wkb_is_refused_not_misread() {
        let mut buf = encode_point(Point::new(110.0, 35.0));
        assert!(matches!(
            decode_point(&buf[..15]),
            Err(WkbError::Unreadable(_))
        ));
        buf.push(0);
        assert_eq!(decode_point(&buf), Err(WkbError::Trailing(1)));
        // A ring claiming four billion points must not allocate them.
        let mut huge = vec![1u8, 6, 0, 0, 0, 1, 0, 0, 0, 1, 3, 0, 0, 0, 1, 0, 0, 0];
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode_multipolygon(&huge).is_err());
    }
}
