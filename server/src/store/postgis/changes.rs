//! The change feed in PostgreSQL: lines appended by `gridd_change()` (migration 0012) in
//! the writer's transaction, and a listener on a dedicated connection (`LISTEN
//! gridd_changes`) that wakes the server when another one commits a change. The listener
//! reconnects with a growing pause (up to 2 s) when the connection drops, and wakes the
//! server once each time it is listening again, so whatever was missed is read by sequence.

use super::super::changes::{Change, ChangeKind};
use super::super::{Result, StoreError};
use super::read::{db, get};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::Notify;
use tokio_postgres::{AsyncMessage, GenericClient, NoTls};

/// Appends a change line in the caller's transaction (or as its own statement).
pub(super) async fn append(
    c: &impl GenericClient,
    kind: ChangeKind,
    (first, last): (i64, i64),
) -> Result<()> {
    c.execute(
        "SELECT gridd_change($1, $2, $3)",
        &[&kind.as_str(), &first, &last],
    )
    .await
    .map(|_| ())
    .map_err(db("appending to the change feed"))
}

pub(super) async fn changes_after(
    c: &impl GenericClient,
    after: i64,
    limit: u32,
) -> Result<Vec<Change>> {
    let rows = c
        .query(
            "SELECT seq, kind, first_id, last_id, origin, at FROM changes
             WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&after, &i64::from(limit)],
        )
        .await
        .map_err(db("reading the change feed"))?;
    let what = "a change line";
    rows.iter()
        .map(|r| {
            let seq: i64 = get(r, 0, what)?;
            let kind: String = get(r, 1, what)?;
            Ok(Change {
                seq,
                kind: ChangeKind::parse(&kind).ok_or_else(|| {
                    StoreError::Corrupt(format!("change {seq} has an unknown kind {kind:?}"))
                })?,
                first: get(r, 2, what)?,
                last: get(r, 3, what)?,
                origin: get(r, 4, what)?,
                at: get(r, 5, what)?,
            })
        })
        .collect()
}

pub(super) async fn last_change(c: &impl GenericClient) -> Result<i64> {
    c.query_one("SELECT coalesce(max(seq), 0) FROM changes", &[])
        .await
        .map_err(db("reading the change feed"))
        .and_then(|r| get(&r, 0, "the last change line"))
}

/// Listens for `gridd_changes` until `signal` is dropped; `up` tells whether it is
/// listening now.
pub(super) async fn listen(
    config: tokio_postgres::Config,
    signal: Weak<Notify>,
    up: Arc<AtomicBool>,
) {
    let mut pause = Duration::from_millis(100);
    while signal.strong_count() > 0 {
        match config.connect(NoTls).await {
            Ok((client, mut connection)) => {
                let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
                // The connection must be polled for LISTEN to run and for notifications to
                // arrive; it ends when the server closes it.
                let driver = tokio::spawn(async move {
                    use futures_util::StreamExt;
                    let mut messages =
                        futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
                    while let Some(Ok(m)) = messages.next().await {
                        if matches!(m, AsyncMessage::Notification(_)) && tx.send(()).is_err() {
                            break;
                        }
                    }
                });
                match client.batch_execute("LISTEN gridd_changes").await {
                    Ok(()) => {
                        up.store(true, Ordering::Release);
                        pause = Duration::from_millis(100);
                        tracing::info!("listening for changes from other servers");
                        // Whatever was committed while not listening is read now.
                        wake(&signal);
                        while rx.recv().await.is_some() {
                            if !wake(&signal) {
                                break;
                            }
                        }
                        tracing::warn!("the change listener lost its connection; reconnecting");
                    }
                    Err(e) => tracing::warn!(error = %e, "LISTEN gridd_changes failed"),
                }
                up.store(false, Ordering::Release);
                driver.abort();
            }
            Err(e) => tracing::debug!(error = %e, "the change listener cannot connect yet"),
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}

fn wake(signal: &Weak<Notify>) -> bool {
    match signal.upgrade() {
        Some(n) => {
            n.notify_one();
            true
        }
        None => false,
    }
}
