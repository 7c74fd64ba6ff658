//! Cases worked through the loop, for the demo and the benchmarks: each reported incident is
//! registered (a few are not taken on), dispatched to the department that takes its category (or
//! handled by the grid officer himself), signed for, now and then returned, extended,
//! supervised or reworked, answered — mostly on time, some late —, checked on site and rated,
//! each step a legal transition of [`CaseState`] at a plausible time. Nothing happens after
//! `now`, so recent cases are still open and some of them are overdue.

use super::rng::Rng;
use crate::domain::calendar::{Deadlines, Limit, Urgency};
use crate::domain::case::{Action, CaseState, Satisfaction};
use crate::domain::{Category, IncidentStatus};
use chrono::{DateTime, Duration, Utc};

/// One generated transition.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkedEvent {
    pub at: DateTime<Utc>,
    pub action: Action,
    pub from: IncidentStatus,
    pub to: IncidentStatus,
    pub actor: &'static str,
    pub note: &'static str,
    /// The due time once the transition was made.
    pub due_at: Option<DateTime<Utc>>,
}

/// A case as the generator left it.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkedCase {
    pub state: CaseState,
    pub urgency: Urgency,
    pub department: Option<String>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub satisfaction: Option<Satisfaction>,
    pub events: Vec<WorkedEvent>,
}

/// Categories a grid officer may handle on the spot (自行处置).
pub fn officer_may_handle(c: Category) -> bool {
    matches!(
        c,
        Category::StreetOrder
            | Category::Environment
            | Category::Greenery
            | Category::AppearanceFacilities
            | Category::Advertising
    )
}

struct Walk<'a> {
    case: WorkedCase,
    t: DateTime<Utc>,
    now: DateTime<Utc>,
    deadlines: &'a Deadlines,
    /// A step would have happened after `now`: the case stays where it is.
    stopped: bool,
}

impl Walk<'_> {
    /// Takes `action` at `at` (not before the last step) if the walk has not stopped.
    fn step(
        &mut self,
        at: DateTime<Utc>,
        action: Action,
        actor: &'static str,
        note: &'static str,
    ) -> bool {
        if self.stopped {
            return false;
        }
        let at = at.max(self.t);
        if at > self.now {
            self.stopped = true;
            return false;
        }
        let Ok(next) = self.case.state.apply(action) else {
            // Never meant to happen: the walk only takes legal steps. Stop rather than lie.
            self.stopped = true;
            return false;
        };
        self.case.events.push(WorkedEvent {
            at,
            action,
            from: self.case.state.status,
            to: next.status,
            actor,
            note,
            due_at: self.case.due_at,
        });
        self.case.state = next;
        self.t = at;
        true
    }

    /// Sets the due time, then takes the step (so its history line carries the new one).
    fn step_due(
        &mut self,
        at: DateTime<Utc>,
        action: Action,
        actor: &'static str,
        due: Option<DateTime<Utc>>,
    ) -> bool {
        let before = self.case.due_at;
        self.case.due_at = due;
        let ok = self.step(at, action, actor, "");
        if !ok {
            self.case.due_at = before;
        }
        ok
    }

    fn minutes(&self, rng: &mut Rng, lo: u32, hi: u32) -> DateTime<Utc> {
        self.t + Duration::minutes(i64::from(rng.int(lo, hi)))
    }

    /// `share` of the way from the last step to the due time (past it when above 1).
    fn towards_due(&self, share: f64) -> DateTime<Utc> {
        let due = self.case.due_at.unwrap_or(self.t + Duration::hours(24));
        let span = (due - self.t).num_seconds().max(600) as f64;
        self.t + Duration::seconds((span * share) as i64)
    }
}

/// Works one case reported at `reported_at` through the loop up to `now`; `department` takes
/// its category (`None`: nobody does, and the officer handles it).
pub fn work(
    rng: &mut Rng,
    category: Category,
    reported_at: DateTime<Utc>,
    now: DateTime<Utc>,
    deadlines: &Deadlines,
    department: Option<&str>,
) -> WorkedCase {
    let urgency = if category == Category::Emergency || rng.unit() < 0.06 {
        Urgency::Urgent
    } else {
        Urgency::Normal
    };
    let mut w = Walk {
        case: WorkedCase {
            state: CaseState::new(),
            urgency,
            department: None,
            dispatched_at: None,
            due_at: None,
            satisfaction: None,
            events: Vec::new(),
        },
        t: reported_at,
        now,
        deadlines,
        stopped: false,
    };
    let at = w.minutes(rng, 5, 180);
    // About one report in thirty is not taken on (不予立案).
    if rng.unit() < 0.03 {
        w.step(at, Action::Reject, "demo.dispatcher", "不属于受理范围");
        return w.case;
    }
    if !w.step(at, Action::Register, "demo.dispatcher", "") {
        return w.case;
    }
    dispatch(&mut w, rng, category, department);
    handle(&mut w, rng);
    w.case
}

/// Dispatches (or hands to the officer), with now and then a return and a second dispatch.
fn dispatch(w: &mut Walk<'_>, rng: &mut Rng, category: Category, department: Option<&str>) {
    let by_officer = department.is_none() || (officer_may_handle(category) && rng.unit() < 0.15);
    let at = w.minutes(rng, 2, 60);
    let due = Some(w.deadlines.due(at, category, w.case.urgency));
    if by_officer {
        if w.step_due(at, Action::SelfHandle, "demo.officer", due) {
            w.case.dispatched_at = Some(at);
        }
        return;
    }
    if !w.step_due(at, Action::Dispatch, "demo.dispatcher", due) {
        return;
    }
    w.case.department = department.map(String::from);
    w.case.dispatched_at = Some(at);
    if rng.unit() < 0.07 {
        let at = w.minutes(rng, 20, 240);
        if !w.step_due(at, Action::Return, "demo.department", None) {
            return;
        }
        w.case.department = None;
        w.case.dispatched_at = None;
        let at = w.minutes(rng, 10, 120);
        let due = Some(w.deadlines.due(at, category, w.case.urgency));
        if w.step_due(at, Action::Dispatch, "demo.dispatcher", due) {
            w.case.department = department.map(String::from);
            w.case.dispatched_at = Some(at);
        }
    }
}

/// Signs, maybe extends or is supervised, answers, is checked (maybe twice) and rated.
fn handle(w: &mut Walk<'_>, rng: &mut Rng) {
    if !w.case.state.signed {
        let at = w.minutes(rng, 5, 120);
        w.step(at, Action::Accept, "demo.department", "");
    }
    // Most answers come well within the limit; about one in eight is late.
    let late = rng.unit() < 0.12;
    if rng.unit() < 0.05 {
        let at = w.towards_due(0.5);
        if w.step(
            at,
            Action::RequestExtension,
            "demo.department",
            "需协调多部门",
        ) {
            let at = w.minutes(rng, 30, 240);
            if rng.unit() < 0.8 {
                let due = w
                    .case
                    .due_at
                    .map(|d| w.deadlines.calendar.due(d, Limit::WorkingDays(2)));
                w.step_due(at, Action::ApproveExtension, "demo.dispatcher", due);
            } else {
                w.step(at, Action::RefuseExtension, "demo.dispatcher", "");
            }
        }
    }
    let share = if late {
        rng.range(1.05, 3.0)
    } else {
        rng.range(0.1, 0.95)
    };
    let answer = w.towards_due(share);
    if late && rng.unit() < 0.4 {
        if let Some(due) = w.case.due_at {
            let at = due + Duration::minutes(i64::from(rng.int(30, 600)));
            if at < answer {
                w.step(at, Action::Supervise, "demo.leader", "超期督办");
            }
        }
    }
    if !w.step(answer, Action::Respond, "demo.department", "已处置") {
        return;
    }
    let at = w.minutes(rng, 30, 600);
    if rng.unit() < 0.07 {
        if !w.step(at, Action::VerifyFail, "demo.officer", "现场未整改到位") {
            return;
        }
        let at = w.minutes(rng, 60, 1440);
        if !w.step(at, Action::Respond, "demo.department", "已重新处置") {
            return;
        }
        let at = w.minutes(rng, 30, 600);
        if !w.step(at, Action::VerifyPass, "demo.officer", "") {
            return;
        }
    } else if !w.step(at, Action::VerifyPass, "demo.officer", "") {
        return;
    }
    if rng.unit() < 0.7 {
        let at = w.minutes(rng, 60, 4320);
        let r = rng.unit();
        let s = if r < 0.84 {
            Satisfaction::Satisfied
        } else if r < 0.95 {
            Satisfaction::Basic
        } else {
            Satisfaction::Dissatisfied
        };
        if w.step(at, Action::Evaluate, "demo.dispatcher", "") {
            w.case.satisfaction = Some(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("{s}:00+08:00"))
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn worked_cases_take_only_legal_steps_in_time_order_and_nothing_after_now() {
        let d = Deadlines::shipped();
        let now = t("2026-12-02T12:00");
        let mut rng = Rng::new(7);
        let mut statuses = std::collections::HashSet::new();
        let (mut late, mut reworked, mut returned, mut open) = (0, 0, 0, 0);
        for i in 0..5_000 {
            let reported = now - Duration::hours(i64::from(rng.int(0, 24 * 60)));
            let cat = *rng.pick(Category::ALL);
            let c = work(
                &mut rng,
                cat,
                reported,
                now,
                &d,
                (i % 5 != 0).then_some("城管执法局"),
            );
            let mut s = CaseState::new();
            let mut last = reported;
            for e in &c.events {
                assert_eq!(e.from, s.status, "{e:?}");
                s = s.apply(e.action).unwrap();
                assert_eq!(e.to, s.status);
                assert!(e.at >= last && e.at <= now, "{e:?}");
                last = e.at;
            }
            assert_eq!(s, c.state, "the state is where the history leads");
            statuses.insert(c.state.status);
            late += usize::from(crate::domain::case::is_overdue(
                c.state.status,
                c.due_at,
                now,
            ));
            reworked += usize::from(c.state.reworks > 0);
            returned += usize::from(c.state.returns > 0);
            open += usize::from(c.state.status.is_open());
        }
        // Registered lasts minutes before dispatch, so few cases are caught in it.
        for s in IncidentStatus::ALL
            .iter()
            .filter(|s| **s != IncidentStatus::Registered)
        {
            assert!(statuses.contains(s), "none left {s:?}: {statuses:?}");
        }
        assert!(
            late > 20 && reworked > 100 && returned > 100,
            "{late} {reworked} {returned}"
        );
        assert!(open > 100 && open < 2_500, "{open} open");
    }
}
