//! Who may call what: one table naming, for every route of the HTTP API, the roles that may
//! call it and how its answer is cut to the caller's scope. The HTTP layer's guard looks
//! every request up here before any handler runs (a route missing from the table answers
//! 500 and fails the route-list test); the handlers then cut by [`Principal::scope`] with
//! the helpers below, so a list never holds rows outside the scope, a single object outside
//! it is 404 and a write outside it is 403.

use super::auth::Principal;
use super::AppError;
use crate::domain::access::{Role, Scope};
use crate::domain::GridCode;

/// Which callers a route admits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Callers {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account or token.
    Signed,
    /// Only these roles (403 naming them for the others).
    Roles(&'static [Role]),
}

/// How a route's answer or effect is held to the caller's scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeRule {
    /// Nothing scoped (health, login, the basemap, the caller's own session).
    None,
    /// A list or aggregate: rows, cells and figures outside the scope are left out.
    Cut,
    /// One object named in the path or query: outside the scope it is 404.
    Object,
    /// A change: outside the scope it is 403 naming the scope.
    Write,
}

/// One route's policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub method: &'static str,
    pub path: &'static str,
    pub callers: Callers,
    pub scope: ScopeRule,
}

use Role::*;

/// Read grid data: grids, compounds, buildings, locate, statistics, heat and grid tiles.
const MAP: &[Role] = &[Admin, Planner, Dispatcher, StreetLeader, Community, Officer];
/// The map roles and departments: the map under a case (a department's scope cuts grids to
/// none, so it gets the basemap roads and no grid data) and the loop's KPIs (a department:
/// of its own cases).
const WITH_DEPARTMENTS: &[Role] = &[
    Admin,
    Planner,
    Dispatcher,
    StreetLeader,
    Community,
    Officer,
    Department,
];
/// Plan and publish grids.
const PLAN: &[Role] = &[Admin, Planner];
/// Read incidents (each cut to what it may see).
const CASES: &[Role] = &[
    Admin,
    Dispatcher,
    StreetLeader,
    Community,
    Officer,
    Department,
    Reporter,
];
/// Post a report.
const REPORT: &[Role] = &[Admin, Dispatcher, Officer, Reporter];
/// Load incidents in bulk (historical orders, a 12345 backlog).
const BULK: &[Role] = &[Admin, Dispatcher];

const fn rule(
    method: &'static str,
    path: &'static str,
    callers: Callers,
    scope: ScopeRule,
) -> Rule {
    Rule {
        method,
        path,
        callers,
        scope,
    }
}

use Callers::{Public, Roles, Signed};
use ScopeRule::{Cut, Object, Write};

/// Every route of the API, as the router registers it (paths as axum writes them).
pub const POLICY: &[Rule] = &[
    rule("GET", "/api/health", Public, ScopeRule::None),
    rule("GET", "/api/openapi.json", Public, ScopeRule::None),
    rule("POST", "/api/session", Public, ScopeRule::None),
    rule("GET", "/api/session", Signed, ScopeRule::None),
    rule("DELETE", "/api/session", Public, ScopeRule::None),
    rule("GET", "/api/audit", Roles(&[Admin]), ScopeRule::None),
    rule("GET", "/api/basemap", Signed, ScopeRule::None),
    rule("GET", "/api/basemap/check", Roles(MAP), ScopeRule::None),
    rule("GET", "/api/grids", Roles(WITH_DEPARTMENTS), Cut),
    rule("GET", "/api/grids/{code}", Roles(MAP), Object),
    rule("GET", "/api/compounds", Roles(MAP), Cut),
    rule("GET", "/api/buildings", Roles(MAP), Cut),
    rule("GET", "/api/locate", Roles(MAP), Object),
    rule("GET", "/api/stats/grids", Roles(MAP), Cut),
    rule("GET", "/api/coverage", Roles(MAP), Cut),
    rule("GET", "/api/stats/kpis", Roles(WITH_DEPARTMENTS), Cut),
    rule("GET", "/api/versions", Roles(MAP), ScopeRule::None),
    rule("GET", "/api/plan/oversized", Roles(PLAN), Cut),
    rule("POST", "/api/plan/split", Roles(PLAN), Object),
    rule("GET", "/api/drafts", Roles(PLAN), Cut),
    rule("POST", "/api/drafts", Roles(PLAN), Write),
    rule("GET", "/api/drafts/{id}", Roles(PLAN), Object),
    rule("DELETE", "/api/drafts/{id}", Roles(PLAN), Write),
    rule("PATCH", "/api/drafts/{id}", Roles(PLAN), Write),
    rule("POST", "/api/drafts/{id}/split", Roles(PLAN), Write),
    rule("POST", "/api/drafts/{id}/merge", Roles(PLAN), Write),
    rule("POST", "/api/drafts/{id}/fix", Roles(PLAN), Write),
    rule("POST", "/api/drafts/{id}/balance", Roles(PLAN), Write),
    rule("POST", "/api/drafts/{id}/cut", Roles(PLAN), Write),
    rule("POST", "/api/drafts/{id}/restore", Roles(PLAN), Write),
    rule("POST", "/api/drafts/{id}/move", Roles(PLAN), Write),
    rule("GET", "/api/drafts/{id}/officers", Roles(PLAN), Object),
    rule("POST", "/api/drafts/{id}/officers", Roles(PLAN), Write),
    rule("POST", "/api/drafts/{id}/undo", Roles(PLAN), Write),
    rule("POST", "/api/drafts/{id}/redo", Roles(PLAN), Write),
    rule("GET", "/api/drafts/{id}/validate", Roles(PLAN), Object),
    rule("POST", "/api/drafts/{id}/publish", Roles(PLAN), Write),
    rule("GET", "/api/incidents", Roles(CASES), Cut),
    rule("POST", "/api/incidents", Roles(REPORT), Write),
    rule("POST", "/api/incidents/bulk", Roles(BULK), Write),
    rule("GET", "/api/incidents/nearby", Roles(CASES), Cut),
    rule("GET", "/api/incidents/{id}", Roles(CASES), Object),
    rule(
        "POST",
        "/api/incidents/{id}/transitions",
        Roles(CASES),
        Write,
    ),
    rule("GET", "/api/departments", Signed, ScopeRule::None),
    rule("GET", "/api/calendar", Signed, ScopeRule::None),
    rule("PUT", "/api/calendar", Roles(&[Admin]), ScopeRule::None),
    rule("GET", "/api/wall", Public, ScopeRule::None),
    rule("GET", "/api/outbox", Roles(&[Admin, Reporter]), Cut),
    // OGC API – Features: any signed-in caller sees the landing page and the collections it
    // may read; each collection admits the roles of the API route with the same data.
    rule("GET", "/ogc", Signed, ScopeRule::None),
    rule("GET", "/ogc/conformance", Signed, ScopeRule::None),
    rule("GET", "/ogc/collections", Signed, Cut),
    rule("GET", "/ogc/collections/{collection_id}", Signed, Object),
    rule("GET", "/ogc/collections/{collection_id}/items", Signed, Cut),
    rule(
        "GET",
        "/ogc/collections/{collection_id}/items/{feature_id}",
        Signed,
        Object,
    ),
    // Open311 GeoReport v2: the catalogue is public; requests check their `api_key` (a token)
    // in the handler, as the standard passes it, and cut like `/api/incidents`.
    rule("GET", "/open311/v2/{document}", Public, Cut),
    rule("POST", "/open311/v2/{document}", Public, Write),
    rule(
        "GET",
        "/open311/v2/services/{service}",
        Public,
        ScopeRule::None,
    ),
    rule("GET", "/open311/v2/requests/{request}", Public, Object),
    rule("GET", "/tiles/density/{z}/{x}/{y}", Roles(MAP), Cut),
    rule(
        "GET",
        "/tiles/grids/{z}/{x}/{y}",
        Roles(WITH_DEPARTMENTS),
        Cut,
    ),
    rule(
        "GET",
        "/tiles/roads/{z}/{x}/{y}",
        Roles(WITH_DEPARTMENTS),
        ScopeRule::None,
    ),
];

/// The rule of a route (`HEAD` is looked up as `GET`).
pub fn rule_for(method: &str, path: &str) -> Option<&'static Rule> {
    let method = if method == "HEAD" { "GET" } else { method };
    POLICY.iter().find(|r| r.method == method && r.path == path)
}

/// The methods the policy table lists for `path` (for a 405's `Allow`).
pub fn methods_for(path: &str) -> Vec<&'static str> {
    POLICY
        .iter()
        .filter(|r| r.path == path)
        .map(|r| r.method)
        .collect()
}

impl Rule {
    /// Whether `role` may call this route.
    pub fn admits(&self, role: Role) -> bool {
        match self.callers {
            Callers::Public | Callers::Signed => true,
            Callers::Roles(roles) => roles.contains(&role),
        }
    }

    /// The 403 for a role the route does not admit, naming the roles it does.
    pub fn refusal(&self, role: Role) -> AppError {
        let needed: Vec<&str> = match self.callers {
            Callers::Roles(roles) => roles.iter().map(|r| r.as_str()).collect(),
            _ => Vec::new(),
        };
        AppError::Forbidden(format!(
            "{} {} needs the role {}; you are {role}",
            self.method,
            self.path,
            needed.join(" or ")
        ))
    }
}

/// A caller's scope as code prefixes, for cutting lists and aggregates held in memory.
#[derive(Clone, Debug)]
pub struct ScopeCut(Option<Vec<String>>);

impl ScopeCut {
    /// Whether the grid with this code (or an object in it) is kept.
    pub fn keeps(&self, code: &str) -> bool {
        self.0
            .as_ref()
            .is_none_or(|ps| ps.iter().any(|p| code.starts_with(p.as_str())))
    }

    /// Whether nothing is cut (the admin, or a scope over everything).
    pub fn is_everything(&self) -> bool {
        self.0.is_none()
    }

    /// Keeps the rows of `rows` whose code `code` gives is kept; the same `Arc` when nothing
    /// is cut.
    pub fn rows<T: Clone>(
        &self,
        rows: std::sync::Arc<Vec<T>>,
        code: impl Fn(&T) -> &str,
    ) -> std::sync::Arc<Vec<T>> {
        if self.is_everything() {
            return rows;
        }
        std::sync::Arc::new(
            rows.iter()
                .filter(|r| self.keeps(code(r)))
                .cloned()
                .collect(),
        )
    }
}

impl Principal {
    /// Whether a draft made in `scope` (its maker's scope, as text) is this caller's to see
    /// and edit: every part of it lies in this caller's scope.
    pub fn sees_draft(&self, scope: &str) -> bool {
        let cut = self.cut();
        if cut.is_everything() {
            return true;
        }
        let parts: Vec<&str> = scope.split(',').map(str::trim).collect();
        !parts.is_empty()
            && parts
                .iter()
                .all(|p| *p != "*" && !p.is_empty() && cut.keeps(p))
    }

    /// This caller's cut of lists and aggregates.
    pub fn cut(&self) -> ScopeCut {
        ScopeCut(self.within())
    }

    /// Whether the grid `code` (or an object in it) is in this caller's scope.
    pub fn sees(&self, code: &GridCode) -> bool {
        self.scope.covers(code)
    }

    /// 404 unless `code` is in scope: an object outside it is answered as if it did not
    /// exist, so ids cannot be probed.
    pub fn must_see(&self, code: &GridCode, what: &str) -> Result<(), AppError> {
        if self.sees(code) {
            Ok(())
        } else {
            Err(AppError::NotFound(format!("{what} does not exist")))
        }
    }

    /// 403 naming the scope unless `code` is in it.
    pub fn may_change(&self, code: &GridCode, what: &str) -> Result<(), AppError> {
        if self.sees(code) {
            Ok(())
        } else {
            Err(self.outside(what))
        }
    }

    /// The 403 for a change outside the caller's scope.
    pub fn outside(&self, what: &str) -> AppError {
        AppError::Forbidden(format!(
            "{what} is outside your scope ({})",
            self.scope_text()
        ))
    }

    /// The scope in words for messages.
    pub fn scope_text(&self) -> String {
        match &self.scope {
            Scope::Everything => "everything".into(),
            Scope::Nothing => "no map data".into(),
            Scope::Counties(c) => format!("county {}", c.join(", ")),
            Scope::Grids(g) => format!(
                "grids {}",
                g.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
            ),
            Scope::Categories(c) => format!(
                "categories {}",
                c.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
            ),
        }
    }

    /// The grid-code prefixes store queries and the heat index cut by (`None`: everything).
    pub fn within(&self) -> Option<Vec<String>> {
        self.scope.prefixes()
    }

    /// Whether this caller may see reporters' names and phones (the dispatcher, the admin
    /// and the department handling the case).
    pub fn sees_contacts(&self) -> bool {
        matches!(self.role, Admin | Dispatcher | Department)
    }

    /// Whether this caller sees officers' whole phone numbers: those who lead the officers'
    /// grids (street leaders, community secretaries: only grids in their scope reach them),
    /// the dispatcher who calls officers about cases, and the admin.
    pub fn sees_officer_phones(&self) -> bool {
        matches!(self.role, Admin | Dispatcher | StreetLeader | Community)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_route_is_listed_twice() {
        for (i, a) in POLICY.iter().enumerate() {
            assert!(
                !POLICY[i + 1..]
                    .iter()
                    .any(|b| a.method == b.method && a.path == b.path),
                "{} {} is listed twice",
                a.method,
                a.path
            );
        }
    }

    #[test]
    fn only_health_the_api_description_logging_in_and_out_the_wall_and_open311_are_open_to_anonymous_callers(
    ) {
        // Open311's requests are not open: their handlers check the `api_key` the standard
        // passes in the query or form (tests/it/open311.rs); its catalogue is.
        let public: Vec<String> = POLICY
            .iter()
            .filter(|r| r.callers == Callers::Public)
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert_eq!(
            public,
            [
                "GET /api/health",
                "GET /api/openapi.json",
                "POST /api/session",
                "DELETE /api/session",
                "GET /api/wall",
                "GET /open311/v2/{document}",
                "POST /open311/v2/{document}",
                "GET /open311/v2/services/{service}",
                "GET /open311/v2/requests/{request}",
            ]
        );
    }

    #[test]
    fn a_head_request_follows_the_rule_of_its_get() {
        assert_eq!(
            rule_for("HEAD", "/api/grids"),
            rule_for("GET", "/api/grids")
        );
        assert!(rule_for("PUT", "/api/grids").is_none());
    }

    #[test]
    fn a_refusal_names_the_roles_the_route_needs() {
        let r = rule_for("POST", "/api/drafts/{id}/publish").unwrap();
        assert!(!r.admits(Officer));
        let msg = r.refusal(Officer).to_string();
        assert!(
            msg.contains("admin or planner") && msg.contains("officer"),
            "{msg}"
        );
    }
}
