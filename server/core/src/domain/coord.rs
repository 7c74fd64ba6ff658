//! Coordinates: WGS84 points and boxes that cannot hold NaN or out-of-range values, and the
//! coordinate reference systems that callers may report in.
//!
//! WGS84 (EPSG:4326) and CGCS2000 (EPSG:4490) differ by centimetres and are treated as equal.
//! GCJ-02 and BD-09 are the obfuscated datums of Chinese phone apps; converting them is the
//! engine's job (`spatial::crs`), this module only names them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Why a coordinate was refused. Messages name the offending value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoordError {
    #[error("longitude {0} is not a finite number")]
    LngNotFinite(f64),
    #[error("latitude {0} is not a finite number")]
    LatNotFinite(f64),
    #[error("longitude {0} is outside -180..180")]
    LngOutOfRange(f64),
    #[error("latitude {0} is outside -90..90")]
    LatOutOfRange(f64),
    #[error("bbox {0:?} must be four numbers minLng,minLat,maxLng,maxLat")]
    BboxShape(String),
    #[error("bbox {0:?} has its minimum above its maximum (expected minLng,minLat,maxLng,maxLat)")]
    BboxInverted(String),
    #[error("unknown coordinate system {0:?}; use wgs84, cgcs2000, gcj02 or bd09")]
    UnknownCrs(String),
}

fn check(lng: f64, lat: f64) -> Result<(), CoordError> {
    if !lng.is_finite() {
        return Err(CoordError::LngNotFinite(lng));
    }
    if !lat.is_finite() {
        return Err(CoordError::LatNotFinite(lat));
    }
    if !(-180.0..=180.0).contains(&lng) {
        return Err(CoordError::LngOutOfRange(lng));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(CoordError::LatOutOfRange(lat));
    }
    Ok(())
}

/// A longitude/latitude pair in WGS84 degrees, always finite and in range.
///
/// ```
/// use gridd_core::domain::Wgs84Point;
///
/// let p = Wgs84Point::new(110.44, 35.47).unwrap();
/// assert_eq!((p.lng(), p.lat()), (110.44, 35.47));
/// assert!(Wgs84Point::new(f64::NAN, 35.47).is_err());
/// assert!(Wgs84Point::new(110.44, 95.0).is_err(), "latitude beyond the pole");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "[f64; 2]", into = "[f64; 2]")]
pub struct Wgs84Point {
    lng: f64,
    lat: f64,
}

impl Wgs84Point {
    pub fn new(lng: f64, lat: f64) -> Result<Wgs84Point, CoordError> {
        check(lng, lat)?;
        Ok(Wgs84Point { lng, lat })
    }
    pub fn lng(self) -> f64 {
        self.lng
    }
    pub fn lat(self) -> f64 {
        self.lat
    }
    pub fn to_geo(self) -> geo::Point<f64> {
        geo::Point::new(self.lng, self.lat)
    }
}

impl TryFrom<[f64; 2]> for Wgs84Point {
    type Error = CoordError;
    fn try_from(a: [f64; 2]) -> Result<Self, CoordError> {
        Wgs84Point::new(a[0], a[1])
    }
}

impl From<Wgs84Point> for [f64; 2] {
    fn from(p: Wgs84Point) -> [f64; 2] {
        [p.lng, p.lat]
    }
}

/// The coordinate systems a caller may report in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Crs {
    Wgs84,
    Cgcs2000,
    Gcj02,
    Bd09,
}

impl Crs {
    pub fn as_str(self) -> &'static str {
        match self {
            Crs::Wgs84 => "wgs84",
            Crs::Cgcs2000 => "cgcs2000",
            Crs::Gcj02 => "gcj02",
            Crs::Bd09 => "bd09",
        }
    }
}

impl FromStr for Crs {
    type Err = CoordError;
    fn from_str(s: &str) -> Result<Self, CoordError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "wgs84" | "epsg:4326" | "4326" => Ok(Crs::Wgs84),
            "cgcs2000" | "epsg:4490" | "4490" => Ok(Crs::Cgcs2000),
            "gcj02" | "gcj-02" => Ok(Crs::Gcj02),
            "bd09" | "bd-09" | "bd09ll" => Ok(Crs::Bd09),
            _ => Err(CoordError::UnknownCrs(s.to_string())),
        }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A coordinate exactly as reported, with the system it was reported in. Finite and in range,
/// but not yet converted to WGS84.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawCoord {
    pub lng: f64,
    pub lat: f64,
    pub crs: Crs,
}

impl RawCoord {
    pub fn new(lng: f64, lat: f64, crs: Crs) -> Result<RawCoord, CoordError> {
        check(lng, lat)?;
        Ok(RawCoord { lng, lat, crs })
    }
}

/// A WGS84 box, min ≤ max on both axes, all values finite and in range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bbox {
    min: Wgs84Point,
    max: Wgs84Point,
}

impl Bbox {
    pub fn new(min_lng: f64, min_lat: f64, max_lng: f64, max_lat: f64) -> Result<Bbox, CoordError> {
        let min = Wgs84Point::new(min_lng, min_lat)?;
        let max = Wgs84Point::new(max_lng, max_lat)?;
        if min_lng > max_lng || min_lat > max_lat {
            return Err(CoordError::BboxInverted(format!(
                "{min_lng},{min_lat},{max_lng},{max_lat}"
            )));
        }
        Ok(Bbox { min, max })
    }
    pub fn min_lng(&self) -> f64 {
        self.min.lng
    }
    pub fn min_lat(&self) -> f64 {
        self.min.lat
    }
    pub fn max_lng(&self) -> f64 {
        self.max.lng
    }
    pub fn max_lat(&self) -> f64 {
        self.max.lat
    }
    pub fn to_rect(&self) -> geo::Rect<f64> {
        geo::Rect::new(
            geo::coord! { x: self.min.lng, y: self.min.lat },
            geo::coord! { x: self.max.lng, y: self.max.lat },
        )
    }
}

impl FromStr for Bbox {
    type Err = CoordError;
    /// Parses `minLng,minLat,maxLng,maxLat`.
    fn from_str(s: &str) -> Result<Self, CoordError> {
        let parts: Vec<f64> = s
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| CoordError::BboxShape(s.to_string()))?;
        match parts.as_slice() {
            [a, b, c, d] => Bbox::new(*a, *b, *c, *d),
            _ => Err(CoordError::BboxShape(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_refuses_nan_infinity_and_out_of_range_values() {
        assert!(matches!(
            Wgs84Point::new(f64::NAN, 35.0),
            Err(CoordError::LngNotFinite(_))
        ));
        assert!(matches!(
            Wgs84Point::new(110.0, f64::INFINITY),
            Err(CoordError::LatNotFinite(_))
        ));
        assert_eq!(
            Wgs84Point::new(181.0, 35.0),
            Err(CoordError::LngOutOfRange(181.0))
        );
        assert_eq!(
            Wgs84Point::new(110.0, -90.5),
            Err(CoordError::LatOutOfRange(-90.5))
        );
        assert!(Wgs84Point::new(180.0, -90.0).is_ok());
    }

    #[test]
    fn a_point_deserialized_from_json_is_checked_too() {
        assert!(serde_json::from_str::<Wgs84Point>("[110.4, 35.4]").is_ok());
        assert!(serde_json::from_str::<Wgs84Point>("[200.0, 35.4]").is_err());
    }

    #[test]
    fn crs_names_parse_case_insensitively_and_unknown_ones_are_named_in_the_error() {
        assert_eq!("GCJ02".parse::<Crs>().unwrap(), Crs::Gcj02);
        assert_eq!("EPSG:4490".parse::<Crs>().unwrap(), Crs::Cgcs2000);
        let err = "mercator".parse::<Crs>().unwrap_err();
        assert!(err.to_string().contains("\"mercator\""));
    }

    #[test]
    fn a_bbox_parses_four_numbers_and_refuses_inverted_or_short_ones() {
        let b: Bbox = "110.1,35.3,110.6,35.9".parse().unwrap();
        assert_eq!(b.min_lng(), 110.1);
        assert_eq!(b.max_lat(), 35.9);
        assert!(matches!(
            "110.6,35.3,110.1,35.9".parse::<Bbox>(),
            Err(CoordError::BboxInverted(_))
        ));
        assert!(matches!(
            "110.1,35.3,110.6".parse::<Bbox>(),
            Err(CoordError::BboxShape(_))
        ));
        assert!(matches!(
            "110.1,35.3,110.6,NaN".parse::<Bbox>(),
            Err(CoordError::LatNotFinite(_))
        ));
    }
}
