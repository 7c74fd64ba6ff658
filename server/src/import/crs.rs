//! Which coordinate system a file's features are in, and bringing them to WGS84 before they
//! are read: `--crs` when given (it overrides what the file says, as `ogr2ogr -s_srs`
//! does), else the file's own declaration (a GeoJSON `crs` member, or the SRS a GeoPackage
//! table names, carried over as one), else WGS84 as RFC 7946 says.
//!
//! A feature whose coordinates cannot be in that system is reported with the reason and
//! left out, so the import stops with nothing written.

use super::Problem;
use crate::spatial::file_crs::{FileCrs, Misfit};
use geojson::{Feature, FeatureCollection, GeometryValue, JsonValue, Position};

/// The system a FeatureCollection declares in its (pre-RFC 7946) `crs` member, as written:
/// `{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4546"}}` or
/// `{"type":"EPSG","properties":{"code":4546}}`.
fn declared(fc: &FeatureCollection) -> Option<String> {
    let crs = fc.foreign_members.as_ref()?.get("crs")?;
    let props = crs.get("properties")?;
    match props.get("name").or_else(|| props.get("code"))? {
        JsonValue::String(s) => Some(s.clone()),
        JsonValue::Number(n) => Some(format!("EPSG:{n}")),
        _ => None,
    }
}

/// The `crs` member that declares `crs` (what the GeoPackage reader adds to its tables).
pub fn member(crs: &str) -> JsonValue {
    serde_json::json!({ "type": "name", "properties": { "name": crs } })
}

fn each_position(
    v: &mut GeometryValue,
    f: &mut impl FnMut(&mut Position) -> Result<(), Misfit>,
) -> Result<(), Misfit> {
    use GeometryValue as G;
    match v {
        G::Point { coordinates } => f(coordinates),
        G::MultiPoint { coordinates } | G::LineString { coordinates } => {
            coordinates.iter_mut().try_for_each(f)
        }
        G::MultiLineString { coordinates } | G::Polygon { coordinates } => coordinates
            .iter_mut()
            .try_for_each(|l| l.iter_mut().try_for_each(&mut *f)),
        G::MultiPolygon { coordinates } => coordinates.iter_mut().try_for_each(|p| {
            p.iter_mut()
                .try_for_each(|l| l.iter_mut().try_for_each(&mut *f))
        }),
        G::GeometryCollection { geometries } => geometries
            .iter_mut()
            .try_for_each(|g| each_position(&mut g.value, f)),
    }
}

/// Brings every feature of `fc` to WGS84 from `forced`, or what the file declares. Features
/// that cannot be in that system are reported (labelled by `key`) and removed.
pub fn to_wgs84(
    file: &str,
    fc: &mut FeatureCollection,
    forced: Option<FileCrs>,
    key: &str,
    problems: &mut Vec<Problem>,
) {
    let (crs, source) = match (forced, declared(fc)) {
        (Some(c), _) => (c, "--crs"),
        (None, None) => (FileCrs::Wgs84, "no crs given: RFC 7946's WGS84"),
        (None, Some(name)) => match name.parse::<FileCrs>() {
            Ok(c) => (c, "the file's crs"),
            Err(e) => {
                problems.push(Problem::error(
                    file,
                    "file".into(),
                    "bad_crs".into(),
                    format!("the file declares {name:?}: {e}; or give --crs to read it as another"),
                ));
                fc.features.clear();
                return;
            }
        },
    };
    let features = std::mem::take(&mut fc.features);
    for (i, mut feat) in features.into_iter().enumerate() {
        let converted = match feat.geometry.as_mut() {
            Some(g) => each_position(&mut g.value, &mut |p: &mut Position| {
                if p.len() < 2 {
                    return Ok(()); // the geometry reader names short positions
                }
                let (x, y) = crs.to_wgs84(p[0], p[1])?;
                p[0] = x;
                p[1] = y;
                Ok(())
            }),
            None => Ok(()),
        };
        match converted {
            Ok(()) => fc.features.push(feat),
            Err(m) => problems.push(misfit(file, i, &feat, key, (crs, source), m)),
        }
    }
}

fn misfit(
    file: &str,
    i: usize,
    feat: &Feature,
    key: &str,
    (crs, source): (FileCrs, &str),
    m: Misfit,
) -> Problem {
    let label = feat
        .property(key)
        .and_then(|v| {
            v.as_str()
                .map(str::to_string)
                .or_else(|| Some(v.to_string()))
        })
        .map_or_else(|| format!("feature {i}"), |k| format!("feature {i} ({k})"));
    // Read as longitude/latitude the position itself is wrong; read as anything else it is
    // the system that does not fit.
    let geographic = matches!(crs, FileCrs::Wgs84 | FileCrs::Cgcs2000);
    let mut p = Problem::error(
        file,
        label,
        if geographic {
            "bad_coordinate"
        } else {
            "bad_crs"
        }
        .into(),
        format!("coordinates read as {crs} ({source}): {m}"),
    );
    p.at = geographic.then_some((m.x, m.y));
    p
}
