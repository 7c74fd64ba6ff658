//! Per-grid metrics of one level (the rows of `/api/stats/grids` and the properties of grid
//! tiles), computed from the engine's fixed facts and the incident columns, and cached by the
//! engine's generation and the incidents' version: a row set is recomputed only when the city
//! or the incidents changed since it was made.

use super::App;
use crate::domain::metrics::{getis_ord_gi_star, households_per_officer, per_1000_households};
use crate::domain::Level;
use crate::engine::heat::Filter;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use ts_rs::TS;

/// One grid's metrics. Field order is the CSV column order ([`COLUMNS`]).
#[derive(Clone, Debug, PartialEq, Serialize, TS, utoipa::ToSchema)]
pub struct GridMetrics {
    pub code: String,
    pub name: String,
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub incidents: u64,
    #[ts(as = "f64")]
    #[schema(value_type = f64)]
    pub open: u64,
    pub per_1000_households: Option<f64>,
    pub households: u32,
    pub population: u32,
    pub officers: u32,
    pub households_per_officer: Option<f64>,
    pub vacant: bool,
    pub compounds: u32,
    pub compounds_without_party_org: u32,
    pub reach_share: Option<f64>,
    pub gi_star: Option<f64>,
    pub neighbours: usize,
}

/// `GET /api/stats/grids` (JSON).
#[derive(Clone, Debug, Serialize, TS, utoipa::ToSchema)]
pub struct StatsAnswer {
    #[ts(type = "Level")]
    #[schema(value_type = u8)]
    pub level: u8,
    #[schema(value_type = Vec<GridMetrics>)]
    pub grids: Arc<Vec<GridMetrics>>,
    /// The first and last report time of every incident held (RFC 3339), whatever the
    /// filter: a date range outside them finds nothing. Null when there are none.
    #[ts(type = "string | null")]
    pub data_from: Option<String>,
    #[ts(type = "string | null")]
    pub data_until: Option<String>,
}

/// The CSV columns, in order (also the JSON keys of [`GridMetrics`]).
pub const COLUMNS: [&str; 15] = [
    "code",
    "name",
    "incidents",
    "open",
    "per_1000_households",
    "households",
    "population",
    "officers",
    "households_per_officer",
    "vacant",
    "compounds",
    "compounds_without_party_org",
    "reach_share",
    "gi_star",
    "neighbours",
];

/// Most row sets kept; the cache is emptied when it would grow past this.
const CACHED_ROW_SETS: usize = 64;

type Key = (u64, u64, u8, String);

/// Row sets by (engine generation, incident version, level, filter).
#[derive(Default)]
pub struct MetricsCache(Mutex<HashMap<Key, Arc<Vec<GridMetrics>>>>);

fn round(v: Option<f64>, places: i32) -> Option<f64> {
    let f = 10f64.powi(places);
    v.map(|x| (x * f).round() / f)
}

impl App {
    /// Every grid of a level with its metrics, in code order.
    pub fn grid_metrics(&self, level: Level, filter: &Filter) -> Arc<Vec<GridMetrics>> {
        let (generation, engine) = self.live.current();
        let key = (
            generation,
            self.columns.version(),
            level.number(),
            format!("{filter:?}"),
        );
        let mut cache = self.metrics.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(rows) = cache.get(&key) {
            return rows.clone();
        }
        let facts = engine.stats().level(level);
        let counts = self
            .columns
            .read()
            .per_grid(level.number() as usize, filter);
        let totals: Vec<(u64, u64)> = facts
            .iter()
            .map(|f| counts.get(&f.code).copied().unwrap_or((0, 0)))
            .collect();
        let values: Vec<f64> = totals.iter().map(|t| t.0 as f64).collect();
        let neighbours: Vec<Vec<usize>> = facts.iter().map(|f| f.neighbours.clone()).collect();
        let gi = getis_ord_gi_star(&values, &neighbours);
        let rows: Vec<GridMetrics> = facts
            .iter()
            .zip(totals)
            .zip(gi)
            .map(|((f, (incidents, open)), gi)| GridMetrics {
                code: f.code.to_string(),
                name: f.name.clone(),
                incidents,
                open,
                per_1000_households: round(per_1000_households(incidents, f.households), 2),
                households: f.households,
                population: f.population,
                officers: f.officers,
                households_per_officer: round(households_per_officer(f.households, f.officers), 1),
                vacant: f.officers == 0,
                compounds: f.compounds,
                compounds_without_party_org: f.compounds_without_party_org,
                reach_share: round(f.reach_share(), 3),
                gi_star: round(gi, 3),
                neighbours: f.neighbours.len(),
            })
            .collect();
        let rows = Arc::new(rows);
        if cache.len() >= CACHED_ROW_SETS {
            cache.clear();
        }
        cache.insert(key, rows.clone());
        rows
    }
}
