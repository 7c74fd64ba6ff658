//! Bulk loads of incident reports (NDJSON or CSV), one path for `POST /api/incidents/bulk`
//! and `gridd import-incidents`: the input arrives in chunks of bytes, is cut into lines,
//! each line checked by [`Loader`], and everything is stored in one transaction or nothing.
//! An upload is first received whole into an unnamed temporary file ([`Spool`]), so the
//! store's writer is never held while a client is slow or silent; a body that stops
//! arriving for the idle limit is refused (408) with nothing stored.

use super::App;
use crate::engine::Engine;
use crate::intake::bulk::{BulkError, Loader};
use crate::store::{IncidentQuery, Store};
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::Duration;

/// Longest line a bulk body may hold.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Why a bulk load stopped.
#[derive(Debug, thiserror::Error)]
pub enum BulkFailure {
    #[error(transparent)]
    Bulk(#[from] BulkError),
    /// The input is over its size limit; nothing was stored.
    #[error("bulk body is over the {0}-byte limit (GRIDD_MAX_BULK); nothing was stored")]
    TooLarge(u64),
    /// One line is longer than [`MAX_LINE_BYTES`]; nothing was stored.
    #[error("line {0} is longer than {MAX_LINE_BYTES} bytes; nothing was stored")]
    LineTooLong(u64),
    /// The body stopped arriving; nothing was stored.
    #[error("the body stopped arriving: no byte for {idle_s} s after {received} bytes; nothing was stored")]
    Stalled { idle_s: u64, received: u64 },
    /// The body could not be read to its end; nothing was stored.
    #[error("reading the body failed after {received} bytes: {reason}; nothing was stored")]
    Receive { received: u64, reason: String },
    /// The upload could not be held on disk while it arrived; nothing was stored.
    #[error("the upload could not be held in a temporary file ({0}); nothing was stored")]
    Spool(String),
}

/// A bulk load in progress: [`BulkLoad::feed`] chunks, then [`BulkLoad::finish`].
pub struct BulkLoad {
    loader: Loader,
    pending: Vec<u8>,
    total: u64,
    limit: u64,
}

impl BulkLoad {
    /// Opens the store's bulk transaction; reports are located with `engine`.
    pub fn start(store: Arc<dyn Store>, engine: Arc<Engine>, limit: u64) -> BulkLoad {
        BulkLoad {
            loader: Loader::start(store, engine),
            pending: Vec::new(),
            total: 0,
            limit,
        }
    }

    /// Lines read so far.
    pub fn lines(&self) -> u64 {
        self.loader.lines()
    }

    /// Takes the next chunk of the input.
    pub async fn feed(&mut self, chunk: &[u8]) -> Result<(), BulkFailure> {
        self.total += chunk.len() as u64;
        if self.total > self.limit {
            return Err(BulkFailure::TooLarge(self.limit));
        }
        self.pending.extend_from_slice(chunk);
        let mut start = 0;
        while let Some(k) = self.pending[start..].iter().position(|b| *b == b'\n') {
            if k > MAX_LINE_BYTES {
                return Err(BulkFailure::LineTooLong(self.loader.lines() + 1));
            }
            self.loader.push(&self.pending[start..start + k]).await?;
            start += k + 1;
        }
        self.pending.drain(..start);
        if self.pending.len() > MAX_LINE_BYTES {
            return Err(BulkFailure::LineTooLong(self.loader.lines() + 1));
        }
        Ok(())
    }

    /// Commits when every line was good; answers how many reports were stored.
    pub async fn finish(mut self) -> Result<u64, BulkFailure> {
        if !self.pending.is_empty() {
            if self.pending.len() > MAX_LINE_BYTES {
                return Err(BulkFailure::LineTooLong(self.loader.lines() + 1));
            }
            let last = std::mem::take(&mut self.pending);
            self.loader.push(&last).await?;
        }
        Ok(self.loader.finish().await?)
    }

    /// Abandons the load: the input could not be read to its end, or was refused.
    pub async fn abort(self, reason: String) -> BulkError {
        self.loader.abort(reason).await
    }
}

impl App {
    /// Starts a bulk load against the live engine.
    pub fn bulk_load(&self, limit: u64) -> BulkLoad {
        BulkLoad::start(self.store.clone(), self.engine(), limit)
    }

    /// Runs a whole bulk load from a stream of chunks arriving over the network: receives
    /// it whole into a [`Spool`] (at most `limit` bytes, no gap longer than `idle`), then
    /// loads it from there and shows the new incidents in tiles and statistics.
    pub async fn load_bulk<S, C, E>(
        &self,
        chunks: S,
        limit: u64,
        idle: Duration,
    ) -> Result<u64, BulkFailure>
    where
        S: futures_util::Stream<Item = Result<C, E>> + Unpin,
        C: AsRef<[u8]>,
        E: std::fmt::Display,
    {
        let spool = Spool::receive(chunks, limit, idle).await?;
        let since = self.columns.max_id();
        let accepted = stream_into(self.bulk_load(u64::MAX), spool.chunks(), |_| {}).await?;
        self.catch_up(since).await;
        Ok(accepted)
    }

    /// Adds what the store holds beyond `since` to the incident columns (after a bulk load).
    async fn catch_up(&self, since: i64) {
        if let Err(e) = self.index_incidents(since, None).await {
            tracing::error!(error = %e, "could not index a bulk load's incidents; they show after a restart");
        }
    }

    /// Adds the stored incidents with ids after `after` (up to `up_to`, inclusive) to the
    /// incident columns, a chunk of rows at a time (as start-up reads them): a million-line load is never
    /// held in memory as one list of rows. How many were added.
    pub(crate) async fn index_incidents(
        &self,
        after: i64,
        up_to: Option<i64>,
    ) -> Result<usize, crate::store::StoreError> {
        let (mut after, mut added) = (after, 0);
        loop {
            let rows = self
                .store
                .incidents(&IncidentQuery {
                    after_id: Some(after),
                    up_to_id: up_to,
                    everything: true,
                    limit: Some(self.chunk),
                    ..Default::default()
                })
                .await?;
            let Some(last) = rows.last().map(|r| r.id) else {
                return Ok(added);
            };
            self.columns.add(&rows);
            added += rows.len();
            if rows.len() < self.chunk as usize {
                return Ok(added);
            }
            after = last;
        }
    }
}

/// Feeds a stream of chunks into a bulk load and commits it; `progress` hears the number of
/// lines read after each chunk. On any failure nothing is stored.
pub async fn stream_into<S, C, E>(
    mut load: BulkLoad,
    mut chunks: S,
    mut progress: impl FnMut(u64),
) -> Result<u64, BulkFailure>
where
    S: futures_util::Stream<Item = Result<C, E>> + Unpin,
    C: AsRef<[u8]>,
    E: std::fmt::Display,
{
    while let Some(chunk) = chunks.next().await {
        let step = match chunk {
            Ok(c) => load.feed(c.as_ref()).await,
            Err(e) => return Err(load.abort(e.to_string()).await.into()),
        };
        if let Err(e) = step {
            let _ = load.abort(e.to_string()).await;
            return Err(e);
        }
        progress(load.lines());
    }
    load.finish().await
}

/// An upload received whole before it is loaded: an unnamed temporary file (in `TMPDIR`),
/// gone when dropped or when the process dies.
pub struct Spool {
    file: tokio::fs::File,
}

impl Spool {
    /// Receives a body: refused once over `limit` bytes, or when no byte arrives for `idle`.
    pub async fn receive<S, C, E>(
        mut chunks: S,
        limit: u64,
        idle: Duration,
    ) -> Result<Spool, BulkFailure>
    where
        S: futures_util::Stream<Item = Result<C, E>> + Unpin,
        C: AsRef<[u8]>,
        E: std::fmt::Display,
    {
        use tokio::io::AsyncWriteExt;
        let spool_error = |e: std::io::Error| BulkFailure::Spool(e.to_string());
        let mut file = tokio::fs::File::from_std(tempfile::tempfile().map_err(spool_error)?);
        let mut received = 0u64;
        loop {
            let next = tokio::time::timeout(idle, chunks.next())
                .await
                .map_err(|_| BulkFailure::Stalled {
                    idle_s: idle.as_secs(),
                    received,
                })?;
            let Some(chunk) = next else { break };
            let chunk = chunk.map_err(|e| BulkFailure::Receive {
                received,
                reason: e.to_string(),
            })?;
            let chunk = chunk.as_ref();
            received += chunk.len() as u64;
            if received > limit {
                return Err(BulkFailure::TooLarge(limit));
            }
            file.write_all(chunk).await.map_err(spool_error)?;
        }
        file.flush().await.map_err(spool_error)?;
        let mut file = file.into_std().await;
        std::io::Seek::rewind(&mut file).map_err(spool_error)?;
        Ok(Spool {
            file: tokio::fs::File::from_std(file),
        })
    }

    /// What was received, in chunks of 1 MiB.
    pub fn chunks(
        self,
    ) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> + Unpin {
        file_chunks(self.file)
    }
}

/// A file in chunks of 1 MiB, as a bulk load takes its input.
pub fn file_chunks(
    file: tokio::fs::File,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> + Unpin {
    Box::pin(futures_util::stream::unfold(
        Some(file),
        |file| async move {
            use tokio::io::AsyncReadExt;
            let mut file = file?;
            let mut buf = vec![0u8; 1 << 20];
            match file.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    Some((Ok(buf), Some(file)))
                }
                Err(e) => Some((Err(e), None)),
            }
        },
    ))
}
