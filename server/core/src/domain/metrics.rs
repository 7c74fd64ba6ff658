//! Grid metrics that are pure arithmetic: load per officer, rates per 1,000 households, and
//! the Getis-Ord Gi* hotspot statistic over a neighbour graph.

/// Households per serving officer; `None` for a vacant grid (no officer), where the ratio
/// is undefined rather than infinite.
pub fn households_per_officer(households: u32, officers: u32) -> Option<f64> {
    (officers > 0).then(|| f64::from(households) / f64::from(officers))
}

/// Incidents per 1,000 households; `None` for a grid without households.
pub fn per_1000_households(incidents: u64, households: u32) -> Option<f64> {
    (households > 0).then(|| incidents as f64 * 1000.0 / f64::from(households))
}

/// Getis-Ord Gi* z-scores of `values` over `neighbours` (each node's neighbours, not itself),
/// with binary weights and the node itself included, as in Getis & Ord (1995):
///
/// `Gi* = (Σⱼ wᵢⱼ xⱼ − x̄ Σⱼ wᵢⱼ) / (S √[(n Σⱼ wᵢⱼ² − (Σⱼ wᵢⱼ)²) / (n − 1)])`
///
/// where `x̄` is the mean and `S² = Σ xⱼ² / n − x̄²`. A z above 1.96 is a hotspot at 95%
/// confidence, below −1.96 a cold spot. `None` for every node when the values do not vary
/// (S = 0) or there are fewer than three nodes; `None` for a node whose weights cover every
/// node (the denominator vanishes).
pub fn getis_ord_gi_star(values: &[f64], neighbours: &[Vec<usize>]) -> Vec<Option<f64>> {
    let n = values.len();
    if n < 3 || neighbours.len() != n {
        return vec![None; n];
    }
    let nf = n as f64;
    let mean = values.iter().sum::<f64>() / nf;
    let s2 = values.iter().map(|x| x * x).sum::<f64>() / nf - mean * mean;
    if s2 <= 1e-12 * mean.abs().max(1.0) {
        return vec![None; n];
    }
    let s = s2.sqrt();
    (0..n)
        .map(|i| {
            let w = (neighbours[i].len() + 1) as f64; // Σ wᵢⱼ = Σ wᵢⱼ² with binary weights
            let local: f64 = values[i] + neighbours[i].iter().map(|&j| values[j]).sum::<f64>();
            let var = (nf * w - w * w) / (nf - 1.0);
            (var > 0.0).then(|| (local - mean * w) / (s * var.sqrt()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3×3 lattice, rook (edge) neighbours, numbered row by row from the top left.
    fn rook_3x3() -> Vec<Vec<usize>> {
        (0..9)
            .map(|i| {
                let (r, c) = (i / 3, i % 3);
                let mut v = Vec::new();
                if r > 0 {
                    v.push(i - 3);
                }
                if r < 2 {
                    v.push(i + 3);
                }
                if c > 0 {
                    v.push(i - 1);
                }
                if c < 2 {
                    v.push(i + 1);
                }
                v
            })
            .collect()
    }

    #[test]
    fn gi_star_on_a_three_by_three_lattice_matches_the_hand_computed_values() {
        // Values 9 in the top-left corner falling to 1 in the bottom right:
        // 9 8 7 / 6 5 4 / 3 2 1. Mean 5, S² = 285/9 − 25 = 6.666…, S = 2.5820.
        let values = [9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0];
        let z = getis_ord_gi_star(&values, &rook_3x3());
        // Corner 0: itself + 1 + 3 → 9 + 8 + 6 = 23, w = 3:
        // (23 − 15) / (2.5820 × √((27 − 9) / 8)) = 8 / (2.5820 × 1.5) = 2.0656.
        assert!((z[0].unwrap() - 2.0656).abs() < 1e-3, "{:?}", z[0]);
        // Centre 4: all of its cross, 5 + 8 + 2 + 6 + 4 = 25, w = 5:
        // (25 − 25) / … = 0.
        assert!(z[4].unwrap().abs() < 1e-12);
        // Bottom-right corner mirrors the top-left.
        assert!((z[8].unwrap() + 2.0656).abs() < 1e-3);
        // Edge 1: 8 + 9 + 7 + 5 = 29, w = 4: (29 − 20) / (2.5820 × √((36 − 16) / 8)) = 2.2045.
        assert!((z[1].unwrap() - 2.2045).abs() < 1e-3, "{:?}", z[1]);
    }

    #[test]
    fn gi_star_is_undefined_when_every_grid_has_the_same_value() {
        assert!(getis_ord_gi_star(&[4.0; 9], &rook_3x3())
            .iter()
            .all(Option::is_none));
    }

    #[test]
    fn a_vacant_grid_has_no_households_per_officer_and_an_empty_one_no_rate() {
        assert_eq!(households_per_officer(400, 0), None);
        assert_eq!(households_per_officer(400, 2), Some(200.0));
        assert_eq!(per_1000_households(3, 0), None);
        assert_eq!(per_1000_households(3, 500), Some(6.0));
    }
}
