//! Auto-splitting the sample city's oversized grids: every split tiles the grid it replaces
//! (the whole city still passes the import validator: no gap, no overlap, no building cut),
//! every unit stays whole, parts meet the band wherever the units allow, and where they do
//! not, the plan says why.

use gridd::domain::plan::{rebalance, Band, Fit, Measure};
use gridd::domain::validate::{validate, Severity, Territory, Tolerance};
use gridd::domain::Level;
use gridd::generate::{generate, City};
use std::sync::OnceLock;

fn city() -> &'static City {
    static CITY: OnceLock<City> = OnceLock::new();
    CITY.get_or_init(|| generate(42, |_| {}).expect("the sample city generates"))
}

#[test]
fn rebalancing_the_sample_city_leaves_a_valid_city_with_every_oversized_grid_split_into_the_band() {
    let d = &city().data;
    let band = Band::default();
    let plans = rebalance(
        &d.grids,
        &d.compounds,
        &d.buildings,
        band,
        Measure::Households,
    )
    .unwrap();
    let over_before = d
        .grids
        .iter()
        .filter(|g| g.level() == Level::Three && g.households.get() > 500)
        .count();
    assert_eq!(plans.len(), over_before);
    assert!(
        over_before > 50,
        "the sample city has {over_before} oversized grids"
    );

    let grids = gridd::domain::plan::rebalance::apply(&d.grids, &plans);
    let defects = validate(
        &Territory {
            grids: &grids,
            compounds: &d.compounds,
            buildings: &d.buildings,
        },
        &Tolerance::default(),
    );
    let errors: Vec<_> = defects
        .iter()
        .filter(|x| x.severity == Severity::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        errors.first()
    );

    let mut within = 0;
    for p in &plans {
        let total: u32 = p.units.iter().map(|u| u.households).sum();
        let parts: u32 = p.split.parts.iter().map(|x| x.households).sum();
        assert_eq!(
            parts, total,
            "{}: every household lands in one part",
            p.code
        );
        assert!(
            p.split.parts.iter().all(|x| x.geometry.0.len() == 1),
            "{}: parts are contiguous",
            p.code
        );
        // Some number of parts holds this load within the band with room for a whole unit
        // to spare at both ends: then the band must be met.
        let biggest = p.units.iter().map(|u| u.households).max().unwrap_or(0);
        let feasible = (1..=16u32)
            .any(|k| k * band.min() + biggest <= total && total + biggest <= k * band.max());
        if p.split.parts.iter().all(|x| x.fit == Fit::Within) {
            within += 1;
        } else {
            assert!(
                !feasible,
                "{}: {total} households fit the band but the split missed it: {:?} {:?}",
                p.code,
                p.split.problems,
                p.split
                    .parts
                    .iter()
                    .map(|x| (x.households, x.fit))
                    .collect::<Vec<_>>()
            );
            assert!(
                p.split
                    .problems
                    .iter()
                    .any(|m| m.message.contains(&total.to_string())),
                "{}: the reason names the load: {:?}",
                p.code,
                p.split.problems
            );
        }
    }
    println!(
        "{} oversized grids: {within} split within 300–500, {} cannot be, each with its reason",
        plans.len(),
        plans.len() - within
    );
    assert_eq!(
        grids.iter().filter(|g| g.level() == Level::Three).count(),
        1243 + plans
            .iter()
            .map(|p| p.new_codes.len().saturating_sub(1))
            .sum::<usize>()
    );
}
