//! The store conformance suite: every test runs against the embedded SQLite store and a real
//! PostGIS database, and both must give the same answers.

use crate::common;

use crate::common::{at, code, loaded, T0};

use gridd::domain::*;
use gridd::store::{AreaQuery, Dataset, GridQuery, IncidentQuery, Store, StoreError};
use std::sync::Arc;

type S = Arc<dyn Store>;

both_stores!(
    an_imported_city_reads_back_exactly_as_it_was_written,
    counts_report_grids_per_level_and_every_table,
    an_import_that_fails_on_its_last_row_writes_nothing,
    a_building_pointing_at_a_missing_compound_rolls_the_whole_import_back,
    a_batch_repeating_a_code_is_refused_before_anything_is_written,
    grids_filter_by_level_and_parent,
    a_bbox_inside_a_courtyard_hole_does_not_list_the_compound_around_it,
    a_bbox_touching_a_shared_edge_lists_the_grids_on_both_sides,
    listing_by_grid_includes_everything_under_that_grid,
    only_grid_heads_and_grid_officers_count_towards_a_grids_officers,
    officers_of_a_grid_include_those_serving_grids_under_it,
    incidents_keep_raw_coordinates_crs_and_report_time_grids,
    incidents_filter_by_grid_category_status_channel_time_and_bbox_newest_first,
    incident_status_counts_cover_the_grid_and_everything_under_it,
    an_unknown_grid_reads_as_none,
    roads_read_back_with_their_names_classes_and_every_line,
);

async fn an_imported_city_reads_back_exactly_as_it_was_written(store: S) {
    let data = loaded(&store).await;
    let grids: Vec<Grid> = store
        .grids(&GridQuery::default())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.grid)
        .collect();
    let mut want = data.grids.clone();
    want.sort_by(|a, b| a.code.cmp(&b.code));
    assert_eq!(grids, want);
    let mut compounds = data.compounds.clone();
    compounds.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(
        store.compounds(&AreaQuery::default()).await.unwrap(),
        compounds
    );
    let mut buildings = data.buildings.clone();
    buildings.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(
        store.buildings(&AreaQuery::default()).await.unwrap(),
        buildings
    );
    assert_eq!(store.officers(None).await.unwrap(), data.officers);
    assert_eq!(store.service_centres().await.unwrap(), data.service_centres);
    // The courtyard hole of 金城花园 survives the trip.
    let c001 = store
        .compounds(&AreaQuery::default())
        .await
        .unwrap()
        .remove(0);
    assert_eq!(c001.geometry.0[0].interiors().len(), 1);
}

async fn counts_report_grids_per_level_and_every_table(store: S) {
    assert_eq!(store.counts().await.unwrap().grids_by_level, [0, 0, 0]);
    loaded(&store).await;
    let c = store.counts().await.unwrap();
    assert_eq!(c.grids_by_level, [1, 2, 4]);
    assert_eq!(
        (
            c.compounds,
            c.buildings,
            c.officers,
            c.service_centres,
            c.incidents
        ),
        (3, 12, 7, 2, 0)
    );
}

async fn an_import_that_fails_on_its_last_row_writes_nothing(store: S) {
    loaded(&store).await;
    let before = store.counts().await.unwrap();
    let fixture = common::fixture();
    let mut new_grid = fixture.grids[0].clone();
    new_grid.code = code("610581002");
    // The new level-1 grid is fine; the officer at the end collides with an existing id.
    let batch = Dataset {
        grids: vec![new_grid],
        officers: vec![fixture.officers[0].clone()],
        ..Dataset::default()
    };
    let err = store.import(&batch).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert!(err.to_string().contains("officer O001"), "{err}");
    assert_eq!(store.counts().await.unwrap(), before);
    assert!(store.grid(&code("610581002")).await.unwrap().is_none());
}

async fn a_building_pointing_at_a_missing_compound_rolls_the_whole_import_back(store: S) {
    let mut data = common::fixture();
    data.buildings[5].compound = Some(FeatureId::parse("C999").unwrap());
    let err = store.import(&data).await.unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("building {}", data.buildings[5].id)),
        "{err}"
    );
    assert_eq!(store.counts().await.unwrap().grids_by_level, [0, 0, 0]);
    assert_eq!(store.counts().await.unwrap().compounds, 0);
}

async fn a_batch_repeating_a_code_is_refused_before_anything_is_written(store: S) {
    let mut data = common::fixture();
    let dup = data.grids[3].clone();
    data.grids.push(dup.clone());
    let err = store.import(&data).await.unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("grid {} appears twice", dup.code)),
        "{err}"
    );
    assert_eq!(store.counts().await.unwrap(), Default::default());
}

fn codes(rows: &[gridd::store::GridRow]) -> Vec<&str> {
    rows.iter().map(|r| r.grid.code.as_str()).collect()
}

async fn grids_filter_by_level_and_parent(store: S) {
    loaded(&store).await;
    let l2 = store
        .grids(&GridQuery {
            level: Some(Level::Two),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(codes(&l2), ["610581001001", "610581001002"]);
    let kids = store
        .grids(&GridQuery {
            parent: Some(code("610581001002")),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(codes(&kids), ["610581001002001", "610581001002002"]);
    let none = store
        .grids(&GridQuery {
            level: Some(Level::One),
            parent: Some(code("610581001002")),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(none.is_empty());
}

async fn a_bbox_inside_a_courtyard_hole_does_not_list_the_compound_around_it(store: S) {
    loaded(&store).await;
    // 金城花园's courtyard is 110.4340–110.4360 × 35.4770–35.4780.
    let hole = Bbox::new(110.4345, 35.4772, 110.4355, 35.4778).unwrap();
    let in_hole = store
        .compounds(&AreaQuery {
            bbox: Some(hole),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        in_hole.is_empty(),
        "{:?}",
        in_hole.iter().map(|c| &c.name).collect::<Vec<_>>()
    );
    let across = Bbox::new(110.4345, 35.4772, 110.4365, 35.4778).unwrap();
    let hits = store
        .compounds(&AreaQuery {
            bbox: Some(across),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        hits.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["C001"]
    );
}

async fn a_bbox_touching_a_shared_edge_lists_the_grids_on_both_sides(store: S) {
    loaded(&store).await;
    // A degenerate box lying exactly on the edge lng = 110.44 between 西区 and 东区.
    let edge = Bbox::new(110.44, 35.471, 110.44, 35.472).unwrap();
    let rows = store
        .grids(&GridQuery {
            level: Some(Level::Three),
            bbox: Some(edge),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(codes(&rows), ["610581001001002", "610581001002002"]);
    // A real box lying east of the edge touches 西区 only along it: touching counts.
    let east_of_edge = Bbox::new(110.44, 35.471, 110.442, 35.472).unwrap();
    let rows = store
        .grids(&GridQuery {
            level: Some(Level::Three),
            bbox: Some(east_of_edge),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(codes(&rows), ["610581001001002", "610581001002002"]);
    let far = Bbox::new(111.0, 36.0, 111.1, 36.1).unwrap();
    assert!(store
        .grids(&GridQuery {
            bbox: Some(far),
            ..Default::default()
        })
        .await
        .unwrap()
        .is_empty());
}

async fn listing_by_grid_includes_everything_under_that_grid(store: S) {
    loaded(&store).await;
    let ids = |v: Vec<Compound>| v.into_iter().map(|c| c.id.to_string()).collect::<Vec<_>>();
    let east = store
        .compounds(&AreaQuery {
            grid: Some(code("610581001002")),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(east), ["C002"]);
    let all = store
        .compounds(&AreaQuery {
            grid: Some(code("610581001")),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(all), ["C001", "C002", "C003"]);
    let b = store
        .buildings(&AreaQuery {
            grid: Some(code("610581001002001")),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        b.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
        ["B012"]
    );
    assert_eq!(b[0].compound, None);
}

async fn only_grid_heads_and_grid_officers_count_towards_a_grids_officers(store: S) {
    loaded(&store).await;
    // 西区北片 has a full-time officer, an instructor and a building head: one officer.
    let row = store.grid(&code("610581001001001")).await.unwrap().unwrap();
    assert_eq!(row.officers, 1);
    let vacant = store.grid(&code("610581001002002")).await.unwrap().unwrap();
    assert_eq!(vacant.officers, 0);
}

async fn officers_of_a_grid_include_those_serving_grids_under_it(store: S) {
    loaded(&store).await;
    let west = store.officers(Some(&code("610581001001"))).await.unwrap();
    let ids: Vec<&str> = west.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["O002", "O003", "O004", "O006", "O007"]);
    // The instructor keeps both of their grids, not just the one that matched.
    assert_eq!(west[3].grids.len(), 2);
    // The whole number is kept (the leaders of the grid see it); it is shown masked.
    let phone = west[3].phone.as_ref().unwrap();
    assert_eq!(phone.as_str(), "13812340005");
    assert_eq!(phone.masked(), "138****0005");
}

fn incident(
    lng: f64,
    lat: f64,
    grid: Option<&str>,
    category: Category,
    status: IncidentStatus,
    ms: i64,
) -> NewIncident {
    NewIncident {
        raw: RawCoord::new(lng + 0.0051, lat + 0.0012, Crs::Gcj02).unwrap(),
        location: Wgs84Point::new(lng, lat).unwrap(),
        category,
        description: format!("{} 井盖破损", category.zh()),
        channel: Channel::ResidentApp,
        reported_at: at(ms),
        status,
        grids: grid
            .map(|g| GridPath::from_code(&code(g)))
            .unwrap_or_default(),
        compound: None,
        building: None,
        reporter: gridd::domain::reporter::Reporter {
            by: Some("token:12345-gateway".into()),
            name: (ms % 2 == 0).then(|| "王小明".into()),
            phone: Some("13812345678".into()),
            source: None,
            order_no: (ms % 3 == 0).then(|| format!("GD-{ms}")),
        },
    }
}

fn three_incidents() -> Vec<NewIncident> {
    vec![
        incident(
            110.435,
            35.477,
            Some("610581001001001"),
            Category::PublicFacilities,
            IncidentStatus::Reported,
            T0,
        ),
        incident(
            110.445,
            35.472,
            Some("610581001002002"),
            Category::StreetOrder,
            IncidentStatus::Closed,
            T0 + 3_600_000,
        ),
        incident(
            110.500,
            35.600,
            None,
            Category::PublicFacilities,
            IncidentStatus::Dispatched,
            T0 + 7_200_000,
        ),
    ]
}

async fn incidents_keep_raw_coordinates_crs_and_report_time_grids(store: S) {
    loaded(&store).await;
    let written = store.insert_incidents(&three_incidents()).await.unwrap();
    assert_eq!(written.len(), 3);
    assert!(written[0].id < written[1].id && written[1].id < written[2].id);
    let mut read = store.incidents(&IncidentQuery::default()).await.unwrap();
    read.reverse();
    assert_eq!(read, written);
    assert_eq!(read[0].incident.raw.crs, Crs::Gcj02);
    assert_eq!(
        read[0].incident.grids.level2.as_ref().unwrap().as_str(),
        "610581001001"
    );
    assert_eq!(read[2].incident.grids, GridPath::default());
    assert_eq!(store.counts().await.unwrap().incidents, 3);
}

async fn incidents_filter_by_grid_category_status_channel_time_and_bbox_newest_first(store: S) {
    loaded(&store).await;
    let mut three = three_incidents();
    three[2].channel = Channel::Hotline;
    store.insert_incidents(&three).await.unwrap();
    let q = |f: fn(&mut IncidentQuery)| {
        let mut q = IncidentQuery::default();
        f(&mut q);
        q
    };
    let times = |v: Vec<Incident>| {
        v.iter()
            .map(|i| i.incident.reported_at.timestamp_millis() - T0)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        times(store.incidents(&IncidentQuery::default()).await.unwrap()),
        [7_200_000, 3_600_000, 0]
    );
    let by_grid = q(|q| q.grid = Some(code("610581001")));
    assert_eq!(
        times(store.incidents(&by_grid).await.unwrap()),
        [3_600_000, 0]
    );
    let by_cat = q(|q| q.category = Some(Category::PublicFacilities));
    assert_eq!(
        times(store.incidents(&by_cat).await.unwrap()),
        [7_200_000, 0]
    );
    let by_status = q(|q| q.status = Some(IncidentStatus::Closed.into()));
    assert_eq!(
        times(store.incidents(&by_status).await.unwrap()),
        [3_600_000]
    );
    let open = q(|q| q.status = Some(StatusSet::open()));
    assert_eq!(times(store.incidents(&open).await.unwrap()), [7_200_000, 0]);
    let by_channel = q(|q| q.channel = Some(Channel::Hotline));
    assert_eq!(
        times(store.incidents(&by_channel).await.unwrap()),
        [7_200_000]
    );
    // from is inclusive, to is exclusive.
    let window = q(|q| {
        q.from = Some(at(T0 + 3_600_000));
        q.to = Some(at(T0 + 7_200_000));
    });
    assert_eq!(times(store.incidents(&window).await.unwrap()), [3_600_000]);
    let boxed = q(|q| q.bbox = Some(Bbox::new(110.43, 35.47, 110.45, 35.48).unwrap()));
    assert_eq!(
        times(store.incidents(&boxed).await.unwrap()),
        [3_600_000, 0]
    );
    let limited = q(|q| q.limit = Some(1));
    assert_eq!(times(store.incidents(&limited).await.unwrap()), [7_200_000]);
}

async fn incident_status_counts_cover_the_grid_and_everything_under_it(store: S) {
    loaded(&store).await;
    store.insert_incidents(&three_incidents()).await.unwrap();
    let l1 = store
        .incident_status_counts(&code("610581001"))
        .await
        .unwrap();
    assert_eq!(l1.get(&IncidentStatus::Reported), Some(&1));
    assert_eq!(l1.get(&IncidentStatus::Closed), Some(&1));
    assert_eq!(l1.values().sum::<u64>(), 2);
    let vacant = store
        .incident_status_counts(&code("610581001001002"))
        .await
        .unwrap();
    assert!(vacant.is_empty());
}

async fn an_unknown_grid_reads_as_none(store: S) {
    loaded(&store).await;
    assert!(store.grid(&code("610581009")).await.unwrap().is_none());
    assert!(store
        .officers(Some(&code("610581009")))
        .await
        .unwrap()
        .is_empty());
}

async fn roads_read_back_with_their_names_classes_and_every_line(store: S) {
    let data = loaded(&store).await;
    let roads = store.roads().await.unwrap();
    assert_eq!(roads, data.roads);
    assert_eq!(roads.len(), 3);
    let street = roads.iter().find(|r| r.id.as_str() == "R2").unwrap();
    assert_eq!(
        (street.name.as_str(), street.class),
        ("盘河路", RoadClass::Street)
    );
    assert_eq!(
        street.geometry.0.len(),
        2,
        "both lines of a MultiLineString are kept"
    );
    let lane = roads.iter().find(|r| r.id.as_str() == "R3").unwrap();
    assert_eq!(lane.name, "", "an unnamed lane stays unnamed");
    assert_eq!(lane.geometry.0[0].0.len(), 3);
}
