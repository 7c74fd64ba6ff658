//! Accounts, tokens and the audit log in PostGIS.

use super::super::accounts::role_and_scope;
use super::super::{
    Account, AuditEntry, AuditQuery, NewAccount, NewAuditEntry, NewToken, Result, SessionRow,
    StoreError, TokenRow,
};
use super::read::{db, get};
use crate::domain::access::Login;
use chrono::{DateTime, Utc};
use tokio_postgres::{Client, Row};

const ACCOUNT_COLUMNS: &str = "id, login, display_name, role, scope, officer_id, department, password_hash, disabled, created_at";

fn account_of(r: &Row) -> Result<Account> {
    let what = "account";
    let (role, scope) = role_and_scope(&get::<String>(r, 3, what)?, &get::<String>(r, 4, what)?)?;
    Ok(Account {
        id: get(r, 0, what)?,
        login: Login::parse(&get::<String>(r, 1, what)?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        display_name: get(r, 2, what)?,
        role,
        scope,
        officer: get(r, 5, what)?,
        department: get(r, 6, what)?,
        password_hash: get(r, 7, what)?,
        disabled: get(r, 8, what)?,
        created_at: get(r, 9, what)?,
    })
}

pub(super) async fn create_account(client: &Client, a: &NewAccount) -> Result<Account> {
    let row = client
        .query_opt(
            &format!(
                "INSERT INTO accounts (login, display_name, role, scope, officer_id, department, password_hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (login) DO NOTHING RETURNING {ACCOUNT_COLUMNS}"
            ),
            &[
                &a.login.as_str(),
                &a.display_name,
                &a.role.as_str(),
                &a.scope.to_string(),
                &a.officer,
                &a.department,
                &a.password_hash,
            ],
        )
        .await
        .map_err(db("creating an account"))?;
    match row {
        Some(r) => account_of(&r),
        None => Err(StoreError::Conflict(format!("login {} is taken", a.login))),
    }
}

pub(super) async fn account(client: &Client, login: &Login) -> Result<Option<Account>> {
    client
        .query_opt(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE login = $1"),
            &[&login.as_str()],
        )
        .await
        .map_err(db("reading an account"))?
        .as_ref()
        .map(account_of)
        .transpose()
}

pub(super) async fn accounts(client: &Client) -> Result<Vec<Account>> {
    client
        .query(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY login"),
            &[],
        )
        .await
        .map_err(db("listing accounts"))?
        .iter()
        .map(account_of)
        .collect()
}

/// Runs one statement that takes away access (a password, an account, a token, a session)
/// and, if it changed a row, appends an `accounts` change line in the same statement (so
/// both commit together): `change` is that statement with the row change as CTE `u`.
async fn revoke(
    client: &Client,
    what: &'static str,
    change: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> Result<bool> {
    let sql = format!(
        "WITH u AS ({change} RETURNING 1)
         SELECT count(*), count(gridd_change('accounts', 0, 0)) FROM u"
    );
    let n: i64 = client
        .query_one(&sql, params)
        .await
        .map_err(db(what))?
        .get(0);
    Ok(n == 1)
}

pub(super) async fn set_password(client: &Client, login: &Login, hash: &str) -> Result<bool> {
    revoke(
        client,
        "changing a password",
        "UPDATE accounts SET password_hash = $1 WHERE login = $2",
        &[&hash, &login.as_str()],
    )
    .await
}

pub(super) async fn set_disabled(client: &Client, login: &Login, disabled: bool) -> Result<bool> {
    revoke(
        client,
        "disabling an account",
        "UPDATE accounts SET disabled = $1 WHERE login = $2",
        &[&disabled, &login.as_str()],
    )
    .await
}

const TOKEN_COLUMNS: &str = "id, name, role, scope, created_at, last_used_at, revoked_at";

fn token_of(r: &Row) -> Result<TokenRow> {
    let what = "token";
    let (role, scope) = role_and_scope(&get::<String>(r, 2, what)?, &get::<String>(r, 3, what)?)?;
    Ok(TokenRow {
        id: get(r, 0, what)?,
        name: get(r, 1, what)?,
        role,
        scope,
        created_at: get(r, 4, what)?,
        last_used_at: get(r, 5, what)?,
        revoked_at: get(r, 6, what)?,
    })
}

pub(super) async fn create_token(client: &Client, t: &NewToken) -> Result<TokenRow> {
    let row = client
        .query_one(
            &format!(
                "INSERT INTO tokens (name, role, scope, token_hash) VALUES ($1, $2, $3, $4) RETURNING {TOKEN_COLUMNS}"
            ),
            &[&t.name, &t.role.as_str(), &t.scope.to_string(), &t.token_hash],
        )
        .await
        .map_err(db("creating a token"))?;
    token_of(&row)
}

pub(super) async fn use_token(
    client: &Client,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<TokenRow>> {
    client
        .query_opt(
            &format!(
                "UPDATE tokens SET last_used_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL RETURNING {TOKEN_COLUMNS}"
            ),
            &[&now, &hash],
        )
        .await
        .map_err(db("using a token"))?
        .as_ref()
        .map(token_of)
        .transpose()
}

pub(super) async fn revoke_token(client: &Client, id: i64) -> Result<bool> {
    revoke(
        client,
        "revoking a token",
        "UPDATE tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL",
        &[&id],
    )
    .await
}

pub(super) async fn append_audit(client: &Client, e: &NewAuditEntry) -> Result<i64> {
    let row = client
        .query_one(
            "INSERT INTO audit (at, actor, kind, object, summary, source) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[&e.at, &e.actor, &e.kind, &e.object, &e.summary, &e.source],
        )
        .await
        .map_err(db("appending to the audit log"))?;
    get(&row, 0, "audit id")
}

pub(super) async fn audit(client: &Client, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
    client
        .query(
            "SELECT id, at, actor, kind, object, summary, source FROM audit
             WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
               AND ($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR kind = $4)
             ORDER BY at, id",
            &[&q.from, &q.to, &q.actor, &q.kind],
        )
        .await
        .map_err(db("reading the audit log"))?
        .iter()
        .map(|r| {
            let what = "audit line";
            Ok(AuditEntry {
                id: get(r, 0, what)?,
                at: get(r, 1, what)?,
                actor: get(r, 2, what)?,
                kind: get(r, 3, what)?,
                object: get(r, 4, what)?,
                summary: get(r, 5, what)?,
                source: get(r, 6, what)?,
            })
        })
        .collect()
}

pub(super) async fn create_session(
    client: &Client,
    id_hash: &str,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    client
        .execute(
            "INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)",
            &[&id_hash, &account_id, &now],
        )
        .await
        .map_err(db("starting a session"))?;
    Ok(())
}

pub(super) async fn use_session(
    client: &Client,
    id_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(SessionRow, Account)>> {
    // The times as they were before this use, then the account.
    let Some(row) = client
        .query_opt(
            "WITH old AS (SELECT account_id, created_at, last_seen_at FROM sessions WHERE id_hash = $1),
                  touched AS (UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1)
             SELECT account_id, created_at, last_seen_at FROM old",
            &[&id_hash, &now],
        )
        .await
        .map_err(db("reading a session"))?
    else {
        return Ok(None);
    };
    let what = "session";
    let session = SessionRow {
        account_id: get(&row, 0, what)?,
        created_at: get(&row, 1, what)?,
        last_seen_at: get(&row, 2, what)?,
    };
    let account = client
        .query_one(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"),
            &[&session.account_id],
        )
        .await
        .map_err(db("reading a session's account"))?;
    Ok(Some((session, account_of(&account)?)))
}

pub(super) async fn delete_session(client: &Client, id_hash: &str) -> Result<bool> {
    revoke(
        client,
        "ending a session",
        "DELETE FROM sessions WHERE id_hash = $1",
        &[&id_hash],
    )
    .await
}
