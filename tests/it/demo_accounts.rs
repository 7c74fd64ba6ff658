//! `make demo`'s accounts (`gridd serve --demo-accounts`): one of each role over the loaded
//! city, with scopes of that city, made only on a store without accounts.

use gridd::app::accounts;
use gridd::domain::access::Role;
use gridd::store::Store;
use std::sync::Arc;

both_stores!(
    setup = crate::common::with_fixture;
    the_demo_has_one_account_of_each_role_over_the_loaded_city_made_once,
);

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
