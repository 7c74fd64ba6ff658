//! One reported incident as it arrives (a JSON object, an NDJSON line or a CSV row), checked
//! field by field and turned into a [`NewIncident`] with its WGS84 point and its grids.
//!
//! Fields: `lng`, `lat` (required), `crs` (`wgs84` default, `cgcs2000`, `gcj02`, `bd09`),
//! `category` (required, code or Chinese name), `description`, `reported_at` (RFC 3339,
//! default now, at most a day ahead), `channel` (default `other`), `status` (default
//! `reported`), `reporter_name` and `reporter_phone` (optional; personal data, masked for most
//! roles), `order_no` (a 12345 hotline report's order number). Unknown fields are refused,
//! so a typo is not silently dropped.

use crate::domain::incident::check_description;
use crate::domain::reporter::{check_name, check_order_no, check_phone, Reporter};
use crate::domain::{Category, Channel, CoordError, Crs, IncidentStatus, NewIncident, RawCoord};
use crate::engine::Engine;
use crate::spatial::crs;
use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// The fields a report may carry, in CSV column order.
pub const FIELDS: [&str; 11] = [
    "lng",
    "lat",
    "crs",
    "category",
    "description",
    "reported_at",
    "channel",
    "status",
    "reporter_name",
    "reporter_phone",
    "order_no",
];

/// What is wrong with a report, naming the field.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportError {
    pub field: Cow<'static, str>,
    pub message: String,
    /// What is wrong as a message code (`intake.required`, …) for the frontend to translate;
    /// the figures it needs are in `params`.
    pub code: &'static str,
    pub params: serde_json::Map<String, Value>,
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn err(field: &'static str, message: impl Into<String>) -> ReportError {
    ReportError {
        field: Cow::Borrowed(field),
        message: message.into(),
        ..ReportError::blank()
    }
}

impl ReportError {
    /// An error with no field or message yet (message code `intake.invalid`), to complete
    /// with struct update syntax.
    pub fn blank() -> ReportError {
        ReportError {
            field: Cow::Borrowed(""),
            message: String::new(),
            code: "intake.invalid",
            params: serde_json::Map::new(),
        }
    }

    /// Names what is wrong as a message code with its figures.
    fn coded(mut self, code: &'static str, params: &[(&str, Value)]) -> ReportError {
        self.code = code;
        self.params = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        self
    }
}

/// A field's value before it is checked.
#[derive(Debug, Clone)]
pub enum Raw<'a> {
    Number(f64),
    Text(Cow<'a, str>),
}

/// A report's fields, by position in [`FIELDS`].
#[derive(Debug, Default, Clone)]
pub struct RawReport<'a> {
    values: [Option<Raw<'a>>; 11],
}

impl<'a> RawReport<'a> {
    /// From a JSON object: numbers and strings; `null` is absent.
    pub fn from_json(v: &'a Value) -> Result<RawReport<'a>, ReportError> {
        let Value::Object(map) = v else {
            return Err(err(
                "body",
                "expected a JSON object with lng, lat, category …",
            ));
        };
        let mut r = RawReport::default();
        for (k, v) in map {
            let Some(i) = FIELDS.iter().position(|f| f == k) else {
                return Err(ReportError {
                    field: Cow::Owned(k.clone()),
                    message: format!("unknown field; expected one of {}", FIELDS.join(", ")),
                    code: "intake.unknown_field",
                    ..ReportError::blank()
                });
            };
            r.values[i] = match v {
                Value::Null => None,
                Value::Number(n) => Some(Raw::Number(n.as_f64().unwrap_or(f64::NAN))),
                Value::String(s) => Some(Raw::Text(Cow::Borrowed(s.as_str()))),
                other => {
                    return Err(ReportError {
                        field: Cow::Owned(k.clone()),
                        message: format!("expected a number or a string, got {other}"),
                        code: "intake.wrong_type",
                        ..ReportError::blank()
                    })
                }
            };
        }
        Ok(r)
    }

    /// From CSV cells under `columns` (positions in [`FIELDS`]); empty cells are absent.
    pub fn from_cells(columns: &[usize], cells: impl Iterator<Item = &'a str>) -> RawReport<'a> {
        let mut r = RawReport::default();
        for (&i, cell) in columns.iter().zip(cells) {
            let cell = cell.trim();
            if !cell.is_empty() {
                r.values[i] = Some(Raw::Text(Cow::Borrowed(cell)));
            }
        }
        r
    }

    fn get(&self, field: &str) -> Option<&Raw<'a>> {
        let i = FIELDS.iter().position(|f| *f == field)?;
        self.values[i].as_ref()
    }

    fn number(&self, field: &'static str) -> Result<f64, ReportError> {
        match self.get(field) {
            None => Err(err(field, "is required").coded("intake.required", &[])),
            Some(Raw::Number(n)) => Ok(*n),
            Some(Raw::Text(t)) => t.parse::<f64>().map_err(|_| {
                err(field, format!("{t:?} is not a number"))
                    .coded("intake.not_a_number", &[("value", Value::from(t.as_ref()))])
            }),
        }
    }

    fn text(&self, field: &'static str) -> Result<Option<Cow<'_, str>>, ReportError> {
        match self.get(field) {
            None => Ok(None),
            Some(Raw::Text(t)) => Ok(Some(Cow::Borrowed(t.as_ref()))),
            Some(Raw::Number(_)) => Err(err(field, "expected a string")),
        }
    }

    /// The raw coordinate, refusing NaN, out-of-range and (in China) swapped values.
    pub fn coordinate(&self) -> Result<RawCoord, ReportError> {
        let lng = self.number("lng")?;
        let lat = self.number("lat")?;
        let crs = match self.text("crs")? {
            None => Crs::Wgs84,
            Some(c) => c.parse::<Crs>().map_err(|e| err("crs", e.to_string()))?,
        };
        // The Chinese offsets exist only over China; elsewhere such a position is a mistake.
        if matches!(crs, Crs::Gcj02 | Crs::Bd09)
            && lng.is_finite()
            && lat.is_finite()
            && crs::outside_china(lng, lat)
        {
            return Err(outside_china(
                lng,
                lat,
                format!("({lng}, {lat}) is outside China, where {crs} positions do not exist"),
            ));
        }
        RawCoord::new(lng, lat, crs).map_err(|e| match e {
            CoordError::LatOutOfRange(v) if lng.abs() <= 90.0 && v.abs() <= 180.0 => err(
                "lat",
                format!("{v} is outside -90..90; are lng and lat swapped? (lng={lng}, lat={v})"),
            )
            .coded(
                "intake.swapped",
                &[("lng", Value::from(lng)), ("lat", Value::from(v))],
            ),
            CoordError::LngNotFinite(_) | CoordError::LngOutOfRange(_) => err("lng", e.to_string())
                .coded(
                    "intake.out_of_range",
                    &[("min", (-180).into()), ("max", 180.into())],
                ),
            _ => err("lat", e.to_string()).coded(
                "intake.out_of_range",
                &[("min", (-90).into()), ("max", 90.into())],
            ),
        })
    }

    /// Checks every field and assigns the report to its grids, compound and building.
    pub fn into_incident(
        self,
        engine: &Engine,
        now: DateTime<Utc>,
    ) -> Result<NewIncident, ReportError> {
        let raw = self.coordinate()?;
        let category = match self.text("category")? {
            None => {
                return Err(
                    err("category", "is required (e.g. e_street_order or 街面秩序)")
                        .coded("intake.required", &[]),
                )
            }
            Some(c) => c.parse::<Category>().map_err(|e| {
                err("category", e.to_string()).coded(
                    "intake.unknown_value",
                    &[("value", Value::from(c.as_ref()))],
                )
            })?,
        };
        let description = check_description(self.text("description")?.as_deref().unwrap_or(""))
            .map_err(|e| err("description", e.to_string()))?;
        let reported_at = match self.text("reported_at")? {
            None => now,
            Some(t) => DateTime::parse_from_rfc3339(&t)
                .map_err(|e| {
                    err(
                        "reported_at",
                        format!("{t:?} is not an RFC 3339 time ({e})"),
                    )
                })?
                .with_timezone(&Utc),
        };
        // Both stores keep milliseconds; the answer shows what was stored.
        let reported_at = reported_at.trunc_subsecs(3);
        if reported_at > now + Duration::days(1) {
            return Err(
                err("reported_at", format!("{reported_at} is in the future"))
                    .coded("intake.future_time", &[]),
            );
        }
        let channel = match self.text("channel")? {
            None => Channel::Other,
            Some(c) => c
                .parse::<Channel>()
                .map_err(|e| err("channel", e.to_string()))?,
        };
        let status = match self.text("status")? {
            None => IncidentStatus::Reported,
            Some(s) => s
                .parse::<IncidentStatus>()
                .map_err(|e| err("status", e.to_string()))?,
        };
        let reporter = Reporter {
            by: None,
            source: None,
            name: check_name(self.text("reporter_name")?.as_deref().unwrap_or(""))
                .map_err(|e| err("reporter_name", e.to_string()))?,
            phone: check_phone(self.text("reporter_phone")?.as_deref().unwrap_or(""))
                .map_err(|e| err("reporter_phone", e.to_string()))?,
            order_no: check_order_no(self.text("order_no")?.as_deref().unwrap_or(""))
                .map_err(|e| err("order_no", e.to_string()))?,
        };
        if reporter.order_no.is_some() && channel != Channel::Hotline {
            return Err(err(
                "order_no",
                "only a 12345 hotline report (channel hotline_12345) carries an order number",
            ));
        }
        let location = crs::to_wgs84(raw).map_err(|e| err("lng", e.to_string()))?;
        // A report far from any Chinese city is a default position (0, 0) or a mistake.
        if crs::outside_china(location.lng(), location.lat()) {
            let (lng, lat) = (location.lng(), location.lat());
            return Err(outside_china(
                lng,
                lat,
                format!("({lng}, {lat}) lies outside China (72.0–137.8° E, 0.8–55.8° N); reports are taken in China only"),
            ));
        }
        let a = engine.assign(location);
        Ok(NewIncident {
            raw,
            location,
            category,
            description,
            channel,
            reported_at,
            status,
            grids: a.grids,
            compound: a.compound,
            building: a.building,
            reporter,
        })
    }
}

/// A report refused for lying outside China (`intake.outside_china`, with the position).
fn outside_china(lng: f64, lat: f64, message: String) -> ReportError {
    err("lng", message).coded(
        "intake.outside_china",
        &[("lng", Value::from(lng)), ("lat", Value::from(lat))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str) -> Result<NewIncident, ReportError> {
        let v: Value = serde_json::from_str(json).unwrap();
        RawReport::from_json(&v)?.into_incident(&Engine::empty(), Utc::now())
    }

    #[test]
    fn a_minimal_report_gets_defaults_and_keeps_its_raw_coordinate() {
        let n = check(r#"{"lng":110.44,"lat":35.47,"category":"e_street_order"}"#).unwrap();
        assert_eq!(n.raw.crs, Crs::Wgs84);
        assert_eq!((n.location.lng(), n.location.lat()), (110.44, 35.47));
        assert_eq!(n.channel, Channel::Other);
        assert_eq!(n.status, IncidentStatus::Reported);
        assert_eq!(
            n.grids.finest(),
            None,
            "no grids in an empty engine: not an error"
        );
    }

    #[test]
    fn a_gcj02_report_keeps_the_raw_value_and_stores_the_wgs84_point() {
        let n = check(r#"{"lng":"110.4461","lat":"35.4693","crs":"GCJ-02","category":"公用设施"}"#)
            .unwrap();
        assert_eq!(
            (n.raw.lng, n.raw.lat, n.raw.crs),
            (110.4461, 35.4693, Crs::Gcj02)
        );
        assert!((n.location.lng() - 110.4461).abs() > 1e-4, "converted");
        assert_eq!(n.category, Category::PublicFacilities);
    }

    #[test]
    fn bad_fields_are_named() {
        let field = |j: &str| check(j).unwrap_err().field.into_owned();
        assert_eq!(field(r#"{"lat":35.4,"category":"e_other_events"}"#), "lng");
        assert_eq!(
            field(r#"{"lng":"NaN","lat":35.4,"category":"e_other_events"}"#),
            "lng"
        );
        assert_eq!(
            field(r#"{"lng":181,"lat":35.4,"category":"e_other_events"}"#),
            "lng"
        );
        assert_eq!(field(r#"{"lng":110.4,"lat":35.4}"#), "category");
        assert_eq!(
            field(r#"{"lng":110.4,"lat":35.4,"category":"pothole"}"#),
            "category"
        );
        assert_eq!(
            field(r#"{"lng":110.4,"lat":35.4,"crs":"utm","category":"e_emergency"}"#),
            "crs"
        );
        assert_eq!(
            field(r#"{"lng":110.4,"lat":35.4,"category":"e_emergency","colour":"red"}"#),
            "colour"
        );
        assert_eq!(
            field(r#"{"lng":110.4,"lat":35.4,"category":"e_emergency","reported_at":"yesterday"}"#),
            "reported_at"
        );
        assert_eq!(
            field(
                r#"{"lng":110.4,"lat":35.4,"category":"e_emergency","reported_at":"2999-01-01T00:00:00Z"}"#
            ),
            "reported_at"
        );
    }

    #[test]
    fn swapped_coordinates_are_refused_with_a_hint() {
        let e = check(r#"{"lng":35.47,"lat":110.44,"category":"e_emergency"}"#).unwrap_err();
        assert_eq!(e.field, "lat");
        assert!(e.message.contains("swapped"), "{e}");
    }

    #[test]
    fn csv_cells_map_by_header_position() {
        let columns = [3usize, 0, 1];
        let r = RawReport::from_cells(&columns, ["c_greenery", "110.44", "35.47"].into_iter());
        let n = r.into_incident(&Engine::empty(), Utc::now()).unwrap();
        assert_eq!(n.category, Category::Greenery);
        assert_eq!(n.raw.lat, 35.47);
    }
}
