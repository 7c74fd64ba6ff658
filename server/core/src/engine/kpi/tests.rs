use super::*;
use crate::domain::calendar::Deadlines;
use crate::domain::kpi::CaseRecord;
use crate::generate::cases::work;
use crate::generate::rng::Rng;
use chrono::{DateTime, Duration, Utc};

const L3: [&str; 4] = [
    "610581001001001",
    "610581001001002",
    "610581001002001",
    "610581002001001",
];

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-02T12:00:00+08:00")
        .unwrap()
        .with_timezone(&Utc)
}

/// Worked cases over four level-3 grids in two level-1 grids, some with no department.
fn cases(n: usize) -> Vec<(i64, CaseRecord)> {
    let d = Deadlines::shipped();
    let mut rng = Rng::new(11);
    (0..n)
        .map(|i| {
            let reported_at = now() - Duration::hours(i64::from(rng.int(0, 24 * 90)));
            let category = *rng.pick(crate::domain::Category::ALL);
            let dept = ["城管执法局", "住建局"][i % 2];
            let w = work(
                &mut rng,
                category,
                reported_at,
                now(),
                &d,
                (i % 7 != 0).then_some(dept),
            );
            let grids = GridPath::from_code(&GridCode::parse(L3[i % 4]).unwrap());
            let record = CaseRecord {
                reported_at,
                grids,
                department: w.department.clone(),
                status: w.state.status,
                outcome: w.state.outcome,
                due_at: w.due_at,
                satisfaction: w.satisfaction,
                events: w
                    .events
                    .iter()
                    .map(|e| EventRecord {
                        at: e.at,
                        action: e.action,
                        due_at: e.due_at,
                    })
                    .collect(),
            };
            (i as i64 + 1, record)
        })
        .collect()
}

fn everyone(_: &GridCode) -> bool {
    true
}

fn filter<'a>(keep: &'a dyn Fn(&GridCode) -> bool) -> KpiFilter<'a> {
    KpiFilter {
        from: None,
        to: None,
        keep_grid: keep,
        only_department: None,
        department: None,
        parent: None,
        now: now().timestamp(),
    }
}

/// The counts by folding every record afresh, as the store-backed path did.
fn naive(
    records: &[(i64, CaseRecord)],
    key: impl Fn(&CaseRecord) -> Option<String>,
) -> Vec<(String, Counts)> {
    let cal = Deadlines::shipped().calendar;
    let mut m = std::collections::BTreeMap::<String, Counts>::new();
    for (_, r) in records {
        if let Some(k) = key(r) {
            m.entry(k).or_default().add(r, now(), &cal);
        }
    }
    m.into_iter().collect()
}

#[test]
fn the_index_counts_what_folding_every_case_afresh_counts_per_grid_and_per_department() {
    let records = cases(3_000);
    let cal = Deadlines::shipped().calendar;
    let mut idx = KpiIndex::default();
    for (id, r) in &records {
        idx.put(*id, r, &cal);
    }
    let (by_l3, total) = idx.counts(GroupBy::Grid(Level::Three), &filter(&everyone));
    assert_eq!(
        by_l3,
        naive(&records, |r| r.grids.level3.as_ref().map(|c| c.to_string()))
    );
    assert_eq!(
        total.reported,
        3_000
            - records
                .iter()
                .filter(|(_, r)| r.outcome == Some(crate::domain::case::Outcome::Duplicate))
                .count() as u64
    );
    let (by_l1, _) = idx.counts(GroupBy::Grid(Level::One), &filter(&everyone));
    assert_eq!(
        by_l1,
        naive(&records, |r| r.grids.level1.as_ref().map(|c| c.to_string()))
    );
    let (by_dept, _) = idx.counts(GroupBy::Department, &filter(&everyone));
    assert_eq!(by_dept, naive(&records, |r| r.department.clone()));
    assert!(
        total.overdue > 0 && total.reworked > 0 && total.returned > 0,
        "{total:?}"
    );
}

#[test]
fn a_case_followed_transition_by_transition_counts_as_the_whole_history_does() {
    let records = cases(600);
    let cal = Deadlines::shipped().calendar;
    let mut whole = KpiIndex::default();
    let mut live = KpiIndex::default();
    for (id, r) in &records {
        whole.put(*id, r, &cal);
        live.report(
            *id,
            r.reported_at.timestamp(),
            &r.grids,
            crate::domain::IncidentStatus::Reported,
        );
        // The state after each step is only known at the end here; the last step sets it.
        for (i, e) in r.events.iter().enumerate() {
            let last = i + 1 == r.events.len();
            let state = if last {
                (r.status, r.outcome, r.due_at, r.satisfaction)
            } else {
                (
                    crate::domain::IncidentStatus::Handling,
                    None,
                    e.due_at,
                    None,
                )
            };
            assert!(live.transition(
                *id,
                e,
                if last { r.department.as_deref() } else { None },
                state,
                &cal
            ));
        }
    }
    for by in [GroupBy::Grid(Level::Three), GroupBy::Department] {
        assert_eq!(
            live.counts(by, &filter(&everyone)),
            whole.counts(by, &filter(&everyone))
        );
    }
    assert!(!live.transition(
        999_999,
        &records[0].1.events[0],
        None,
        (crate::domain::IncidentStatus::Registered, None, None, None),
        &cal
    ));
}

#[test]
fn scope_parent_period_and_department_cut_the_counts() {
    let records = cases(2_000);
    let cal = Deadlines::shipped().calendar;
    let mut idx = KpiIndex::default();
    for (id, r) in &records {
        idx.put(*id, r, &cal);
    }
    let street = GridCode::parse("610581001").unwrap();
    let in_street = |g: &GridCode| g.is_within(&street);
    let (rows, _) = idx.counts(GroupBy::Grid(Level::Three), &filter(&in_street));
    assert_eq!(
        rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
        &L3[..3]
    );

    let community = GridCode::parse("610581001001").unwrap();
    let mut f = filter(&everyone);
    f.parent = Some(&community);
    let (rows, _) = idx.counts(GroupBy::Grid(Level::Three), &f);
    assert_eq!(rows.len(), 2, "the two grids under 610581001001");

    let mut f = filter(&everyone);
    f.only_department = Some("住建局");
    let (rows, total) = idx.counts(GroupBy::Department, &f);
    assert_eq!(
        rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
        ["住建局"]
    );
    assert_eq!(
        total,
        naive(&records, |r| (r.department.as_deref() == Some("住建局"))
            .then(|| "x".into()))[0]
            .1
    );

    let cut = now() - Duration::days(30);
    let mut f = filter(&everyone);
    f.from = Some(cut.timestamp());
    let (_, recent) = idx.counts(GroupBy::Grid(Level::Three), &f);
    let expected = records
        .iter()
        .filter(|(_, r)| {
            r.reported_at >= cut && r.outcome != Some(crate::domain::case::Outcome::Duplicate)
        })
        .count();
    assert_eq!(recent.reported as usize, expected);

    let mut f = filter(&everyone);
    f.only_department = Some("无此部门");
    assert_eq!(idx.counts(GroupBy::Department, &f).0, vec![]);
}

#[test]
fn cases_group_by_the_week_and_month_they_were_reported_in_china_time() {
    let records = cases(2_000);
    let cal = Deadlines::shipped().calendar;
    let mut idx = KpiIndex::default();
    for (id, r) in &records {
        idx.put(*id, r, &cal);
    }
    let (months, total) = idx.counts(GroupBy::Month, &filter(&everyone));
    let (_, all) = idx.counts(GroupBy::Grid(Level::Three), &filter(&everyone));
    assert_eq!(total, all, "every case in some month");
    let labels: Vec<&str> = months.iter().map(|m| m.0.as_str()).collect();
    let mut sorted = labels.clone();
    sorted.sort();
    assert_eq!(labels, sorted, "oldest first");
    assert!(
        labels
            .iter()
            .all(|l| l.len() == 7 && l.starts_with("2026-")),
        "{labels:?}"
    );
    let (weeks, _) = idx.counts(GroupBy::Week, &filter(&everyone));
    for (label, _) in &weeks {
        let d = chrono::NaiveDate::parse_from_str(label, "%Y-%m-%d").unwrap();
        assert_eq!(
            chrono::Datelike::weekday(&d),
            chrono::Weekday::Mon,
            "{label}"
        );
    }
    // Sunday 23:30 in Beijing is still that week; Monday 00:10 starts the next.
    let sunday = DateTime::parse_from_rfc3339("2026-11-29T23:30:00+08:00")
        .unwrap()
        .timestamp();
    let monday = DateTime::parse_from_rfc3339("2026-11-30T00:10:00+08:00")
        .unwrap()
        .timestamp();
    assert_eq!(period(GroupBy::Week, sunday).unwrap().1, "2026-11-23");
    assert_eq!(period(GroupBy::Week, monday).unwrap().1, "2026-11-30");
    assert_eq!(period(GroupBy::Month, monday).unwrap().1, "2026-11");
}
