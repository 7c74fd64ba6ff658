//! `make demo`'s accounts (`gridd serve --demo-accounts`): one of each role over the loaded
//! city, with scopes of that city, made only on a store without accounts.

use gridd::app::accounts;
use gridd::domain::access::Role;
use gridd::store::Store;
use std::sync::Arc;

both_stores!(
    setup = crate::common::with_fixture;
    the_demo_has_one_account_of_each_role_over_the_loaded_city_made_once,
    the_demo_officers_session_names_the_grids_their_officer_serves,
);

async fn the_demo_officers_session_names_the_grids_their_officer_serves(store: Arc<dyn Store>) {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    let city = gridd::store::export_dataset(&*store).await.unwrap();
    let made = accounts::create_demo_accounts(&*store, &city)
        .await
        .unwrap();
    let app = gridd::http::app(
        gridd::app::App::load(store.clone()).await.unwrap(),
        &gridd::http::HttpOptions::default(),
    );
    let session = |login: &str| {
        let body = serde_json::json!({ "login": login, "password": accounts::DEMO_PASSWORD });
        Request::post("/api/session")
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let (s, me) = crate::common::call(app.clone(), session("demo.officer")).await;
    assert_eq!(s, StatusCode::OK, "{me}");
    let officer = made.iter().find(|a| a.role == Role::Officer).unwrap();
    let record = city
        .officers
        .iter()
        .find(|o| Some(o.id.as_str()) == officer.officer.as_deref())
        .unwrap();
    let serves: Vec<String> = record.grids.iter().map(|g| g.to_string()).collect();
    assert!(!serves.is_empty());
    assert_eq!(me["officer_grids"], serde_json::json!(serves));
    // An account without an officer record names none.
    let (_, leader) = crate::common::call(app, session("demo.leader")).await;
    assert_eq!(leader["officer_grids"], serde_json::json!([]));
}

async fn the_demo_has_one_account_of_each_role_over_the_loaded_city_made_once(
    store: Arc<dyn Store>,
) {
    let city = gridd::store::export_dataset(&*store).await.unwrap();
    let made = accounts::create_demo_accounts(&*store, &city)
        .await
        .unwrap();
    let roles: Vec<Role> = made.iter().map(|a| a.role).collect();
    for r in Role::ALL.iter().filter(|r| **r != Role::Reporter) {
        assert!(roles.contains(r), "{r} missing");
    }
    let scope = |login: &str| {
        made.iter()
            .find(|a| a.login.as_str() == login)
            .unwrap()
            .scope
            .to_string()
    };
    assert_eq!(scope("demo.leader"), "610581001");
    assert_eq!(scope("demo.community"), "610581001001");
    assert_eq!(scope("demo.officer"), "610581001001001,610581001001002");
    assert_eq!(scope("demo.planner"), "610581");
    let officer = made.iter().find(|a| a.role == Role::Officer).unwrap();
    assert!(
        officer.officer.is_some(),
        "the officer acts for the officer record serving the grid"
    );
    assert!(accounts::verify_password(
        &officer.password_hash,
        accounts::DEMO_PASSWORD
    ));
    assert!(
        accounts::create_demo_accounts(&*store, &city)
            .await
            .unwrap()
            .is_empty(),
        "a store with accounts gets no more"
    );
    assert_eq!(store.accounts().await.unwrap().len(), 7);
    let departments = store.departments().await.unwrap();
    for c in gridd::domain::Category::ALL {
        assert_eq!(
            departments
                .iter()
                .filter(|d| d.categories.contains(c))
                .count(),
            1,
            "{c:?} goes to exactly one demo department"
        );
    }
    let department = made.iter().find(|a| a.role == Role::Department).unwrap();
    assert!(
        departments
            .iter()
            .any(|d| Some(&d.name) == department.department.as_ref()),
        "the demo department account acts for a department that exists"
    );
}
