//! The closed loop a case moves through, as a pure state machine: which action is allowed from
//! which state, what it leads to, and who may take it.
//!
//! reported 信息收集 → registered 立案 (or closed as rejected 不予立案 / as a duplicate) →
//! dispatched 派遣 (or handling at once when the grid officer handles it 自行处置) → handling
//! 处理 (signed for 签收; may go back to the dispatcher 退回; may ask for more time 延期) →
//! responded 处理反馈 → closed 核查结案 (the officer checks on site; a failed check goes back
//! to handling as rework 返工) → evaluated 综合评价. 督办 (supervision) flags an open case.
//!
//! A refused action names the state it was tried in, so the API can answer 409 in words.

use super::access::Role;
use super::incident::IncidentStatus;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! actions {
    ($($variant:ident = $name:literal, $zh:literal;)+) => {
        /// What someone does to a case.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Action { $($variant),+ }

        impl Action {
            pub const ALL: [Action; 15] = [$(Action::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Action::$variant => $name),+ }
            }

            pub fn zh(self) -> &'static str {
                match self { $(Action::$variant => $zh),+ }
            }
        }

        impl FromStr for Action {
            type Err = CaseError;
            fn from_str(s: &str) -> Result<Action, CaseError> {
                match s.trim() {
                    $($name => Ok(Action::$variant),)+
                    other => Err(CaseError::UnknownAction(other.to_string())),
                }
            }
        }
    };
}

actions! {
    Register = "register", "立案";
    Reject = "reject", "不予立案";
    Duplicate = "duplicate", "重复件";
    Dispatch = "dispatch", "派遣";
    SelfHandle = "self_handle", "自行处置";
    Accept = "accept", "签收";
    Return = "return", "退回";
    RequestExtension = "request_extension", "延期申请";
    ApproveExtension = "approve_extension", "批准延期";
    RefuseExtension = "refuse_extension", "驳回延期";
    Respond = "respond", "处理反馈";
    VerifyPass = "verify_pass", "核查通过";
    VerifyFail = "verify_fail", "核查不通过";
    Evaluate = "evaluate", "评价";
    Supervise = "supervise", "督办";
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a closed case ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Handled and checked on site.
    Resolved,
    /// Not a case for us (不予立案).
    Rejected,
    /// The same problem as an open case (counted once, with that one).
    Duplicate,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Resolved => "resolved",
            Outcome::Rejected => "rejected",
            Outcome::Duplicate => "duplicate",
        }
    }
}

impl FromStr for Outcome {
    type Err = String;
    fn from_str(s: &str) -> Result<Outcome, String> {
        match s {
            "resolved" => Ok(Outcome::Resolved),
            "rejected" => Ok(Outcome::Rejected),
            "duplicate" => Ok(Outcome::Duplicate),
            other => Err(format!(
                "outcome {other:?} is not resolved, rejected or duplicate"
            )),
        }
    }
}

/// Whether a case is 超期: still open and past its due time at `now`.
pub fn is_overdue(
    status: IncidentStatus,
    due_at: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    status.is_open() && due_at.is_some_and(|d| d < now)
}

/// Working hours before its due time within which an open case is 即将超期 (due soon).
pub const DUE_SOON_WORKING_HOURS: u32 = 4;

/// 即将超期: open, not yet past due, and due within [`DUE_SOON_WORKING_HOURS`] working
/// hours of `now` on `calendar`.
pub fn is_due_soon(
    status: IncidentStatus,
    due_at: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
    calendar: &super::calendar::WorkCalendar,
) -> bool {
    status.is_open()
        && due_at.is_some_and(|d| {
            d >= now
                && d <= calendar.due(
                    now,
                    super::calendar::Limit::WorkingHours(DUE_SOON_WORKING_HOURS),
                )
        })
}

/// How the reporter or the 12345 return call (回访) rated a closed case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    /// 满意
    Satisfied,
    /// 基本满意
    Basic,
    /// 不满意
    Dissatisfied,
}

impl Satisfaction {
    pub fn as_str(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::Basic => "basic",
            Satisfaction::Dissatisfied => "dissatisfied",
        }
    }
}

impl FromStr for Satisfaction {
    type Err = String;
    fn from_str(s: &str) -> Result<Satisfaction, String> {
        match s.trim() {
            "satisfied" | "满意" => Ok(Satisfaction::Satisfied),
            "basic" | "基本满意" => Ok(Satisfaction::Basic),
            "dissatisfied" | "不满意" => Ok(Satisfaction::Dissatisfied),
            other => Err(format!(
                "satisfaction {other:?} is not satisfied (满意), basic (基本满意) or dissatisfied (不满意)"
            )),
        }
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("action {0:?} is not one of register, reject, duplicate, dispatch, self_handle, accept, return, request_extension, approve_extension, refuse_extension, respond, verify_pass, verify_fail, evaluate, supervise")]
    UnknownAction(String),
    #[error("{action} is not possible while the case is {state}")]
    NotNow { action: Action, state: String },
}

/// Where a case stands: its status and what the status alone does not say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseState {
    pub status: IncidentStatus,
    /// The handler has signed for it (签收); a self-handled case is signed at once.
    pub signed: bool,
    /// An extension has been asked for and not yet decided.
    pub extension_pending: bool,
    /// Set once the case is closed.
    pub outcome: Option<Outcome>,
    /// Under supervision (督办).
    pub supervised: bool,
    /// Handled by the grid officer rather than a department.
    pub self_handled: bool,
    /// Times a department sent it back to the dispatcher (退回).
    pub returns: u32,
    /// Times an on-site check failed and sent it back to handling (返工).
    pub reworks: u32,
}

impl CaseState {
    /// A case as it is reported.
    pub fn new() -> CaseState {
        CaseState {
            status: IncidentStatus::Reported,
            signed: false,
            extension_pending: false,
            outcome: None,
            supervised: false,
            self_handled: false,
            returns: 0,
            reworks: 0,
        }
    }

    /// The state in words for refusals: the status, and what else matters.
    pub fn describe(&self) -> String {
        let mut s = self.status.as_str().to_string();
        if let Some(o) = self.outcome {
            s.push_str(match o {
                Outcome::Resolved => " (resolved)",
                Outcome::Rejected => " (rejected)",
                Outcome::Duplicate => " (a duplicate)",
            });
        }
        if self.extension_pending {
            s.push_str(" with an extension request pending");
        }
        s
    }

    /// The state after `action`, or why it cannot be taken now.
    pub fn apply(&self, action: Action) -> Result<CaseState, CaseError> {
        use IncidentStatus as S;
        let mut next = *self;
        let ok = match (self.status, action) {
            (S::Reported, Action::Register) => {
                next.status = S::Registered;
                true
            }
            (S::Reported | S::Registered, Action::Reject) => {
                next.close(Outcome::Rejected);
                true
            }
            (S::Reported | S::Registered, Action::Duplicate) => {
                next.close(Outcome::Duplicate);
                true
            }
            (S::Registered, Action::Dispatch) => {
                next.status = S::Dispatched;
                next.signed = false;
                next.self_handled = false;
                true
            }
            (S::Registered, Action::SelfHandle) => {
                next.status = S::Handling;
                next.signed = true;
                next.self_handled = true;
                true
            }
            (S::Dispatched, Action::Accept) => {
                next.status = S::Handling;
                next.signed = true;
                true
            }
            (S::Dispatched | S::Handling, Action::Return) if !self.extension_pending => {
                next.status = S::Registered;
                next.signed = false;
                next.self_handled = false;
                next.returns += 1;
                true
            }
            (S::Handling, Action::RequestExtension) => {
                let ok = !self.extension_pending;
                next.extension_pending = true;
                ok
            }
            (S::Handling, Action::ApproveExtension | Action::RefuseExtension) => {
                let ok = self.extension_pending;
                next.extension_pending = false;
                ok
            }
            (S::Handling, Action::Respond) if !self.extension_pending => {
                next.status = S::Responded;
                true
            }
            (S::Responded, Action::VerifyPass) => {
                next.close(Outcome::Resolved);
                true
            }
            (S::Responded, Action::VerifyFail) => {
                next.status = S::Handling;
                next.reworks += 1;
                true
            }
            (S::Closed, Action::Evaluate) => {
                let ok = self.outcome != Some(Outcome::Duplicate);
                next.status = S::Evaluated;
                ok
            }
            (status, Action::Supervise) => {
                next.supervised = true;
                status.is_open() && !self.supervised
            }
            _ => false,
        };
        if ok {
            Ok(next)
        } else {
            Err(CaseError::NotNow {
                action,
                state: self.describe(),
            })
        }
    }

    fn close(&mut self, outcome: Outcome) {
        self.status = IncidentStatus::Closed;
        self.outcome = Some(outcome);
        self.extension_pending = false;
    }

    /// The outcome as stored (`resolved`, `rejected`, `duplicate`).
    pub fn outcome_str(&self) -> Option<&'static str> {
        self.outcome.map(Outcome::as_str)
    }

    /// Whether no action can ever change this case again.
    pub fn is_terminal(&self) -> bool {
        self.status == IncidentStatus::Evaluated
            || (self.status == IncidentStatus::Closed && self.outcome == Some(Outcome::Duplicate))
    }
}

impl Default for CaseState {
    fn default() -> CaseState {
        CaseState::new()
    }
}

impl Action {
    /// The roles that may take this action (within their scope; the admin always may).
    /// The grid officer works a self-handled case as its handler.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Action::Register
            | Action::Reject
            | Action::Duplicate
            | Action::Dispatch
            | Action::ApproveExtension
            | Action::RefuseExtension => &[Admin, Dispatcher],
            Action::SelfHandle => &[Admin, Dispatcher, Officer],
            Action::Accept | Action::Return | Action::RequestExtension | Action::Respond => {
                &[Admin, Department, Officer]
            }
            Action::VerifyPass | Action::VerifyFail => &[Admin, Officer],
            Action::Evaluate => &[Admin, Dispatcher, Reporter],
            Action::Supervise => &[Admin, Dispatcher, StreetLeader, Community],
        }
    }
}

#[cfg(test)]
mod tests;
