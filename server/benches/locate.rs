//! Locating one point on the sample city (39 / 164 / 1,243 grids, 207 compounds, 21,874
//! buildings): the rasterised [`Locator`] and the whole [`Engine`] against the baseline of an
//! R-tree of envelopes plus `geo`'s point-in-polygon ([`PolygonIndex`]), which gives the same
//! answers. Each iteration takes the next of 4,096 random points in the city's bounding box.
//!
//! `cargo bench -p gridd --bench locate`; part of `make bench`.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use geo::{MultiPolygon, Point};
use gridd::domain::{FeatureId, GridCode, Level};
use gridd::engine::{Engine, Locator};
use gridd::spatial::PolygonIndex;
use gridd::store::Dataset;
use std::hint::black_box;
use std::time::Duration;

const POINTS: usize = 4096;

/// Walks the points round and round, one per call.
struct Cycle {
    points: Vec<(f64, f64)>,
    next: usize,
}

impl Cycle {
    fn new() -> Cycle {
        Cycle {
            points: common::random_points(POINTS, 5),
            next: 0,
        }
    }

    #[inline]
    fn next(&mut self) -> (f64, f64) {
        self.next = (self.next + 1) % POINTS;
        self.points[self.next]
    }
}

fn grids_of(data: &Dataset, level: Level) -> Vec<(GridCode, MultiPolygon)> {
    data.grids
        .iter()
        .filter(|g| g.level() == level)
        .map(|g| (g.code.clone(), g.geometry.clone()))
        .collect()
}

/// The baseline: one R-tree of envelopes per layer, exact test with `geo::Intersects`.
struct Baseline {
    levels: [PolygonIndex<GridCode>; 3],
    compounds: PolygonIndex<FeatureId>,
    buildings: PolygonIndex<FeatureId>,
}

impl Baseline {
    fn build(data: &Dataset) -> Baseline {
        Baseline {
            levels: [Level::One, Level::Two, Level::Three]
                .map(|l| PolygonIndex::new(grids_of(data, l))),
            compounds: PolygonIndex::new(
                data.compounds
                    .iter()
                    .map(|c| (c.id.clone(), c.geometry.clone())),
            ),
            buildings: PolygonIndex::new(
                data.buildings
                    .iter()
                    .map(|b| (b.id.clone(), b.footprint.clone())),
            ),
        }
    }
}

fn locate(c: &mut Criterion) {
    let data = common::sample_city();
    let engine = Engine::build(&data);
    let baseline = Baseline::build(&data);
    let level3 = Locator::new(grids_of(&data, Level::Three));

    let mut group = c.benchmark_group("locate_level3");
    let mut pts = Cycle::new();
    group.bench_function("locator", |b| {
        b.iter(|| {
            let (x, y) = pts.next();
            black_box(level3.locate_xy(black_box(x), black_box(y)));
        })
    });
    group.bench_function("rtree_geo", |b| {
        b.iter(|| {
            let (x, y) = pts.next();
            black_box(baseline.levels[2].locate(Point::new(black_box(x), black_box(y))));
        })
    });
    group.finish();

    let mut group = c.benchmark_group("locate_3_levels");
    group.bench_function("engine_grid_at", |b| {
        b.iter(|| {
            let (x, y) = pts.next();
            let (x, y) = (black_box(x), black_box(y));
            black_box([
                engine.grid_at(Level::One, x, y),
                engine.grid_at(Level::Two, x, y),
                engine.grid_at(Level::Three, x, y),
            ]);
        })
    });
    group.bench_function("rtree_geo", |b| {
        b.iter(|| {
            let (x, y) = pts.next();
            let p = Point::new(black_box(x), black_box(y));
            black_box([
                baseline.levels[0].locate(p),
                baseline.levels[1].locate(p),
                baseline.levels[2].locate(p),
            ]);
        })
    });
    group.finish();

    // What /api/locate asks of the engine: three grids, the compound and the building, owned.
    let mut group = c.benchmark_group("locate_everything");
    group.bench_function("engine_assign", |b| {
        b.iter(|| {
            let (x, y) = pts.next();
            let p = gridd::domain::Wgs84Point::new(x, y).expect("in range");
            black_box(engine.assign(black_box(p)));
        })
    });
    group.bench_function("rtree_geo", |b| {
        b.iter(|| {
            let (x, y) = pts.next();
            let p = Point::new(black_box(x), black_box(y));
            black_box((
                baseline.levels[0].locate(p).cloned(),
                baseline.levels[1].locate(p).cloned(),
                baseline.levels[2].locate(p).cloned(),
                baseline.compounds.locate(p).cloned(),
                baseline.buildings.locate(p).cloned(),
            ));
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = locate
}
criterion_main!(benches);
