//! Bulk loads of incident reports (NDJSON or CSV), one path for `POST /api/incidents/bulk`
//! and `gridd import-incidents`: the input arrives in chunks of bytes, is cut into lines,
//! each line checked by [`Loader`], and everything is stored in one transaction or nothing.

use super::App;
use crate::engine::Engine;
use crate::intake::bulk::{BulkError, Loader};
use crate::store::{IncidentQuery, Store};
use std::sync::Arc;

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

    /// Runs a whole bulk load from a stream of chunks, then shows the new incidents in
    /// tiles and statistics.
    pub async fn load_bulk<S, C, E>(&self, chunks: S, limit: u64) -> Result<u64, BulkFailure>
    where
        S: futures_util::Stream<Item = Result<C, E>> + Unpin,
        C: AsRef<[u8]>,
        E: std::fmt::Display,
    {
        let since = self.columns.max_id();
        let accepted = stream_into(self.bulk_load(limit), chunks, |_| {}).await?;
        self.catch_up(since).await;
        Ok(accepted)
    }

    /// Adds what the store holds beyond `since` to the incident columns (after a bulk load).
    async fn catch_up(&self, since: i64) {
        let q = IncidentQuery {
            after_id: Some(since),
            everything: true,
            ..Default::default()
        };
        match self.store.incidents(&q).await {
            Ok(rows) => self.columns.add(&rows),
            Err(e) => {
                tracing::error!(error = %e, "could not index a bulk load's incidents; they show after a restart")
            }
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
    use futures_util::StreamExt;
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
