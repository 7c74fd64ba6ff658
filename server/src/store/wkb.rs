//! Well-Known Binary for the geometries SQLite keeps in BLOB columns: Point (1), LineString
//! (2), Polygon (3), MultiLineString (5) and MultiPolygon (6), 2D. Written little-endian; read in either byte order, so a BLOB from
//! another OGC tool (e.g. `ST_AsBinary`) reads back too.

use geo::{Coord, LineString, MultiLineString, MultiPolygon, Point, Polygon};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WkbError {
    #[error("WKB ends early at byte {0}")]
    Truncated(usize),
    #[error("WKB byte-order flag {0} at byte {1} is neither 0 nor 1")]
    ByteOrder(u8, usize),
    #[error("WKB geometry type {0} is not {1}")]
    Type(u32, &'static str),
    #[error("WKB has {0} bytes left over")]
    Trailing(usize),
}

fn put_u32(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

fn put_ring(out: &mut Vec<u8>, ring: &LineString) {
    put_u32(out, ring.0.len());
    for c in &ring.0 {
        out.extend_from_slice(&c.x.to_le_bytes());
        out.extend_from_slice(&c.y.to_le_bytes());
    }
}

fn put_polygon(out: &mut Vec<u8>, p: &Polygon) {
    out.push(1);
    put_u32(out, 3);
    put_u32(out, 1 + p.interiors().len());
    put_ring(out, p.exterior());
    for r in p.interiors() {
        put_ring(out, r);
    }
}

/// Encodes a multipolygon as little-endian WKB.
pub fn encode_multipolygon(mp: &MultiPolygon) -> Vec<u8> {
    let mut out = Vec::with_capacity(9 + mp.0.len() * 64);
    out.push(1);
    put_u32(&mut out, 6);
    put_u32(&mut out, mp.0.len());
    for p in &mp.0 {
        put_polygon(&mut out, p);
    }
    out
}

/// Encodes lines (a road) as a little-endian WKB MultiLineString.
pub fn encode_multilinestring(ml: &MultiLineString) -> Vec<u8> {
    let mut out = Vec::with_capacity(9 + ml.0.len() * 48);
    out.push(1);
    put_u32(&mut out, 5);
    put_u32(&mut out, ml.0.len());
    for l in &ml.0 {
        out.push(1);
        put_u32(&mut out, 2);
        put_ring(&mut out, l);
    }
    out
}

/// Encodes a point as little-endian WKB.
pub fn encode_point(p: Point) -> Vec<u8> {
    let mut out = Vec::with_capacity(21);
    out.push(1);
    put_u32(&mut out, 1);
    out.extend_from_slice(&p.x().to_le_bytes());
    out.extend_from_slice(&p.y().to_le_bytes());
    out
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    little: bool,
}

impl<'a> Reader<'a> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], WkbError> {
        let bytes = self
            .buf
            .get(self.pos..self.pos + N)
            .ok_or(WkbError::Truncated(self.pos))?;
        self.pos += N;
        let mut a = [0u8; N];
        a.copy_from_slice(bytes);
        Ok(a)
    }
    fn header(&mut self, want: u32, name: &'static str) -> Result<(), WkbError> {
        let [order] = self.take::<1>()?;
        self.little = match order {
            1 => true,
            0 => false,
            o => return Err(WkbError::ByteOrder(o, self.pos - 1)),
        };
        let t = self.u32()?;
        if t != want {
            return Err(WkbError::Type(t, name));
        }
        Ok(())
    }
    fn u32(&mut self) -> Result<u32, WkbError> {
        let b = self.take::<4>()?;
        Ok(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }
    fn f64(&mut self) -> Result<f64, WkbError> {
        let b = self.take::<8>()?;
        Ok(if self.little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }
    /// A count, refused early when it could not fit in what is left of the buffer.
    fn count(&mut self, min_item_bytes: usize) -> Result<usize, WkbError> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_item_bytes) > self.buf.len() - self.pos {
            return Err(WkbError::Truncated(self.buf.len()));
        }
        Ok(n)
    }
    fn ring(&mut self) -> Result<LineString, WkbError> {
        let n = self.count(16)?;
        (0..n)
            .map(|_| {
                Ok(Coord {
                    x: self.f64()?,
                    y: self.f64()?,
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(LineString::new)
    }
    fn polygon(&mut self) -> Result<Polygon, WkbError> {
        self.header(3, "Polygon")?;
        let n = self.count(4)?;
        let mut rings = (0..n).map(|_| self.ring()).collect::<Result<Vec<_>, _>>()?;
        if rings.is_empty() {
            return Ok(Polygon::new(LineString::new(vec![]), vec![]));
        }
        let exterior = rings.remove(0);
        Ok(Polygon::new(exterior, rings))
    }
    fn done(&self) -> Result<(), WkbError> {
        match self.buf.len() - self.pos {
            0 => Ok(()),
            n => Err(WkbError::Trailing(n)),
        }
    }
}

/// Decodes a WKB MultiPolygon (a bare Polygon is accepted and wrapped).
pub fn decode_multipolygon(buf: &[u8]) -> Result<MultiPolygon, WkbError> {
    let mut r = Reader {
        buf,
        pos: 0,
        little: true,
    };
    let mp = if buf
        .get(1..5)
        .is_some_and(|t| t == [3, 0, 0, 0] || t == [0, 0, 0, 3])
    {
        MultiPolygon::new(vec![r.polygon()?])
    } else {
        r.header(6, "MultiPolygon")?;
        let n = r.count(9)?;
        MultiPolygon::new((0..n).map(|_| r.polygon()).collect::<Result<_, _>>()?)
    };
    r.done()?;
    Ok(mp)
}

/// Decodes a WKB MultiLineString (a bare LineString is accepted and wrapped).
pub fn decode_multilinestring(buf: &[u8]) -> Result<MultiLineString, WkbError> {
    let mut r = Reader {
        buf,
        pos: 0,
        little: true,
    };
    let bare = buf
        .get(1..5)
        .is_some_and(|t| t == [2, 0, 0, 0] || t == [0, 0, 0, 2]);
    let n = if bare {
        1
    } else {
        r.header(5, "MultiLineString")?;
        r.count(9)?
    };
    let lines = (0..n)
        .map(|_| {
            r.header(2, "LineString")?;
            r.ring()
        })
        .collect::<Result<Vec<_>, _>>()?;
    r.done()?;
    Ok(MultiLineString::new(lines))
}

/// Decodes a WKB Point.
pub fn decode_point(buf: &[u8]) -> Result<Point, WkbError> {
    let mut r = Reader {
        buf,
        pos: 0,
        little: true,
    };
    r.header(1, "Point")?;
    let p = Point::new(r.f64()?, r.f64()?);
    r.done()?;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

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
        assert_eq!(
            decode_multilinestring(&bytes[..bytes.len() - 3]),
            Err(WkbError::Truncated(bytes.len() - 3))
        );
        assert!(matches!(
            decode_multilinestring(&encode_point(Point::new(1.0, 2.0))),
            Err(WkbError::Type(1, "MultiLineString"))
        ));
    }

    #[test]
    fn a_multipolygon_with_a_hole_survives_a_round_trip() {
        let a = polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 1.5), (x: 1.0, y: 1.0)]],
        ];
        let b = polygon![(x: 110.1, y: 35.1), (x: 110.2, y: 35.1), (x: 110.2, y: 35.2), (x: 110.1, y: 35.1)];
        let mp = MultiPolygon::new(vec![a, b]);
        assert_eq!(decode_multipolygon(&encode_multipolygon(&mp)).unwrap(), mp);
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
            Err(WkbError::Truncated(_))
        ));
        buf.push(0);
        assert_eq!(decode_point(&buf), Err(WkbError::Trailing(1)));
        // A ring claiming four billion points must not allocate them.
        let mut huge = vec![1u8, 6, 0, 0, 0, 1, 0, 0, 0, 1, 3, 0, 0, 0, 1, 0, 0, 0];
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode_multipolygon(&huge).is_err());
    }
}
