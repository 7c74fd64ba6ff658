//! Decoding the density tiles of both sides back into cells, to compare them cell by cell.

use crate::BINS;
use geozero::mvt::Message;
use std::collections::BTreeMap;

/// Cell (column, row) → count.
pub type Cells = BTreeMap<(u32, u32), u64>;

fn zigzag(v: u32) -> i64 {
    i64::from(v >> 1) ^ -i64::from(v & 1)
}

/// The vertices of an MVT geometry (command stream), in tile coordinates.
fn vertices(geometry: &[u32]) -> Result<Vec<(i64, i64)>, String> {
    let (mut x, mut y) = (0i64, 0i64);
    let mut out = Vec::new();
    let mut i = 0;
    while i < geometry.len() {
        let (command, count) = (geometry[i] & 7, (geometry[i] >> 3) as usize);
        i += 1;
        match command {
            1 | 2 => {
                for _ in 0..count {
                    let (dx, dy) = match geometry.get(i..i + 2) {
                        Some([dx, dy]) => (zigzag(*dx), zigzag(*dy)),
                        _ => return Err("geometry ends inside a command".into()),
                    };
                    x += dx;
                    y += dy;
                    out.push((x, y));
                    i += 2;
                }
            }
            7 => {}
            other => return Err(format!("unknown geometry command {other}")),
        }
    }
    Ok(out)
}

/// The cells of a decoded density tile: every feature must be one whole cell's square with
/// an integer `count`.
pub fn decode_cells(bytes: &[u8]) -> Result<Cells, String> {
    let tile = geozero::mvt::Tile::decode(bytes).map_err(|e| format!("not a vector tile: {e}"))?;
    let mut cells = Cells::new();
    for layer in &tile.layers {
        if layer.name != "density" {
            return Err(format!("unexpected layer {:?}", layer.name));
        }
        let extent = i64::from(layer.extent.unwrap_or(4096));
        let side = extent / i64::from(BINS);
        for f in &layer.features {
            let v = vertices(&f.geometry)?;
            let (x0, x1) = (
                v.iter().map(|p| p.0).min().unwrap_or(0),
                v.iter().map(|p| p.0).max().unwrap_or(0),
            );
            let (y0, y1) = (
                v.iter().map(|p| p.1).min().unwrap_or(0),
                v.iter().map(|p| p.1).max().unwrap_or(0),
            );
            if x1 - x0 != side || y1 - y0 != side || x0 % side != 0 || y0 % side != 0 || x0 < 0 {
                return Err(format!(
                    "feature {:?} is not one cell: x {x0}..{x1}, y {y0}..{y1}",
                    f.id
                ));
            }
            let mut count = None;
            for pair in f.tags.chunks(2) {
                let [k, val] = pair else { continue };
                if layer.keys.get(*k as usize).map(String::as_str) == Some("count") {
                    let value = layer.values.get(*val as usize);
                    count = value.and_then(|v| {
                        v.uint_value
                            .or(v.int_value.map(|i| i as u64))
                            .or(v.sint_value.map(|i| i as u64))
                    });
                }
            }
            let count = count.ok_or_else(|| format!("feature {:?} has no count", f.id))?;
            let (col, row) = ((x0 / side) as u32, (y0 / side) as u32);
            if f.id != Some(u64::from(row * BINS + col)) {
                return Err(format!(
                    "feature of cell ({col}, {row}) has id {:?}, not {}",
                    f.id,
                    row * BINS + col
                ));
            }
            if cells.insert((col, row), count).is_some() {
                return Err(format!("cell ({col}, {row}) appears twice"));
            }
        }
    }
    Ok(cells)
}

/// The cells where two tiles differ: (column, row, ours, theirs).
pub fn differences(ours: &Cells, theirs: &Cells) -> Vec<(u32, u32, u64, u64)> {
    let mut keys: Vec<&(u32, u32)> = ours.keys().chain(theirs.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let (a, b) = (
                ours.get(k).copied().unwrap_or(0),
                theirs.get(k).copied().unwrap_or(0),
            );
            (a != b).then_some((k.0, k.1, a, b))
        })
        .collect()
}
