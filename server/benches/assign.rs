//! Bulk assignment on the sample city: 100,000 random points to all three grid levels with
//! `Engine::assign_levels` on one and two threads, against the R-tree of envelopes plus
//! `geo` point-in-polygon baseline ([`PolygonIndex`]) on one thread. Throughput is in points.
//!
//! `cargo bench -p gridd --bench assign`; part of `make bench`. The side-by-side against a
//! PostGIS join on 1M points is `server/examples/bench_p1.rs`.

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use geo::Point;
use gridd::domain::Level;
use gridd::engine::Engine;
use gridd::spatial::PolygonIndex;
use std::hint::black_box;
use std::time::Duration;

const POINTS: usize = 100_000;

fn assign(c: &mut Criterion) {
    let data = common::sample_city();
    let engine = Engine::build(&data);
    let baseline = [Level::One, Level::Two, Level::Three].map(|l| {
        PolygonIndex::new(
            data.grids
                .iter()
                .filter(|g| g.level() == l)
                .map(|g| (g.code.clone(), g.geometry.clone())),
        )
    });
    let points = common::random_points(POINTS, 11);

    let mut group = c.benchmark_group("assign_100k");
    group.throughput(Throughput::Elements(POINTS as u64));
    for threads in [1usize, 2] {
        group.bench_with_input(
            BenchmarkId::new("engine_assign_levels", format!("{threads}_threads")),
            &threads,
            |b, &threads| b.iter(|| black_box(engine.assign_levels(black_box(&points), threads))),
        );
    }
    group.bench_function("rtree_geo/1_thread", |b| {
        b.iter(|| {
            let out: Vec<_> = points
                .iter()
                .map(|&(x, y)| {
                    let p = Point::new(x, y);
                    [
                        baseline[0].locate(p),
                        baseline[1].locate(p),
                        baseline[2].locate(p),
                    ]
                })
                .collect();
            black_box(out)
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = assign
}
criterion_main!(benches);
