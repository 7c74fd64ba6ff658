//! Positions as the heat index keeps them: Web Mercator quantised to 2³² steps per axis,
//! Morton (Z-order) codes of those steps, and map tiles with the Morton range they cover.

use super::unmercator;

/// Steps per axis of the quantised Web Mercator square.
pub(super) const SCALE: f64 = 4_294_967_296.0; // 2^32

pub(super) fn quantise(v: f64) -> u32 {
    (v * SCALE).clamp(0.0, SCALE - 1.0) as u32
}

/// Interleaves the bits of x (even positions) and y (odd positions).
pub(super) fn morton(x: u32, y: u32) -> u64 {
    fn spread(v: u32) -> u64 {
        let mut v = u64::from(v);
        v = (v | (v << 16)) & 0x0000_FFFF_0000_FFFF;
        v = (v | (v << 8)) & 0x00FF_00FF_00FF_00FF;
        v = (v | (v << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
        v = (v | (v << 2)) & 0x3333_3333_3333_3333;
        v = (v | (v << 1)) & 0x5555_5555_5555_5555;
        v
    }
    spread(x) | (spread(y) << 1)
}

/// A map tile (z ≤ 24) and its Morton range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tile {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl Tile {
    /// A tile, if it exists at its zoom.
    pub fn new(z: u8, x: u32, y: u32) -> Option<Tile> {
        (z <= 24 && u64::from(x) < (1u64 << z) && u64::from(y) < (1u64 << z)).then_some(Tile {
            z,
            x,
            y,
        })
    }

    pub(super) fn shift(self) -> u32 {
        32 - u32::from(self.z)
    }

    /// Morton codes of the tile: `[start, end)`.
    pub(super) fn range(self) -> (u64, u64) {
        let s = self.shift();
        let start = morton(
            ((u64::from(self.x) << s) & 0xFFFF_FFFF) as u32,
            ((u64::from(self.y) << s) & 0xFFFF_FFFF) as u32,
        );
        let span = 1u64 << (2 * s).min(63);
        let end = if 2 * s >= 64 { u64::MAX } else { start + span };
        (start, end)
    }

    /// The tile's bounds as lng/lat: west, south, east, north.
    pub fn bounds(self) -> (f64, f64, f64, f64) {
        let n = f64::from(1u32 << self.z.min(31));
        let (w, nn) = unmercator(f64::from(self.x) / n, f64::from(self.y) / n);
        let (e, s) = unmercator(f64::from(self.x + 1) / n, f64::from(self.y + 1) / n);
        (w, s, e, nn)
    }
}
