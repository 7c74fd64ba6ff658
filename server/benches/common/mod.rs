//! What both benches share: the generated sample city and deterministic random points in
//! its bounding box.

use gridd::store::Dataset;

/// The sample city's bounding box (WGS84), as `generate` cuts it.
pub const CITY_BBOX: [f64; 4] = [110.36, 35.41, 110.52, 35.53];

/// The sample city of `make demo` (seed 42).
pub fn sample_city() -> Dataset {
    gridd::generate::generate(42, |_| {})
        .expect("the sample city generates")
        .data
}

/// `n` points spread uniformly over the city's bounding box, the same on every run
/// (SplitMix64; the generator's own RNG is private to it).
pub fn random_points(n: usize, seed: u64) -> Vec<(f64, f64)> {
    let mut state = seed;
    let mut unit = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    };
    let [x0, y0, x1, y1] = CITY_BBOX;
    (0..n)
        .map(|_| (x0 + unit() * (x1 - x0), y0 + unit() * (y1 - y0)))
        .collect()
}
