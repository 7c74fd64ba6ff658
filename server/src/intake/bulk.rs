//! Bulk intake: NDJSON (one report object a line) or CSV (a header naming the columns of
//! [`FIELDS`], then one report a line), streamed line by line into one store transaction.
//!
//! Memory stays bounded: checked reports go to the store in batches of [`BATCH`] through a
//! channel a few batches deep, so a slow store slows the reader instead of filling memory.
//! All or nothing: at the first bad line nothing more is sent, the rest is still read and
//! checked so that every bad line is reported with its number (the first [`LISTED`] in
//! full), and the transaction is abandoned. CSV fields may be quoted (`"a, b"`, `""` for a
//! quote) but may not span lines.

use super::report::{RawReport, ReportError, FIELDS};
use crate::engine::Engine;
use crate::store::{BulkMsg, Store, StoreError};
use chrono::Utc;
use serde_json::Value;
use std::fmt;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Reports per batch sent to the store.
pub const BATCH: usize = 4096;
/// Bad lines listed in full in the error; the rest are counted.
pub const LISTED: usize = 100;

/// One bad line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineError {
    pub line: u64,
    pub error: ReportError,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.error)
    }
}

/// Why a bulk load stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    #[error("{bad} bad line(s) of {lines}, nothing was stored:\n{}", list(.listed))]
    Invalid {
        listed: Vec<LineError>,
        bad: u64,
        lines: u64,
    },
    #[error("no reports: the input is empty")]
    Empty,
    #[error("reading the input failed after line {line}: {reason}; nothing was stored")]
    Read { line: u64, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn list(errors: &[LineError]) -> String {
    errors
        .iter()
        .map(|e| format!("  - {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

enum Format {
    Ndjson,
    /// Column positions in [`FIELDS`], in the header's order.
    Csv(Vec<usize>),
    /// A CSV whose header was refused: its lines cannot be read (and are not each reported).
    BadHeader,
}

/// A bulk load in progress: feed it lines, then [`Loader::finish`].
pub struct Loader {
    engine: Arc<Engine>,
    format: Option<Format>,
    batch: Vec<crate::domain::NewIncident>,
    sender: Option<mpsc::Sender<BulkMsg>>,
    writer: JoinHandle<Result<u64, StoreError>>,
    line: u64,
    reports: u64,
    errors: Vec<LineError>,
    bad: u64,
    now: chrono::DateTime<Utc>,
}

impl Loader {
    /// Opens the store's bulk transaction.
    pub fn start(store: Arc<dyn Store>, engine: Arc<Engine>) -> Loader {
        let (sender, receiver) = mpsc::channel(4);
        let writer = tokio::spawn(async move { store.bulk_incidents(receiver).await });
        Loader {
            engine,
            format: None,
            batch: Vec::with_capacity(BATCH),
            sender: Some(sender),
            writer,
            line: 0,
            reports: 0,
            errors: Vec::new(),
            bad: 0,
            now: Utc::now(),
        }
    }

    /// Lines read so far.
    pub fn lines(&self) -> u64 {
        self.line
    }

    fn fail(&mut self, field: &'static str, message: String) {
        self.bad_line(ReportError {
            field: field.into(),
            message,
            ..ReportError::blank()
        });
    }

    fn bad_line(&mut self, error: ReportError) {
        self.bad += 1;
        if self.errors.len() < LISTED {
            self.errors.push(LineError {
                line: self.line,
                error,
            });
        }
        // Nothing more goes to the store; dropping the sender abandons the transaction.
        self.sender = None;
        self.batch = Vec::new();
    }

    /// Takes one line (without its newline).
    pub async fn push(&mut self, raw: &[u8]) -> Result<(), BulkError> {
        self.line += 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let raw = if self.line == 1 {
            raw.strip_prefix("\u{feff}".as_bytes()).unwrap_or(raw)
        } else {
            raw
        };
        let Ok(text) = std::str::from_utf8(raw) else {
            self.fail("line", "is not valid UTF-8".into());
            return Ok(());
        };
        if text.trim().is_empty() {
            return Ok(());
        }
        let format = match &self.format {
            Some(f) => f,
            None => {
                if text.trim_start().starts_with('{') {
                    self.format = Some(Format::Ndjson);
                } else {
                    match header(text) {
                        Ok(columns) => self.format = Some(Format::Csv(columns)),
                        Err(e) => {
                            self.format = Some(Format::BadHeader);
                            self.bad_line(e);
                        }
                    }
                    return Ok(());
                }
                &Format::Ndjson
            }
        };
        let checked = match format {
            Format::Ndjson => match serde_json::from_str::<Value>(text) {
                Ok(v) => {
                    RawReport::from_json(&v).and_then(|r| r.into_incident(&self.engine, self.now))
                }
                Err(e) => Err(ReportError {
                    field: "line".into(),
                    message: format!("not a JSON object: {e}"),
                    ..ReportError::blank()
                }),
            },
            Format::BadHeader => return Ok(()),
            Format::Csv(columns) => split_csv(text, columns.len()).and_then(|cells| {
                RawReport::from_cells(columns, cells.iter().map(|c| c.as_ref()))
                    .into_incident(&self.engine, self.now)
            }),
        };
        match checked {
            Ok(incident) => {
                self.reports += 1;
                if self.sender.is_some() {
                    self.batch.push(incident);
                    if self.batch.len() >= BATCH {
                        self.flush().await?;
                    }
                }
            }
            Err(e) => self.bad_line(e),
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), BulkError> {
        let rows = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        if let Some(sender) = &self.sender {
            if sender.send(BulkMsg::Rows(rows)).await.is_err() {
                // The writer stopped: its own error says why.
                self.sender = None;
            }
        }
        Ok(())
    }

    /// Commits when every line was good; otherwise abandons the transaction and lists the
    /// bad lines.
    pub async fn finish(mut self) -> Result<u64, BulkError> {
        if self.bad == 0 && self.reports == 0 {
            self.sender = None;
            let _ = self.writer.await;
            return Err(BulkError::Empty);
        }
        if self.bad == 0 {
            self.flush().await?;
            if let Some(sender) = self.sender.take() {
                let _ = sender.send(BulkMsg::Commit).await;
            }
        }
        let stored = self
            .writer
            .await
            .map_err(|e| StoreError::db("the bulk writer", e))?;
        if self.bad > 0 {
            return Err(BulkError::Invalid {
                listed: self.errors,
                bad: self.bad,
                lines: self.line,
            });
        }
        Ok(stored?)
    }

    /// Abandons the load (the input could not be read to its end).
    pub async fn abort(mut self, reason: String) -> BulkError {
        self.sender = None;
        let _ = self.writer.await;
        BulkError::Read {
            line: self.line,
            reason,
        }
    }
}

/// The CSV header: every column must be one of [`FIELDS`], and lng, lat, category present.
fn header(text: &str) -> Result<Vec<usize>, ReportError> {
    let names = split_csv(text, 0)?;
    let mut columns = Vec::with_capacity(names.len());
    for name in &names {
        let name = name.trim().to_ascii_lowercase();
        let Some(i) = FIELDS.iter().position(|f| *f == name) else {
            return Err(ReportError {
                field: "header".into(),
                message: format!(
                    "unknown column {name:?}; a CSV starts with a header of: {}",
                    FIELDS.join(",")
                ),
                ..ReportError::blank()
            });
        };
        columns.push(i);
    }
    for required in ["lng", "lat", "category"] {
        if !columns.iter().any(|&i| FIELDS[i] == required) {
            return Err(ReportError {
                field: "header".into(),
                message: format!("the {required} column is missing"),
                ..ReportError::blank()
            });
        }
    }
    Ok(columns)
}

pub use gridd_core::csv::csv_field;

/// Splits one CSV line into cells, honouring quotes. `expected` > 0 checks the count.
fn split_csv(line: &str, expected: usize) -> Result<Vec<std::borrow::Cow<'_, str>>, ReportError> {
    let mut cells = Vec::with_capacity(expected.max(8));
    let bytes = line.as_bytes();
    let mut i = 0;
    loop {
        if bytes.get(i) == Some(&b'"') {
            let mut cell = String::new();
            let mut j = i + 1;
            loop {
                match bytes.get(j) {
                    None => {
                        return Err(ReportError {
                            field: "line".into(),
                            message: format!("unterminated quote in column {}", cells.len() + 1),
                            ..ReportError::blank()
                        })
                    }
                    Some(b'"') if bytes.get(j + 1) == Some(&b'"') => {
                        cell.push('"');
                        j += 2;
                    }
                    Some(b'"') => break,
                    Some(_) => {
                        let end = line[j..].find('"').map_or(line.len(), |k| j + k);
                        cell.push_str(&line[j..end]);
                        j = end;
                    }
                }
            }
            cells.push(std::borrow::Cow::Owned(cell));
            i = j + 1;
            match bytes.get(i) {
                None => break,
                Some(b',') => i += 1,
                Some(_) => {
                    return Err(ReportError {
                        field: "line".into(),
                        message: format!("text after a closing quote in column {}", cells.len()),
                        ..ReportError::blank()
                    })
                }
            }
        } else {
            let end = line[i..].find(',').map_or(line.len(), |k| i + k);
            cells.push(std::borrow::Cow::Borrowed(&line[i..end]));
            if end == line.len() {
                break;
            }
            i = end + 1;
        }
    }
    if expected > 0 && cells.len() != expected {
        return Err(ReportError {
            field: "line".into(),
            message: format!("{} columns; the header has {expected}", cells.len()),
            ..ReportError::blank()
        });
    }
    Ok(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_split_on_commas_outside_quotes() {
        let cells = split_csv(r#"110.4,35.4,"井盖, 破损","say ""hi""",,x"#, 0).unwrap();
        let cells: Vec<&str> = cells.iter().map(|c| c.as_ref()).collect();
        assert_eq!(
            cells,
            ["110.4", "35.4", "井盖, 破损", r#"say "hi""#, "", "x"]
        );
    }

    #[test]
    fn a_quoted_field_reads_back_as_written() {
        for field in ["plain", "井盖, 破损", r#"say "hi""#] {
            let line = format!("{},x", csv_field(field));
            assert_eq!(split_csv(&line, 2).unwrap()[0], field);
        }
        assert_eq!(csv_field("plain"), "plain");
    }

    #[test]
    fn a_broken_csv_line_says_what_is_wrong() {
        assert!(split_csv(r#"1,"open"#, 0)
            .unwrap_err()
            .message
            .contains("unterminated"));
        assert!(split_csv("1,2", 3)
            .unwrap_err()
            .message
            .contains("2 columns"));
    }

    #[test]
    fn a_csv_header_needs_lng_lat_and_category_and_known_columns() {
        assert_eq!(header("lng,lat,category").unwrap(), vec![0, 1, 3]);
        assert!(header("lng,lat").unwrap_err().message.contains("category"));
        assert!(header("lng,lat,category,colour")
            .unwrap_err()
            .message
            .contains("colour"));
    }
}
