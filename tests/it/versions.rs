//! Versions and drafts in both stores, with the same tests against SQLite and a real PostGIS:
//! a publish retires grids into history and moves what they held, a publish over a retired
//! grid or a used code is refused whole, drafts are kept.

use crate::common;

use crate::common::{at, code, loaded, T0};

use gridd::domain::*;
use gridd::store::{AreaQuery, Dataset, DraftSave, GridQuery, Store, StoreError};
use std::sync::Arc;

type S = Arc<dyn Store>;

both_stores!(
    a_publish_retires_grids_adds_new_ones_and_moves_what_they_held,
    a_second_publish_over_a_retired_grid_or_a_used_code_is_a_conflict_and_writes_nothing,
    drafts_are_created_listed_updated_and_deleted,
    a_draft_edited_after_it_was_loaded_for_publishing_is_not_published_and_keeps_the_edit,
    an_officer_of_two_merged_grids_serves_the_merged_grid_once,
);

/// The west half and east half of grid 610581001001001 (110.43–110.44, 35.475–35.48).
fn halves() -> Vec<Grid> {
    let base = common::fixture()
        .grids
        .into_iter()
        .find(|g| g.code.as_str() == "610581001001001")
        .unwrap();
    let half = |c: &str, x0: f64, x1: f64| Grid {
        code: code(c),
        name: format!("{}-{c}", base.name),
        geometry: geo::MultiPolygon::new(vec![
            geo::Rect::new((x0, 35.475), (x1, 35.48)).to_polygon()
        ]),
        ..base.clone()
    };
    vec![
        half("610581001001003", 110.43, 110.435),
        half("610581001001004", 110.435, 110.44),
    ]
}

fn split_publish(data: &Dataset) -> gridd::store::Publish {
    let old = code("610581001001001");
    let new = halves();
    gridd::store::Publish {
        draft: None,
        valid_from: at(T0),
        note: "split 001".into(),
        retire: vec![old.clone()],
        compounds: data
            .compounds
            .iter()
            .filter(|c| c.grid.as_ref() == Some(&old))
            .map(|c| (c.id.clone(), new[0].code.clone()))
            .collect(),
        buildings: data
            .buildings
            .iter()
            .filter(|b| b.grid.as_ref() == Some(&old))
            .map(|b| (b.id.clone(), new[1].code.clone()))
            .collect(),
        officers: data
            .officers
            .iter()
            .filter(|o| o.grids.contains(&old))
            .map(|o| (o.id.clone(), new[0].code.clone()))
            .collect(),
        create: new,
    }
}

async fn a_publish_retires_grids_adds_new_ones_and_moves_what_they_held(store: S) {
    let data = loaded(&store).await;
    let v1 = store.versions().await.unwrap();
    assert_eq!(v1.len(), 1, "the imported city is version 1");
    let written = store.publish(&split_publish(&data)).await.unwrap();
    assert_eq!(written.version, 2);
    assert_eq!(written.retired, [code("610581001001001")]);
    assert_eq!(written.created.len(), 2);
    let live: Vec<String> = store
        .grids(&GridQuery {
            level: Some(Level::Three),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.grid.code.to_string())
        .collect();
    assert!(!live.contains(&"610581001001001".to_string()));
    assert!(
        live.contains(&"610581001001003".to_string())
            && live.contains(&"610581001001004".to_string())
    );
    let retired = store.retired_grids().await.unwrap();
    assert_eq!(retired.len(), 1);
    assert_eq!((retired[0].since, retired[0].retired), (1, 2));
    assert_eq!(retired[0].grid.code.as_str(), "610581001001001");
    let versions = store.versions().await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1].note, "split 001");
    assert_eq!(versions[1].valid_from, at(T0));
    // What the old grid held now points at the new grids.
    let moved = store
        .buildings(&AreaQuery {
            grid: Some(code("610581001001004")),
            ..Default::default()
        })
        .await
        .unwrap();
    let before = data
        .buildings
        .iter()
        .filter(|b| b.grid == Some(code("610581001001001")))
        .count();
    assert_eq!(moved.len(), before);
    assert!(before > 0);
    let officers = store
        .officers(Some(&code("610581001001003")))
        .await
        .unwrap();
    assert_eq!(
        officers.len(),
        data.officers
            .iter()
            .filter(|o| o.grids.contains(&code("610581001001001")))
            .count()
    );
}

async fn a_second_publish_over_a_retired_grid_or_a_used_code_is_a_conflict_and_writes_nothing(
    store: S,
) {
    let data = loaded(&store).await;
    store.publish(&split_publish(&data)).await.unwrap();
    let again = store.publish(&split_publish(&data)).await;
    match again {
        Err(StoreError::Conflict(m)) => assert!(
            m.contains("610581001001001") && m.contains("no longer in force"),
            "{m}"
        ),
        other => panic!("expected a conflict, got {other:?}"),
    }
    // A new grid may not take a retired code either.
    let mut reuse = split_publish(&data);
    reuse.retire = vec![code("610581001001002")];
    reuse.compounds.clear();
    reuse.buildings.clear();
    reuse.officers.clear();
    reuse.create[0].code = code("610581001001001");
    reuse.create.truncate(1);
    match store.publish(&reuse).await {
        Err(StoreError::Conflict(m)) => assert!(m.contains("never reused"), "{m}"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        store.versions().await.unwrap().len(),
        2,
        "nothing of the refused publishes was written"
    );
    assert!(store
        .grid(&code("610581001001002"))
        .await
        .unwrap()
        .is_some());
}

async fn drafts_are_created_listed_updated_and_deleted(store: S) {
    loaded(&store).await;
    let a = store.create_draft(&draft("北片调整")).await.unwrap();
    let b = store.create_draft(&draft("南片")).await.unwrap();
    assert!(b.id > a.id);
    assert_eq!(a.name, "北片调整");
    assert_eq!(a.version, 1, "a new draft is at version 1");
    assert_eq!(
        store.update_draft(a.id, r#"{"ops":[]}"#, 1).await.unwrap(),
        DraftSave::Saved(2)
    );
    let read = store.draft(a.id).await.unwrap().unwrap();
    assert_eq!(read.state, r#"{"ops":[]}"#);
    assert_eq!(read.version, 2);
    assert_eq!(
        store.update_draft(a.id, "{}", 1).await.unwrap(),
        DraftSave::Stale { current: 2 },
        "an edit made on version 1 is refused once version 2 is stored"
    );
    assert_eq!(
        store.draft(a.id).await.unwrap().unwrap().state,
        r#"{"ops":[]}"#
    );
    assert!(read.updated_at >= read.created_at);
    assert_eq!(store.drafts().await.unwrap().len(), 2);
    assert!(store.delete_draft(b.id).await.unwrap());
    assert!(!store.delete_draft(b.id).await.unwrap());
    assert_eq!(
        store.update_draft(b.id, "{}", 1).await.unwrap(),
        DraftSave::Missing
    );
    assert_eq!(store.draft(b.id).await.unwrap(), None);
}

fn draft(name: &str) -> gridd::store::NewDraft {
    gridd::store::NewDraft {
        name: name.into(),
        base_version: 1,
        state: "{}".into(),
        owner: "planner.li".into(),
        scope: "610581".into(),
    }
}

async fn an_officer_of_two_merged_grids_serves_the_merged_grid_once(store: S) {
    let data = loaded(&store).await;
    let olds = [code("610581001001001"), code("610581001001002")];
    let mut merged = halves().remove(0);
    merged.code = code("610581001001009");
    let officers: Vec<_> = data
        .officers
        .iter()
        .flat_map(|o| {
            let to = merged.code.clone();
            o.grids
                .iter()
                .filter(|g| olds.contains(g))
                .map(move |_| (o.id.clone(), to.clone()))
        })
        .collect();
    let twice = officers.iter().filter(|m| m.0.as_str() == "O006").count();
    assert_eq!(twice, 2, "the fixture's instructor O006 serves both grids");
    store
        .publish(&gridd::store::Publish {
            draft: None,
            valid_from: at(T0),
            note: "merge 001 and 002".into(),
            retire: olds.to_vec(),
            compounds: data
                .compounds
                .iter()
                .filter(|c| c.grid.as_ref().is_some_and(|g| olds.contains(g)))
                .map(|c| (c.id.clone(), merged.code.clone()))
                .collect(),
            buildings: data
                .buildings
                .iter()
                .filter(|b| b.grid.as_ref().is_some_and(|g| olds.contains(g)))
                .map(|b| (b.id.clone(), merged.code.clone()))
                .collect(),
            officers,
            create: vec![merged.clone()],
        })
        .await
        .expect("the merge publishes");
    let serving: Vec<String> = store
        .officers(Some(&merged.code))
        .await
        .unwrap()
        .iter()
        .map(|o| o.id.to_string())
        .collect();
    assert_eq!(serving, ["O003", "O004", "O006", "O007"]);
}

async fn a_draft_edited_after_it_was_loaded_for_publishing_is_not_published_and_keeps_the_edit(
    store: S,
) {
    let data = loaded(&store).await;
    let d = store.create_draft(&draft("拆分 001")).await.unwrap();
    // A split is saved while the publish, which loaded version 1, validates.
    assert_eq!(
        store
            .update_draft(d.id, r#"{"ops":["a later split"]}"#, 1)
            .await
            .unwrap(),
        DraftSave::Saved(2)
    );
    let stale = gridd::store::Publish {
        draft: Some((d.id, 1)),
        ..split_publish(&data)
    };
    match store.publish(&stale).await {
        Err(StoreError::Conflict(m)) => assert!(
            m.contains(&format!("draft {}", d.id)) && m.contains("nothing was published"),
            "{m}"
        ),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        store.versions().await.unwrap().len(),
        1,
        "nothing was published"
    );
    let kept = store.draft(d.id).await.unwrap().expect("the draft is kept");
    assert_eq!(kept.state, r#"{"ops":["a later split"]}"#);
    // Published as it now is, the draft is taken in the same transaction.
    let current = gridd::store::Publish {
        draft: Some((d.id, 2)),
        ..split_publish(&data)
    };
    store.publish(&current).await.unwrap();
    assert!(store.draft(d.id).await.unwrap().is_none());
    assert_eq!(store.versions().await.unwrap()[1].draft, Some(d.id));
}
