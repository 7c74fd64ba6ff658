//! The coordinate systems city files arrive in, and their way to WGS84 (and back, for export).
//!
//! - `wgs84` (EPSG:4326, OGC CRS84) and `cgcs2000` (EPSG:4490): longitude/latitude, taken
//!   as equal (see [`super::crs`]).
//! - `gcj02` and `bd09`: the Chinese apps' offsets, through the engine's own converters.
//! - CGCS2000 3° Gauss–Krüger zones, EPSG:4513–4554, as 国土 and survey offices deliver:
//!   4513–4533 are zones 25–45 whose eastings carry the zone number (zone 37 → 37,500,000 m
//!   at its central meridian 111°E), 4534–4554 the same central meridians 75°E–135°E without
//!   it (500,000 m). Projected with `proj4rs` (a Rust port of PROJ's `tmerc`) on the
//!   CGCS2000 ellipsoid; file coordinates are (easting, northing), as GDAL writes them.
//!
//! Every conversion first checks that the numbers can be in the system named, so metres read
//! as degrees or WGS84 points outside China read as GCJ-02 are refused with the reason
//! ([`Misfit`]) rather than stored somewhere wrong.

use super::crs;
use proj4rs::proj::Proj;
use std::fmt;
use std::str::FromStr;

/// A coordinate system a file may be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileCrs {
    Wgs84,
    Cgcs2000,
    Gcj02,
    Bd09,
    /// A CGCS2000 3° Gauss–Krüger zone: its EPSG code (4513–4554).
    GaussKruger(u16),
}

/// The first and last EPSG codes of the CGCS2000 3° Gauss–Krüger systems.
const GK_FIRST: u16 = 4513;
const GK_LAST: u16 = 4554;
/// The first of those without the zone number in the easting.
const GK_CM_FIRST: u16 = 4534;

/// How far (in degrees of longitude) a point may lie from its zone's central meridian: the
/// zone is 3° wide; survey data overlaps into the next zone by a little, never by 3°.
const GK_REACH_DEG: f64 = 3.0;

/// China with a margin: where the files this service takes can lie.
const CHINA_LNG: std::ops::RangeInclusive<f64> = 70.0..=140.0;
const CHINA_LAT: std::ops::RangeInclusive<f64> = 0.0..=56.0;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown coordinate system {0:?}: give wgs84, cgcs2000, gcj02, bd09, EPSG:4326, EPSG:4490 or a CGCS2000 Gauss–Krüger zone EPSG:4513–EPSG:4554")]
pub struct UnknownCrs(pub String);

/// Why a coordinate cannot be in the system it is said to be in.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("({x}, {y}) {why}")]
pub struct Misfit {
    pub x: f64,
    pub y: f64,
    pub why: String,
}

impl FromStr for FileCrs {
    type Err = UnknownCrs;

    /// Names as a user types them (`gcj02`, `EPSG:4546`, `4546`) and as files declare them
    /// (`urn:ogc:def:crs:EPSG::4490`, `urn:ogc:def:crs:OGC:1.3:CRS84`).
    fn from_str(s: &str) -> Result<FileCrs, UnknownCrs> {
        let t = s.trim().to_ascii_lowercase();
        let named = match t.replace(['-', '_'], "").as_str() {
            "wgs84" | "crs84" => Some(FileCrs::Wgs84),
            "cgcs2000" => Some(FileCrs::Cgcs2000),
            "gcj02" => Some(FileCrs::Gcj02),
            "bd09" => Some(FileCrs::Bd09),
            _ => None,
        };
        if let Some(c) = named {
            return Ok(c);
        }
        if t.ends_with("crs84") {
            return Ok(FileCrs::Wgs84);
        }
        // EPSG:4490, epsg:4490, urn:ogc:def:crs:EPSG::4490, urn:ogc:def:crs:EPSG:9.9:4490, 4490
        let code = if t.starts_with("epsg:") || t.starts_with("urn:ogc:def:crs:epsg:") || {
            t.chars().all(|c| c.is_ascii_digit())
        } {
            t.rsplit(':').next().and_then(|c| c.parse::<u16>().ok())
        } else {
            None
        };
        FileCrs::from_epsg(code.unwrap_or(0)).ok_or_else(|| UnknownCrs(s.to_string()))
    }
}

impl FileCrs {
    /// The system of an EPSG code, when it is one we take.
    pub fn from_epsg(code: u16) -> Option<FileCrs> {
        match code {
            4326 => Some(FileCrs::Wgs84),
            4490 => Some(FileCrs::Cgcs2000),
            GK_FIRST..=GK_LAST => Some(FileCrs::GaussKruger(code)),
            _ => None,
        }
    }

    /// Its EPSG code (GCJ-02 and BD-09 have none).
    pub fn epsg(self) -> Option<u16> {
        match self {
            FileCrs::Wgs84 => Some(4326),
            FileCrs::Cgcs2000 => Some(4490),
            FileCrs::GaussKruger(c) => Some(c),
            FileCrs::Gcj02 | FileCrs::Bd09 => None,
        }
    }

    /// The zone's central meridian (degrees east) and false easting (metres).
    fn zone(code: u16) -> (f64, f64) {
        if code >= GK_CM_FIRST {
            (f64::from(75 + 3 * (code - GK_CM_FIRST)), 500_000.0)
        } else {
            let zone = 25 + code - GK_FIRST;
            (f64::from(3 * zone), f64::from(zone) * 1e6 + 500_000.0)
        }
    }

    /// The PROJ string of a Gauss–Krüger zone, as `projinfo EPSG:<code>` prints it.
    pub fn proj_string(code: u16) -> String {
        let (cm, x0) = FileCrs::zone(code);
        format!(
            "+proj=tmerc +lat_0=0 +lon_0={cm} +k=1 +x_0={x0} +y_0=0 +ellps=GRS80 +units=m +no_defs"
        )
    }

    /// Its name in the EPSG register (for a GeoPackage's SRS table); `None` for WGS84, which
    /// every GeoPackage already has, and for the two offsets, which have no code.
    pub fn srs_name(self) -> Option<String> {
        match self {
            FileCrs::Cgcs2000 => Some("China Geodetic Coordinate System 2000".into()),
            FileCrs::GaussKruger(c) if c >= GK_CM_FIRST => Some(format!(
                "CGCS2000 / 3-degree Gauss-Kruger CM {}E",
                FileCrs::zone(c).0
            )),
            FileCrs::GaussKruger(c) => Some(format!(
                "CGCS2000 / 3-degree Gauss-Kruger zone {}",
                25 + c - GK_FIRST
            )),
            _ => None,
        }
    }

    /// Its definition as OGC WKT 1 (as a GeoPackage stores it), when [`Self::srs_name`] has one.
    pub fn wkt(self) -> Option<String> {
        let geog = r#"GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]]"#;
        match self {
            FileCrs::Cgcs2000 => Some(geog.to_string()),
            FileCrs::GaussKruger(c) => {
                let (cm, x0) = FileCrs::zone(c);
                Some(format!(
                    r#"PROJCS["{}",{geog},PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",{cm}],PARAMETER["scale_factor",1],PARAMETER["false_easting",{x0}],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Northing",NORTH],AXIS["Easting",EAST],AUTHORITY["EPSG","{c}"]]"#,
                    self.srs_name()?
                ))
            }
            _ => None,
        }
    }

    /// The projection of a zone and CGCS2000 longitude/latitude on the same ellipsoid.
    fn projections(code: u16) -> Result<(Proj, Proj), String> {
        let zone =
            Proj::from_proj_string(&FileCrs::proj_string(code)).map_err(|e| e.to_string())?;
        let geo = Proj::from_proj_string("+proj=longlat +ellps=GRS80 +no_defs")
            .map_err(|e| e.to_string())?;
        Ok((zone, geo))
    }

    /// A file coordinate (x, y) as WGS84 longitude/latitude, or why it cannot be in `self`.
    pub fn to_wgs84(self, x: f64, y: f64) -> Result<(f64, f64), Misfit> {
        let misfit = |why: String| Misfit { x, y, why };
        if !x.is_finite() || !y.is_finite() {
            return Err(misfit("is not a pair of finite numbers".into()));
        }
        match self {
            FileCrs::Wgs84 | FileCrs::Cgcs2000 | FileCrs::Gcj02 | FileCrs::Bd09 => {
                if x.abs() > 180.0 || y.abs() > 90.0 {
                    return Err(misfit(format!(
                        "is no longitude/latitude for {self}: metres read as degrees? (projected files need --crs EPSG:45xx)"
                    )));
                }
                match self {
                    FileCrs::Gcj02 | FileCrs::Bd09 if crs::outside_china(x, y) => Err(misfit(
                        format!("lies outside China, where {self} is not used: is the file WGS84?"),
                    )),
                    FileCrs::Gcj02 => Ok(crs::gcj02_to_wgs84(x, y)),
                    FileCrs::Bd09 => {
                        let (gx, gy) = crs::bd09_to_gcj02(x, y);
                        Ok(crs::gcj02_to_wgs84(gx, gy))
                    }
                    _ => Ok((x, y)),
                }
            }
            FileCrs::GaussKruger(code) => {
                let (cm, x0) = FileCrs::zone(code);
                if (x - x0).abs() > 1_000_000.0 || !(0.0..=10_000_000.0).contains(&y) {
                    return Err(misfit(format!(
                        "is not an easting/northing of {self} (central meridian {cm}°E, false easting {x0} m): degrees read as metres, or another zone?"
                    )));
                }
                let (zone, geo) = FileCrs::projections(code).map_err(misfit)?;
                let mut p = (x, y, 0.0);
                proj4rs::transform::transform(&zone, &geo, &mut p)
                    .map_err(|e| misfit(format!("cannot be projected back: {e}")))?;
                let (lng, lat) = (p.0.to_degrees(), p.1.to_degrees());
                if (lng - cm).abs() > GK_REACH_DEG
                    || !CHINA_LNG.contains(&lng)
                    || !CHINA_LAT.contains(&lat)
                {
                    return Err(misfit(format!(
                        "falls at {lng:.4}°E {lat:.4}°N, outside {self}'s zone around {cm}°E in China"
                    )));
                }
                Ok((lng, lat))
            }
        }
    }

    /// A WGS84 longitude/latitude in `self` (for export).
    pub fn from_wgs84(self, lng: f64, lat: f64) -> Result<(f64, f64), Misfit> {
        match self {
            FileCrs::Wgs84 | FileCrs::Cgcs2000 => Ok((lng, lat)),
            FileCrs::Gcj02 => Ok(crs::wgs84_to_gcj02(lng, lat)),
            FileCrs::Bd09 => Ok(crs::wgs84_to_bd09(lng, lat)),
            FileCrs::GaussKruger(code) => {
                let misfit = |why: String| Misfit {
                    x: lng,
                    y: lat,
                    why,
                };
                let (zone, geo) = FileCrs::projections(code).map_err(misfit)?;
                let mut p = (lng.to_radians(), lat.to_radians(), 0.0);
                proj4rs::transform::transform(&geo, &zone, &mut p)
                    .map_err(|e| misfit(format!("cannot be projected: {e}")))?;
                Ok((p.0, p.1))
            }
        }
    }
}

impl fmt::Display for FileCrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileCrs::Wgs84 => f.write_str("WGS84"),
            FileCrs::Cgcs2000 => f.write_str("CGCS2000"),
            FileCrs::Gcj02 => f.write_str("GCJ-02"),
            FileCrs::Bd09 => f.write_str("BD-09"),
            FileCrs::GaussKruger(c) => write!(f, "EPSG:{c}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_users_type_and_names_files_declare_are_understood() {
        for (s, want) in [
            ("wgs84", FileCrs::Wgs84),
            ("WGS-84", FileCrs::Wgs84),
            ("urn:ogc:def:crs:OGC:1.3:CRS84", FileCrs::Wgs84),
            ("EPSG:4326", FileCrs::Wgs84),
            ("cgcs2000", FileCrs::Cgcs2000),
            ("urn:ogc:def:crs:EPSG::4490", FileCrs::Cgcs2000),
            ("gcj02", FileCrs::Gcj02),
            ("BD09", FileCrs::Bd09),
            ("EPSG:4513", FileCrs::GaussKruger(4513)),
            ("epsg:4554", FileCrs::GaussKruger(4554)),
            ("4546", FileCrs::GaussKruger(4546)),
        ] {
            assert_eq!(s.parse::<FileCrs>(), Ok(want), "{s}");
        }
        for bad in ["EPSG:4555", "EPSG:3857", "mars", "", "EPSG:"] {
            let e = bad.parse::<FileCrs>().unwrap_err();
            assert!(e.to_string().contains("EPSG:4513–EPSG:4554"), "{e}");
        }
    }

    #[test]
    fn zone_numbers_and_central_meridians_follow_the_epsg_table() {
        // 4513 is zone 25 at 75°E; 4525 zone 37 at 111°E; 4533 zone 45 at 135°E.
        assert_eq!(FileCrs::zone(4513), (75.0, 25_500_000.0));
        assert_eq!(FileCrs::zone(4525), (111.0, 37_500_000.0));
        assert_eq!(FileCrs::zone(4533), (135.0, 45_500_000.0));
        assert_eq!(FileCrs::zone(4534), (75.0, 500_000.0));
        assert_eq!(FileCrs::zone(4546), (111.0, 500_000.0));
        assert_eq!(FileCrs::zone(4554), (135.0, 500_000.0));
    }

    #[test]
    fn a_gauss_kruger_point_goes_to_degrees_and_back_within_a_millimetre() {
        for code in [4525, 4546] {
            let crs = FileCrs::GaussKruger(code);
            let (x, y) = crs.from_wgs84(110.44, 35.47).unwrap();
            let (lng, lat) = crs.to_wgs84(x, y).unwrap();
            let (x2, y2) = crs.from_wgs84(lng, lat).unwrap();
            assert!((x - x2).abs() < 1e-3 && (y - y2).abs() < 1e-3, "{code}");
        }
    }

    #[test]
    fn metres_read_as_degrees_and_degrees_read_as_metres_are_refused_with_the_reason() {
        let e = FileCrs::Wgs84
            .to_wgs84(449_172.39, 3_926_881.14)
            .unwrap_err();
        assert!(e.why.contains("metres read as degrees"), "{e}");
        let e = FileCrs::GaussKruger(4525)
            .to_wgs84(110.44, 35.47)
            .unwrap_err();
        assert!(e.why.contains("degrees read as metres"), "{e}");
        // The zone-number form given to the central-meridian system: 37 million metres east.
        let e = FileCrs::GaussKruger(4546)
            .to_wgs84(37_449_172.39, 3_926_881.14)
            .unwrap_err();
        assert!(e.why.contains("another zone"), "{e}");
    }

    #[test]
    fn a_wgs84_point_outside_china_read_as_gcj02_is_refused() {
        let e = FileCrs::Gcj02.to_wgs84(2.35, 48.85).unwrap_err();
        assert!(e.to_string().contains("outside China"), "{e}");
        assert!(FileCrs::Bd09.to_wgs84(-74.0, 40.7).is_err());
        let (lng, lat) = FileCrs::Gcj02.to_wgs84(110.44, 35.47).unwrap();
        assert!(
            (lng - 110.44).abs() > 1e-4 && (lat - 35.47).abs() > 1e-4,
            "the offset is removed"
        );
    }
}
