//! P5, planning on the sample city: auto-splitting one oversized grid (the heaviest that the
//! band can hold in two parts, 899 households) and rebalancing every grid over 300–500.
//! Goals: one split ≤ 10 ms, the whole city ≤ 2 s.
//!
//! `cargo bench -p gridd --bench plan`; part of `make bench`, which also runs
//! `server/examples/bench_p5.rs` for the per-grid spread.

use criterion::{criterion_group, criterion_main, Criterion};
use gridd::domain::plan::rebalance::{contents_by_grid, plan_grid};
use gridd::domain::plan::{rebalance, Band, Measure};
use std::hint::black_box;
use std::time::Duration;

fn plan(c: &mut Criterion) {
    let data = gridd::generate::generate(42, |_| {})
        .expect("the sample city generates")
        .data;
    let band = Band::default();
    let contents = contents_by_grid(&data.compounds, &data.buildings);
    // The heaviest level-3 grid whose load two parts of the band can hold.
    let grid = data
        .grids
        .iter()
        .filter(|g| g.level() == gridd::domain::Level::Three && g.households.get() <= 1000)
        .max_by_key(|g| g.households.get())
        .expect("the city has level-3 grids");
    let inside = &contents[&grid.code];
    let mut group = c.benchmark_group("p5_plan");
    group.bench_function(
        format!("split_one_grid_{}_households", grid.households.get()),
        |b| b.iter(|| black_box(plan_grid(grid, inside, band, Measure::Households, None).unwrap())),
    );
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("rebalance_city", |b| {
        b.iter(|| {
            black_box(
                rebalance(
                    &data.grids,
                    &data.compounds,
                    &data.buildings,
                    band,
                    Measure::Households,
                )
                .unwrap(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, plan);
criterion_main!(benches);
