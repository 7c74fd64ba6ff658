//! Who may act, as values that cannot be wrong: roles, logins, and the scope a role works in.
//!
//! A scope is decided by grid code prefix (codes carry their parents), so "is this object
//! mine?" is one comparison. Each role takes the scope its job needs and no other: a street
//! leader's scope is level-1 grids, a community secretary's level-2 grids, an officer's
//! level-3 grids, a planner's a county or level-1 grids, a dispatcher's a county, a
//! department's a set of incident categories, a reporter (an outside system) has no map
//! scope, and an admin has everything.

use super::{Category, GridCode, Level};
use std::fmt;
use std::str::FromStr;

/// Why an account, a login or a scope was refused, in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("role {0:?} is not one of admin, planner, dispatcher, street_leader, community, officer, department, reporter")]
    BadRole(String),
    #[error("login {0:?} must be 3–64 characters of a–z, 0–9, '.', '_' or '-'")]
    BadLogin(String),
    #[error("county code {0:?} is not 6 digits")]
    BadCounty(String),
    #[error("scope entry {entry:?}: {reason}")]
    BadScope { entry: String, reason: String },
    #[error("a {role} needs {needs}")]
    WrongScope {
        role: &'static str,
        needs: &'static str,
    },
}

macro_rules! roles {
    ($($variant:ident = $name:literal, $zh:literal;)+) => {
        /// What an account or token may do (see `docs` of each variant's scope in [`Scope`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Role { $($variant),+ }

        impl Role {
            pub const ALL: [Role; 8] = [$(Role::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Role::$variant => $name),+ }
            }

            pub fn zh(self) -> &'static str {
                match self { $(Role::$variant => $zh),+ }
            }
        }

        impl FromStr for Role {
            type Err = AccessError;
            fn from_str(s: &str) -> Result<Role, AccessError> {
                match s.trim() {
                    $($name => Ok(Role::$variant),)+
                    other => Err(AccessError::BadRole(other.to_string())),
                }
            }
        }
    };
}

roles! {
    Admin = "admin", "系统管理员";
    Planner = "planner", "网格规划员";
    Dispatcher = "dispatcher", "指挥中心";
    StreetLeader = "street_leader", "街道领导";
    Community = "community", "社区书记";
    Officer = "officer", "网格员";
    Department = "department", "职能部门";
    Reporter = "reporter", "外部系统";
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An account's login name: 3–64 characters of a–z, 0–9, `.`, `_`, `-` (lower case, so two
/// logins never differ by case only).
///
/// ```
/// use gridd_core::domain::access::Login;
/// assert_eq!(Login::parse(" Wang.Li ").unwrap().as_str(), "wang.li");
/// assert!(Login::parse("王力").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Login(String);

impl Login {
    pub fn parse(s: &str) -> Result<Login, AccessError> {
        let l = s.trim().to_ascii_lowercase();
        let ok = (3..=64).contains(&l.len())
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if ok {
            Ok(Login(l))
        } else {
            Err(AccessError::BadLogin(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a role works.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every grid and every case (admin).
    Everything,
    /// Every grid of these counties (6-digit GB/T 2260 codes).
    Counties(Vec<String>),
    /// These grids and everything under them.
    Grids(Vec<GridCode>),
    /// Cases of these categories (a department), no map data of its own.
    Categories(Vec<Category>),
    /// No map data (an outside system that posts reports).
    Nothing,
}

impl Scope {
    /// Whether the grid `code` (or an object in it) lies in this scope.
    ///
    /// ```
    /// use gridd_core::domain::access::Scope;
    /// use gridd_core::domain::GridCode;
    /// let code = |s: &str| GridCode::parse(s).unwrap();
    /// let leader = Scope::Grids(vec![code("610581001")]);
    /// assert!(leader.covers(&code("610581001002003")));
    /// assert!(!leader.covers(&code("610581002001001")));
    /// assert!(Scope::Counties(vec!["610581".into()]).covers(&code("610581002001001")));
    /// ```
    pub fn covers(&self, code: &GridCode) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Counties(c) => c.iter().any(|c| code.county() == c),
            Scope::Grids(g) => g.iter().any(|g| code.is_within(g)),
            Scope::Categories(_) | Scope::Nothing => false,
        }
    }

    /// The grid-code prefixes of this scope, as store queries and the heat index cut by
    /// them: `None` for everything, an empty list for no map data at all.
    ///
    /// ```
    /// use gridd_core::domain::access::{Role, Scope};
    /// assert_eq!(Scope::Everything.prefixes(), None);
    /// assert_eq!(Scope::parse(Role::Dispatcher, "610581").unwrap().prefixes(), Some(vec!["610581".to_string()]));
    /// assert_eq!(Scope::Nothing.prefixes(), Some(vec![]));
    /// ```
    pub fn prefixes(&self) -> Option<Vec<String>> {
        match self {
            Scope::Everything => None,
            Scope::Counties(c) => Some(c.clone()),
            Scope::Grids(g) => Some(g.iter().map(|c| c.to_string()).collect()),
            Scope::Categories(_) | Scope::Nothing => Some(Vec::new()),
        }
    }

    /// Reads a scope as the CLI and the store write it: comma-separated county codes, grid
    /// codes or categories, `*` for everything, empty for nothing; then checks it is the
    /// kind `role` works in.
    pub fn parse(role: Role, text: &str) -> Result<Scope, AccessError> {
        let entries: Vec<&str> = text
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        let grids = |level: Option<Level>| -> Result<Vec<GridCode>, AccessError> {
            entries
                .iter()
                .map(|e| {
                    let c = GridCode::parse(e).map_err(|err| AccessError::BadScope {
                        entry: e.to_string(),
                        reason: err.to_string(),
                    })?;
                    match level {
                        Some(l) if c.level() != l => Err(AccessError::BadScope {
                            entry: e.to_string(),
                            reason: format!(
                                "is a level-{} grid, not level {}",
                                c.level().number(),
                                l.number()
                            ),
                        }),
                        _ => Ok(c),
                    }
                })
                .collect()
        };
        let counties = || -> Result<Vec<String>, AccessError> {
            entries
                .iter()
                .map(|e| {
                    if e.len() == 6 && e.bytes().all(|b| b.is_ascii_digit()) {
                        Ok(e.to_string())
                    } else {
                        Err(AccessError::BadCounty(e.to_string()))
                    }
                })
                .collect()
        };
        let needs = |needs: &'static str| AccessError::WrongScope {
            role: role.as_str(),
            needs,
        };
        let all_counties = !entries.is_empty() && entries.iter().all(|e| e.len() == 6);
        match role {
            Role::Admin => Ok(Scope::Everything),
            Role::Reporter => Ok(Scope::Nothing),
            Role::Dispatcher if all_counties => Ok(Scope::Counties(counties()?)),
            Role::Dispatcher => Err(needs("one or more county codes (6 digits)")),
            Role::Planner if all_counties => Ok(Scope::Counties(counties()?)),
            Role::Planner if !entries.is_empty() => Ok(Scope::Grids(grids(Some(Level::One))?)),
            Role::Planner => Err(needs("a county code or level-1 grid codes")),
            Role::StreetLeader if !entries.is_empty() => Ok(Scope::Grids(grids(Some(Level::One))?)),
            Role::StreetLeader => Err(needs("one or more level-1 grid codes")),
            Role::Community if !entries.is_empty() => Ok(Scope::Grids(grids(Some(Level::Two))?)),
            Role::Community => Err(needs("one or more level-2 grid codes")),
            Role::Officer if !entries.is_empty() => Ok(Scope::Grids(grids(Some(Level::Three))?)),
            Role::Officer => Err(needs(
                "one or more level-3 grid codes (or an officer record)",
            )),
            Role::Department if !entries.is_empty() => Ok(Scope::Categories(
                entries
                    .iter()
                    .map(|e| {
                        e.parse::<Category>().map_err(|err| AccessError::BadScope {
                            entry: e.to_string(),
                            reason: err.to_string(),
                        })
                    })
                    .collect::<Result<_, _>>()?,
            )),
            Role::Department => Err(needs("one or more incident categories")),
        }
    }
}

/// The scope as `Scope::parse` reads it back.
impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list: Vec<String> = match self {
            Scope::Everything => return f.write_str("*"),
            Scope::Nothing => vec![],
            Scope::Counties(c) => c.clone(),
            Scope::Grids(g) => g.iter().map(|c| c.to_string()).collect(),
            Scope::Categories(c) => c.iter().map(|c| c.as_str().to_string()).collect(),
        };
        f.write_str(&list.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_takes_only_the_scope_its_job_needs() {
        assert_eq!(Scope::parse(Role::Admin, "").unwrap(), Scope::Everything);
        assert_eq!(
            Scope::parse(Role::Reporter, "610581").unwrap(),
            Scope::Nothing
        );
        assert!(matches!(
            Scope::parse(Role::Dispatcher, "610581").unwrap(),
            Scope::Counties(_)
        ));
        assert!(
            Scope::parse(Role::Dispatcher, "610581001").is_err(),
            "a dispatcher works a county"
        );
        assert!(
            matches!(Scope::parse(Role::Planner, "610581001,610581002").unwrap(), Scope::Grids(g) if g.len() == 2)
        );
        let e = Scope::parse(Role::StreetLeader, "610581001002").unwrap_err();
        assert!(e.to_string().contains("level-2 grid, not level 1"), "{e}");
        assert!(Scope::parse(Role::Community, "610581001002").is_ok());
        assert!(Scope::parse(Role::Officer, "").is_err());
        assert!(
            matches!(Scope::parse(Role::Department, "e_emergency, 公用设施").unwrap(), Scope::Categories(c) if c.len() == 2)
        );
        assert!(Scope::parse(Role::Department, "nonsense").is_err());
    }

    #[test]
    fn a_scope_written_out_reads_back_the_same() {
        for (role, text) in [
            (Role::Officer, "610581001001001,610581001001002"),
            (Role::Dispatcher, "610581"),
            (Role::Department, "e_emergency"),
            (Role::Admin, "*"),
            (Role::Reporter, ""),
        ] {
            let s = Scope::parse(role, text).unwrap();
            assert_eq!(Scope::parse(role, &s.to_string()).unwrap(), s, "{role}");
        }
    }

    #[test]
    fn categories_and_reporters_cover_no_grid() {
        let code = GridCode::parse("610581001001001").unwrap();
        assert!(!Scope::Categories(vec![Category::Emergency]).covers(&code));
        assert!(!Scope::Nothing.covers(&code));
        assert!(Scope::Everything.covers(&code));
    }

    #[test]
    fn roles_read_from_their_names_and_refuse_others() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("root".parse::<Role>().is_err());
    }
}
