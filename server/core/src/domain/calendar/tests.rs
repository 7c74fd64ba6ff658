use super::*;
use crate::domain::incident::Category;

const Y2025: &str = include_str!("../../../../../data/calendar/2025.csv");
const Y2026: &str = include_str!("../../../../../data/calendar/2026.csv");

fn china() -> WorkCalendar {
    let c = WorkCalendar::from_csv([Y2025, Y2026]).unwrap();
    assert_eq!(c, shipped(), "the shipped calendar is the data files");
    c
}

/// A China Standard Time as UTC.
fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{s}:00+08:00"))
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn a_friday_afternoon_dispatch_with_three_working_days_is_due_on_wednesday_at_the_same_hour() {
    let c = china();
    assert_eq!(
        c.due(t("2026-11-27T16:00"), Limit::WorkingDays(3)),
        t("2026-12-02T16:00")
    );
}

#[test]
fn the_national_day_week_does_not_count_and_its_shifted_saturday_does() {
    let c = china();
    // Wed 30 Sep + 3 working days: 1–7 Oct are off; Thu 8, Fri 9 and Sat 10 Oct (调休) count.
    assert_eq!(
        c.due(t("2026-09-30T10:00"), Limit::WorkingDays(3)),
        t("2026-10-10T10:00")
    );
    assert!(c.is_working_day(NaiveDate::from_ymd_opt(2026, 10, 10).unwrap()));
    assert!(!c.is_working_day(NaiveDate::from_ymd_opt(2026, 10, 5).unwrap()));
    assert!(!c.is_working_day(NaiveDate::from_ymd_opt(2026, 10, 17).unwrap()));
}

#[test]
fn on_a_shifted_working_saturday_working_hours_run_as_on_any_working_day() {
    let c = china();
    // 09:00 + 4 working hours: 3 h to noon, lunch, 1 h from 14:00.
    assert_eq!(
        c.due(t("2026-10-10T09:00"), Limit::WorkingHours(4)),
        t("2026-10-10T15:00")
    );
    // An ordinary Saturday: the clock starts on Monday morning.
    assert_eq!(
        c.due(t("2026-10-17T09:00"), Limit::WorkingHours(1)),
        t("2026-10-19T09:30")
    );
}

#[test]
fn an_extension_across_a_holiday_moves_the_due_time_past_it() {
    let c = china();
    // Due Tue 29 Sep 16:00, extended by 2 working days: Wed 30 Sep, then Thu 8 Oct.
    assert_eq!(
        c.due(t("2026-09-29T16:00"), Limit::WorkingDays(2)),
        t("2026-10-08T16:00")
    );
}

#[test]
fn working_hours_skip_lunch_evenings_and_weekends() {
    let c = china();
    assert_eq!(
        c.due(t("2026-12-01T11:00"), Limit::WorkingHours(2)),
        t("2026-12-01T15:00")
    );
    // Fri 17:00 + 2 h: half an hour on Friday, the rest on Monday.
    assert_eq!(
        c.due(t("2026-11-27T17:00"), Limit::WorkingHours(2)),
        t("2026-11-30T10:00")
    );
    // Reported at night: the clock starts at 08:30.
    assert_eq!(
        c.due(t("2026-12-01T22:00"), Limit::WorkingHours(4)),
        t("2026-12-02T14:30")
    );
    assert_eq!(
        c.due(t("2026-12-01T12:30"), Limit::WorkingHours(0)),
        t("2026-12-01T14:00")
    );
}

#[test]
fn emergencies_count_clock_hours_day_and_night() {
    let c = china();
    assert_eq!(
        c.due(t("2026-10-03T23:00"), Limit::ClockHours(2)),
        t("2026-10-04T01:00")
    );
}

#[test]
fn working_time_between_two_instants_counts_office_hours_only() {
    let c = china();
    assert_eq!(
        c.working_time(t("2026-12-01T08:00"), t("2026-12-01T18:00")),
        Duration::hours(7)
    );
    assert_eq!(
        c.working_time(t("2026-11-28T08:00"), t("2026-11-29T18:00")),
        Duration::zero(),
        "a weekend"
    );
    assert_eq!(
        c.working_time(t("2026-09-30T17:00"), t("2026-10-08T09:00")),
        Duration::minutes(60)
    );
    assert_eq!(
        c.working_time(t("2026-12-02T10:00"), t("2026-12-01T10:00")),
        Duration::zero()
    );
}

#[test]
fn the_shipped_calendars_hold_the_state_councils_schedules() {
    let c = china();
    let off = |y, m, d| !c.is_working_day(NaiveDate::from_ymd_opt(y, m, d).unwrap());
    assert!(off(2025, 1, 28) && off(2025, 2, 4), "春节 2025");
    assert!(
        !off(2025, 1, 26) && !off(2025, 2, 8),
        "春节 2025 调休 Sunday and Saturday"
    );
    assert!(off(2026, 2, 16) && off(2026, 2, 23) && !off(2026, 2, 14) && !off(2026, 2, 28));
    assert!(!off(2026, 1, 4), "a Sunday worked after 元旦 2026");
    // 261 weekdays less the 13 statutory days off (since 2025) leaves 248 working days.
    for year in [2025, 2026] {
        let working = (1..=365)
            .filter(|d| c.is_working_day(NaiveDate::from_yo_opt(year, *d).unwrap()))
            .count();
        assert_eq!(working, 248, "{year}");
    }
}

#[test]
fn a_calendar_file_with_a_bad_date_or_kind_is_refused_naming_the_line() {
    let mut c = WorkCalendar::new();
    let e = c
        .read_csv("date,kind\n2026-10-01,holiday\n2026-13-01,holiday\n")
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 3: \"2026-13-01\" is not a date (2026-10-01)"
    );
    let e = c.read_csv("date,kind\n2026-10-01,day off\n").unwrap_err();
    assert!(e.to_string().contains("line 2: kind \"day off\""), "{e}");
    assert!(c.read_csv("when,what\n").is_err());
}

#[test]
fn a_later_file_overrides_an_earlier_one_for_the_same_day() {
    let mut c = WorkCalendar::new();
    c.read_csv("date,kind\n2026-12-07,holiday\n").unwrap();
    assert!(!c.is_working_day(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()));
    c.read_csv("date,kind\n2026-12-07,workday\n").unwrap();
    assert!(c.is_working_day(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()));
}

#[test]
fn every_category_has_a_limit_and_urgent_is_never_longer_than_normal() {
    let c = china();
    let start = t("2026-12-01T09:00");
    for cat in Category::ALL {
        let urgent = c.due(start, default_limit(*cat, Urgency::Urgent));
        let normal = c.due(start, default_limit(*cat, Urgency::Normal));
        assert!(urgent <= normal, "{cat:?}");
    }
}

#[test]
fn an_administrators_limit_replaces_the_default_for_its_pair_only() {
    let mut limits = Limits::default();
    limits
        .set(LimitRule {
            category: Category::StreetOrder,
            urgency: Urgency::Normal,
            limit: Limit::WorkingHours(6),
        })
        .unwrap();
    assert_eq!(
        limits.get(Category::StreetOrder, Urgency::Normal),
        Limit::WorkingHours(6)
    );
    assert_eq!(
        limits.get(Category::StreetOrder, Urgency::Urgent),
        default_limit(Category::StreetOrder, Urgency::Urgent)
    );
    assert_eq!(limits.overrides().len(), 1);
    assert_eq!(limits.all().len(), Category::ALL.len() * 2);
    let d = Deadlines {
        calendar: china(),
        limits,
    };
    // Tuesday 09:00 + 6 office hours: 3 before noon, 3 from 14:00.
    assert_eq!(
        d.due(
            t("2026-12-01T09:00"),
            Category::StreetOrder,
            Urgency::Normal
        ),
        t("2026-12-01T17:00")
    );
}

#[test]
fn a_limit_of_zero_or_beyond_its_units_maximum_is_refused() {
    let mut limits = Limits::default();
    for bad in [
        Limit::WorkingDays(0),
        Limit::WorkingDays(251),
        Limit::WorkingHours(0),
        Limit::ClockHours(24 * 32),
    ] {
        let e = limits
            .set(LimitRule {
                category: Category::Greenery,
                urgency: Urgency::Normal,
                limit: bad,
            })
            .unwrap_err();
        assert!(e.contains("c_greenery / normal"), "{e}");
    }
    assert!(limits.overrides().is_empty(), "nothing kept");
}

#[test]
fn listed_days_keep_their_names_and_read_back_in_date_order() {
    let text = "\u{feff}date,kind,name\n2026-10-08,holiday,国庆节\n2026-10-10,workday,国庆节调休\n2026-01-01,holiday,元旦\n";
    let days = parse_csv(text).unwrap();
    assert_eq!(days.len(), 3);
    let c = WorkCalendar::from_days(days);
    let back = c.days();
    assert_eq!(
        back.iter().map(|d| d.date.to_string()).collect::<Vec<_>>(),
        ["2026-01-01", "2026-10-08", "2026-10-10"]
    );
    assert_eq!(back[2].kind, DayKind::Workday);
    assert_eq!(back[2].name, "国庆节调休");
    assert_eq!(
        WorkCalendar::from_days(back),
        c,
        "a round trip changes nothing"
    );
    assert_eq!(
        office_hours(),
        [["08:30", "12:00"], ["14:00", "17:30"]].map(|p| p.map(String::from))
    );
}
