//! Grid codes and levels.
//!
//! A grid code carries its whole chain as a prefix: the 6-digit county code (GB/T 2260),
//! then three digits per level. Level 1 has 9 digits, level 2 has 12, level 3 has 15, so
//! `610581001002003` is level 3, its parent is `610581001002` and its level-1 grid is
//! `610581001`. A [`GridCode`] can only be built from a code that follows these rules.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The three grid levels: 一级, 二级, 三级网格.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Level {
    One,
    Two,
    Three,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::One, Level::Two, Level::Three];

    pub fn number(self) -> u8 {
        match self {
            Level::One => 1,
            Level::Two => 2,
            Level::Three => 3,
        }
    }

    /// Number of digits in a code of this level.
    pub fn code_len(self) -> usize {
        6 + 3 * usize::from(self.number())
    }

    pub fn parent(self) -> Option<Level> {
        match self {
            Level::One => None,
            Level::Two => Some(Level::One),
            Level::Three => Some(Level::Two),
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Level::One => "一级网格",
            Level::Two => "二级网格",
            Level::Three => "三级网格",
        }
    }
}

impl From<Level> for u8 {
    fn from(l: Level) -> u8 {
        l.number()
    }
}

impl TryFrom<u8> for Level {
    type Error = CodeError;
    fn try_from(n: u8) -> Result<Self, CodeError> {
        match n {
            1 => Ok(Level::One),
            2 => Ok(Level::Two),
            3 => Ok(Level::Three),
            _ => Err(CodeError::BadLevel(n.to_string())),
        }
    }
}

impl FromStr for Level {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        match s.trim() {
            "1" => Ok(Level::One),
            "2" => Ok(Level::Two),
            "3" => Ok(Level::Three),
            other => Err(CodeError::BadLevel(other.to_string())),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number())
    }
}

/// Why a grid code or level was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("grid code {0:?} must contain only the digits 0-9")]
    NotDigits(String),
    #[error("grid code {code:?} has {len} digits; a grid code has 9 (level 1), 12 (level 2) or 15 (level 3)")]
    BadLength { code: String, len: usize },
    #[error("grid code {code:?} starts with {county:?}, which is not a GB/T 2260 county code")]
    BadCounty { code: String, county: String },
    #[error("grid code {code:?} has sequence 000 at level {level}; sequences start at 001")]
    ZeroSequence { code: String, level: u8 },
    #[error("grid level {0:?} is not 1, 2 or 3")]
    BadLevel(String),
}

/// A valid grid code (see the module docs). Cheap to clone; compares as its digits.
///
/// A code carries its parents as prefixes, so it can only be built from digits that say a
/// county and a sequence at each level:
///
/// ```
/// use gridd_core::domain::{GridCode, Level};
///
/// let code = GridCode::parse("610581001002003").unwrap();
/// assert_eq!(code.level(), Level::Three);
/// assert_eq!(code.parent().unwrap().as_str(), "610581001002");
/// assert!(GridCode::parse("610581001000").is_err(), "sequences start at 001");
/// assert!(GridCode::parse("61058100").is_err(), "8 digits is no level");
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GridCode(String);

impl GridCode {
    pub fn parse(code: &str) -> Result<GridCode, CodeError> {
        if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::NotDigits(code.to_string()));
        }
        let len = code.len();
        if len != 9 && len != 12 && len != 15 {
            return Err(CodeError::BadLength {
                code: code.to_string(),
                len,
            });
        }
        let county = &code[..6];
        let province: u32 = county[..2].parse().unwrap_or(0);
        // GB/T 2260 provinces run 11 (北京) to 82 (澳门); a county part is never 00.
        if !(11..=82).contains(&province) || &county[4..6] == "00" {
            return Err(CodeError::BadCounty {
                code: code.to_string(),
                county: county.to_string(),
            });
        }
        for (i, chunk) in code.as_bytes()[6..].chunks(3).enumerate() {
            if chunk == b"000" {
                return Err(CodeError::ZeroSequence {
                    code: code.to_string(),
                    level: (i + 1) as u8,
                });
            }
        }
        Ok(GridCode(code.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> Level {
        match self.0.len() {
            9 => Level::One,
            12 => Level::Two,
            _ => Level::Three,
        }
    }

    /// The enclosing grid, or `None` for a level-1 grid.
    pub fn parent(&self) -> Option<GridCode> {
        self.level()
            .parent()
            .map(|l| GridCode(self.0[..l.code_len()].to_string()))
    }

    /// This code's ancestor (or itself) at `level`, if `level` is not finer than its own.
    pub fn at_level(&self, level: Level) -> Option<GridCode> {
        (level <= self.level()).then(|| GridCode(self.0[..level.code_len()].to_string()))
    }

    /// The 6-digit county code (GB/T 2260).
    pub fn county(&self) -> &str {
        &self.0[..6]
    }

    /// The 9-digit street part: the shard key of every row (see DESIGN.md).
    pub fn street(&self) -> &str {
        &self.0[..9]
    }

    /// True when `self` is `other` or lies inside it.
    pub fn is_within(&self, other: &GridCode) -> bool {
        self.0.starts_with(&other.0)
    }
}

impl fmt::Display for GridCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for GridCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GridCode({})", self.0)
    }
}

impl FromStr for GridCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        GridCode::parse(s)
    }
}

impl TryFrom<String> for GridCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, CodeError> {
        GridCode::parse(&s)
    }
}

impl From<GridCode> for String {
    fn from(c: GridCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_three_code_knows_its_whole_chain() {
        let code = GridCode::parse("610581001002003").unwrap();
        assert_eq!(code.level(), Level::Three);
        assert_eq!(code.parent().unwrap().as_str(), "610581001002");
        assert_eq!(
            code.parent().unwrap().parent().unwrap().as_str(),
            "610581001"
        );
        assert_eq!(code.parent().unwrap().parent().unwrap().parent(), None);
        assert_eq!(code.county(), "610581");
        assert_eq!(code.street(), "610581001");
        assert_eq!(code.at_level(Level::One).unwrap().as_str(), "610581001");
    }

    #[test]
    fn codes_of_the_wrong_length_are_refused_with_the_code_in_the_message() {
        let err = GridCode::parse("6105810010").unwrap_err();
        assert_eq!(
            err,
            CodeError::BadLength {
                code: "6105810010".into(),
                len: 10
            }
        );
        assert!(err.to_string().contains("\"6105810010\""));
    }

    #[test]
    fn codes_with_letters_spaces_or_nothing_are_refused() {
        for bad in ["61058100A", " 610581001", "", "610581001\n"] {
            assert!(matches!(GridCode::parse(bad), Err(CodeError::NotDigits(_))));
        }
    }

    #[test]
    fn a_code_must_start_with_a_real_county_and_use_nonzero_sequences() {
        assert!(matches!(
            GridCode::parse("000000001"),
            Err(CodeError::BadCounty { .. })
        ));
        assert!(matches!(
            GridCode::parse("610500001"),
            Err(CodeError::BadCounty { .. })
        ));
        assert_eq!(
            GridCode::parse("610581001000"),
            Err(CodeError::ZeroSequence {
                code: "610581001000".into(),
                level: 2
            })
        );
    }

    #[test]
    fn a_grid_is_within_its_ancestors_but_not_its_siblings() {
        let child = GridCode::parse("610581001002003").unwrap();
        assert!(child.is_within(&GridCode::parse("610581001").unwrap()));
        assert!(child.is_within(&child));
        assert!(!child.is_within(&GridCode::parse("610581001003").unwrap()));
    }

    #[test]
    fn codes_serialize_as_plain_strings_and_refuse_bad_ones_on_the_way_in() {
        let code: GridCode = serde_json::from_str("\"610581001\"").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"610581001\"");
        assert!(serde_json::from_str::<GridCode>("\"61058\"").is_err());
    }
}
