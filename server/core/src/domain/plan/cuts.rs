//! Where a piece of a grid can be cut without touching a unit. Along each of 12 directions
//! (every 15°), and the way the units' rows run, the units project to intervals; a gap between intervals is where a straight
//! line can pass. Where whole rows are too coarse to balance the load, a cut may take one
//! step: everything below a gap, plus the units of the next row up to a gap across that row
//! (an L-shaped boundary, still between units).

use super::{Unit, M_PER_DEG};
use geo::{BooleanOps, MultiPolygon, Polygon};

/// Directions tried, evenly over 180°.
const ANGLES: usize = 12;

/// Local frame: x scaled by cos(latitude) so that angles and distances are true on the ground.
#[derive(Clone, Copy)]
pub struct Frame {
    pub lng0: f64,
    pub lat0: f64,
    pub kx: f64,
    /// Far beyond the piece, in frame units.
    pub reach: f64,
}

impl Frame {
    /// The frame centred on a shape, reaching well beyond it.
    pub fn around(geometry: &MultiPolygon) -> Option<Frame> {
        use geo::BoundingRect;
        let rect = geometry.bounding_rect()?;
        let centre = rect.center();
        Some(Frame {
            lng0: centre.x,
            lat0: centre.y,
            kx: centre.y.to_radians().cos(),
            reach: 4.0 * (rect.width() + rect.height()).max(1e-6),
        })
    }

    fn project(&self, c: geo::Coord, dir: (f64, f64)) -> f64 {
        (c.x - self.lng0) * self.kx * dir.0 + (c.y - self.lat0) * dir.1
    }
    /// The half-plane `t ≤ c` along `dir`, as a polygon far larger than the piece.
    fn half_plane(&self, dir: (f64, f64), c: f64) -> MultiPolygon {
        let n = (-dir.1, dir.0);
        let r = self.reach;
        let pt = |t: f64, s: f64| {
            let x = dir.0 * t + n.0 * s;
            let y = dir.1 * t + n.1 * s;
            (x / self.kx + self.lng0, y + self.lat0)
        };
        MultiPolygon::new(vec![Polygon::new(
            geo::LineString::from(vec![
                pt(c, -r),
                pt(c, r),
                pt(c - 2.0 * r, r),
                pt(c - 2.0 * r, -r),
                pt(c, -r),
            ]),
            vec![],
        )])
    }
}

/// A step across the row above a straight cut: the row's units up to `across` join the low side.
#[derive(Clone, Copy, Debug)]
struct Step {
    /// The gap closing the row.
    next: f64,
    /// Along the row (perpendicular to the cut).
    across: f64,
}

/// One way to cut a piece: the units on its low side and on its high side.
pub struct Cut {
    dir: (f64, f64),
    at: f64,
    step: Option<Step>,
    pub low: Vec<usize>,
    pub high: Vec<usize>,
    /// How far the low side's load is from its target.
    pub imbalance: f64,
}

impl Cut {
    /// The region of the low side.
    fn region(&self, frame: Frame) -> MultiPolygon {
        let below = frame.half_plane(self.dir, self.at);
        match self.step {
            None => below,
            Some(step) => {
                let perp = (-self.dir.1, self.dir.0);
                let row = frame
                    .half_plane(self.dir, step.next)
                    .intersection(&frame.half_plane(perp, step.across));
                below.union(&row)
            }
        }
    }
}

/// The unit indexes of some spans.
fn ids(s: &[(f64, f64, usize)]) -> Vec<usize> {
    s.iter().map(|x| x.2).collect()
}

/// The rows between gaps: each window is (gap below or the start, gap above or the end), with
/// how many spans lie below each bound.
fn rows(gaps: &[(f64, usize)], len: usize) -> Vec<(f64, usize)> {
    std::iter::once((f64::NEG_INFINITY, 0))
        .chain(gaps.iter().copied())
        .chain(std::iter::once((f64::INFINITY, len)))
        .collect()
}

/// The one-step cut: every span below `at` (the first `from`), plus the units of the row up
/// to `next` (spans `from..to`, sorted `across` it) that lie below `pos` (the first `k`).
#[allow(clippy::too_many_arguments)]
fn stepped(
    frame: Frame,
    dir: (f64, f64),
    sp: &[(f64, f64, usize)],
    (at, from): (f64, usize),
    (next, to): (f64, usize),
    across: &[(f64, f64, usize)],
    (pos, k): (f64, usize),
    imbalance: f64,
) -> Cut {
    let mut low = ids(&sp[..from]);
    low.extend(ids(&across[..k]));
    let mut high = ids(&across[k..]);
    high.extend(ids(&sp[to..]));
    Cut {
        dir,
        at: if at.is_finite() { at } else { -frame.reach },
        step: Some(Step {
            next: if next.is_finite() { next } else { frame.reach },
            across: pos,
        }),
        low,
        high,
        imbalance,
    }
}

/// Cuts `piece` by `cut`, or `None` when a side is empty or falls apart into pieces.
pub fn apply(
    frame: Frame,
    piece: &MultiPolygon,
    cut: &Cut,
) -> Option<(MultiPolygon, MultiPolygon)> {
    let region = cut.region(frame);
    let low = piece.intersection(&region);
    let high = piece.difference(&region);
    let parts = piece.0.len().max(1);
    if low.0.is_empty() || high.0.is_empty() || low.0.len() > parts || high.0.len() > parts {
        return None;
    }
    Some((low, high))
}

/// Half a metre of clearance between a cut and any unit, in frame units (degrees of latitude).
const CLEARANCE: f64 = 0.5 / M_PER_DEG;

/// `(lo, hi, unit)` extents of units along `dir`, sorted by `lo`.
fn spans(frame: Frame, dir: (f64, f64), units: &[usize], all: &[Unit]) -> Vec<(f64, f64, usize)> {
    let mut out: Vec<(f64, f64, usize)> = units
        .iter()
        .map(|&u| {
            let (lo, hi) = all[u]
                .parts
                .iter()
                .flat_map(|p| p.exterior().0.iter())
                .map(|c| frame.project(*c, dir))
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), t| {
                    (lo.min(t), hi.max(t))
                });
            (lo, hi, u)
        })
        .collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
    out
}

/// The gaps of sorted spans: `(position, how many spans lie below it)`.
fn gaps(spans: &[(f64, f64, usize)]) -> Vec<(f64, usize)> {
    let mut out = Vec::new();
    let mut reach = f64::NEG_INFINITY;
    for i in 0..spans.len().saturating_sub(1) {
        reach = reach.max(spans[i].1);
        let next = spans[i + 1].0;
        if next - reach >= 2.0 * CLEARANCE {
            out.push(((reach + next) / 2.0, i + 1));
        }
    }
    out
}

/// The directions to try: every 15°, and the way the units' rows run (the heaviest
/// direction of their edges, and across it) when that is not already among them — real
/// blocks are seldom turned by a multiple of 15°, and a cut along their rows balances best.
fn directions(frame: Frame, units: &[usize], all: &[Unit]) -> Vec<(f64, f64)> {
    let mut angles: Vec<f64> = (0..ANGLES)
        .map(|i| i as f64 * 180.0 / ANGLES as f64)
        .collect();
    let mut weight = [0.0f64; 180];
    for &u in units {
        for p in &all[u].parts {
            for l in p.exterior().lines() {
                let (dx, dy) = ((l.end.x - l.start.x) * frame.kx, l.end.y - l.start.y);
                let len = dx.hypot(dy);
                if len > 0.0 {
                    let a = dy.atan2(dx).to_degrees().rem_euclid(180.0);
                    weight[(a as usize).min(179)] += len;
                }
            }
        }
    }
    let heaviest = (0..180).max_by(|a, b| weight[*a].total_cmp(&weight[*b]));
    if let Some(a) = heaviest.filter(|a| weight[*a] > 0.0) {
        for a in [a as f64 + 0.5, (a as f64 + 90.5) % 180.0] {
            let near = angles.iter().any(|b| {
                let d = (a - b).rem_euclid(180.0);
                d.min(180.0 - d) < 2.0
            });
            if !near {
                angles.push(a);
            }
        }
    }
    angles
        .into_iter()
        .map(|a| {
            let r = a.to_radians();
            (r.cos(), r.sin())
        })
        .collect()
}

/// The best straight and stepped cuts along every direction, for `share` of the load low.
pub fn candidates(
    frame: Frame,
    units: &[usize],
    all: &[Unit],
    load: &[u32],
    share: f64,
) -> Vec<Cut> {
    let total: f64 = units.iter().map(|&u| f64::from(load[u])).sum();
    let target = total * share;
    let sum = |s: &[(f64, f64, usize)]| s.iter().map(|x| f64::from(load[x.2])).sum::<f64>();
    let mut out = Vec::new();
    for dir in directions(frame, units, all) {
        let perp = (-dir.1, dir.0);
        let sp = spans(frame, dir, units, all);
        let gs = gaps(&sp);
        // Straight: everything below one gap.
        if let Some(&(at, n)) = gs.iter().min_by(|a, b| {
            (sum(&sp[..a.1]) - target)
                .abs()
                .total_cmp(&(sum(&sp[..b.1]) - target).abs())
        }) {
            out.push(Cut {
                dir,
                at,
                step: None,
                low: ids(&sp[..n]),
                high: ids(&sp[n..]),
                imbalance: (sum(&sp[..n]) - target).abs(),
            });
        }
        // Stepped: below gap j (or nothing), plus part of the row up to gap j + 1 (or the end).
        let mut best: Option<Cut> = None;
        let bounds = rows(&gs, sp.len());
        for w in bounds.windows(2) {
            let ((at, from), (next, to)) = (w[0], w[1]);
            let below = sum(&sp[..from]);
            if below > target || below + sum(&sp[from..to]) < target {
                continue;
            }
            let row: Vec<usize> = ids(&sp[from..to]);
            let across = spans(frame, perp, &row, all);
            for (pos, k) in gaps(&across) {
                let imbalance = (below + sum(&across[..k]) - target).abs();
                if best.as_ref().is_none_or(|b| imbalance < b.imbalance) {
                    best = Some(stepped(
                        frame,
                        dir,
                        &sp,
                        (at, from),
                        (next, to),
                        &across,
                        (pos, k),
                        imbalance,
                    ));
                }
            }
        }
        out.extend(best);
    }
    out
}

/// How far a cut may be turned from the line a planner drew (degrees, in steps of 2°) when
/// no parallel line runs between the units: blocks and their rows stand at their streets'
/// angles, and a line drawn by hand is seldom exactly along them.
pub const ALONG_TURN_DEG: u32 = 30;

/// The cut nearest the line from `a` to `b` (lng/lat) that runs between units: parallel to
/// it if any such line exists, else turned about its middle by the least angle (up to
/// [`ALONG_TURN_DEG`]) that finds a gap; `None` when none does.
pub fn along(
    frame: Frame,
    a: (f64, f64),
    b: (f64, f64),
    units: &[usize],
    all: &[Unit],
) -> Option<Cut> {
    let (dx, dy) = ((b.0 - a.0) * frame.kx, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt();
    if len == 0.0 {
        return None;
    }
    let middle = geo::Coord {
        x: (a.0 + b.0) / 2.0,
        y: (a.1 + b.1) / 2.0,
    };
    // 0°, then ±2°, ±4°, … (the smallest turn that finds a gap wins).
    let turns = std::iter::once(0.0).chain((1..=ALONG_TURN_DEG / 2).flat_map(|k| {
        let t = f64::from(2 * k).to_radians();
        [t, -t]
    }));
    turns.into_iter().find_map(|turn| {
        let (s, c) = f64::sin_cos(turn);
        let (tx, ty) = (dx * c - dy * s, dx * s + dy * c);
        // Across the line: positions along the normal, where the line itself sits at `at`.
        let dir = (-ty / len, tx / len);
        let at = frame.project(middle, dir);
        let sp = spans(frame, dir, units, all);
        let (pos, n) = gaps(&sp)
            .into_iter()
            .min_by(|x, y| (x.0 - at).abs().total_cmp(&(y.0 - at).abs()))?;
        Some(Cut {
            dir,
            at: pos,
            step: None,
            low: ids(&sp[..n]),
            high: ids(&sp[n..]),
            imbalance: 0.0,
        })
    })
}

/// Every straight or one-step cut (12 directions) that puts exactly the units of `want` on one
/// side, with whether that side is the cut's low side.
pub fn separating(
    frame: Frame,
    units: &[usize],
    all: &[Unit],
    want: &std::collections::HashSet<usize>,
) -> Vec<(Cut, bool)> {
    // A side is right when it holds all of `want` and nothing else.
    let exact = |side: &[usize]| side.len() == want.len() && side.iter().all(|u| want.contains(u));
    let mut out = Vec::new();
    let mut push = |cut: Cut| {
        if exact(&cut.low) {
            out.push((cut, true));
        } else if exact(&cut.high) {
            out.push((cut, false));
        }
    };
    for dir in directions(frame, units, all) {
        let perp = (-dir.1, dir.0);
        let sp = spans(frame, dir, units, all);
        let gs = gaps(&sp);
        for &(at, n) in &gs {
            push(Cut {
                dir,
                at,
                step: None,
                low: ids(&sp[..n]),
                high: ids(&sp[n..]),
                imbalance: 0.0,
            });
        }
        let bounds = rows(&gs, sp.len());
        for w in bounds.windows(2) {
            let ((at, from), (next, to)) = (w[0], w[1]);
            // Only rows whose units below are all wanted (or all unwanted) can give an exact side.
            let below = &sp[..from];
            let all_in = below.iter().all(|x| want.contains(&x.2));
            let none_in = below.iter().all(|x| !want.contains(&x.2));
            if !(all_in || none_in) {
                continue;
            }
            let row: Vec<usize> = ids(&sp[from..to]);
            let across = spans(frame, perp, &row, all);
            for (pos, k) in gaps(&across) {
                push(stepped(
                    frame,
                    dir,
                    &sp,
                    (at, from),
                    (next, to),
                    &across,
                    (pos, k),
                    0.0,
                ));
            }
        }
    }
    out
}
