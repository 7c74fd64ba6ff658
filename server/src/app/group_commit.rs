//! Group commit: single reports wait in a queue; a writer takes everything queued (up to a
//! batch) and stores it in one transaction, then answers each report. One fsync serves many
//! reports, so durability does not cap throughput, and no report is answered before its
//! transaction has committed.

use super::columns::IncidentColumns;
use crate::domain::{Incident, NewIncident};
use crate::store::{Store, StoreError};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};

type Reply = oneshot::Sender<Result<Incident, StoreError>>;

/// The queue in front of the store's incident writes.
#[derive(Clone)]
pub struct GroupCommit {
    queue: mpsc::Sender<(NewIncident, Reply)>,
}

/// Most reports stored in one transaction.
pub const MAX_BATCH: usize = 512;

impl GroupCommit {
    /// Starts `writers` writer tasks (one for SQLite, which has one writer; a few for
    /// PostgreSQL, whose commits can overlap).
    pub fn start(
        store: Arc<dyn Store>,
        writers: usize,
        columns: Arc<IncidentColumns>,
    ) -> GroupCommit {
        let (queue, rx) = mpsc::channel::<(NewIncident, Reply)>(MAX_BATCH * 8);
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..writers.max(1) {
            let (rx, store, columns) = (rx.clone(), store.clone(), columns.clone());
            tokio::spawn(async move {
                while let Some(batch) = next_batch(&rx).await {
                    let (incidents, replies): (Vec<NewIncident>, Vec<Reply>) =
                        batch.into_iter().unzip();
                    match store.insert_incidents(&incidents).await {
                        Ok(stored) => {
                            // Durable now: show them in tiles and counts before answering.
                            columns.add(&stored);
                            for (reply, incident) in replies.into_iter().zip(stored) {
                                let _ = reply.send(Ok(incident));
                            }
                        }
                        Err(e) => {
                            tracing::error!(error = %e, n = replies.len(), "storing a batch of incidents failed");
                            for reply in replies {
                                let _ = reply.send(Err(match &e {
                                    StoreError::Unavailable { context, reason } => {
                                        StoreError::Unavailable {
                                            context: context.clone(),
                                            reason: reason.clone(),
                                        }
                                    }
                                    other => StoreError::db("storing the incident", other),
                                }));
                            }
                        }
                    }
                }
            });
        }
        GroupCommit { queue }
    }

    /// Stores one report; returns once it is durable, with its id.
    pub async fn submit(&self, incident: NewIncident) -> Result<Incident, StoreError> {
        let (reply, answer) = oneshot::channel();
        let closed = || StoreError::db("queueing the incident", "the writer has stopped");
        self.queue
            .send((incident, reply))
            .await
            .map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }
}

/// Waits for one report, then takes whatever else is already queued, up to [`MAX_BATCH`].
async fn next_batch(
    rx: &Mutex<mpsc::Receiver<(NewIncident, Reply)>>,
) -> Option<Vec<(NewIncident, Reply)>> {
    let mut rx = rx.lock().await;
    let first = rx.recv().await?;
    let mut batch = vec![first];
    while batch.len() < MAX_BATCH {
        match rx.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    Some(batch)
}
