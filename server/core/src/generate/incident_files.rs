//! Writing generated incidents as the bulk intake reads them: `incidents.ndjson` (one JSON
//! object a line) and `incidents.csv` (header
//! `lng,lat,crs,category,description,reported_at,channel,status`), both at once, each
//! written beside and renamed into place so a reader never sees half a file.

use super::incidents::{generate, Report};
use super::City;
use chrono::{DateTime, FixedOffset, SecondsFormat};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {reason}")]
pub struct WriteError {
    pub path: String,
    pub reason: String,
}

/// The CSV header, also the field order of every NDJSON object.
pub const CSV_HEADER: &str = "lng,lat,crs,category,description,reported_at,channel,status";

struct Out {
    tmp: PathBuf,
    path: PathBuf,
    w: BufWriter<File>,
}

impl Out {
    fn create(path: PathBuf) -> Result<Out, WriteError> {
        let mut tmp = path.clone().into_os_string();
        tmp.push(".partial");
        let tmp = PathBuf::from(tmp);
        let f = File::create(&tmp).map_err(|e| fail(&tmp, e))?;
        Ok(Out {
            tmp,
            path,
            w: BufWriter::with_capacity(1 << 20, f),
        })
    }

    fn finish(self) -> Result<(), WriteError> {
        let f = self
            .w
            .into_inner()
            .map_err(|e| fail(&self.tmp, e.into_error()))?;
        f.sync_all().map_err(|e| fail(&self.tmp, e))?;
        std::fs::rename(&self.tmp, &self.path).map_err(|e| fail(&self.path, e))
    }
}

fn fail(path: &Path, e: std::io::Error) -> WriteError {
    WriteError {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// One report as an NDJSON line (no newline).
pub fn ndjson_line(r: &Report, out: &mut Vec<u8>) {
    let time = r.reported_at.to_rfc3339_opts(SecondsFormat::Secs, false);
    // Descriptions are generated text, but escape them properly all the same.
    let description = serde_json::Value::String(r.description.clone()).to_string();
    let _ = write!(
        out,
        r#"{{"lng":{},"lat":{},"crs":"{}","category":"{}","description":{},"reported_at":"{}","channel":"{}","status":"{}"}}"#,
        r.lng,
        r.lat,
        r.crs.as_str(),
        r.category.as_str(),
        description,
        time,
        r.channel.as_str(),
        r.status.as_str()
    );
}

/// One report as a CSV row (no newline). Descriptions never hold commas or quotes, but a
/// field that did would be quoted.
pub fn csv_row(r: &Report, out: &mut Vec<u8>) {
    let time = r.reported_at.to_rfc3339_opts(SecondsFormat::Secs, false);
    let description = crate::csv::csv_field(&r.description);
    let _ = write!(
        out,
        "{},{},{},{},{},{},{},{}",
        r.lng,
        r.lat,
        r.crs.as_str(),
        r.category.as_str(),
        description,
        time,
        r.channel.as_str(),
        r.status.as_str()
    );
}

/// Writes `count` incidents to `dir/incidents.ndjson` and `dir/incidents.csv`, telling
/// `progress` how many are done every 100,000.
pub fn write(
    city: &City,
    seed: u64,
    count: usize,
    origin: DateTime<FixedOffset>,
    dir: &Path,
    progress: &mut dyn FnMut(usize),
) -> Result<(), WriteError> {
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
    let mut nd = Out::create(dir.join("incidents.ndjson"))?;
    let mut csv = Out::create(dir.join("incidents.csv"))?;
    csv.w
        .write_all(format!("{CSV_HEADER}\n").as_bytes())
        .map_err(|e| fail(&csv.tmp, e))?;
    let mut line = Vec::with_capacity(256);
    let mut done = 0usize;
    generate(city, seed, count, origin, |r| {
        line.clear();
        ndjson_line(r, &mut line);
        line.push(b'\n');
        nd.w.write_all(&line).map_err(|e| fail(&nd.tmp, e))?;
        line.clear();
        csv_row(r, &mut line);
        line.push(b'\n');
        csv.w.write_all(&line).map_err(|e| fail(&csv.tmp, e))?;
        done += 1;
        if done.is_multiple_of(100_000) {
            progress(done);
        }
        Ok(())
    })?;
    nd.finish()?;
    csv.finish()
}
