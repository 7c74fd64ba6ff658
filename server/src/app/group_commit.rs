//! Group commit: single reports wait in a queue; a writer takes everything queued (up to a
//! batch) and stores it in one transaction, then answers each report. One fsync serves many
//! reports, so durability does not cap throughput, and no report is answered before its
//! transaction has committed. A report whose client stops waiting (its request dropped)
//! before the store is ready to write it is not stored: each report is either answered or
//! not kept, so a client that retries after a timeout makes no duplicate.

use super::columns::IncidentColumns;
use crate::domain::{Incident, NewIncident};
use crate::store::{Store, StoreError, Waiting};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};

type Reply = oneshot::Sender<Result<Incident, StoreError>>;
type Job = (Waiting, Reply);

/// The queue in front of the store's incident writes.
#[derive(Clone)]
pub struct GroupCommit {
    queue: mpsc::Sender<Job>,
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
        let (queue, rx) = mpsc::channel::<Job>(MAX_BATCH * 8);
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..writers.max(1) {
            let (rx, store, columns) = (rx.clone(), store.clone(), columns.clone());
            tokio::spawn(async move {
                while let Some(batch) = next_batch(&rx).await {
                    let (waiting, replies): (Vec<Waiting>, Vec<Reply>) =
                        batch.into_iter().filter(|(w, _)| w.wanted()).unzip();
                    if waiting.is_empty() {
                        continue;
                    }
                    match store.insert_waiting(waiting).await {
                        Ok(stored) => {
                            // Durable now: show them in tiles and counts before answering.
                            let incidents: Vec<Incident> =
                                stored.iter().map(|(_, i)| i.clone()).collect();
                            columns.add(&incidents);
                            let mut replies: Vec<Option<Reply>> =
                                replies.into_iter().map(Some).collect();
                            for (at, incident) in stored {
                                if let Some(reply) = replies.get_mut(at).and_then(Option::take) {
                                    let _ = reply.send(Ok(incident));
                                }
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
        let waiting = Waiting {
            incident,
            gave_up: Arc::default(),
        };
        // Raised if this future is dropped (the client went away) before the answer.
        let give_up = GiveUpOnDrop(Some(waiting.gave_up.clone()));
        self.queue
            .send((waiting, reply))
            .await
            .map_err(|_| closed())?;
        let answer = answer.await;
        give_up.answered();
        answer.map_err(|_| closed())?
    }
}

/// Marks a waiting report abandoned when the request waiting for it is dropped unanswered.
struct GiveUpOnDrop(Option<Arc<AtomicBool>>);

impl GiveUpOnDrop {
    fn answered(mut self) {
        self.0 = None;
    }
}

impl Drop for GiveUpOnDrop {
    fn drop(&mut self) {
        if let Some(flag) = self.0.take() {
            flag.store(true, Ordering::SeqCst);
        }
    }
}

/// Waits for one report, then takes whatever else is already queued, up to [`MAX_BATCH`].
async fn next_batch(rx: &Mutex<mpsc::Receiver<Job>>) -> Option<Vec<Job>> {
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
