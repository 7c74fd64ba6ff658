//! Grid rules: codes are unique, parents are present, children stay inside their parent and
//! cover it without gaps, and siblings do not overlap.

use super::{polygon_m2, shared_rect_m2, significant, Defect, DefectKind, Envelopes, Tolerance};
use crate::domain::code::GridCode;
use crate::domain::model::Grid;
use geo::orient::Direction;
use geo::{unary_union, BooleanOps, BoundingRect, InteriorPoint, MultiPolygon, Orient};
use std::collections::HashMap;

/// The position of the first grid with each code: the one a repeated code's children are
/// checked against.
pub(super) type FirstByCode<'a> = HashMap<&'a GridCode, usize>;

/// One `DuplicateCode` per code used more than once; returns where each code first appears.
pub(super) fn duplicate_codes<'a>(grids: &'a [Grid], out: &mut Vec<Defect>) -> FirstByCode<'a> {
    let mut positions: HashMap<&GridCode, Vec<usize>> = HashMap::new();
    let mut order = Vec::new();
    for (i, g) in grids.iter().enumerate() {
        let seen = positions.entry(&g.code).or_default();
        if seen.is_empty() {
            order.push(&g.code);
        }
        seen.push(i);
    }
    for code in order {
        let Some(at) = positions.get(code).filter(|at| at.len() > 1) else {
            continue;
        };
        let list = at
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        out.push(
            Defect::new(
                DefectKind::DuplicateCode,
                code.to_string(),
                grids[at[1]].geometry.interior_point(),
                format!(
                    "{} grids have this code (positions {list} in the grid list, from 0)",
                    at.len()
                ),
            )
            .with("count", at.len()),
        );
    }
    positions.into_iter().map(|(c, at)| (c, at[0])).collect()
}

/// `MissingParent` for each level-2/3 grid whose parent code is not among the grids.
pub(super) fn missing_parents(grids: &[Grid], first: &FirstByCode, out: &mut Vec<Defect>) {
    for g in grids {
        let Some(parent) = g.parent().filter(|p| !first.contains_key(p)) else {
            continue;
        };
        out.push(
            Defect::new(
                DefectKind::MissingParent,
                g.code.to_string(),
                g.geometry.interior_point(),
                format!("its parent grid {parent} is not in the data"),
            )
            .with("parent", parent.to_string()),
        );
    }
}

/// `OutsideParent` for each child with more than a sliver outside its parent.
pub(super) fn outside_parents(
    grids: &[Grid],
    first: &FirstByCode,
    tol: &Tolerance,
    out: &mut Vec<Defect>,
) {
    for g in grids {
        let Some((parent, &p)) = g.parent().and_then(|c| first.get(&c).map(|p| (c, p))) else {
            continue;
        };
        let outside = g.geometry.difference(&grids[p].geometry);
        if let Some((area, at)) = significant(&outside, tol) {
            out.push(
                Defect::new(
                    DefectKind::OutsideParent,
                    g.code.to_string(),
                    at,
                    format!("{area:.1} m² of it lies outside its parent {parent}"),
                )
                .with_area(area)
                .with("parent", parent.to_string()),
            );
        }
    }
}

/// One `Gap` per part of a parent, larger than a sliver, that none of its children covers.
pub(super) fn gaps(grids: &[Grid], first: &FirstByCode, tol: &Tolerance, out: &mut Vec<Defect>) {
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, g) in grids.iter().enumerate() {
        if let Some(&p) = g.parent().and_then(|c| first.get(&c)) {
            children.entry(p).or_default().push(i);
        }
    }
    for (p, parent) in grids.iter().enumerate() {
        let Some(kids) = children.get(&p) else {
            continue;
        };
        // unary_union needs one winding for every shell (and the other for every hole).
        let shapes: Vec<MultiPolygon> = kids
            .iter()
            .map(|&k| grids[k].geometry.orient(Direction::Default))
            .collect();
        let covered = unary_union(&shapes);
        for part in parent.geometry.difference(&covered).iter() {
            let area = polygon_m2(part);
            if area > tol.sliver_m2 {
                out.push(
                    Defect::new(
                        DefectKind::Gap,
                        parent.code.to_string(),
                        part.interior_point(),
                        format!(
                            "{area:.1} m² of it is covered by none of its {} child grids",
                            kids.len()
                        ),
                    )
                    .with_area(area)
                    .with("children", kids.len()),
                );
            }
        }
    }
}

/// `Overlap` for each pair of siblings (same parent, or both level 1) sharing more than a
/// sliver. Grids that repeat a code are left to `DuplicateCode`.
pub(super) fn overlaps(grids: &[Grid], tol: &Tolerance, out: &mut Vec<Defect>) {
    let index = Envelopes::new(grids.iter().map(|g| &g.geometry).enumerate());
    let parents: Vec<Option<GridCode>> = grids.iter().map(Grid::parent).collect();
    let rects: Vec<_> = grids.iter().map(|g| g.geometry.bounding_rect()).collect();
    for (i, g) in grids.iter().enumerate() {
        let Some(ri) = rects[i] else {
            continue;
        };
        let mut near: Vec<usize> = index
            .near(&ri)
            .filter(|&j| j > i && parents[j] == parents[i] && grids[j].code != g.code)
            .filter(|&j| rects[j].is_some_and(|rj| shared_rect_m2(&ri, &rj) > tol.sliver_m2))
            .collect();
        near.sort_unstable();
        for j in near {
            let common = g.geometry.intersection(&grids[j].geometry);
            if let Some((area, at)) = significant(&common, tol) {
                out.push(
                    Defect::new(
                        DefectKind::Overlap,
                        g.code.to_string(),
                        at,
                        format!(
                            "{area:.1} m² of it is also in sibling grid {}",
                            grids[j].code
                        ),
                    )
                    .with_area(area)
                    .with("sibling", grids[j].code.to_string()),
                );
            }
        }
    }
}
