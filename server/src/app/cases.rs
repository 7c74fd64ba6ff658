//! The closed loop in the application: which cases a caller may see, which actions they may
//! take on one (their role, their department, the case's state), due times on the working
//! calendar, and writing a transition so that the store, the history, the audit log and the
//! incident columns agree.

use super::auth::Principal;
use super::columns::CaseStep;
use super::{App, AppError};
use crate::domain::access::{Role, Scope};
use crate::domain::calendar::{Limit, Urgency};
use crate::domain::case::{Action, CaseError};
use crate::domain::kpi::EventRecord;
use crate::domain::{Category, Incident};
use crate::store::cases::{CaseEvent, CaseFacts, Department, Transition, TransitionSave};
use crate::store::IncidentQuery;
use chrono::{DateTime, SubsecRound, Utc};

/// An incident with its case facts.
#[derive(Clone, Debug)]
pub struct Case {
    pub incident: Incident,
    pub facts: CaseFacts,
}

/// What a caller asks to do to a case.
#[derive(Clone, Debug)]
pub struct TransitionRequest {
    pub action: Action,
    /// The case version the caller saw.
    pub version: i64,
    pub note: String,
    /// `dispatch`: the department (default: the one that takes the category).
    pub department: Option<String>,
    /// `register` or `dispatch`: how pressing it is.
    pub urgency: Option<Urgency>,
    /// `approve_extension`: working days added to the due time (default 2).
    pub days: Option<u32>,
    /// `duplicate`: the open case this one repeats.
    pub duplicate_of: Option<i64>,
    /// `evaluate`: the rating (required).
    pub satisfaction: Option<crate::domain::case::Satisfaction>,
}

/// How far apart two reports of one category may be to be offered as the same problem.
pub const NEARBY_M: f64 = 250.0;
/// Most possible duplicates offered.
pub const NEARBY_MAX: usize = 5;

/// An open case near a point (a possible duplicate).
#[derive(Clone, Debug, PartialEq)]
pub struct Nearby {
    pub id: i64,
    pub distance_m: f64,
    pub status: crate::domain::IncidentStatus,
    pub category: Category,
    /// WGS84.
    pub at: [f64; 2],
}

/// Longest extension granted at once, in working days.
pub const MAX_EXTENSION_DAYS: u32 = 30;

/// Actions a department takes on the cases dispatched to it (the grid officer, on a case
/// they handle themselves).
fn handler_action(a: Action) -> bool {
    matches!(
        a,
        Action::Accept | Action::Return | Action::RequestExtension | Action::Respond
    )
}

/// Whether `who` may see the case at all (else it is 404 to them).
pub fn sees_case(who: &Principal, i: &Incident, facts: &CaseFacts) -> bool {
    let n = &i.incident;
    match &who.scope {
        Scope::Everything => true,
        Scope::Categories(cats) => match &who.department {
            Some(d) => facts.department.as_deref() == Some(d.as_str()),
            None => cats.contains(&n.category),
        },
        Scope::Nothing => n.reporter.by.as_deref() == Some(who.actor.as_str()),
        Scope::Counties(_) | Scope::Grids(_) => [&n.grids.level1, &n.grids.level2, &n.grids.level3]
            .into_iter()
            .flatten()
            .any(|c| who.sees(c)),
    }
}

/// Why `who` may not take `action` on this case, if they may not (before the state machine
/// is asked).
fn refusal(who: &Principal, action: Action, facts: &CaseFacts) -> Option<AppError> {
    if !action.roles().contains(&who.role) {
        let roles: Vec<&str> = action.roles().iter().map(|r| r.as_str()).collect();
        return Some(AppError::Forbidden(format!(
            "{action} ({}) needs the role {}; you are {}",
            action.zh(),
            roles.join(" or "),
            who.role
        )));
    }
    if handler_action(action) {
        match who.role {
            Role::Department if facts.department != who.department => {
                return Some(AppError::Forbidden(format!(
                    "this case is dispatched to {}, not to {}",
                    facts.department.as_deref().unwrap_or("no department"),
                    who.department
                        .as_deref()
                        .unwrap_or("a department without a name")
                )))
            }
            Role::Officer if !facts.state.self_handled => {
                return Some(AppError::Forbidden(
                    "the department it is dispatched to handles this case, not the grid officer"
                        .into(),
                ))
            }
            _ => {}
        }
    }
    None
}

/// The actions `who` may take on the case now (for the interface's buttons).
pub fn allowed_actions(who: &Principal, facts: &CaseFacts) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| refusal(who, *a, facts).is_none() && facts.state.apply(*a).is_ok())
        .collect()
}

/// The department that takes cases of `category`, if any does.
pub fn department_for(departments: &[Department], category: Category) -> Option<&Department> {
    departments
        .iter()
        .find(|d| d.categories.contains(&category))
}

impl From<CaseError> for AppError {
    fn from(e: CaseError) -> AppError {
        match e {
            CaseError::UnknownAction(_) => AppError::bad("invalid_action", e.to_string()),
            CaseError::NotNow { .. } => AppError::Conflict(e.to_string()),
        }
    }
}

impl App {
    /// A case `who` may see; 404 when there is none or it is not theirs to see.
    pub async fn case(&self, id: i64, who: &Principal) -> Result<Case, AppError> {
        let missing = || AppError::NotFound(format!("incident {id} does not exist"));
        let incident = self
            .store
            .incidents(&IncidentQuery {
                id: Some(id),
                ..Default::default()
            })
            .await?
            .pop()
            .ok_or_else(missing)?;
        let facts = self.store.case_facts(id).await?.ok_or_else(missing)?;
        if !sees_case(who, &incident, &facts) {
            return Err(missing());
        }
        Ok(Case { incident, facts })
    }

    /// Up to [`NEARBY_MAX`] open cases of `category` within [`NEARBY_M`] of `at` that `who`
    /// may see, nearest first (FixMyStreet's rule), leaving out `except`.
    pub async fn nearby(
        &self,
        at: crate::domain::Wgs84Point,
        category: Category,
        who: &Principal,
        except: Option<i64>,
    ) -> Result<Vec<Nearby>, AppError> {
        // From the incident columns, not the store: a report's answer pays microseconds for
        // this, whatever the number of incidents.
        let filter = crate::engine::heat::Filter {
            category: Some(category),
            status: Some(crate::domain::StatusSet::open()),
            within: who.within(),
            ..Default::default()
        };
        let mut near: Vec<Nearby> = self
            .columns
            .read()
            .near(at.lng(), at.lat(), NEARBY_M, &filter)
            .into_iter()
            .filter(|n| Some(n.id) != except)
            .map(|n| Nearby {
                id: n.id,
                distance_m: n.distance_m,
                status: n.status,
                category,
                at: n.at,
            })
            .collect();
        near.truncate(NEARBY_MAX);
        Ok(near)
    }

    /// A case's transitions, oldest first.
    pub async fn case_history(&self, id: i64) -> Result<Vec<CaseEvent>, AppError> {
        Ok(self.store.case_history(id).await?)
    }

    /// Takes an action on a case: 404 if `who` cannot see it, 403 if their role or
    /// department may not take it, 409 if the case is not at the version they saw or not in
    /// a state the action is possible from, 400 for a missing or unknown department or
    /// duplicate. Nothing is written unless everything holds.
    pub async fn transition(
        &self,
        id: i64,
        req: TransitionRequest,
        who: &Principal,
        source: &str,
        now: DateTime<Utc>,
    ) -> Result<Case, AppError> {
        // The stores keep milliseconds: the answer and every time computed from this one
        // (due times) are what a later read gives back.
        let now = now.trunc_subsecs(3);
        let case = self.case(id, who).await?;
        let facts = &case.facts;
        if let Some(e) = refusal(who, req.action, facts) {
            return Err(e);
        }
        if req.version != facts.version {
            return Err(AppError::Stale {
                message: format!(
                    "case {id} is at version {}, not {}: reload it and try again",
                    facts.version, req.version
                ),
                current: facts.version,
            });
        }
        let state = facts.state.apply(req.action)?;
        let mut next = CaseFacts {
            state,
            version: facts.version + 1,
            ..facts.clone()
        };
        let category = case.incident.incident.category;
        if let Some(u) = req.urgency {
            next.urgency = u;
        }
        match req.action {
            Action::Dispatch | Action::SelfHandle => {
                next.department = if req.action == Action::Dispatch {
                    Some(
                        self.department_to(category, req.department.as_deref())
                            .await?,
                    )
                } else {
                    None
                };
                next.dispatched_at = Some(now);
                next.due_at = Some(self.deadlines().due(now, category, next.urgency));
            }
            Action::Return => {
                // Time with the dispatcher does not count against the department: the clock
                // starts again at the next dispatch.
                next.department = None;
                next.dispatched_at = None;
                next.due_at = None;
            }
            Action::ApproveExtension => {
                let days = req.days.unwrap_or(2);
                if !(1..=MAX_EXTENSION_DAYS).contains(&days) {
                    return Err(AppError::body_field(
                        "days",
                        format!("{days} is outside 1..={MAX_EXTENSION_DAYS} working days"),
                    ));
                }
                next.due_at = Some(
                    self.deadlines()
                        .calendar
                        .due(facts.due_at.unwrap_or(now), Limit::WorkingDays(days)),
                );
            }
            Action::Duplicate => {
                next.duplicate_of = Some(self.open_original(id, req.duplicate_of, who).await?);
            }
            Action::Evaluate => {
                next.satisfaction = Some(req.satisfaction.ok_or_else(|| {
                    AppError::body_field(
                        "satisfaction",
                        "evaluate needs satisfied (满意), basic (基本满意) or dissatisfied (不满意)",
                    )
                })?);
            }
            _ => {}
        }
        let event = CaseEvent {
            at: now,
            actor: who.actor.clone(),
            action: req.action.as_str().to_string(),
            from_status: facts.state.status,
            to_status: next.state.status,
            note: req.note,
            due_at: next.due_at,
        };
        let saved = self
            .store
            .transition(&Transition {
                hotline: case
                    .incident
                    .incident
                    .reporter
                    .order_no
                    .clone()
                    .map(|o| (o, case.incident.incident.reporter.by.clone())),
                id,
                expected_version: facts.version,
                facts: next.clone(),
                event,
                source: source.to_string(),
            })
            .await?;
        match saved {
            TransitionSave::Saved(_) => {
                self.columns.step(
                    &CaseStep {
                        id,
                        event: EventRecord {
                            at: now,
                            action: req.action,
                            due_at: next.due_at,
                        },
                        department: next.department.as_deref(),
                        status: next.state.status,
                        outcome: next.state.outcome,
                        due: next.due_at,
                        satisfaction: next.satisfaction,
                    },
                    &self.deadlines().calendar,
                );
                let mut incident = case.incident;
                incident.incident.status = next.state.status;
                Ok(Case {
                    incident,
                    facts: next,
                })
            }
            TransitionSave::Stale { current } => Err(AppError::Stale {
                message: format!("case {id} changed meanwhile (now version {current}); reload it"),
                current,
            }),
            TransitionSave::Missing => {
                Err(AppError::NotFound(format!("incident {id} does not exist")))
            }
        }
    }

    /// The department a case of `category` goes to: the one named (it must exist), or the
    /// one that takes the category.
    async fn department_to(
        &self,
        category: Category,
        named: Option<&str>,
    ) -> Result<String, AppError> {
        let departments = self.store.departments().await?;
        match named {
            Some(name) => departments
                .iter()
                .find(|d| d.name == name.trim())
                .map(|d| d.name.clone())
                .ok_or_else(|| {
                    AppError::body_field("department", format!("there is no department {name:?}"))
                }),
            None => department_for(&departments, category)
                .map(|d| d.name.clone())
                .ok_or_else(|| {
                    AppError::body_field(
                        "department",
                        format!("no department takes {} cases; name one", category.as_str()),
                    )
                }),
        }
    }

    /// The open case a duplicate repeats: it must exist, be visible, be another case and
    /// still be open.
    async fn open_original(
        &self,
        id: i64,
        of: Option<i64>,
        who: &Principal,
    ) -> Result<i64, AppError> {
        let of = of.ok_or_else(|| {
            AppError::body_field("duplicate_of", "name the open case this one repeats")
        })?;
        if of == id {
            return Err(AppError::body_field(
                "duplicate_of",
                "a case cannot repeat itself",
            ));
        }
        let original = self
            .case(of, who)
            .await
            .map_err(|_| AppError::body_field("duplicate_of", format!("there is no case {of}")))?;
        if !original.facts.state.status.is_open() {
            return Err(AppError::Conflict(format!(
                "case {of} is {}: a duplicate must repeat an open case",
                original.facts.state.status.as_str()
            )));
        }
        Ok(of)
    }
}
