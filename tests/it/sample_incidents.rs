//! `gridd generate-incidents`: reproducible, in the city, clustered, with the channels'
//! rhythms and coordinate systems, and the NDJSON and CSV files saying the same thing.

use chrono::{DateTime, FixedOffset, TimeZone, Timelike};
use gridd::domain::{Channel, Crs, Level, RawCoord};
use gridd::generate::incident_files::{csv_row, ndjson_line, CSV_HEADER};
use gridd::generate::incidents::{generate, Report};
use gridd::generate::City;
use gridd::spatial::{crs, PolygonIndex};
use std::collections::HashMap;
use std::sync::OnceLock;

fn city() -> &'static City {
    static CITY: OnceLock<City> = OnceLock::new();
    CITY.get_or_init(|| gridd::generate::generate(42, |_| {}).unwrap())
}

fn origin() -> DateTime<FixedOffset> {
    FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(2025, 11, 1, 0, 0, 0)
        .unwrap()
}

fn reports(seed: u64, count: usize) -> Vec<Report> {
    let mut out = Vec::with_capacity(count);
    generate(city(), seed, count, origin(), |r| {
        out.push(r.clone());
        Ok::<(), ()>(())
    })
    .unwrap();
    out
}

fn sample() -> &'static [Report] {
    static SAMPLE: OnceLock<Vec<Report>> = OnceLock::new();
    SAMPLE.get_or_init(|| reports(7, 50_000))
}

#[test]
fn the_same_seed_gives_the_same_incidents_and_another_seed_does_not() {
    let a = &sample()[..2000];
    assert_eq!(a, &reports(7, 2000)[..]);
    assert_ne!(a, &reports(8, 2000)[..]);
    assert_eq!(sample().len(), 50_000, "exactly the count asked for");
}

#[test]
fn about_sixty_percent_report_gcj02_as_phone_apps_do_and_apps_always_do() {
    let n = sample().len() as f64;
    let share = |c: Crs| sample().iter().filter(|r| r.crs == c).count() as f64 / n;
    let gcj = share(Crs::Gcj02);
    assert!((0.55..=0.70).contains(&gcj), "GCJ-02 share {gcj}");
    assert!(share(Crs::Bd09) > 0.01 && share(Crs::Cgcs2000) > 0.05);
    assert!(sample()
        .iter()
        .filter(|r| matches!(r.channel, Channel::ResidentApp | Channel::Snapshot))
        .all(|r| r.crs == Crs::Gcj02));
}

#[test]
fn incidents_fall_within_one_year_and_patrols_report_in_working_hours() {
    let (from, to) = (origin(), origin() + chrono::Duration::days(365));
    assert!(sample()
        .iter()
        .all(|r| r.reported_at >= from && r.reported_at < to));
    let patrol_hours: Vec<u32> = sample()
        .iter()
        .filter(|r| r.channel == Channel::Patrol)
        .map(|r| r.reported_at.hour())
        .collect();
    assert!(patrol_hours.iter().all(|h| (7..=18).contains(h)));
    let night = sample().iter().filter(|r| r.reported_at.hour() < 6).count();
    let morning = sample()
        .iter()
        .filter(|r| (9..12).contains(&r.reported_at.hour()))
        .count();
    assert!(morning > 10 * night, "morning {morning} vs night {night}");
}

#[test]
fn converted_back_to_wgs84_almost_every_incident_lands_in_a_level_three_grid() {
    let index = PolygonIndex::new(
        city()
            .data
            .grids
            .iter()
            .filter(|g| g.level() == Level::Three)
            .map(|g| (g.code.clone(), g.geometry.clone())),
    );
    let inside = sample()
        .iter()
        .filter(|r| {
            let p = crs::to_wgs84(RawCoord::new(r.lng, r.lat, r.crs).unwrap()).unwrap();
            index.locate(p.to_geo()).is_some()
        })
        .count();
    let share = inside as f64 / sample().len() as f64;
    assert!(share > 0.97, "only {share} of incidents fall in a grid");
}

#[test]
fn incidents_cluster_so_the_hottest_one_percent_of_100_m_cells_hold_over_a_sixth() {
    let mut cells: HashMap<(i64, i64), usize> = HashMap::new();
    for r in sample() {
        let key = (
            (r.lng / 0.001).round() as i64,
            (r.lat / 0.001).round() as i64,
        );
        *cells.entry(key).or_default() += 1;
    }
    let mut counts: Vec<usize> = cells.into_values().collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    let top: usize = counts[..counts.len() / 100].iter().sum();
    let share = top as f64 / sample().len() as f64;
    assert!(share > 1.0 / 6.0, "top 1% of cells hold {share}");
}

#[test]
fn the_ndjson_line_and_the_csv_row_of_an_incident_say_the_same_thing() {
    let columns: Vec<&str> = CSV_HEADER.split(',').collect();
    for r in &sample()[..500] {
        let mut nd = Vec::new();
        ndjson_line(r, &mut nd);
        let json: serde_json::Value = serde_json::from_slice(&nd).unwrap();
        let mut row = Vec::new();
        csv_row(r, &mut row);
        let row = String::from_utf8(row).unwrap();
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(fields.len(), columns.len(), "{row}");
        for (name, field) in columns.iter().zip(&fields) {
            let v = &json[*name];
            let as_text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            assert_eq!(&as_text, field, "{name} in {row}");
        }
        assert_eq!(json["lng"].as_f64(), Some(r.lng));
        assert_eq!(
            DateTime::parse_from_rfc3339(json["reported_at"].as_str().unwrap()).unwrap(),
            r.reported_at
        );
    }
}
