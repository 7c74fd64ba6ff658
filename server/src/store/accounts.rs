//! What the stores keep about people and machines: accounts (with an Argon2id password hash),
//! machine tokens (kept as a SHA-256 hash, revocable, with their last use) and the audit log,
//! which no path updates or deletes.

use crate::domain::access::{Login, Role, Scope};
use chrono::{DateTime, Utc};

/// An account as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    pub id: i64,
    pub login: Login,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    /// The officer record an officer account acts for.
    pub officer: Option<String>,
    /// The department a department account acts for.
    pub department: Option<String>,
    /// PHC string (`$argon2id$…`); never logged or sent.
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

/// An account to create.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub login: Login,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub officer: Option<String>,
    pub department: Option<String>,
    pub password_hash: String,
}

/// A machine token as stored (the token itself is never kept).
#[derive(Clone, Debug, PartialEq)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub scope: Scope,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token to create: its SHA-256 hash (hex) and what it may do.
#[derive(Clone, Debug)]
pub struct NewToken {
    pub name: String,
    pub role: Role,
    pub scope: Scope,
    pub token_hash: String,
}

/// A browser session as stored (the cookie's id is kept only as its hash).
#[derive(Clone, Debug, PartialEq)]
pub struct SessionRow {
    pub account_id: i64,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// An account login, `token:<name>`, or `cli`.
    pub actor: String,
    /// What was done: `account.create`, `token.create`, `login.fail`, `incident.create`, …
    pub kind: String,
    pub object: String,
    pub summary: String,
    /// Where from: a client address, or `cli`.
    pub source: String,
}

/// A line to append to the audit log.
#[derive(Clone, Debug)]
pub struct NewAuditEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: String,
    pub object: String,
    pub summary: String,
    pub source: String,
}

/// Filter for reading the audit log, oldest first; every filter given must hold.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// Before.
    pub to: Option<DateTime<Utc>>,
    pub actor: Option<String>,
    pub kind: Option<String>,
}

/// Reads a stored role and scope back (they were checked when written).
pub(crate) fn role_and_scope(role: &str, scope: &str) -> super::Result<(Role, Scope)> {
    let role: Role = role
        .parse()
        .map_err(|e: crate::domain::access::AccessError| {
            super::StoreError::Corrupt(e.to_string())
        })?;
    let scope = Scope::parse(role, scope).map_err(|e| super::StoreError::Corrupt(e.to_string()))?;
    Ok((role, scope))
}
