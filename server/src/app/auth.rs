//! Who is asking: a browser session (a cookie holding 256 random bits, kept in the store as
//! their SHA-256, so every server on the store knows it) or a machine token. Sessions end
//! after 30 minutes idle or 12 hours in all, whichever comes first. Failed logins are limited
//! per login and per client address (5 in 15 minutes, then 429 with the wait), and an unknown
//! login costs the same password check as a wrong password, so the answer does not tell which.

use super::accounts::{audit, hex, new_token, token_digest, verify_password};
use super::{App, AppError};
use crate::domain::access::{Login, Role, Scope};
use crate::store::Account;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// A session ends after this long without a request.
pub const IDLE: Duration = Duration::minutes(30);
/// A session ends this long after the login, however busy.
pub const ABSOLUTE: Duration = Duration::hours(12);
/// Failed logins allowed per login and per address within [`WINDOW`].
pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::minutes(15);

/// Who a request is from, as the policy sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Principal {
    /// The account's login, or `token:<name>`.
    pub actor: String,
    pub role: Role,
    pub scope: Scope,
    pub display_name: String,
    pub officer: Option<String>,
    pub department: Option<String>,
}

impl Principal {
    fn of(a: &Account) -> Principal {
        Principal {
            actor: a.login.to_string(),
            role: a.role,
            scope: a.scope.clone(),
            display_name: a.display_name.clone(),
            officer: a.officer.clone(),
            department: a.department.clone(),
        }
    }
}

/// Failed logins by key (`login:…`, `addr:…`), the times they happened.
#[derive(Default)]
pub struct Failures(Mutex<HashMap<String, Vec<DateTime<Utc>>>>);

impl Failures {
    /// Seconds to wait when a key has used up its failures in the window, else None.
    fn wait(&self, keys: &[String], now: DateTime<Utc>) -> Option<i64> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter()
            .filter_map(|k| {
                let times = map.get_mut(k)?;
                times.retain(|t| now - *t < WINDOW);
                (times.len() >= MAX_FAILURES)
                    .then(|| (times[0] + WINDOW - now).num_seconds().max(1))
            })
            .max()
    }

    fn record(&self, keys: &[String], now: DateTime<Utc>) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        for k in keys {
            map.entry(k.clone()).or_default().push(now);
        }
    }

    fn clear(&self, key: &str) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

/// How long a session or token once checked against the store is trusted without asking it
/// again. Within it a request costs a hash and a map lookup instead of a store write (the
/// last-used time); a revoked token, a disabled account or a session ended on another server
/// is refused here at most this long after.
pub const RECHECK: Duration = Duration::seconds(5);

/// Who a request is from, shared (cloned per request without copying the scope).
pub type Who = std::sync::Arc<Principal>;

/// A cache key: whether it is a session (`b's'`) or a token (`b't'`), and its SHA-256.
type KnownKey = (u8, [u8; 32]);

/// Sessions and tokens checked in the last [`RECHECK`]. Each worker thread keeps its own
/// copy of the checks it made, so the per-request path takes no lock and shares no reference
/// count between cores; forgetting one (a logout) moves an epoch that voids every thread's
/// copies at once.
pub struct Known {
    /// Tells apart the apps of one process (tests run many) in the thread-local maps.
    id: u64,
    epoch: std::sync::atomic::AtomicU64,
    /// The last good check of each key, shared by every thread: while the store cannot be
    /// reached, a session or token checked within [`OUTAGE_GRACE`] is still trusted, so
    /// what the engine answers (locate, tiles, statistics) keeps answering.
    last_good: Mutex<HashMap<KnownKey, (Who, DateTime<Utc>)>>,
}

/// How long a session or token last checked against the store is trusted while the store
/// cannot be reached.
pub const OUTAGE_GRACE: Duration = Duration::minutes(15);

impl Default for Known {
    fn default() -> Known {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Known {
            id: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            epoch: std::sync::atomic::AtomicU64::new(0),
            last_good: Mutex::default(),
        }
    }
}

/// What a session or token check rests on: the store's answer, or (the store unreachable) a
/// recent good check.
enum Asked<T> {
    Store(T),
    Remembered(Who),
}

/// A thread's checks: (app, key) → (who, checked at, epoch then).
type NearMap = HashMap<(u64, KnownKey), (Who, DateTime<Utc>, u64)>;

thread_local! {
    static NEAR: std::cell::RefCell<NearMap> = std::cell::RefCell::new(HashMap::new());
}

fn fresh(checked: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now >= checked && now - checked < RECHECK
}

impl Known {
    fn epoch(&self) -> u64 {
        self.epoch.load(std::sync::atomic::Ordering::Acquire)
    }

    fn get(&self, key: &KnownKey, now: DateTime<Utc>) -> Option<Who> {
        let epoch = self.epoch();
        NEAR.with_borrow(|map| {
            map.get(&(self.id, *key))
                .filter(|(_, at, e)| *e == epoch && fresh(*at, now))
                .map(|(p, _, _)| p.clone())
        })
    }

    fn put(&self, key: KnownKey, p: Who, now: DateTime<Utc>) {
        let epoch = self.epoch();
        NEAR.with_borrow_mut(|map| {
            if map.len() >= 10_000 {
                map.retain(|_, (_, at, e)| *e == epoch && fresh(*at, now));
            }
            map.insert((self.id, key), (p.clone(), now, epoch));
        });
        let mut good = self.last_good.lock().unwrap_or_else(|e| e.into_inner());
        if good.len() >= 10_000 {
            good.retain(|_, (_, at)| now - *at < OUTAGE_GRACE);
        }
        good.insert(key, (p, now));
    }

    /// What the store answered for `key`, or, when it could not be reached, the last good
    /// check of `key` if it is recent enough to trust during an outage (else the error).
    fn unless_down<T>(
        &self,
        asked: Result<T, crate::store::StoreError>,
        key: &KnownKey,
        now: DateTime<Utc>,
    ) -> Result<Asked<T>, AppError> {
        match asked {
            Ok(v) => Ok(Asked::Store(v)),
            Err(e) if e.is_unavailable() => {
                let good = self.last_good.lock().unwrap_or_else(|p| p.into_inner());
                good.get(key)
                    .filter(|(_, at)| now - *at < OUTAGE_GRACE)
                    .map(|(p, _)| Asked::Remembered(p.clone()))
                    .ok_or_else(|| e.into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Voids every thread's copy of every check (of this app): after a logout the session is
    /// asked of the store again everywhere.
    pub(super) fn forget_everywhere(&self) {
        self.epoch.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        self.last_good
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Drops this thread's copy of `key` (the store has just refused it).
    fn forget_here(&self, key: &KnownKey) {
        NEAR.with_borrow_mut(|map| map.remove(&(self.id, *key)));
        self.last_good
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

/// A hash to check a password against when the login is unknown (same cost as a real one).
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        super::accounts::hash_password("no account has this password").unwrap_or_default()
    })
}

impl App {
    async fn audit_auth(
        &self,
        actor: &str,
        kind: &str,
        summary: &str,
        source: &str,
    ) -> Result<(), AppError> {
        Ok(audit(&*self.store, actor, kind, "", summary, source).await?)
    }

    /// Checks a login and password; on success starts a session and answers its cookie id.
    /// Every attempt is in the audit log; the password never is.
    pub async fn login(
        &self,
        login: &str,
        password: &str,
        source: &str,
        now: DateTime<Utc>,
    ) -> Result<(String, Principal), AppError> {
        let parsed = Login::parse(login).ok();
        let name = parsed
            .as_ref()
            .map_or_else(|| login.trim().to_lowercase(), |l| l.to_string());
        let keys = [format!("login:{name}"), format!("addr:{source}")];
        if let Some(seconds) = self.failures.wait(&keys, now) {
            self.audit_auth(&name, "login.limited", "too many failed logins", source)
                .await?;
            return Err(AppError::TooMany {
                message: format!("too many failed logins; try again in {seconds} s"),
                retry_after: seconds,
            });
        }
        let account = match &parsed {
            Some(l) => self.store.account(l).await?,
            None => None,
        };
        let hash = account
            .as_ref()
            .map_or(decoy_hash(), |a| a.password_hash.as_str())
            .to_string();
        let pw = password.to_string();
        let matches = tokio::task::spawn_blocking(move || verify_password(&hash, &pw))
            .await
            .map_err(|e| AppError::Internal(format!("checking a password: {e}")))?;
        let Some(account) = account.filter(|a| matches && !a.disabled) else {
            self.failures.record(&keys, now);
            self.audit_auth(&name, "login.fail", "wrong login or password", source)
                .await?;
            return Err(AppError::Unauthorized("login or password is wrong".into()));
        };
        self.failures.clear(&keys[0]);
        let (id, id_hash) = new_token().map_err(|e| AppError::Internal(e.to_string()))?;
        self.store.create_session(&id_hash, account.id, now).await?;
        self.audit_auth(
            account.login.as_str(),
            "login.success",
            &format!("{} session", account.role),
            source,
        )
        .await?;
        Ok((id, Principal::of(&account)))
    }

    /// The principal of a session cookie id, if the session is alive (an expired one is ended).
    pub async fn session(&self, id: &str, now: DateTime<Utc>) -> Result<Option<Who>, AppError> {
        let digest = token_digest(id);
        let key = (b's', digest);
        if let Some(p) = self.known.get(&key, now) {
            return Ok(Some(p));
        }
        let hash = hex(&digest);
        let asked = self.store.use_session(&hash, now).await;
        let found = match self.known.unless_down(asked, &key, now)? {
            Asked::Store(found) => found,
            Asked::Remembered(p) => return Ok(Some(p)),
        };
        let Some((s, account)) = found else {
            self.known.forget_here(&key);
            return Ok(None);
        };
        if now - s.last_seen_at > IDLE || now - s.created_at > ABSOLUTE || account.disabled {
            self.store.delete_session(&hash).await?;
            self.known.forget_here(&key);
            return Ok(None);
        }
        let p = Who::new(Principal::of(&account));
        self.known.put(key, p.clone(), now);
        Ok(Some(p))
    }

    /// Ends a session (logging out).
    pub async fn logout(&self, id: &str, actor: &str, source: &str) -> Result<(), AppError> {
        let digest = token_digest(id);
        self.known.forget_everywhere();
        if self.store.delete_session(&hex(&digest)).await? {
            self.audit_auth(actor, "logout", "", source).await?;
        }
        Ok(())
    }

    /// The principal of a machine token, if it exists and is not revoked.
    pub async fn token(&self, token: &str, now: DateTime<Utc>) -> Result<Option<Who>, AppError> {
        let digest = token_digest(token);
        let key = (b't', digest);
        if let Some(p) = self.known.get(&key, now) {
            return Ok(Some(p));
        }
        let asked = self.store.use_token(&hex(&digest), now).await;
        let found = match self.known.unless_down(asked, &key, now)? {
            Asked::Store(found) => found,
            Asked::Remembered(p) => return Ok(Some(p)),
        };
        let p = found.map(|t| {
            Who::new(Principal {
                actor: format!("token:{}", t.name),
                role: t.role,
                scope: t.scope,
                display_name: t.name,
                officer: None,
                department: None,
            })
        });
        match &p {
            Some(p) => self.known.put(key, p.clone(), now),
            None => self.known.forget_here(&key),
        }
        Ok(p)
    }
}
