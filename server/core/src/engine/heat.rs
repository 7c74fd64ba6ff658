//! Incidents in memory for density tiles and per-grid counts, current on every write.
//!
//! Each incident is kept as a few columns: its Web Mercator position quantised to 2³² steps
//! per axis, its time, category, status, channel, and the grids it was reported in. The
//! main columns are sorted by the Morton (Z-order) code of the position, so the incidents of
//! any map tile at any zoom are one contiguous range: a tile is two binary searches and a
//! scan. New incidents go to a small unsorted tail that every query also scans; when the
//! tail grows past [`TAIL_LIMIT`] it is merged into the sorted columns.

use crate::domain::{Category, Channel, GridCode, IncidentStatus, NewIncident, StatusSet};
use std::collections::HashMap;
use tile::{morton, quantise, SCALE};

mod tile;
pub use tile::Tile;

/// New incidents waiting to be merged into the sorted columns.
pub const TAIL_LIMIT: usize = 32_768;

/// One incident as the heat index keeps it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Entry {
    morton: u64,
    /// The store id ([`NO_ID`] for incidents indexed without one).
    id: i64,
    /// The case's due time, Unix seconds ([`NO_DUE`] when it has none).
    due: i64,
    qx: u32,
    qy: u32,
    /// Unix seconds.
    time: i64,
    category: u8,
    status: u8,
    channel: u8,
    /// Interned grid codes of levels 1, 2, 3 ([`NO_GRID`] for none), at report time.
    grids: [u32; 3],
    /// The same under the boundaries in force now (differs once a new version is published).
    current: [u32; 3],
}

const NO_GRID: u32 = u32::MAX;
const NO_ID: i64 = -1;
const NO_DUE: i64 = i64::MAX;

/// Which incidents a tile or a count includes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub category: Option<Category>,
    pub status: Option<StatusSet>,
    pub channel: Option<Channel>,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    /// Unix seconds, exclusive.
    pub to: Option<i64>,
    /// Per-grid counts by the grids incidents were reported in, not those in force now.
    pub report_time: bool,
    /// Only incidents in grids whose code starts with one of these (a caller's scope, see
    /// `Scope::prefixes`), by the grids in force now; `None` keeps every incident.
    pub within: Option<Vec<String>>,
    /// Only open cases due before this instant (Unix seconds): 超期 when it is now.
    pub overdue_at: Option<i64>,
}

fn index_of<T: PartialEq>(all: &[T], v: T) -> u8 {
    all.iter().position(|x| *x == v).unwrap_or(0) as u8
}

impl Filter {
    fn keeps(&self, e: &Entry) -> bool {
        self.category
            .is_none_or(|c| index_of(Category::ALL, c) == e.category)
            && self
                .status
                .is_none_or(|s| s.contains(IncidentStatus::ALL[usize::from(e.status)]))
            && self
                .channel
                .is_none_or(|c| index_of(Channel::ALL, c) == e.channel)
            && self.from.is_none_or(|t| e.time >= t)
            && self.to.is_none_or(|t| e.time < t)
            && self
                .overdue_at
                .is_none_or(|t| e.due < t && IncidentStatus::ALL[usize::from(e.status)].is_open())
    }
}

pub use crate::spatial::mercator::{mercator, unmercator};

/// An incident near a point ([`Heat::near`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Near {
    pub id: i64,
    pub distance_m: f64,
    pub status: IncidentStatus,
    /// Where it is (WGS84, to the index's ~1 cm resolution).
    pub at: [f64; 2],
}

/// Counts of one tile, binned: `bins × bins` cells, row 0 at the top.
#[derive(Clone, Debug, PartialEq)]
pub struct Binned {
    pub bins: u32,
    /// `(column, row, count)` of every non-empty cell, in row-major order.
    pub cells: Vec<(u32, u32, u32)>,
}

/// The incidents, indexed for tiles and grid counts.
/// Builds a [`Heat`] from stored incidents read a chunk at a time, so that start-up holds one
/// chunk of store rows at once rather than every row of a large store.
#[derive(Default)]
pub struct HeatLoader {
    heat: Heat,
    entries: Vec<Entry>,
}

impl HeatLoader {
    /// Adds one chunk of stored incidents.
    pub fn add(&mut self, incidents: &[crate::domain::Incident]) {
        self.extend(incidents.iter().map(|i| (i.id, &i.incident)));
    }

    fn extend<'a>(&mut self, items: impl Iterator<Item = (i64, &'a NewIncident)>) {
        let heat = &mut self.heat;
        self.entries.extend(items.map(|(id, n)| Entry {
            id,
            ..heat.entry(n)
        }));
    }

    /// How many incidents were added.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True before anything was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sorts what was added into the index.
    pub fn finish(self) -> Heat {
        let (mut heat, mut entries) = (self.heat, self.entries);
        entries.sort_unstable_by_key(|e| e.morton);
        entries.shrink_to_fit();
        heat.sorted = entries;
        heat.reindex();
        heat
    }
}

#[derive(Default)]
pub struct Heat {
    sorted: Vec<Entry>,
    tail: Vec<Entry>,
    /// The tail's entries by zoom-16 tile (the top 32 bits of their Morton code), so a
    /// look-around need not scan the whole tail.
    tail_cells: HashMap<u64, Vec<u32>>,
    codes: Vec<GridCode>,
    code_ids: HashMap<GridCode, u32>,
    /// Store ids indexed, with their place in `sorted` followed by `tail`: so catching up
    /// never counts an incident twice, and a status change finds its entry at once.
    at: HashMap<i64, usize>,
    /// Bumped on every change, so derived figures know when to recompute.
    version: u64,
    /// The earliest and latest report time of every entry made (entries are never taken out).
    span: Option<(i64, i64)>,
}

impl Heat {
    /// Indexes incidents in one go (at start, from the store).
    pub fn build<'a>(incidents: impl IntoIterator<Item = &'a NewIncident>) -> Heat {
        Heat::index(incidents.into_iter().map(|n| (NO_ID, n)))
    }

    /// Indexes stored incidents in one go.
    pub fn from_stored(incidents: &[crate::domain::Incident]) -> Heat {
        let mut loader = HeatLoader::default();
        loader.add(incidents);
        loader.finish()
    }

    fn index<'a>(items: impl Iterator<Item = (i64, &'a NewIncident)>) -> Heat {
        let mut loader = HeatLoader::default();
        loader.extend(items);
        loader.finish()
    }

    /// Rebuilds the id → place map (after the entries moved).
    fn reindex(&mut self) {
        self.at.clear();
        self.at.reserve(self.sorted.len() + self.tail.len());
        for (i, e) in self.sorted.iter().chain(&self.tail).enumerate() {
            if e.id != NO_ID {
                self.at.insert(e.id, i);
            }
        }
    }

    /// Adds a stored incident unless it is already indexed; true if it was added.
    pub fn add_stored(&mut self, i: &crate::domain::Incident) -> bool {
        if self.at.contains_key(&i.id) {
            return false;
        }
        self.push(i.id, &i.incident);
        true
    }

    /// Adds a stored incident unless it is already indexed, filed under the grids
    /// `grids_at` gives for its position (the version in force, as [`Heat::refile`] files
    /// every other); true if it was added.
    pub fn add_stored_filed(
        &mut self,
        i: &crate::domain::Incident,
        grids_at: impl Fn(f64, f64) -> crate::domain::GridPath,
    ) -> bool {
        if self.at.contains_key(&i.id) {
            return false;
        }
        let mut e = Entry {
            id: i.id,
            ..self.entry(&i.incident)
        };
        self.file(&mut e, &grids_at);
        self.push_entry(e);
        true
    }

    /// Files one entry under the grids `grids_at` gives for the centre of its cell.
    fn file(&mut self, e: &mut Entry, grids_at: &impl Fn(f64, f64) -> crate::domain::GridPath) {
        let (lng, lat) = unmercator(
            (f64::from(e.qx) + 0.5) / SCALE,
            (f64::from(e.qy) + 0.5) / SCALE,
        );
        let path = grids_at(lng, lat);
        e.current = [
            self.intern(&path.level1),
            self.intern(&path.level2),
            self.intern(&path.level3),
        ];
    }

    /// Moves a stored incident to `status` (a case transition); false if it is not indexed.
    pub fn set_status(&mut self, id: i64, status: IncidentStatus) -> bool {
        self.with_entry(id, |e| e.status = index_of(IncidentStatus::ALL, status))
    }

    /// Sets a stored case's due time (Unix seconds; `None`: no due time); false if it is
    /// not indexed.
    pub fn set_due(&mut self, id: i64, due: Option<i64>) -> bool {
        self.with_entry(id, |e| e.due = due.unwrap_or(NO_DUE))
    }

    fn with_entry(&mut self, id: i64, f: impl FnOnce(&mut Entry)) -> bool {
        let Some(&i) = self.at.get(&id) else {
            return false;
        };
        let n = self.sorted.len();
        let e = if i < n {
            self.sorted.get_mut(i)
        } else {
            self.tail.get_mut(i - n)
        };
        match e {
            Some(e) => {
                f(e);
                self.version += 1;
                true
            }
            None => false,
        }
    }

    /// The earliest and latest report times held (Unix seconds), or None when empty: what
    /// a date range can find at all ("data until …").
    pub fn time_span(&self) -> Option<(i64, i64)> {
        self.span
    }

    /// The largest store id indexed (0 when none).
    pub fn max_id(&self) -> i64 {
        self.at.keys().copied().max().unwrap_or(0)
    }

    pub fn len(&self) -> usize {
        self.sorted.len() + self.tail.len()
    }

    /// Changes with every added incident.
    pub fn version(&self) -> u64 {
        self.version
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn intern(&mut self, code: &Option<GridCode>) -> u32 {
        let Some(code) = code else { return NO_GRID };
        if let Some(&id) = self.code_ids.get(code) {
            return id;
        }
        let id = self.codes.len() as u32;
        self.codes.push(code.clone());
        self.code_ids.insert(code.clone(), id);
        id
    }

    fn entry(&mut self, n: &NewIncident) -> Entry {
        let t = n.reported_at.timestamp();
        self.span = Some(self.span.map_or((t, t), |(lo, hi)| (lo.min(t), hi.max(t))));
        let (x, y) = mercator(n.location.lng(), n.location.lat());
        let (qx, qy) = (quantise(x), quantise(y));
        let grids = [
            self.intern(&n.grids.level1),
            self.intern(&n.grids.level2),
            self.intern(&n.grids.level3),
        ];
        Entry {
            current: grids,
            id: NO_ID,
            due: NO_DUE,
            morton: morton(qx, qy),
            qx,
            qy,
            time: t,
            category: index_of(Category::ALL, n.category),
            status: index_of(IncidentStatus::ALL, n.status),
            channel: index_of(Channel::ALL, n.channel),
            grids,
        }
    }

    /// Files every incident under the grids `grids_at` gives for its position (the engine of
    /// the version now in force, after a publish); report-time grids stay as they were.
    pub fn refile(&mut self, grids_at: impl Fn(f64, f64) -> crate::domain::GridPath) {
        self.version += 1;
        let mut entries = std::mem::take(&mut self.sorted);
        let mut tail = std::mem::take(&mut self.tail);
        for e in entries.iter_mut().chain(tail.iter_mut()) {
            self.file(e, &grids_at);
        }
        self.sorted = entries;
        self.tail = tail;
    }

    /// Adds an incident without a store id; it shows in tiles and counts at once.
    pub fn add(&mut self, n: &NewIncident) {
        self.push(NO_ID, n);
    }

    fn push(&mut self, id: i64, n: &NewIncident) {
        let e = Entry {
            id,
            ..self.entry(n)
        };
        self.push_entry(e);
    }

    fn push_entry(&mut self, e: Entry) {
        let id = e.id;
        self.version += 1;
        self.tail_cells
            .entry(e.morton >> 32)
            .or_default()
            .push(self.tail.len() as u32);
        self.tail.push(e);
        if id != NO_ID {
            self.at.insert(id, self.sorted.len() + self.tail.len() - 1);
        }
        if self.tail.len() >= TAIL_LIMIT {
            self.merge();
        }
    }

    fn merge(&mut self) {
        self.tail_cells.clear();
        let mut tail = std::mem::take(&mut self.tail);
        tail.sort_unstable_by_key(|e| e.morton);
        let old = std::mem::take(&mut self.sorted);
        let mut merged = Vec::with_capacity(old.len() + tail.len());
        let (mut a, mut b) = (old.into_iter().peekable(), tail.into_iter().peekable());
        loop {
            let take_a = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => x.morton <= y.morton,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            merged.extend(if take_a { a.next() } else { b.next() });
        }
        self.sorted = merged;
        self.reindex();
    }

    /// Which interned grid codes lie in `f.within` (`None`: every one).
    fn mask(&self, f: &Filter) -> Option<Vec<bool>> {
        let within = f.within.as_ref()?;
        Some(
            self.codes
                .iter()
                .map(|c| within.iter().any(|p| c.as_str().starts_with(p.as_str())))
                .collect(),
        )
    }

    /// Whether an entry lies in the masked grids (any level of its current grids).
    fn in_mask(mask: &Option<Vec<bool>>, e: &Entry) -> bool {
        mask.as_ref()
            .is_none_or(|m| e.current.iter().any(|&g| g != NO_GRID && m[g as usize]))
    }

    /// Every kept incident in `tile`, sorted part first.
    fn in_tile<'a>(&'a self, tile: Tile, f: &'a Filter) -> impl Iterator<Item = &'a Entry> + 'a {
        let mask = self.mask(f);
        let (start, end) = tile.range();
        let lo = self.sorted.partition_point(|e| e.morton < start);
        let hi = self.sorted.partition_point(|e| e.morton < end);
        self.sorted[lo..hi]
            .iter()
            .chain(
                self.tail
                    .iter()
                    .filter(move |e| e.morton >= start && e.morton < end),
            )
            .filter(move |e| f.keeps(e) && Heat::in_mask(&mask, e))
    }

    /// Stored incidents kept by `f` within `radius_m` metres of (lng, lat), nearest first.
    /// Looks only at the zoom-16 tiles the circle's box
    /// touches (each about 500 m wide here), so it costs microseconds at any store size.
    pub fn near(&self, lng: f64, lat: f64, radius_m: f64, f: &Filter) -> Vec<Near> {
        use crate::spatial::measure::M_PER_DEG;
        const Z: u8 = 16;
        let dlat = radius_m / M_PER_DEG;
        let dlng = dlat / lat.to_radians().cos().max(0.01);
        let n = f64::from(1u32 << Z);
        let (x0, y0) = mercator(lng - dlng, lat + dlat);
        let (x1, y1) = mercator(lng + dlng, lat - dlat);
        let (cx, cy) = mercator(lng, lat);
        // Web Mercator is conformal: near the point, metres = Mercator units x the equator's
        // length x cos(lat), the same on both axes.
        let m_per_unit = 40_075_016.686 * lat.to_radians().cos() / SCALE;
        let (qcx, qcy) = (cx * SCALE, cy * SCALE);
        let (qx0, qx1, qy0, qy1) = (quantise(x0), quantise(x1), quantise(y0), quantise(y1));
        let mask = self.mask(f);
        let mut out = Vec::new();
        let mut consider = |e: &Entry| {
            let inside = e.qx >= qx0 && e.qx <= qx1 && e.qy >= qy0 && e.qy <= qy1;
            if !inside || e.id == NO_ID || !f.keeps(e) || !Heat::in_mask(&mask, e) {
                return;
            }
            let d = (f64::from(e.qx) + 0.5 - qcx).hypot(f64::from(e.qy) + 0.5 - qcy) * m_per_unit;
            if d <= radius_m {
                let (lng, lat) = crate::spatial::mercator::unmercator(
                    (f64::from(e.qx) + 0.5) / SCALE,
                    (f64::from(e.qy) + 0.5) / SCALE,
                );
                out.push(Near {
                    id: e.id,
                    distance_m: d,
                    status: IncidentStatus::ALL[usize::from(e.status)],
                    at: [lng, lat],
                });
            }
        };
        let cell = |v: f64| (v * n).floor().clamp(0.0, n - 1.0) as u32;
        for ty in cell(y0)..=cell(y1) {
            for tx in cell(x0)..=cell(x1) {
                let Some(tile) = Tile::new(Z, tx, ty) else {
                    continue;
                };
                let (start, end) = tile.range();
                let lo = self.sorted.partition_point(|e| e.morton < start);
                let hi = self.sorted.partition_point(|e| e.morton < end);
                self.sorted[lo..hi].iter().for_each(&mut consider);
                for &i in self.tail_cells.get(&(start >> 32)).into_iter().flatten() {
                    if let Some(e) = self.tail.get(i as usize) {
                        consider(e);
                    }
                }
            }
        }
        out.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m).then(a.id.cmp(&b.id)));
        out
    }

    /// How many kept incidents fall in `tile`.
    pub fn count_in_tile(&self, tile: Tile, f: &Filter) -> u64 {
        self.in_tile(tile, f).count() as u64
    }

    /// The kept incidents of `tile` counted in `bins × bins` cells (`bins` a power of two).
    pub fn bin(&self, tile: Tile, bins: u32, f: &Filter) -> Binned {
        let bins = bins.next_power_of_two().clamp(1, 256);
        let cell_bits = bins.trailing_zeros();
        let s = tile.shift();
        let mut counts = vec![0u32; (bins * bins) as usize];
        for e in self.in_tile(tile, f) {
            let col =
                ((u64::from(e.qx) >> s.saturating_sub(cell_bits)) & u64::from(bins - 1)) as u32;
            let row =
                ((u64::from(e.qy) >> s.saturating_sub(cell_bits)) & u64::from(bins - 1)) as u32;
            counts[(row * bins + col) as usize] += 1;
        }
        let cells = counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (i as u32 % bins, i as u32 / bins, *n))
            .collect();
        Binned { bins, cells }
    }

    /// Kept incidents and how many of them are open, per grid of `level` (1, 2 or 3): by the
    /// grids in force now, or by those they were reported in (`f.report_time`).
    pub fn per_grid(&self, level: usize, f: &Filter) -> HashMap<GridCode, (u64, u64)> {
        let mut by_id: HashMap<u32, (u64, u64)> = HashMap::new();
        let open: Vec<bool> = IncidentStatus::ALL.iter().map(|s| s.is_open()).collect();
        let mask = self.mask(f);
        for e in self
            .sorted
            .iter()
            .chain(&self.tail)
            .filter(|e| f.keeps(e) && Heat::in_mask(&mask, e))
        {
            let grids = if f.report_time { &e.grids } else { &e.current };
            let g = grids[level.clamp(1, 3) - 1];
            if g != NO_GRID {
                let c = by_id.entry(g).or_default();
                c.0 += 1;
                c.1 += u64::from(open[e.status as usize]);
            }
        }
        by_id
            .into_iter()
            .map(|(id, c)| (self.codes[id as usize].clone(), c))
            .collect()
    }
}

#[cfg(test)]
mod tests;
