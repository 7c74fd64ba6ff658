//! Accounts, machine tokens and the audit log in both stores: accounts read back with their
//! role and scope, a login is taken once, passwords verify only against their hash, tokens
//! are found by their hash until revoked and record their last use, and no path can change
//! or delete a line of the audit log.

use crate::common;
use chrono::{Duration, Utc};
use gridd::app::accounts::{self, AccountRequest};
use gridd::domain::access::{Login, Role, Scope};
use gridd::store::{AuditQuery, Store, StoreError};
use std::sync::Arc;

both_stores!(
    an_account_reads_back_with_its_role_and_scope_and_a_login_is_taken_once,
    a_token_is_found_by_its_hash_until_revoked_and_records_its_last_use,
    every_account_and_token_change_is_in_the_audit_log_in_order,
);

fn officer<'a>(login: &'a str, password: &'a str) -> AccountRequest<'a> {
    AccountRequest {
        login,
        role: "officer",
        scope: "610581001001001,610581001001002",
        display_name: Some("王力"),
        officer: Some("O0001"),
        department: None,
        password,
    }
}

async fn an_account_reads_back_with_its_role_and_scope_and_a_login_is_taken_once(
    store: Arc<dyn Store>,
) {
    let made =
        accounts::create_account(&*store, "cli", &officer("Wang.Li", "correct horse battery"))
            .await
            .unwrap();
    let login = Login::parse("wang.li").unwrap();
    let read = store.account(&login).await.unwrap().unwrap();
    assert_eq!(read, made);
    assert_eq!(
        (
            read.role,
            read.display_name.as_str(),
            read.officer.as_deref()
        ),
        (Role::Officer, "王力", Some("O0001"))
    );
    assert!(matches!(&read.scope, Scope::Grids(g) if g.len() == 2));
    assert!(accounts::verify_password(
        &read.password_hash,
        "correct horse battery"
    ));
    assert!(
        !read.password_hash.contains("correct horse"),
        "only the hash is stored"
    );
    let again =
        accounts::create_account(&*store, "cli", &officer("wang.li", "another password")).await;
    assert!(
        matches!(again, Err(accounts::AccountError::Store(StoreError::Conflict(ref m))) if m.contains("wang.li")),
        "{again:?}"
    );
    accounts::change_password(&*store, "cli", "wang.li", "a new long password")
        .await
        .unwrap();
    let read = store.account(&login).await.unwrap().unwrap();
    assert!(accounts::verify_password(
        &read.password_hash,
        "a new long password"
    ));
    assert!(!accounts::verify_password(
        &read.password_hash,
        "correct horse battery"
    ));
    accounts::disable_account(&*store, "cli", "wang.li")
        .await
        .unwrap();
    assert!(store.account(&login).await.unwrap().unwrap().disabled);
    assert!(store
        .account(&Login::parse("nobody").unwrap())
        .await
        .unwrap()
        .is_none());
    assert_eq!(store.accounts().await.unwrap().len(), 1);
}

async fn a_token_is_found_by_its_hash_until_revoked_and_records_its_last_use(
    store: Arc<dyn Store>,
) {
    let (token, row) = accounts::create_token(&*store, "cli", "12345-gateway", "reporter", "")
        .await
        .unwrap();
    assert_eq!(
        (row.role, &row.scope, row.last_used_at),
        (Role::Reporter, &Scope::Nothing, None)
    );
    let now = Utc::now() + Duration::seconds(5);
    let used = store
        .use_token(&accounts::token_hash(&token), now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(used.id, row.id);
    let last = used.last_used_at.unwrap();
    assert!(
        (last - now).num_milliseconds().abs() < 1_000,
        "{last} vs {now}"
    );
    assert!(store
        .use_token(&accounts::token_hash("forged"), now)
        .await
        .unwrap()
        .is_none());
    assert!(
        store.use_token(&token, now).await.unwrap().is_none(),
        "the token itself is not the key"
    );
    assert!(store.revoke_token(row.id).await.unwrap());
    assert!(!store.revoke_token(row.id).await.unwrap(), "revoked once");
    assert!(store
        .use_token(&accounts::token_hash(&token), now)
        .await
        .unwrap()
        .is_none());
}

async fn every_account_and_token_change_is_in_the_audit_log_in_order(store: Arc<dyn Store>) {
    accounts::create_account(&*store, "cli", &officer("li.na", "correct horse battery"))
        .await
        .unwrap();
    accounts::create_token(&*store, "admin", "mini-program", "reporter", "")
        .await
        .unwrap();
    accounts::disable_account(&*store, "cli", "li.na")
        .await
        .unwrap();
    let all = store.audit(&AuditQuery::default()).await.unwrap();
    let kinds: Vec<&str> = all.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["account.create", "token.create", "account.disable"]);
    assert!(
        all.iter().all(|e| !e.summary.contains("correct horse")),
        "no password in the log"
    );
    let by_admin = store
        .audit(&AuditQuery {
            actor: Some("admin".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_admin.len(), 1);
    let later = store
        .audit(&AuditQuery {
            from: Some(Utc::now() + Duration::hours(1)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(later.is_empty());
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes_in_sqlite() {
    let (store, dir) = common::sqlite_store().await;
    accounts::create_token(&*store, "cli", "t", "reporter", "")
        .await
        .unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("gridd.db")).unwrap();
    for sql in ["UPDATE audit SET summary = 'x'", "DELETE FROM audit"] {
        let e = conn.execute(sql, []).unwrap_err();
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    assert_eq!(store.audit(&AuditQuery::default()).await.unwrap().len(), 1);
}

#[tokio::test]
#[cfg_attr(not(gridd_pg), ignore = "GRIDD_TEST_PG is not set (make test sets it)")]
async fn the_audit_log_refuses_updates_deletes_and_truncation_in_postgis() {
    let url = common::pg_fresh_database().await;
    let store = gridd::store::open(&url).await.unwrap();
    accounts::create_token(&*store, "cli", "t", "reporter", "")
        .await
        .unwrap();
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    for sql in [
        "UPDATE audit SET summary = 'x'",
        "DELETE FROM audit",
        "TRUNCATE audit",
    ] {
        let e = client.batch_execute(sql).await.unwrap_err();
        let text = e
            .as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_default();
        assert!(text.contains("append-only"), "{sql}: {e}");
    }
    assert_eq!(store.audit(&AuditQuery::default()).await.unwrap().len(), 1);
}
