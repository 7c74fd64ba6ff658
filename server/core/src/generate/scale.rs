//! A city several times the sample, for `make bench-scale`: `copies` sample cities side by
//! side, each a county of its own (codes 610581, 610582, …), the k-th shifted east by k times
//! the sample's width and [`GAP_DEG`], with its feature ids prefixed `C<k+1>-` (the first copy is the sample city
//! unchanged). Every copy keeps the sample's rules (children tile parents, buildings inside
//! their grid), so ten copies are 390 / 1,640 / 12,430 grids and about 220,000 buildings.

use super::{generate, City};
use crate::domain::{CodeError, FeatureId, GridCode, Wgs84Point};
use geo::Translate;

/// The gap between one copy's east edge and the next copy's west edge, in degrees.
pub const GAP_DEG: f64 = 0.01;
/// Most copies: county codes stay six digits below 610600.
pub const MAX_COPIES: usize = 19;

/// Why a scaled city could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ScaleError {
    #[error("copies must be 1 to {MAX_COPIES}, not {0}")]
    Copies(usize),
    #[error(transparent)]
    Code(#[from] CodeError),
    #[error("copy {copy}: {reason}")]
    Copy { copy: usize, reason: String },
}

/// `copies` sample cities of `seed` side by side.
pub fn side_by_side(
    seed: u64,
    copies: usize,
    progress: impl FnMut(&str),
) -> Result<City, ScaleError> {
    if copies == 0 || copies > MAX_COPIES {
        return Err(ScaleError::Copies(copies));
    }
    let one = generate(seed, progress)?;
    let mut all = City {
        data: one.data.clone(),
        roads: one.roads.clone(),
    };
    // Each copy lies the sample's whole width (its bends included) and a gap further east.
    use geo::BoundingRect;
    let width = one
        .data
        .grids
        .iter()
        .filter_map(|g| g.geometry.bounding_rect())
        .map(|r| (r.min().x, r.max().x))
        .fold((f64::MAX, f64::MIN), |a, b| (a.0.min(b.0), a.1.max(b.1)));
    let shift = (width.1 - width.0).max(0.0) + GAP_DEG;
    for k in 1..copies {
        add_copy(&mut all, &one, k, shift * k as f64)?;
    }
    Ok(all)
}

fn add_copy(all: &mut City, one: &City, k: usize, dx: f64) -> Result<(), ScaleError> {
    let fail = |reason: String| ScaleError::Copy {
        copy: k + 1,
        reason,
    };
    let code = |c: &GridCode| -> Result<GridCode, ScaleError> {
        let county = 610_581 + k;
        GridCode::parse(&format!("{county}{}", &c.as_str()[6..])).map_err(ScaleError::from)
    };
    let id = |f: &FeatureId| {
        FeatureId::parse(&format!("C{}-{f}", k + 1)).map_err(|e| fail(e.to_string()))
    };
    let d = &one.data;
    for g in &d.grids {
        let mut g = g.clone();
        g.code = code(&g.code)?;
        g.geometry = g.geometry.translate(dx, 0.0);
        all.data.grids.push(g);
    }
    for c in &d.compounds {
        let mut c = c.clone();
        c.id = id(&c.id)?;
        c.geometry = c.geometry.translate(dx, 0.0);
        c.service_centre = c.service_centre.as_ref().map(id).transpose()?;
        c.grid = c.grid.as_ref().map(code).transpose()?;
        all.data.compounds.push(c);
    }
    for b in &d.buildings {
        let mut b = b.clone();
        b.id = id(&b.id)?;
        b.footprint = b.footprint.translate(dx, 0.0);
        b.compound = b.compound.as_ref().map(id).transpose()?;
        b.grid = b.grid.as_ref().map(code).transpose()?;
        all.data.buildings.push(b);
    }
    for o in &d.officers {
        let mut o = o.clone();
        o.id = id(&o.id)?;
        o.grids = o.grids.iter().map(code).collect::<Result<_, _>>()?;
        all.data.officers.push(o);
    }
    for s in &d.service_centres {
        let mut s = s.clone();
        s.id = id(&s.id)?;
        s.location = Wgs84Point::new(s.location.lng() + dx, s.location.lat())
            .map_err(|e| fail(e.to_string()))?;
        all.data.service_centres.push(s);
    }
    for r in &d.roads {
        let mut r = r.clone();
        r.id = id(&r.id)?;
        r.geometry = r.geometry.translate(dx, 0.0);
        all.data.roads.push(r);
    }
    all.roads
        .extend(one.roads.iter().map(|r| super::layout::Road {
            class: r.class,
            from: (r.from.0 + dx, r.from.1),
            to: (r.to.0 + dx, r.to.1),
        }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_copies_are_two_counties_side_by_side_with_nothing_shared() {
        let one = generate(42, |_| {}).unwrap();
        let two = side_by_side(42, 2, |_| {}).unwrap();
        assert_eq!(two.data.grids.len(), 2 * one.data.grids.len());
        assert_eq!(two.data.buildings.len(), 2 * one.data.buildings.len());
        assert_eq!(two.roads.len(), 2 * one.roads.len());
        two.data
            .check_unique()
            .expect("no code or id is used twice");
        let second = &two.data.grids[one.data.grids.len()];
        assert!(
            second.code.as_str().starts_with("610582"),
            "{}",
            second.code
        );
        // The copy lies east of the original, not over it.
        use geo::BoundingRect;
        let east = |g: &crate::domain::Grid| g.geometry.bounding_rect().unwrap().min().x;
        let max_first = one
            .data
            .grids
            .iter()
            .map(|g| g.geometry.bounding_rect().unwrap().max().x)
            .fold(f64::MIN, f64::max);
        assert!(east(second) > max_first);
    }

    #[test]
    fn zero_or_too_many_copies_are_refused() {
        assert!(matches!(
            side_by_side(42, 0, |_| {}),
            Err(ScaleError::Copies(0))
        ));
        assert!(matches!(
            side_by_side(42, 20, |_| {}),
            Err(ScaleError::Copies(20))
        ));
    }
}
