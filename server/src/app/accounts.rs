//! Accounts and machine tokens as the application handles them: passwords hashed with
//! Argon2id at OWASP's parameters (19 MiB, t = 2, p = 1) and never logged; tokens of 256
//! random bits, handed out once and kept only as their SHA-256; every change written to the
//! audit log in the same breath.

use crate::domain::access::{AccessError, Login, Role, Scope};
use crate::store::{Account, NewAccount, NewAuditEntry, NewToken, Store, StoreError, TokenRow};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::Utc;
use sha2::{Digest, Sha256};

/// Why an account or token could not be made or changed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error("a password needs at least {MIN_PASSWORD} characters")]
    ShortPassword,
    #[error("no account {0}")]
    NoAccount(String),
    #[error("hashing the password failed: {0}")]
    Hash(String),
    #[error("the system's random source failed: {0}")]
    Random(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

fn argon2() -> Result<Argon2<'static>, AccountError> {
    let params =
        Params::new(19 * 1024, 2, 1, None).map_err(|e| AccountError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) for a password.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(AccountError::ShortPassword);
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AccountError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AccountError::Hash(e.to_string()))?;
    Ok(argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| AccountError::Hash(e.to_string()))?
        .to_string())
}

/// Whether `password` matches a stored PHC string (false for a malformed one).
pub fn verify_password(hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    argon2().is_ok_and(|a| a.verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A new token (64 hex digits: 256 random bits) and the hash the store keeps of it.
pub fn new_token() -> Result<(String, String), AccountError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AccountError::Random(e.to_string()))?;
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = token_hash(&token);
    Ok((token, hash))
}

/// The SHA-256 (hex) under which a token is stored and looked up.
pub fn token_hash(token: &str) -> String {
    hex(&token_digest(token))
}

/// The SHA-256 of a token or session id, as bytes (the key servers cache checks under).
pub fn token_digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// An account to create, as the CLI or an admin gives it.
pub struct AccountRequest<'a> {
    pub login: &'a str,
    pub role: &'a str,
    pub scope: &'a str,
    pub display_name: Option<&'a str>,
    pub officer: Option<&'a str>,
    pub department: Option<&'a str>,
    pub password: &'a str,
}

/// Appends one line to the audit log, stamped now.
pub async fn audit(
    store: &dyn Store,
    actor: &str,
    kind: &str,
    object: &str,
    summary: &str,
    source: &str,
) -> Result<(), StoreError> {
    store
        .append_audit(&NewAuditEntry {
            at: Utc::now(),
            actor: actor.into(),
            kind: kind.into(),
            object: object.into(),
            summary: summary.into(),
            source: source.into(),
        })
        .await
        .map(|_| ())
}

/// Creates an account (its scope checked against its role) and records it in the audit log.
pub async fn create_account(
    store: &dyn Store,
    actor: &str,
    r: &AccountRequest<'_>,
) -> Result<Account, AccountError> {
    let login = Login::parse(r.login)?;
    let role: Role = r.role.parse()?;
    let scope = Scope::parse(role, r.scope)?;
    let account = store
        .create_account(&NewAccount {
            display_name: r.display_name.unwrap_or(login.as_str()).to_string(),
            login,
            role,
            scope,
            officer: r.officer.map(String::from),
            department: r.department.map(String::from),
            password_hash: hash_password(r.password)?,
        })
        .await?;
    let summary = format!("{} {} scope {}", account.role, account.login, account.scope);
    audit(
        store,
        actor,
        "account.create",
        account.login.as_str(),
        &summary,
        "cli",
    )
    .await?;
    Ok(account)
}

/// Replaces an account's password, recorded in the audit log.
pub async fn change_password(
    store: &dyn Store,
    actor: &str,
    login: &str,
    password: &str,
) -> Result<(), AccountError> {
    let login = Login::parse(login)?;
    if !store
        .set_password(&login, &hash_password(password)?)
        .await?
    {
        return Err(AccountError::NoAccount(login.to_string()));
    }
    audit(
        store,
        actor,
        "account.password",
        login.as_str(),
        "password changed",
        "cli",
    )
    .await?;
    Ok(())
}

/// Disables an account, recorded in the audit log.
pub async fn disable_account(
    store: &dyn Store,
    actor: &str,
    login: &str,
) -> Result<(), AccountError> {
    let login = Login::parse(login)?;
    if !store.set_disabled(&login, true).await? {
        return Err(AccountError::NoAccount(login.to_string()));
    }
    audit(
        store,
        actor,
        "account.disable",
        login.as_str(),
        "disabled",
        "cli",
    )
    .await?;
    Ok(())
}

/// Creates a machine token; answers the token itself (shown once, never stored) and its row.
pub async fn create_token(
    store: &dyn Store,
    actor: &str,
    name: &str,
    role: &str,
    scope: &str,
) -> Result<(String, TokenRow), AccountError> {
    let role: Role = role.parse()?;
    let scope = Scope::parse(role, scope)?;
    let (token, token_hash) = new_token()?;
    let row = store
        .create_token(&NewToken {
            name: name.trim().to_string(),
            role,
            scope,
            token_hash,
        })
        .await?;
    let summary = format!("{} token {} scope {}", row.role, row.name, row.scope);
    audit(
        store,
        actor,
        "token.create",
        &format!("token {}", row.id),
        &summary,
        "cli",
    )
    .await?;
    Ok((token, row))
}

/// Adds a department (or replaces its categories) and records it in the audit log.
pub async fn put_department(
    store: &dyn Store,
    actor: &str,
    name: &str,
    categories: &str,
) -> Result<crate::store::cases::Department, AccountError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(AccountError::Invalid(format!(
            "department name {name:?} must be 1–64 characters"
        )));
    }
    let categories = categories
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| {
            c.parse::<crate::domain::Category>()
                .map_err(|e| AccountError::Invalid(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let d = crate::store::cases::Department {
        name: name.to_string(),
        categories,
    };
    store.put_department(&d).await?;
    let summary = crate::store::cases::categories_text(&d.categories);
    audit(store, actor, "department.put", &d.name, &summary, "cli").await?;
    Ok(d)
}

/// Adds the demo's departments to a store that has none; whether it did.
pub async fn ensure_demo_departments(store: &dyn Store) -> Result<bool, AccountError> {
    if !store.departments().await?.is_empty() {
        return Ok(false);
    }
    for (name, categories) in DEMO_DEPARTMENTS {
        put_department(store, "demo", name, categories).await?;
    }
    Ok(true)
}

/// The demo's departments and the categories each takes (every category goes somewhere).
pub const DEMO_DEPARTMENTS: [(&str, &str); 6] = [
    (
        "城管执法局",
        "e_street_order,e_environment,e_advertising,e_construction",
    ),
    ("住建局", "c_housing_land,c_public_facilities"),
    ("交通运输局", "c_traffic_facilities"),
    ("园林绿化中心", "c_greenery,c_appearance_facilities"),
    ("市场监管局", "e_other_events"),
    ("街道综合执法队", "e_emergency,c_other_facilities"),
];

/// The password of every demo account (`make demo` only; the README lists the accounts).
pub const DEMO_PASSWORD: &str = "gridd-demo-2026";

/// One account of each role over the loaded city, for `make demo`: the first level-1 grid's
/// street leader, the first level-2 grid under it for the community secretary, the level-3
/// grids of that community for the officer (acting for the officer record that serves the
/// first of them),
/// the county for the planner and the dispatcher, street order and environment cases for a
/// department, and an admin. Made only when the store has no account at all; answers the
/// accounts made (none when there were some already).
pub async fn create_demo_accounts(
    store: &dyn Store,
    city: &crate::domain::Dataset,
) -> Result<Vec<Account>, AccountError> {
    use crate::domain::Level;
    if !store.accounts().await?.is_empty() {
        return Ok(vec![]);
    }
    let first = |level: Level, under: Option<&crate::domain::GridCode>| {
        city.grids
            .iter()
            .filter(|g| g.level() == level && under.is_none_or(|u| g.code.is_within(u)))
            .map(|g| g.code.clone())
            .min()
    };
    let (Some(l1), county) = (
        first(Level::One, None),
        city.grids.first().map(|g| g.code.county().to_string()),
    ) else {
        return Ok(vec![]);
    };
    let county = county.unwrap_or_default();
    let l2 = first(Level::Two, Some(&l1)).unwrap_or_else(|| l1.clone());
    let l3 = first(Level::Three, Some(&l2)).unwrap_or_else(|| l2.clone());
    // The officer works a few grids: every level-3 grid of the first community.
    let mut patch: Vec<String> = city
        .grids
        .iter()
        .filter(|g| g.level() == Level::Three && g.code.is_within(&l2))
        .map(|g| g.code.to_string())
        .collect();
    patch.sort();
    let patch = if patch.is_empty() {
        l3.to_string()
    } else {
        patch.join(",")
    };
    let officer = city
        .officers
        .iter()
        .find(|o| o.role.serves_grid() && o.grids.contains(&l3))
        .map(|o| o.id.to_string());
    // (login, role, display name, scope, officer record, department)
    type Demo = (
        &'static str,
        &'static str,
        &'static str,
        String,
        Option<String>,
        Option<String>,
    );
    let plan: Vec<Demo> = vec![
        ("demo.admin", "admin", "系统管理员", "*".into(), None, None),
        (
            "demo.planner",
            "planner",
            "网格规划员",
            county.clone(),
            None,
            None,
        ),
        (
            "demo.dispatcher",
            "dispatcher",
            "指挥中心值班员",
            county,
            None,
            None,
        ),
        (
            "demo.leader",
            "street_leader",
            "街道领导",
            l1.to_string(),
            None,
            None,
        ),
        (
            "demo.community",
            "community",
            "社区书记",
            l2.to_string(),
            None,
            None,
        ),
        ("demo.officer", "officer", "网格员", patch, officer, None),
        (
            "demo.department",
            "department",
            "城管执法局",
            "e_street_order,e_environment".into(),
            None,
            Some("城管执法局".into()),
        ),
    ];
    ensure_demo_departments(store).await?;
    let mut made = Vec::new();
    for (login, role, name, scope, officer, department) in &plan {
        made.push(
            create_account(
                store,
                "demo",
                &AccountRequest {
                    login,
                    role,
                    scope,
                    display_name: Some(name),
                    officer: officer.as_deref(),
                    department: department.as_deref(),
                    password: DEMO_PASSWORD,
                },
            )
            .await?,
        );
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_argon2id_hash_and_nothing_else() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse batterY"));
        assert!(!verify_password("not a hash", "correct horse battery"));
        assert_ne!(
            h,
            hash_password("correct horse battery").unwrap(),
            "a new salt each time"
        );
        assert!(matches!(
            hash_password("short"),
            Err(AccountError::ShortPassword)
        ));
    }

    #[test]
    fn tokens_are_256_random_bits_kept_only_as_their_hash() {
        let (a, ha) = new_token().unwrap();
        let (b, _) = new_token().unwrap();
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), ha);
        assert_ne!(ha, a);
    }
}
