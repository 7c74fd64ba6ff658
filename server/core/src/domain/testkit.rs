//! Small values the domain's unit tests build grids from (compiled for tests only).

use super::model::{Grid, GridKind, Households, Population};
use super::GridCode;
use geo::Rect;

pub fn code(s: &str) -> GridCode {
    GridCode::parse(s).unwrap()
}

/// A comprehensive level-3 grid `code`: a 0.01° square with its west edge at longitude `x0`,
/// `households` households and twice as many people.
pub fn square_grid(c: &str, x0: f64, households: u32) -> Grid {
    Grid {
        code: code(c),
        name: format!("网格{c}"),
        kind: GridKind::Comprehensive,
        geometry: geo::MultiPolygon::new(vec![
            Rect::new((x0, 35.0), (x0 + 0.01, 35.01)).to_polygon()
        ]),
        households: Households::new(households),
        population: Population::new(households * 2),
        domains: vec![],
    }
}
