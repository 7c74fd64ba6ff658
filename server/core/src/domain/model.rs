//! The territory: grids, residential compounds, buildings, officers and service centres.
//!
//! Values that have rules are types: a [`Households`] count is never negative, a
//! [`FeatureId`] is never blank, a [`OfficerPhone`] never holds a full phone number. A grid's
//! level and parent are not stored beside its code: they are read off the code.

use super::code::{GridCode, Level};
use super::coord::Wgs84Point;
use geo::MultiPolygon;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Why a field value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("{field} {value:?} is not a whole number from 0 to 4294967295")]
    NotACount { field: &'static str, value: String },
    #[error("id {0:?} must be 1-64 characters without spaces")]
    BadId(String),
    #[error("{field} {value:?} is not one of: {allowed}")]
    NotOneOf {
        field: &'static str,
        value: String,
        allowed: &'static str,
    },
    #[error("phone {0:?} is neither an 11-digit mobile number nor a masked one like 138****1234")]
    BadPhone(String),
    #[error("floors {0} must be 1 or more")]
    BadFloors(i64),
    #[error("{field} is {got} characters long; at most {max} are taken")]
    TooLong {
        field: &'static str,
        got: usize,
        max: usize,
    },
}

macro_rules! count_type {
    ($name:ident, $field:literal, $doc:literal) => {
        #[doc = $doc]
        #[derive(
            Clone,
            Copy,
            Debug,
            Default,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            Serialize,
            Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(u32);

        impl $name {
            pub fn new(n: u32) -> Self {
                $name(n)
            }
            pub fn get(self) -> u32 {
                self.0
            }
        }

        impl TryFrom<i64> for $name {
            type Error = FieldError;
            fn try_from(n: i64) -> Result<Self, FieldError> {
                u32::try_from(n)
                    .map($name)
                    .map_err(|_| FieldError::NotACount {
                        field: $field,
                        value: n.to_string(),
                    })
            }
        }

        impl std::ops::Add for $name {
            type Output = $name;
            fn add(self, o: $name) -> $name {
                $name(self.0.saturating_add(o.0))
            }
        }

        impl std::iter::Sum for $name {
            fn sum<I: Iterator<Item = $name>>(it: I) -> $name {
                it.fold($name(0), |a, b| a + b)
            }
        }
    };
}

count_type!(
    Households,
    "households",
    "A number of households (户), never negative."
);
count_type!(
    Population,
    "population",
    "A number of residents (人), never negative."
);

/// A stable, non-blank identifier for compounds, buildings, officers and service centres.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FeatureId(String);

impl FeatureId {
    pub fn parse(s: &str) -> Result<FeatureId, FieldError> {
        if s.is_empty() || s.chars().count() > 64 || s.chars().any(char::is_whitespace) {
            return Err(FieldError::BadId(s.to_string()));
        }
        Ok(FeatureId(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FeatureId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for FeatureId {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        FeatureId::parse(&s)
    }
}

impl From<FeatureId> for String {
    fn from(id: FeatureId) -> String {
        id.0
    }
}

/// Declares a closed set of names stored and sent as their snake_case string.
macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident, $field:literal, { $($variant:ident => $s:literal / $zh:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }
        }

        impl FromStr for $name {
            type Err = FieldError;
            fn from_str(s: &str) -> Result<Self, FieldError> {
                match s.trim() {
                    $($s | $zh => Ok($name::$variant),)+
                    _ => Err(FieldError::NotOneOf {
                        field: $field,
                        value: s.to_string(),
                        allowed: concat!($($s, " "),+),
                    }),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = FieldError;
            fn try_from(s: String) -> Result<Self, FieldError> { s.parse() }
        }

        impl From<$name> for &'static str {
            fn from(v: $name) -> &'static str { v.as_str() }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}
pub(crate) use named_enum;

named_enum!(
    /// 综合网格 covers a residential area; 专属网格 covers one school, hospital, market or enterprise.
    GridKind, "kind", {
    Comprehensive => "comprehensive" / "综合网格",
    Dedicated => "dedicated" / "专属网格",
});

named_enum!(
    /// The line of work a grid serves when several grid systems are merged into one (多格合一).
    Domain, "domain", {
    PartyBuilding => "party_building" / "党建",
    PublicSecurity => "public_security" / "综治",
    CivilAffairs => "civil_affairs" / "民政",
});

named_enum!(
    /// 一格三员 and the building heads below them.
    OfficerRole, "role", {
    GridHead => "grid_head" / "网格长",
    FullTime => "full_time" / "专职网格员",
    PartTime => "part_time" / "兼职网格员",
    Instructor => "instructor" / "网格指导员",
    BuildingHead => "building_head" / "楼栋长",
});

impl OfficerRole {
    /// Whether this role counts as an officer serving the grid's households. Instructors guide
    /// several grids and building heads serve one building, so neither counts towards
    /// households-per-officer or a grid's vacancy.
    pub fn serves_grid(self) -> bool {
        matches!(
            self,
            OfficerRole::GridHead | OfficerRole::FullTime | OfficerRole::PartTime
        )
    }
}

named_enum!(
    /// Tier of a 党群服务中心 / 服务站.
    ServiceLevel, "level", {
    Street => "street" / "街道党群服务中心",
    Community => "community" / "社区党群服务中心",
    Station => "station" / "党群服务站",
});

/// A grid at any level. Its level and parent come from its code.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    pub code: GridCode,
    pub name: String,
    pub kind: GridKind,
    pub geometry: MultiPolygon<f64>,
    pub households: Households,
    pub population: Population,
    pub domains: Vec<Domain>,
}

impl Grid {
    pub fn level(&self) -> Level {
        self.code.level()
    }
    pub fn parent(&self) -> Option<GridCode> {
        self.code.parent()
    }
}

/// How a compound is covered by a party organisation (seed 000: 单独建支部 / 联合支部 / 功能型).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PartyOrg {
    Standalone,
    Joint { branch: String },
    Functional,
    None,
}

impl PartyOrg {
    pub fn kind(&self) -> &'static str {
        match self {
            PartyOrg::Standalone => "standalone",
            PartyOrg::Joint { .. } => "joint",
            PartyOrg::Functional => "functional",
            PartyOrg::None => "none",
        }
    }
    pub fn branch(&self) -> Option<&str> {
        match self {
            PartyOrg::Joint { branch } => Some(branch),
            _ => None,
        }
    }
    /// Rebuilds from the stored kind and branch; a joint branch must be named.
    pub fn from_parts(kind: &str, branch: Option<&str>) -> Result<PartyOrg, FieldError> {
        match (kind.trim(), branch.map(str::trim).filter(|b| !b.is_empty())) {
            ("standalone" | "单独建支部", _) => Ok(PartyOrg::Standalone),
            ("joint" | "联合支部", Some(b)) => Ok(PartyOrg::Joint {
                branch: b.to_string(),
            }),
            ("functional" | "功能型", _) => Ok(PartyOrg::Functional),
            ("none" | "", _) => Ok(PartyOrg::None),
            (other, _) => Err(FieldError::NotOneOf {
                field: "party_org",
                value: other.to_string(),
                allowed: "standalone joint(+branch) functional none",
            }),
        }
    }
}

/// A residential compound (小区).
#[derive(Clone, Debug, PartialEq)]
pub struct Compound {
    pub id: FeatureId,
    pub name: String,
    pub address: String,
    pub geometry: MultiPolygon<f64>,
    pub households: Households,
    pub population: Population,
    pub party_org: PartyOrg,
    pub service_centre: Option<FeatureId>,
    /// The level-3 grid the compound lies in, if any.
    pub grid: Option<GridCode>,
}

/// Storeys of a building, at least one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u16")]
pub struct Floors(u16);

impl Floors {
    pub fn get(self) -> u16 {
        self.0
    }
}

impl TryFrom<i64> for Floors {
    type Error = FieldError;
    fn try_from(n: i64) -> Result<Self, FieldError> {
        u16::try_from(n)
            .ok()
            .filter(|f| *f >= 1)
            .map(Floors)
            .ok_or(FieldError::BadFloors(n))
    }
}

impl From<Floors> for u16 {
    fn from(f: Floors) -> u16 {
        f.0
    }
}

/// A building (楼栋).
#[derive(Clone, Debug, PartialEq)]
pub struct Building {
    pub id: FeatureId,
    pub address: String,
    pub footprint: MultiPolygon<f64>,
    pub floors: Floors,
    pub households: Households,
    pub population: Population,
    pub compound: Option<FeatureId>,
    /// The level-3 grid the building lies in, if any.
    pub grid: Option<GridCode>,
}

/// An officer's mobile number: 11 digits starting with 1, kept whole so that the leaders of the
/// officer's grid can call them, or already masked (`138****5678`) when the source kept only
/// that. Everyone else sees [`OfficerPhone::masked`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OfficerPhone(String);

impl OfficerPhone {
    /// Accepts a full 11-digit mobile number or a masked one (its middle four digits `****`).
    pub fn parse(s: &str) -> Result<OfficerPhone, FieldError> {
        let s = s.trim();
        let b = s.as_bytes();
        let shape_ok = b.len() == 11
            && b[0] == b'1'
            && b[..3].iter().chain(&b[7..]).all(u8::is_ascii_digit)
            && (b[3..7].iter().all(u8::is_ascii_digit) || &b[3..7] == b"****");
        if !shape_ok {
            return Err(FieldError::BadPhone(s.to_string()));
        }
        Ok(OfficerPhone(s.to_string()))
    }
    /// The number as kept (full when it is known): for storage and export only.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The first three and last four digits (`138****5678`), what most callers see.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
    /// The whole number, when the source gave it.
    pub fn full(&self) -> Option<&str> {
        (!self.0.contains('*')).then_some(self.0.as_str())
    }
}

impl TryFrom<String> for OfficerPhone {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        OfficerPhone::parse(&s)
    }
}

impl From<OfficerPhone> for String {
    fn from(p: OfficerPhone) -> String {
        p.0
    }
}

/// A grid officer, grid head, instructor or building head, and the grids they serve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Officer {
    pub id: FeatureId,
    pub name: String,
    pub role: OfficerRole,
    pub phone: Option<OfficerPhone>,
    pub grids: Vec<GridCode>,
}

/// A party-and-public service centre (党群服务中心) or station.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceCentre {
    pub id: FeatureId,
    pub name: String,
    pub level: ServiceLevel,
    pub location: Wgs84Point,
}

named_enum!(
    /// How important a road is: it sets how wide and from which zoom the map draws it.
    RoadClass, "class", {
    Arterial => "arterial" / "主干道",
    Street => "street" / "街道",
    Lane => "lane" / "巷道",
});

/// A road of the basemap (道路): reference data drawn under the grids, not a governance unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Road {
    pub id: FeatureId,
    /// Empty for an unnamed lane.
    pub name: String,
    pub class: RoadClass,
    pub geometry: geo::MultiLineString<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn households_refuse_negative_counts_with_the_value_named() {
        assert_eq!(Households::try_from(420).unwrap().get(), 420);
        let err = Households::try_from(-3).unwrap_err();
        assert!(err.to_string().contains("households \"-3\""), "{err}");
    }

    #[test]
    fn a_full_phone_number_is_kept_whole_and_shown_masked_and_a_masked_one_stays_masked() {
        let full = OfficerPhone::parse(" 13812345678 ").unwrap();
        assert_eq!(full.as_str(), "13812345678");
        assert_eq!(full.masked(), "138****5678");
        assert_eq!(full.full(), Some("13812345678"));
        let masked = OfficerPhone::parse("138****5678").unwrap();
        assert_eq!(masked.masked(), "138****5678");
        assert_eq!(masked.full(), None);
        assert!(OfficerPhone::parse("0913-5212345").is_err());
        assert!(OfficerPhone::parse("1381234567").is_err());
    }

    #[test]
    fn roles_parse_from_english_or_chinese_and_only_officers_serve_a_grid() {
        assert_eq!(
            "网格长".parse::<OfficerRole>().unwrap(),
            OfficerRole::GridHead
        );
        assert_eq!(
            "part_time".parse::<OfficerRole>().unwrap(),
            OfficerRole::PartTime
        );
        assert!(!OfficerRole::BuildingHead.serves_grid());
        assert!(OfficerRole::FullTime.serves_grid());
        let err = "captain".parse::<OfficerRole>().unwrap_err();
        assert!(err.to_string().contains("grid_head"), "{err}");
    }

    #[test]
    fn a_joint_party_branch_must_be_named() {
        assert_eq!(
            PartyOrg::from_parts("joint", Some("金城联合支部")).unwrap(),
            PartyOrg::Joint {
                branch: "金城联合支部".into()
            }
        );
        assert!(PartyOrg::from_parts("joint", None).is_err());
        assert_eq!(PartyOrg::from_parts("", None).unwrap(), PartyOrg::None);
    }

    #[test]
    fn ids_must_be_non_blank_and_without_spaces() {
        assert!(FeatureId::parse("C0001").is_ok());
        assert!(FeatureId::parse("").is_err());
        assert!(FeatureId::parse("C 1").is_err());
    }

    #[test]
    fn a_building_has_at_least_one_floor() {
        assert!(Floors::try_from(0).is_err());
        assert_eq!(Floors::try_from(18).unwrap().get(), 18);
    }
}
