//! P5 as figures: every level-3 grid of the sample city over 300–500 households auto-split
//! on its own (median, 95th percentile and slowest of the per-grid times), and the whole
//! city rebalanced in one call (median of 5 runs). Goals: one split ≤ 10 ms, the city ≤ 2 s.
//! Run by `make bench` (tests/bench/run.sh) in release mode.

use gridd::domain::plan::rebalance::{contents_by_grid, plan_grid, GridContents};
use gridd::domain::plan::{out_of_band, rebalance, Band, Fit, Measure};
use std::time::Instant;

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let data = gridd::generate::generate(42, |_| {})
        .expect("the sample city generates")
        .data;
    let band = Band::default();
    let by = Measure::Households;
    let contents = contents_by_grid(&data.compounds, &data.buildings);
    let empty = GridContents {
        compounds: vec![],
        buildings: vec![],
    };
    let over: Vec<_> = out_of_band(&data.grids, band, by)
        .into_iter()
        .filter(|o| o.fit == Fit::Over)
        .collect();
    let mut times = Vec::new();
    let mut within = 0;
    for o in &over {
        let inside = contents.get(&o.grid.code).unwrap_or(&empty);
        let started = Instant::now();
        let (_, split, _) = plan_grid(o.grid, inside, band, by, None).expect("a plan");
        times.push(ms(started.elapsed()));
        within += usize::from(split.parts.iter().all(|p| p.fit == Fit::Within));
    }
    times.sort_by(f64::total_cmp);
    let pick = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let mut city = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let plans =
            rebalance(&data.grids, &data.compounds, &data.buildings, band, by).expect("plans");
        city.push(ms(started.elapsed()));
        assert_eq!(plans.len(), over.len());
    }
    city.sort_by(f64::total_cmp);
    println!(
        "P5 split one grid: {} grids over {band}: median {:.2} ms, p95 {:.2} ms, slowest {:.2} ms (goal ≤ 10 ms); {within} split within the band",
        over.len(),
        pick(0.5),
        pick(0.95),
        times[times.len() - 1]
    );
    println!(
        "P5 rebalance the city: median {:.0} ms of 5 runs (fastest {:.0}, slowest {:.0}; goal ≤ 2000 ms)",
        city[2], city[0], city[4]
    );
}
