//! Incidents (事件/问题) and the closed loop they move through.
//!
//! Categories follow the urban-management standard's two families, 部件 (components: public
//! facilities …) and 事件 (events: environment, advertising …), each with a handling time
//! limit. An incident keeps the coordinate as reported (with its CRS), its WGS84 point, and
//! the grids of all three levels it fell in when it was reported.

use super::code::GridCode;
use super::coord::{RawCoord, Wgs84Point};
use super::model::{named_enum, FeatureId, FieldError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

named_enum!(
    /// Incident category: the major classes of 部件 (`c_…`) and 事件 (`e_…`).
    Category, "category", {
    PublicFacilities => "c_public_facilities" / "公用设施",
    TrafficFacilities => "c_traffic_facilities" / "道路交通设施",
    AppearanceFacilities => "c_appearance_facilities" / "市容环境设施",
    Greenery => "c_greenery" / "园林绿化设施",
    HousingLand => "c_housing_land" / "房屋土地",
    OtherFacilities => "c_other_facilities" / "其他设施",
    Environment => "e_environment" / "市容环境",
    Advertising => "e_advertising" / "宣传广告",
    Construction => "e_construction" / "施工管理",
    StreetOrder => "e_street_order" / "街面秩序",
    Emergency => "e_emergency" / "突发事件",
    OtherEvents => "e_other_events" / "其他事件",
});

impl Category {
    /// 部件 (a component is broken or missing) rather than 事件 (something happened).
    pub fn is_component(self) -> bool {
        self.as_str().starts_with("c_")
    }

    /// Working hours allowed from dispatch to handled: emergencies the same day, the rest
    /// three working days (seeds: 紧急当天, 一般 3 个工作日).
    pub fn time_limit_hours(self) -> u32 {
        match self {
            Category::Emergency => 8,
            _ => 24,
        }
    }
}

named_enum!(
    /// How an incident reached us.
    Channel, "channel", {
    Patrol => "patrol" / "网格员巡查",
    Hotline => "hotline_12345" / "12345热线",
    ResidentApp => "resident_app" / "居民小程序",
    Snapshot => "snapshot" / "随手拍",
    Other => "other" / "其他",
});

named_enum!(
    /// The seven steps of the national closed loop.
    IncidentStatus, "status", {
    Reported => "reported" / "信息收集",
    Registered => "registered" / "立案",
    Dispatched => "dispatched" / "派遣",
    Handling => "handling" / "处理",
    Responded => "responded" / "处理反馈",
    Closed => "closed" / "核查结案",
    Evaluated => "evaluated" / "综合评价",
});

impl IncidentStatus {
    /// Still needs work: not yet verified and closed.
    pub fn is_open(self) -> bool {
        !matches!(self, IncidentStatus::Closed | IncidentStatus::Evaluated)
    }
}

/// Statuses a list or a map is filtered by: one status (`dispatched`), a comma list
/// (`reported,registered`), or `open` for every status before 核查结案. Never empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StatusSet(u8);

impl StatusSet {
    /// Every status that still needs work.
    pub fn open() -> StatusSet {
        IncidentStatus::ALL
            .iter()
            .filter(|s| s.is_open())
            .fold(StatusSet(0), |set, s| set.with(*s))
    }
    fn bit(s: IncidentStatus) -> u8 {
        let i = IncidentStatus::ALL
            .iter()
            .position(|x| *x == s)
            .unwrap_or(0);
        1 << i
    }
    fn with(self, s: IncidentStatus) -> StatusSet {
        StatusSet(self.0 | Self::bit(s))
    }
    pub fn contains(self, s: IncidentStatus) -> bool {
        self.0 & Self::bit(s) != 0
    }
    /// The statuses in the set, in closed-loop order.
    pub fn iter(self) -> impl Iterator<Item = IncidentStatus> {
        IncidentStatus::ALL
            .iter()
            .copied()
            .filter(move |s| self.contains(*s))
    }
}

impl From<IncidentStatus> for StatusSet {
    fn from(s: IncidentStatus) -> StatusSet {
        StatusSet(0).with(s)
    }
}

impl FromStr for StatusSet {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<StatusSet, FieldError> {
        let mut set = StatusSet(0);
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            set = if part == "open" {
                StatusSet(set.0 | StatusSet::open().0)
            } else {
                set.with(part.parse()?)
            };
        }
        if set.0 == 0 {
            return Err(FieldError::NotOneOf {
                field: "status",
                value: s.to_string(),
                allowed: "open or a comma list of statuses",
            });
        }
        Ok(set)
    }
}

impl fmt::Display for StatusSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(IncidentStatus::as_str).collect();
        f.write_str(&names.join(","))
    }
}

/// The grids an incident fell in, one per level; empty outside every grid.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridPath {
    pub level1: Option<GridCode>,
    pub level2: Option<GridCode>,
    pub level3: Option<GridCode>,
}

impl GridPath {
    /// The path down to (and including) `code`.
    pub fn from_code(code: &GridCode) -> GridPath {
        use super::code::Level;
        GridPath {
            level1: code.at_level(Level::One),
            level2: code.at_level(Level::Two),
            level3: code.at_level(Level::Three),
        }
    }
    /// The grid of `level` on the path.
    pub fn at(&self, level: super::Level) -> Option<&GridCode> {
        match level {
            super::Level::One => self.level1.as_ref(),
            super::Level::Two => self.level2.as_ref(),
            super::Level::Three => self.level3.as_ref(),
        }
    }

    pub fn finest(&self) -> Option<&GridCode> {
        self.level3
            .as_ref()
            .or(self.level2.as_ref())
            .or(self.level1.as_ref())
    }
}

/// An incident as accepted, before the store gives it an id.
#[derive(Clone, Debug, PartialEq)]
pub struct NewIncident {
    pub raw: RawCoord,
    pub location: Wgs84Point,
    pub category: Category,
    pub description: String,
    pub channel: Channel,
    pub reported_at: DateTime<Utc>,
    pub status: IncidentStatus,
    /// Grids at report time; they never move when boundaries are redrawn.
    pub grids: GridPath,
    pub compound: Option<FeatureId>,
    pub building: Option<FeatureId>,
    /// Who posted it, and the person's name and phone when given.
    pub reporter: super::reporter::Reporter,
}

/// A stored incident.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub id: i64,
    pub incident: NewIncident,
}

/// Incident counts by status, as shown on a grid's detail.
pub type StatusCounts = std::collections::BTreeMap<IncidentStatus, u64>;

/// Description lengths are bounded so one report can't fill the store; 4,000 characters is
/// what Open311 GeoReport v2 allows a request's description.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;

/// Checks a free-text description: not longer than [`MAX_DESCRIPTION_CHARS`].
pub fn check_description(s: &str) -> Result<String, FieldError> {
    let n = s.chars().count();
    if n > MAX_DESCRIPTION_CHARS {
        return Err(FieldError::TooLong {
            field: "description",
            got: n,
            max: MAX_DESCRIPTION_CHARS,
        });
    }
    Ok(s.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_parse_from_code_or_chinese_name() {
        assert_eq!(
            "e_emergency".parse::<Category>().unwrap(),
            Category::Emergency
        );
        assert_eq!(
            "公用设施".parse::<Category>().unwrap(),
            Category::PublicFacilities
        );
        assert!(Category::PublicFacilities.is_component());
        assert!(!Category::Advertising.is_component());
        let err = "pothole".parse::<Category>().unwrap_err();
        assert!(err.to_string().starts_with("category \"pothole\""), "{err}");
    }

    #[test]
    fn closed_and_evaluated_incidents_are_not_open() {
        assert!(IncidentStatus::Dispatched.is_open());
        assert!(!IncidentStatus::Closed.is_open());
        assert!(!IncidentStatus::Evaluated.is_open());
    }

    #[test]
    fn a_status_filter_reads_open_a_list_or_one_status_and_refuses_nothing() {
        let open: StatusSet = "open".parse().unwrap();
        assert!(
            open.contains(IncidentStatus::Reported) && open.contains(IncidentStatus::Responded)
        );
        assert!(
            !open.contains(IncidentStatus::Closed) && !open.contains(IncidentStatus::Evaluated)
        );
        let two: StatusSet = "closed, evaluated".parse().unwrap();
        assert_eq!(two.to_string(), "closed,evaluated");
        assert_eq!(
            "派遣".parse::<StatusSet>().unwrap(),
            IncidentStatus::Dispatched.into()
        );
        assert!(",".parse::<StatusSet>().is_err());
        let err = "open,lost".parse::<StatusSet>().unwrap_err();
        assert!(err.to_string().contains("\"lost\""), "{err}");
    }

    #[test]
    fn a_grid_path_is_derived_from_the_finest_code() {
        let code = GridCode::parse("610581001002003").unwrap();
        let path = GridPath::from_code(&code);
        assert_eq!(path.level1.unwrap().as_str(), "610581001");
        assert_eq!(path.level2.unwrap().as_str(), "610581001002");
        assert_eq!(GridPath::default().finest(), None);
    }
}
