//! The change feed's reader: keeps this server's memory (engine, incident columns, KPIs,
//! calendar, checked sessions) in step with writes made by other servers on the same store,
//! and by CLI commands (`gridd import`, `work-cases`, `calendar import`, `user disable`) on a
//! running server's store.
//!
//! Every such write appends a change line in its own transaction (`store::changes`); lines are
//! numbered in commit order, so one number — the last line applied — is all a server keeps.
//! On PostgreSQL a `LISTEN` connection wakes the reader at once, and it also reads every
//! [`PG_POLL`] in case a notification was lost; on SQLite it reads every [`SQLITE_POLL`].
//! A line names what to read again from the store (the truth), so applying one twice is
//! harmless and nothing depends on the order lines of different kinds are applied within a
//! batch. A server skips the lines it wrote itself: it mirrored those as it made them.

use super::{App, AppError};
use crate::store::changes::CHANGE_BATCH;
use crate::store::{Change, ChangeKind, RecordQuery};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often a server on SQLite looks for changes.
pub const SQLITE_POLL: Duration = Duration::from_millis(200);
/// How often a server on PostgreSQL looks for changes without being woken.
pub const PG_POLL: Duration = Duration::from_secs(2);

/// Where this server is in the change log.
#[derive(Default)]
pub struct Feed {
    applied: AtomicI64,
    /// Why the last attempt to read or apply changes failed (cleared by the next success).
    trouble: Mutex<Option<String>>,
    /// One catch-up at a time.
    running: tokio::sync::Mutex<()>,
}

impl Feed {
    /// A feed that has applied every line up to `seq` (what the store held when the
    /// server read its state).
    pub fn at(seq: i64) -> Feed {
        Feed {
            applied: AtomicI64::new(seq),
            ..Feed::default()
        }
    }

    /// The last change line applied.
    pub fn applied(&self) -> i64 {
        self.applied.load(Ordering::Acquire)
    }

    /// Why the feed is behind, if the last attempt failed.
    pub fn trouble(&self) -> Option<String> {
        self.trouble
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn set_trouble(&self, t: Option<String>) {
        *self.trouble.lock().unwrap_or_else(|p| p.into_inner()) = t;
    }
}

/// Starts reading the change log in the background for as long as `app` lives.
pub fn start(app: &App) {
    let weak = Arc::downgrade(&app.0);
    let signal = app.store.change_signal();
    let every = if signal.is_some() {
        PG_POLL
    } else {
        SQLITE_POLL
    };
    tokio::spawn(async move {
        loop {
            match &signal {
                Some(s) => {
                    let _ = tokio::time::timeout(every, s.notified()).await;
                }
                None => tokio::time::sleep(every).await,
            }
            let Some(parts) = weak.upgrade() else { break };
            let app = App(parts);
            if let Err(e) = app.catch_up_changes().await {
                tracing::warn!(error = %e, applied = app.feed.applied(), "could not apply changes from the store; retrying");
            }
        }
    });
}

impl App {
    /// Applies every change line the store holds beyond the last one applied; returns how
    /// many lines were read.
    pub async fn catch_up_changes(&self) -> Result<usize, AppError> {
        let _one = self.feed.running.lock().await;
        let mut read = 0;
        loop {
            let after = self.feed.applied();
            let lines = match self.store.changes_after(after, CHANGE_BATCH).await {
                Ok(l) => l,
                Err(e) => {
                    self.feed.set_trouble(Some(e.to_string()));
                    return Err(e.into());
                }
            };
            let Some(last) = lines.last().map(|c| c.seq) else {
                break;
            };
            if let Err(e) = self.apply_changes(&lines).await {
                self.feed.set_trouble(Some(e.to_string()));
                return Err(e);
            }
            self.feed.applied.store(last, Ordering::Release);
            read += lines.len();
        }
        self.feed.set_trouble(None);
        Ok(read)
    }

    async fn apply_changes(&self, lines: &[Change]) -> Result<(), AppError> {
        let theirs = lines.iter().filter(|c| c.origin != self.store.origin());
        let (mut city, mut deadlines, mut accounts) = (false, false, false);
        for c in theirs {
            match c.kind {
                ChangeKind::Incidents => {
                    self.index_incidents(c.first - 1, Some(c.last)).await?;
                }
                ChangeKind::Cases => {
                    let q = RecordQuery {
                        ids: Some((c.first, c.last)),
                        ..RecordQuery::default()
                    };
                    let records = self.store.case_records(&q).await?;
                    self.columns
                        .put_cases(&records, &self.deadlines.get().calendar);
                }
                ChangeKind::City => city = true,
                ChangeKind::Deadlines => deadlines = true,
                ChangeKind::Accounts => accounts = true,
            }
        }
        if deadlines {
            self.reload_deadlines().await?;
        }
        if city {
            let _one = self.publishing.lock().await;
            self.reload_city().await?;
            tracing::info!(
                generation = self.generation(),
                "the city changed on another server; engine rebuilt"
            );
        }
        if accounts {
            self.known.forget_everywhere();
        }
        Ok(())
    }
}
