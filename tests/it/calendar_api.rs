//! The working calendar and time limits at run time, on both stores: the shipped calendar
//! until an administrator replaces it (JSON or a CSV file), kept across a restart, used by
//! the next dispatch; only the administrator may change it, and a bad body changes nothing.

use crate::cases_api::{setup, signed_in, Loop, MINE};
use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use gridd::app::App;
use gridd::domain::access::Role;
use gridd::domain::calendar::{parse_csv, Limit, WorkCalendar};
use gridd::http::{app, HttpOptions};
use gridd::store::Store;
use serde_json::{json, Value};
use std::sync::Arc;

both_stores!(
    setup = crate::common::with_fixture;
    the_shipped_calendar_is_in_force_until_an_admin_replaces_it_and_the_change_survives_a_restart,
    a_dispatch_after_the_limits_or_holidays_change_is_due_by_the_new_rules,
    a_calendar_file_replaces_the_listed_days,
    bad_calendar_bodies_answer_400_naming_what_and_change_nothing,
);

async fn with_admin(store: &Arc<dyn Store>) -> Loop {
    let mut l = setup(store).await;
    let cookie = signed_in(store, "root", Role::Admin, "", None).await;
    l.cookies.insert("root", cookie);
    l
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn limit_of<'a>(cal: &'a Value, category: &str, urgency: &str) -> &'a Value {
    cal["limits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["category"] == category && l["urgency"] == urgency)
        .unwrap()
}

async fn the_shipped_calendar_is_in_force_until_an_admin_replaces_it_and_the_change_survives_a_restart(
    store: Arc<dyn Store>,
) {
    let l = with_admin(&store).await;
    let (s, cal) = l.send("officer.a", "GET", "/api/calendar", None).await;
    assert_eq!(s, StatusCode::OK, "{cal}");
    assert_eq!(cal["shipped"], true);
    assert_eq!(
        cal["office_hours"],
        json!([["08:30", "12:00"], ["14:00", "17:30"]])
    );
    let national_day = cal["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2026-10-01")
        .unwrap();
    assert_eq!(national_day["kind"], "holiday");
    assert_eq!(national_day["name"], "国庆节");
    assert_eq!(
        cal["limits"].as_array().unwrap().len(),
        24,
        "12 categories × 2"
    );
    let street = limit_of(&cal, "e_street_order", "normal");
    assert_eq!(
        (&street["unit"], &street["amount"], &street["is_default"]),
        (&json!("working_days"), &json!(1), &json!(true))
    );

    let change = json!({
        "days": [{ "date": "2026-12-07", "kind": "holiday", "name": "演练日" }],
        "limits": [{ "category": "e_street_order", "urgency": "normal",
                     "unit": "working_hours", "amount": 6 }],
    });
    for who in ["officer.a", "dispatch", "leader"] {
        let (s, v) = l
            .send(who, "PUT", "/api/calendar", Some(change.clone()))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {v}");
    }
    let (s, put) = l.send("root", "PUT", "/api/calendar", Some(change)).await;
    assert_eq!(s, StatusCode::OK, "{put}");
    assert_eq!(put["shipped"], false);
    assert_eq!(
        put["days"],
        json!([{ "date": "2026-12-07", "kind": "holiday", "name": "演练日" }])
    );

    // A new server on the same store starts with the replaced calendar and limits.
    let again = App::load(Arc::clone(&store)).await.unwrap();
    let r = app(again, &HttpOptions::default());
    let req = Request::get("/api/calendar")
        .header(header::COOKIE, &l.cookies["officer.a"])
        .body(Body::empty())
        .unwrap();
    let (s, after) = common::call(r, req).await;
    assert_eq!(s, StatusCode::OK, "{after}");
    assert_eq!(after["days"], put["days"]);
    let street = limit_of(&after, "e_street_order", "normal");
    assert_eq!(
        (&street["unit"], &street["amount"], &street["is_default"]),
        (&json!("working_hours"), &json!(6), &json!(false))
    );
    assert_eq!(
        limit_of(&after, "e_street_order", "urgent")["is_default"],
        true
    );
}

async fn a_dispatch_after_the_limits_or_holidays_change_is_due_by_the_new_rules(
    store: Arc<dyn Store>,
) {
    let l = with_admin(&store).await;
    // The next fortnight has holidays on every weekday but three: a 2-working-day limit
    // then reaches well past where the shipped calendar would have put it.
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let days: Vec<Value> = (1..=14)
        .map(|i| today + Duration::days(i))
        .filter(|d| ![4, 9, 12].contains(&(*d - today).num_days()))
        .map(|d| json!({ "date": d.to_string(), "kind": "holiday", "name": "测试假日" }))
        .collect();
    let change = json!({
        "days": days,
        "limits": [{ "category": "e_street_order", "urgency": "normal",
                     "unit": "working_days", "amount": 2 }],
    });
    let (s, v) = l.send("root", "PUT", "/api/calendar", Some(change)).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let id = l.report("officer.a", MINE, "e_street_order").await;
    l.ok("dispatch", id, "register", json!({})).await;
    let case = l.ok("dispatch", id, "dispatch", json!({})).await;
    let (from, due) = (time(&case["dispatched_at"]), time(&case["due_at"]));
    let listed: Vec<_> = days
        .iter()
        .map(|d| gridd::domain::calendar::SpecialDay {
            date: NaiveDate::parse_from_str(d["date"].as_str().unwrap(), "%Y-%m-%d").unwrap(),
            kind: gridd::domain::calendar::DayKind::Holiday,
            name: String::new(),
        })
        .collect();
    let expected = WorkCalendar::from_days(listed).due(from, Limit::WorkingDays(2));
    assert_eq!(due, expected, "due by the replaced calendar and limit");
    let shipped = gridd::domain::calendar::shipped().due(from, Limit::WorkingDays(1));
    assert!(due > shipped, "later than the shipped rules' {shipped}");

    // Back to one clock hour for street order: the next dispatch is due an hour on.
    let change = json!({ "limits": [{ "category": "e_street_order", "urgency": "normal",
                                      "unit": "clock_hours", "amount": 1 }] });
    let (s, v) = l.send("root", "PUT", "/api/calendar", Some(change)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["days"].as_array().unwrap().len(), days.len(), "days kept");
    let id = l.report("officer.a", MINE, "e_street_order").await;
    l.ok("dispatch", id, "register", json!({})).await;
    let case = l.ok("dispatch", id, "dispatch", json!({})).await;
    assert_eq!(
        time(&case["due_at"]) - time(&case["dispatched_at"]),
        Duration::hours(1)
    );
}

async fn put_csv(l: &Loop, who: &str, text: &str) -> (StatusCode, Value) {
    let req = Request::put("/api/calendar")
        .header(header::COOKIE, &l.cookies[who])
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
        .body(Body::from(text.to_string()))
        .unwrap();
    common::call(l.r.clone(), req).await
}

async fn a_calendar_file_replaces_the_listed_days(store: Arc<dyn Store>) {
    let l = with_admin(&store).await;
    let file = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-07,workday,春节调休\n";
    let (s, v) = put_csv(&l, "root", file).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["days"],
        json!([
            { "date": "2027-01-01", "kind": "holiday", "name": "元旦" },
            { "date": "2027-02-07", "kind": "workday", "name": "春节调休" },
        ])
    );
    assert_eq!(
        limit_of(&v, "e_street_order", "normal")["is_default"],
        true,
        "limits untouched"
    );
    let cal = WorkCalendar::from_days(parse_csv(file).unwrap());
    assert!(
        cal.is_working_day(NaiveDate::from_ymd_opt(2027, 2, 7).unwrap()),
        "a Sunday worked"
    );
    assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()));
}

async fn bad_calendar_bodies_answer_400_naming_what_and_change_nothing(store: Arc<dyn Store>) {
    let l = with_admin(&store).await;
    let cases: [(Value, &str); 5] = [
        (
            json!({ "limits": [{ "category": "e_street_order", "urgency": "normal",
                                 "unit": "fortnights", "amount": 1 }] }),
            "limits[0].unit",
        ),
        (
            json!({ "limits": [{ "category": "e_street_order", "urgency": "normal",
                                 "unit": "working_days", "amount": 0 }] }),
            "limits[0]",
        ),
        (
            json!({ "days": [{ "date": "2026-13-01", "kind": "holiday" }] }),
            "line 1",
        ),
        (
            json!({ "days": [{ "date": "2026-10-01", "kind": "vacation" }] }),
            "vacation",
        ),
        (json!({}), "neither days nor limits"),
    ];
    for (body, says) in cases {
        let (s, v) = l
            .send("root", "PUT", "/api/calendar", Some(body.clone()))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert!(
            v.to_string().contains(says),
            "{body}: {v} should name {says}"
        );
    }
    let (s, v) = put_csv(
        &l,
        "root",
        "date,kind\n2026-10-01,holiday\n2026-10-02,vacation\n",
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v.to_string().contains("line 3"), "{v}");
    let (s, v) = put_csv(&l, "root", "day,type\n").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    let (_, cal) = l.send("officer.a", "GET", "/api/calendar", None).await;
    assert_eq!(cal["shipped"], true, "nothing changed: {}", cal["days"]);
    assert!(cal["limits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["is_default"] == true));
}
