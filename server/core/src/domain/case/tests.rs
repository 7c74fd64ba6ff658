use super::*;
use crate::generate::rng::Rng;
use IncidentStatus as S;

fn walk(actions: &[Action]) -> Result<CaseState, CaseError> {
    actions
        .iter()
        .try_fold(CaseState::new(), |s, a| s.apply(*a))
}

#[test]
fn a_case_goes_round_the_whole_loop_from_report_to_evaluation() {
    use Action::*;
    let s = walk(&[Register, Dispatch, Accept, Respond, VerifyPass, Evaluate]).unwrap();
    assert_eq!(s.status, S::Evaluated);
    assert_eq!(s.outcome, Some(Outcome::Resolved));
    assert!(s.is_terminal());
}

#[test]
fn a_failed_check_sends_the_case_back_to_handling_and_counts_rework() {
    use Action::*;
    let s = walk(&[Register, Dispatch, Accept, Respond, VerifyFail]).unwrap();
    assert_eq!((s.status, s.reworks), (S::Handling, 1));
    let s = s.apply(Respond).unwrap().apply(VerifyPass).unwrap();
    assert_eq!((s.status, s.reworks), (S::Closed, 1));
}

#[test]
fn a_department_returns_a_case_to_the_dispatcher_who_dispatches_it_again() {
    use Action::*;
    let s = walk(&[Register, Dispatch, Return]).unwrap();
    assert_eq!((s.status, s.returns, s.signed), (S::Registered, 1, false));
    let s = s.apply(Dispatch).unwrap().apply(Accept).unwrap();
    assert_eq!((s.status, s.signed), (S::Handling, true));
}

#[test]
fn an_extension_request_must_be_decided_before_anything_else_is_reported() {
    use Action::*;
    let s = walk(&[Register, Dispatch, Accept, RequestExtension]).unwrap();
    assert!(s.extension_pending);
    let e = s.apply(Respond).unwrap_err();
    assert_eq!(
        e.to_string(),
        "respond is not possible while the case is handling with an extension request pending"
    );
    assert!(s.apply(RequestExtension).is_err(), "one request at a time");
    let s = s.apply(ApproveExtension).unwrap();
    assert!(!s.extension_pending);
    assert!(s.apply(RefuseExtension).is_err(), "nothing left to decide");
    assert_eq!(s.apply(Respond).unwrap().status, S::Responded);
}

#[test]
fn a_rejected_case_may_be_evaluated_but_a_duplicate_never_changes_again() {
    let rejected = CaseState::new().apply(Action::Reject).unwrap();
    assert_eq!(rejected.outcome, Some(Outcome::Rejected));
    assert_eq!(
        rejected.apply(Action::Evaluate).unwrap().status,
        S::Evaluated
    );
    let dup = CaseState::new().apply(Action::Duplicate).unwrap();
    assert!(dup.is_terminal());
    for a in Action::ALL {
        assert!(dup.apply(a).is_err(), "{a} on a duplicate");
    }
}

#[test]
fn the_grid_officer_handles_a_case_at_once_when_the_dispatcher_says_so() {
    use Action::*;
    let s = walk(&[Register, SelfHandle]).unwrap();
    assert_eq!(
        (s.status, s.signed, s.self_handled),
        (S::Handling, true, true)
    );
    assert!(s.apply(Accept).is_err(), "already signed for");
}

#[test]
fn supervision_flags_an_open_case_once_and_not_a_closed_one() {
    let s = CaseState::new().apply(Action::Supervise).unwrap();
    assert!(s.supervised);
    assert!(s.apply(Action::Supervise).is_err());
    let closed = CaseState::new().apply(Action::Reject).unwrap();
    assert!(closed.apply(Action::Supervise).is_err());
}

#[test]
fn a_refusal_names_the_action_and_the_state() {
    let e = CaseState::new().apply(Action::VerifyPass).unwrap_err();
    assert_eq!(
        e.to_string(),
        "verify_pass is not possible while the case is reported"
    );
    assert!("escalate".parse::<Action>().is_err());
    for a in Action::ALL {
        assert_eq!(a.as_str().parse::<Action>().unwrap(), a);
    }
}

/// What must hold in every state a case can reach.
fn check_invariants(s: &CaseState) {
    assert_eq!(
        s.outcome.is_some(),
        matches!(s.status, S::Closed | S::Evaluated),
        "an outcome exactly when closed: {s:?}"
    );
    if s.extension_pending {
        assert_eq!(s.status, S::Handling, "{s:?}");
    }
    if s.status == S::Handling {
        assert!(s.signed, "a case being handled is signed for: {s:?}");
    }
    if s.self_handled {
        assert!(s.signed, "{s:?}");
    }
}

#[test]
fn random_action_sequences_never_reach_an_illegal_state_and_reach_every_status() {
    let mut rng = Rng::new(2026);
    let mut seen = std::collections::HashSet::new();
    let mut outcomes = std::collections::HashSet::new();
    for _ in 0..5_000 {
        let mut s = CaseState::new();
        for _ in 0..40 {
            let a = *rng.pick(&Action::ALL);
            let was_terminal = s.is_terminal();
            match s.apply(a) {
                Ok(next) => {
                    assert!(!was_terminal, "{a} changed a terminal case {s:?}");
                    check_invariants(&next);
                    if let Some(o) = next.outcome {
                        outcomes.insert(format!("{o:?}"));
                    }
                    s = next;
                }
                Err(CaseError::NotNow { action, .. }) => assert_eq!(action, a),
                Err(e) => panic!("{e}"),
            }
            seen.insert(s.status);
        }
    }
    for status in IncidentStatus::ALL {
        assert!(seen.contains(status), "{status:?} never reached");
    }
    assert_eq!(outcomes.len(), 3, "every outcome reached: {outcomes:?}");
}

#[test]
fn from_a_terminal_state_every_action_is_refused() {
    use Action::*;
    let evaluated = walk(&[Register, Dispatch, Accept, Respond, VerifyPass, Evaluate]).unwrap();
    for a in Action::ALL {
        assert!(evaluated.apply(a).is_err(), "{a}");
    }
}

#[test]
fn only_the_dispatcher_registers_and_only_the_officer_verifies() {
    assert!(Action::Register.roles().contains(&Role::Dispatcher));
    assert!(!Action::Register.roles().contains(&Role::Officer));
    assert!(Action::VerifyPass.roles().contains(&Role::Officer));
    assert!(!Action::VerifyPass.roles().contains(&Role::Department));
    assert!(Action::ALL.iter().all(|a| a.roles().contains(&Role::Admin)));
}

#[test]
fn a_case_is_due_soon_within_four_working_hours_of_its_due_time_counting_office_hours_only() {
    let t = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(&format!("{s}:00+08:00"))
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    let cal = crate::domain::calendar::shipped();
    let due = Some(t("2026-12-07T10:00")); // a Monday
    let open = IncidentStatus::Handling;
    // Friday 16:00: 1.5 office hours left on Friday and 1.5 on Monday morning.
    assert!(is_due_soon(open, due, t("2026-12-04T16:00"), &cal));
    // Friday 09:00: a whole Friday (7 hours) still to go.
    assert!(!is_due_soon(open, due, t("2026-12-04T09:00"), &cal));
    // Past due is overdue, not due soon; a closed case is neither.
    assert!(!is_due_soon(open, due, t("2026-12-07T10:30"), &cal));
    assert!(!is_due_soon(
        IncidentStatus::Closed,
        due,
        t("2026-12-04T16:00"),
        &cal
    ));
    assert!(!is_due_soon(open, None, t("2026-12-04T16:00"), &cal));
}
