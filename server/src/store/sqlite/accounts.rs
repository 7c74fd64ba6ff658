//! Accounts, tokens and the audit log in the embedded store (times as unix milliseconds).

use super::super::accounts::role_and_scope;
use super::super::{
    Account, AuditEntry, AuditQuery, NewAccount, NewAuditEntry, NewToken, Result, SessionRow,
    StoreError, TokenRow,
};
use super::versions::{db, time};
use crate::domain::access::Login;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

const ACCOUNT_COLUMNS: &str = "id, login, display_name, role, scope, officer_id, department, password_hash, disabled, created_at";

type RawAccount = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    bool,
    i64,
);

fn raw_account(r: &rusqlite::Row) -> rusqlite::Result<RawAccount> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
    ))
}

fn account_of(r: RawAccount) -> Result<Account> {
    let (role, scope) = role_and_scope(&r.3, &r.4)?;
    Ok(Account {
        id: r.0,
        login: Login::parse(&r.1).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        display_name: r.2,
        role,
        scope,
        officer: r.5,
        department: r.6,
        password_hash: r.7,
        disabled: r.8,
        created_at: time(r.9)?,
    })
}

pub(super) fn create_account(conn: &mut Connection, a: &NewAccount) -> Result<Account> {
    let now = Utc::now().timestamp_millis();
    let n = conn
        .execute(
            "INSERT INTO accounts (login, display_name, role, scope, officer_id, department, password_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (login) DO NOTHING",
            params![
                a.login.as_str(),
                a.display_name,
                a.role.as_str(),
                a.scope.to_string(),
                a.officer,
                a.department,
                a.password_hash,
                now
            ],
        )
        .map_err(db("creating an account"))?;
    if n == 0 {
        return Err(StoreError::Conflict(format!("login {} is taken", a.login)));
    }
    account(conn, &a.login)?
        .ok_or_else(|| StoreError::Corrupt(format!("account {} vanished", a.login)))
}

pub(super) fn account(conn: &Connection, login: &Login) -> Result<Option<Account>> {
    conn.query_row(
        &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE login = ?1"),
        [login.as_str()],
        raw_account,
    )
    .optional()
    .map_err(db("reading an account"))?
    .map(account_of)
    .transpose()
}

pub(super) fn accounts(conn: &Connection) -> Result<Vec<Account>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY login"
        ))
        .map_err(db("listing accounts"))?;
    let raw = stmt
        .query_map([], raw_account)
        .map_err(db("listing accounts"))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db("reading an account"))?;
    raw.into_iter().map(account_of).collect()
}

/// Runs one statement that takes away access (a password, an account, a token, a session)
/// and, if it changed a row, tells the other servers in the same transaction.
fn revoke(
    conn: &mut Connection,
    what: &'static str,
    sql: &str,
    values: impl rusqlite::Params,
) -> Result<bool> {
    let tx = conn.transaction().map_err(db(what))?;
    let n = tx.execute(sql, values).map_err(db(what))?;
    if n == 1 {
        super::changes::append(&tx, super::super::ChangeKind::Accounts, (0, 0))?;
    }
    tx.commit().map_err(db(what))?;
    Ok(n == 1)
}

pub(super) fn set_password(conn: &mut Connection, login: &Login, hash: &str) -> Result<bool> {
    revoke(
        conn,
        "changing a password",
        "UPDATE accounts SET password_hash = ?1 WHERE login = ?2",
        params![hash, login.as_str()],
    )
}

pub(super) fn set_disabled(conn: &mut Connection, login: &Login, disabled: bool) -> Result<bool> {
    revoke(
        conn,
        "disabling an account",
        "UPDATE accounts SET disabled = ?1 WHERE login = ?2",
        params![disabled, login.as_str()],
    )
}

const TOKEN_COLUMNS: &str = "id, name, role, scope, created_at, last_used_at, revoked_at";

type RawToken = (i64, String, String, String, i64, Option<i64>, Option<i64>);

fn raw_token(r: &rusqlite::Row) -> rusqlite::Result<RawToken> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn token_of(r: RawToken) -> Result<TokenRow> {
    let (role, scope) = role_and_scope(&r.2, &r.3)?;
    Ok(TokenRow {
        id: r.0,
        name: r.1,
        role,
        scope,
        created_at: time(r.4)?,
        last_used_at: r.5.map(time).transpose()?,
        revoked_at: r.6.map(time).transpose()?,
    })
}

pub(super) fn create_token(conn: &mut Connection, t: &NewToken) -> Result<TokenRow> {
    conn.execute(
        "INSERT INTO tokens (name, role, scope, token_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![t.name, t.role.as_str(), t.scope.to_string(), t.token_hash, Utc::now().timestamp_millis()],
    )
    .map_err(db("creating a token"))?;
    let id = conn.last_insert_rowid();
    conn.query_row(
        &format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE id = ?1"),
        [id],
        raw_token,
    )
    .map_err(db("reading a token"))
    .and_then(token_of)
}

pub(super) fn use_token(
    conn: &mut Connection,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<TokenRow>> {
    let n = conn
        .execute(
            "UPDATE tokens SET last_used_at = ?1 WHERE token_hash = ?2 AND revoked_at IS NULL",
            params![now.timestamp_millis(), hash],
        )
        .map_err(db("using a token"))?;
    if n == 0 {
        return Ok(None);
    }
    conn.query_row(
        &format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE token_hash = ?1"),
        [hash],
        raw_token,
    )
    .map_err(db("reading a token"))
    .and_then(token_of)
    .map(Some)
}

pub(super) fn revoke_token(conn: &mut Connection, id: i64) -> Result<bool> {
    revoke(
        conn,
        "revoking a token",
        "UPDATE tokens SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
        params![Utc::now().timestamp_millis(), id],
    )
}

pub(super) fn append_audit(conn: &mut Connection, e: &NewAuditEntry) -> Result<i64> {
    conn.execute(
        "INSERT INTO audit (at, actor, kind, object, summary, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![e.at.timestamp_millis(), e.actor, e.kind, e.object, e.summary, e.source],
    )
    .map_err(db("appending to the audit log"))?;
    Ok(conn.last_insert_rowid())
}

pub(super) fn audit(conn: &Connection, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, at, actor, kind, object, summary, source FROM audit
             WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR at < ?2)
               AND (?3 IS NULL OR actor = ?3) AND (?4 IS NULL OR kind = ?4)
             ORDER BY at, id",
        )
        .map_err(db("reading the audit log"))?;
    let rows = stmt
        .query_map(
            params![
                q.from.map(|t| t.timestamp_millis()),
                q.to.map(|t| t.timestamp_millis()),
                q.actor,
                q.kind
            ],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            },
        )
        .map_err(db("reading the audit log"))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db("reading the audit log"))?;
    rows.into_iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.0,
                at: time(r.1)?,
                actor: r.2,
                kind: r.3,
                object: r.4,
                summary: r.5,
                source: r.6,
            })
        })
        .collect()
}

pub(super) fn create_session(
    conn: &mut Connection,
    id_hash: &str,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at) VALUES (?1, ?2, ?3, ?3)",
        params![id_hash, account_id, now.timestamp_millis()],
    )
    .map_err(db("starting a session"))?;
    Ok(())
}

pub(super) fn use_session(
    conn: &mut Connection,
    id_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(SessionRow, Account)>> {
    let row: Option<(i64, i64, i64)> = conn
        .query_row(
            "SELECT account_id, created_at, last_seen_at FROM sessions WHERE id_hash = ?1",
            [id_hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(db("reading a session"))?;
    let Some((account_id, created, seen)) = row else {
        return Ok(None);
    };
    conn.execute(
        "UPDATE sessions SET last_seen_at = ?1 WHERE id_hash = ?2",
        params![now.timestamp_millis(), id_hash],
    )
    .map_err(db("touching a session"))?;
    let account = conn
        .query_row(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1"),
            [account_id],
            raw_account,
        )
        .map_err(db("reading a session's account"))
        .and_then(account_of)?;
    Ok(Some((
        SessionRow {
            account_id,
            created_at: time(created)?,
            last_seen_at: time(seen)?,
        },
        account,
    )))
}

pub(super) fn delete_session(conn: &mut Connection, id_hash: &str) -> Result<bool> {
    revoke(
        conn,
        "ending a session",
        "DELETE FROM sessions WHERE id_hash = ?1",
        [id_hash],
    )
}
