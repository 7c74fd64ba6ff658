//! `gridd import --repair`: a compound or building footprint the strict reader refuses is
//! given to [`crate::spatial::repair::make_valid`]; when that yields a footprint the strict
//! reader accepts, it is used and each repair is noted (kind, feature, place) for the
//! import's report. Grids are never repaired: a grid map is drawn on purpose, and a broken
//! one stops the import.

use super::features::Ctx;
use super::Problem;
use crate::domain::geometry::{multipolygon_from_geojson, GeometryError};
use crate::domain::validate::Severity;
use crate::spatial::repair::{make_valid, RawRing};
use geojson::{Feature, GeometryValue, Position};

/// The rings of a Polygon or MultiPolygon as raw positions, or `None` when it is neither or
/// a position is not two finite numbers (nothing to repair from).
fn raw_parts(feat: &Feature) -> Option<Vec<Vec<RawRing>>> {
    let ring = |r: &Vec<Position>| -> Option<RawRing> {
        r.iter()
            .map(|p| match p.as_slice() {
                [x, y, ..] if x.is_finite() && y.is_finite() => Some((*x, *y)),
                _ => None,
            })
            .collect()
    };
    let part = |p: &Vec<Vec<Position>>| p.iter().map(ring).collect::<Option<Vec<_>>>();
    match &feat.geometry.as_ref()?.value {
        GeometryValue::Polygon { coordinates } => Some(vec![part(coordinates)?]),
        GeometryValue::MultiPolygon { coordinates } => coordinates.iter().map(part).collect(),
        _ => None,
    }
}

/// The repaired footprint of a feature the strict reader refused with `e`, or the refusal
/// (with why it could not be repaired) as the feature's problem.
pub(super) fn repaired(
    ctx: &mut Ctx,
    feat: &Feature,
    e: GeometryError,
) -> Option<geo::MultiPolygon> {
    let Some(parts) = raw_parts(feat) else {
        return ctx.geometry(Err(e));
    };
    let outcome = make_valid(&parts)
        .map_err(|u| u.to_string())
        .and_then(|(mp, done)| {
            let value = GeometryValue::from(&mp);
            multipolygon_from_geojson(Some(&geojson::Geometry::new(value)))
                .map(|checked| (checked, done))
                .map_err(|e| format!("the repair is still invalid: {e}"))
        });
    match outcome {
        Ok((footprint, done)) => {
            for r in done {
                ctx.rd.repairs.push(Problem {
                    file: ctx.file.to_string(),
                    feature: ctx.label.clone(),
                    kind: r.kind.as_str().to_string(),
                    severity: Severity::Warning,
                    at: Some(r.at),
                    message: format!("repaired part {} ring {} (was: {e})", r.part, r.ring),
                });
            }
            Some(footprint)
        }
        Err(why) => {
            let at = e.at().map(|a| (a.0, a.1));
            ctx.fail(e.kind().to_string(), format!("geometry: {e}; {why}"))
                .at = at;
            None
        }
    }
}
