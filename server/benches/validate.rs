//! Checking one large polygon as an import does (`domain::geometry::check_valid`): a ring of
//! 10,000 to 1,000,000 vertices (a wavy circle, like a traced county outline). The issue of
//! hostile clients measured `geo`'s check at 0.49 s for 10,000 vertices and 48 s for
//! 100,000; a single ring is now decided by the R-tree crossing test. For comparison the
//! same ring also goes through `geo`'s `is_valid` up to 30,000 vertices. Then the shapes
//! with holes and parts (rings apart from each other): the same outline with 200 round
//! holes, and 1,000 separate parts, decided by the crossing test plus one containment test
//! per ring; `geo` for comparison at 10,000 outline vertices.
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

/// A small closed circle of 16 vertices.
fn circle(cx: f64, cy: f64, r: f64) -> LineString {
    let mut points: Vec<(f64, f64)> = (0..16)
        .map(|i| {
            let t = f64::from(i) / 16.0 * std::f64::consts::TAU;
            (cx + r * t.cos(), cy + r * t.sin())
        })
        .collect();
    points.push(points[0]);
    LineString::from(points)
}

/// The wavy outline of `n` vertices with 200 round holes inside it.
fn with_holes(n: usize) -> MultiPolygon {
    let outline = wavy_circle(n).0.remove(0).into_inner().0;
    let holes = (0..200)
        .map(|i| {
            circle(
                110.35 + f64::from(i % 20) * 0.005,
                35.475 + f64::from(i / 20) * 0.005,
                0.001,
            )
        })
        .collect();
    MultiPolygon::new(vec![Polygon::new(outline, holes)])
}

/// 1,000 separate parts (a scattered village), each a circle of 16 vertices.
fn many_parts() -> MultiPolygon {
    MultiPolygon::new(
        (0..1000)
            .map(|i| {
                Polygon::new(
                    circle(
                        110.0 + f64::from(i % 40) * 0.01,
                        35.0 + f64::from(i / 40) * 0.01,
                        0.003,
                    ),
                    vec![],
                )
            })
            .collect(),
    )
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
    let mut group = c.benchmark_group("validate_parts_and_holes");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    for n in [10_000, 100_000, 1_000_000] {
        let mp = with_holes(n);
        assert!(check_valid(&mp).is_ok());
        group.bench_with_input(
            BenchmarkId::new("check_valid_200_holes", n),
            &mp,
            |b, mp| b.iter(|| black_box(check_valid(mp).is_ok())),
        );
    }
    let parts = many_parts();
    assert!(check_valid(&parts).is_ok());
    group.bench_function("check_valid_1000_parts", |b| {
        b.iter(|| black_box(check_valid(&parts).is_ok()))
    });
    group.bench_function("geo_is_valid_1000_parts", |b| {
        b.iter(|| black_box(parts.is_valid()))
    });
    let mp = with_holes(10_000);
    group.bench_with_input(
        BenchmarkId::new("geo_is_valid_200_holes", 10_000),
        &mp,
        |b, mp| b.iter(|| black_box(mp.is_valid())),
    );
    group.finish();
}

criterion_group!(benches, validate);
criterion_main!(benches);
