use super::*;
use crate::domain::calendar::shipped;
use crate::domain::GridCode;
use Action::*;

/// A China Standard Time in the week of Monday 30 November 2026.
fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("2026-{s}:00+08:00"))
        .unwrap()
        .with_timezone(&Utc)
}

fn ev(at: &str, action: Action, due: Option<&str>) -> EventRecord {
    EventRecord {
        at: t(at),
        action,
        due_at: due.map(t),
    }
}

fn case(
    status: IncidentStatus,
    outcome: Option<Outcome>,
    due: Option<&str>,
    events: Vec<EventRecord>,
) -> CaseRecord {
    CaseRecord {
        reported_at: events.first().map_or_else(|| t("12-02T09:00"), |e| e.at),
        grids: GridPath::from_code(&GridCode::parse("610581001001001").unwrap()),
        department: Some("城管执法局".into()),
        status,
        outcome,
        due_at: due.map(t),
        satisfaction: None,
        events,
    }
}

/// Six cases worked by hand (see each comment); now is Wednesday 2 December 12:00.
fn fixture() -> Vec<CaseRecord> {
    let due_a = Some("12-01T09:00");
    // A: dispatched Mon 09:00 (due Tue 09:00), answered Mon 11:00 (2 working hours), closed
    // Mon 14:30, both on time; rated 满意.
    let mut a = case(
        IncidentStatus::Evaluated,
        Some(Outcome::Resolved),
        due_a,
        vec![
            ev("11-30T08:40", Register, None),
            ev("11-30T09:00", Dispatch, due_a),
            ev("11-30T09:10", Accept, due_a),
            ev("11-30T11:00", Respond, due_a),
            ev("11-30T14:30", VerifyPass, due_a),
            ev("11-30T15:00", Evaluate, due_a),
        ],
    );
    a.satisfaction = Some(Satisfaction::Satisfied);
    // B: dispatched Mon 09:00, returned 10:00, dispatched again 10:30 (due Tue 10:30);
    // answered Wed 09:00 (late; 12.5 working hours after 10:30 Mon), check failed (rework),
    // answered again Wed 11:00 (late; 14.5 h), closed Wed 11:30 (late); rated 不满意.
    let due_b = Some("12-01T10:30");
    let mut b = case(
        IncidentStatus::Evaluated,
        Some(Outcome::Resolved),
        due_b,
        vec![
            ev("11-30T08:45", Register, None),
            ev("11-30T09:00", Dispatch, Some("12-01T09:00")),
            ev("11-30T10:00", Return, None),
            ev("11-30T10:30", Dispatch, due_b),
            ev("11-30T10:40", Accept, due_b),
            ev("12-02T09:00", Respond, due_b),
            ev("12-02T10:00", VerifyFail, due_b),
            ev("12-02T11:00", Respond, due_b),
            ev("12-02T11:30", VerifyPass, due_b),
            ev("12-02T11:45", Evaluate, due_b),
        ],
    );
    b.satisfaction = Some(Satisfaction::Dissatisfied);
    // C: dispatched Mon 09:00 (due Tue 09:00), still being handled: overdue.
    let c = case(
        IncidentStatus::Handling,
        None,
        Some("12-01T09:00"),
        vec![
            ev("11-30T08:50", Register, None),
            ev("11-30T09:00", Dispatch, Some("12-01T09:00")),
            ev("11-30T09:30", Accept, Some("12-01T09:00")),
        ],
    );
    // D: reported, not yet registered.
    let d = case(IncidentStatus::Reported, None, None, vec![]);
    // E: a duplicate of A: counted nowhere.
    let e = case(
        IncidentStatus::Closed,
        Some(Outcome::Duplicate),
        None,
        vec![ev("11-30T09:05", Duplicate, None)],
    );
    // F: registered, then rejected.
    let f = case(
        IncidentStatus::Closed,
        Some(Outcome::Rejected),
        None,
        vec![
            ev("11-30T09:00", Register, None),
            ev("11-30T09:20", Reject, None),
        ],
    );
    vec![a, b, c, d, e, f]
}

#[test]
fn every_kpi_of_the_hand_worked_fixture_comes_out_as_computed_by_hand() {
    let cal = shipped();
    let now = t("12-02T12:00");
    let mut k = Counts::default();
    for c in fixture() {
        k.add(&c, now, &cal);
    }
    assert_eq!(
        (k.reported, k.registered, k.dispatched, k.returned),
        (5, 4, 4, 1),
        "reported A B C D F; registered A B C F; dispatches A, B twice, C; one return"
    );
    assert_eq!((k.responded, k.responded_on_time, k.reworked), (3, 1, 1));
    assert_eq!((k.due, k.closed, k.closed_on_time, k.overdue), (3, 2, 1, 1));
    assert_eq!(k.handling_hours, 2.0 + 12.5 + 14.5);
    assert_eq!((k.evaluated, k.satisfied), (2, 1));
    let r = k.rates();
    assert_eq!(r.registration_rate, Some(0.8));
    assert_eq!(r.accurate_dispatch_rate, Some(0.75));
    assert_eq!(r.on_time_handling_rate, Some(0.333));
    assert_eq!(r.closing_rate, Some(0.667));
    assert_eq!(r.on_time_closing_rate, Some(0.333));
    assert_eq!(r.rework_rate, Some(0.333));
    assert_eq!(r.mean_handling_hours, Some(9.7));
    assert_eq!(r.satisfaction_rate, Some(0.5));
}

#[test]
fn the_csv_columns_name_every_count_and_rate() {
    let counts = serde_json::to_value(Counts::default()).unwrap();
    let rates = serde_json::to_value(Counts::default().rates()).unwrap();
    assert_eq!(counts.as_object().unwrap().len(), COUNT_COLUMNS.len());
    assert_eq!(rates.as_object().unwrap().len(), RATE_COLUMNS.len());
    assert!(COUNT_COLUMNS.iter().all(|c| counts.get(c).is_some()));
    assert!(RATE_COLUMNS.iter().all(|c| rates.get(c).is_some()));
}

#[test]
fn an_empty_grid_has_counts_of_zero_and_no_rates() {
    let r = Counts::default().rates();
    assert_eq!(r.registration_rate, None);
    assert_eq!(r.mean_handling_hours, None);
}
