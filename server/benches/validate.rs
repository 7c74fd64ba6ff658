//! Checking one large polygon as an import does (`domain::geometry::check_valid`): a ring of
//! 10,000 to 1,000,000 vertices (a wavy circle, like a traced county outline). The issue of
//! hostile clients measured `geo`'s check at 0.49 s for 10,000 vertices and 48 s for
//! 100,000; a single ring is now decided by the R-tree crossing test. For comparison the
//! same ring also goes through `geo`'s `is_valid` up to 30,000 vertices.
//!
//! `cargo bench -p gridd --bench validate`; part of `make bench`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use geo::algorithm::Validation;
use geo::{LineString, MultiPolygon, Polygon};
use gridd::domain::geometry::check_valid;
use std::hint::black_box;
use std::time::Duration;

/// A closed ring of `n` vertices around (110.4°, 35.5°), its radius wavering by 5 %.
fn wavy_circle(n: usize) -> MultiPolygon {
    let mut points: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let t = i as f64 / n as f64 * std::f64::consts::TAU;
            let r = 0.1 * (1.0 + 0.05 * (t * 40.0).sin());
            (110.4 + r * t.cos(), 35.5 + r * t.sin())
        })
        .collect();
    points.push(points[0]);
    MultiPolygon::new(vec![Polygon::new(LineString::from(points), vec![])])
}

fn validate(c: &mut Criterion) {
    let mut group = c.benchmark_group("validate_one_ring");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    for n in [10_000, 100_000, 1_000_000] {
        let mp = wavy_circle(n);
        group.bench_with_input(BenchmarkId::new("check_valid", n), &mp, |b, mp| {
            b.iter(|| black_box(check_valid(mp).is_ok()))
        });
    }
    for n in [10_000, 30_000] {
        let mp = wavy_circle(n);
        group.bench_with_input(BenchmarkId::new("geo_is_valid", n), &mp, |b, mp| {
            b.iter(|| black_box(mp.is_valid()))
        });
    }
    group.finish();
}

criterion_group!(benches, validate);
criterion_main!(benches);
