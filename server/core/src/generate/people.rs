//! Filling the grids: compounds, buildings with households, service centres, officers.
//!
//! Each level-3 grid draws a household target: about 5% oversized (> 500), about 8%
//! undersized (< 100), the rest 100–500, denser towards the centre. Buildings are placed on
//! slots in the block's own frame (turned with its longest edge) inside the block shrunk by
//! a margin, so no building touches a grid boundary and rows follow the street.

use super::layout::{round6, Cell};
use super::names;
use super::plane::{self, Block, Frame, P};
use super::rng::Rng;
use super::shapes::{self, urbanity};
use super::{Planned, LEVEL2, LEVEL3};
use crate::domain::{
    Building, Compound, FeatureId, Floors, GridCode, Households, Officer, OfficerPhone,
    OfficerRole, PartyOrg, Population, ServiceCentre, ServiceLevel, Wgs84Point,
};
use std::collections::{BTreeMap, BTreeSet};

/// Seed 000: 50 standalone branches, 37 joint branches over 129 compounds, 28 functional.
const STANDALONE: usize = 50;
const JOINT_BRANCHES: usize = 37;
const JOINT_COMPOUNDS: usize = 129;
const FUNCTIONAL: usize = 28;
pub const COMPOUNDS: usize = STANDALONE + JOINT_COMPOUNDS + FUNCTIONAL;
const LEVEL2_OFFICERS: usize = 494;
const LEVEL3_OFFICERS: usize = 1268;
const LEVEL3_VACANCIES: usize = 12;
const DEDICATED: usize = 37;
/// Grids less town-like than this are countryside: their houses gather into villages.
const VILLAGES: f64 = 0.2;

pub(super) struct Placed {
    pub compounds: Vec<Compound>,
    pub buildings: Vec<Building>,
    pub officers: Vec<Officer>,
    pub centres: Vec<ServiceCentre>,
    pub dedicated: BTreeSet<GridCode>,
    pub names: BTreeMap<GridCode, String>,
    totals: BTreeMap<GridCode, (u32, u32)>,
}

impl Placed {
    /// Households and population of a grid at any level.
    pub fn totals(&self, code: &GridCode) -> (u32, u32) {
        self.totals.get(code).copied().unwrap_or((0, 0))
    }
}

fn id(prefix: &str, n: usize) -> FeatureId {
    // Prefix and number only: always a valid id.
    FeatureId::parse(&format!("{prefix}{n:05}"))
        .unwrap_or_else(|_| unreachable!("generated ids are valid"))
}

/// Slots of `w`×`h` (degrees of latitude, in the block's frame) with `gap` between them,
/// filling `area` row by row from the frame's north-west, those that fit in the block; at
/// least one (made smaller until it fits).
fn slots(block: &Block, area: &Cell, w: f64, h: f64, gap: f64) -> Vec<Cell> {
    let mut out = vec![];
    let mut y = area.max_y - h;
    while y >= area.min_y {
        let mut x = area.min_x;
        while x + w <= area.max_x {
            out.push(Cell {
                min_x: round6(x),
                min_y: round6(y),
                max_x: round6(x + w),
                max_y: round6(y + h),
            });
            x += w + gap;
        }
        y -= h + gap;
    }
    out.retain(|c| block.fits(c));
    if out.is_empty() {
        out.push(block.site(area, w.min(area.width()), h.min(area.height())));
    }
    out
}

fn target_households(at: P, city: &Cell, rng: &mut Rng) -> u32 {
    let urban = urbanity(at, city);
    let r = rng.unit();
    if r < 0.05 {
        rng.int(520, 900)
    } else if r < 0.13 {
        rng.int(25, 99)
    } else {
        (100.0 + 300.0 * (0.6 * urban + 0.4 * rng.unit()).powf(2.2)) as u32
    }
}

struct Builder<'a> {
    rng: Rng,
    buildings: Vec<Building>,
    totals: &'a mut BTreeMap<GridCode, (u32, u32)>,
    /// How town-like the grid being filled is (for the shapes of its buildings).
    urban: f64,
    /// The slots the last `fill` built on.
    used: Vec<Cell>,
    /// The frame of the block being filled.
    frame: Frame,
}

impl Builder<'_> {
    /// Fills `slots` with buildings until `households` are housed; returns households placed.
    fn fill(
        &mut self,
        grid: &GridCode,
        slots: &[Cell],
        households: u32,
        floors: (u32, u32),
        compound: Option<(&FeatureId, &str)>,
    ) -> (u32, u32) {
        let (mut placed, mut people) = (0u32, 0u32);
        self.used.clear();
        for (i, slot) in slots.iter().enumerate() {
            if placed >= households {
                break;
            }
            let left = (slots.len() - i) as u32;
            let f = self.rng.int(floors.0, floors.1);
            let per_floor = self.rng.int(1, 3) + u32::from(compound.is_some());
            let need = (households - placed).div_ceil(left);
            let hh = (f * per_floor).max(need).min(households - placed);
            let pop = (f64::from(hh) * self.rng.range(2.0, 2.6)).round() as u32;
            let n = self.buildings.len() + 1;
            let address = match compound {
                Some((_, caddr)) => format!("{caddr}{}号楼", i + 1),
                None => names::address(&mut self.rng),
            };
            let shape = shapes::shape_for(n, compound.is_some(), self.urban);
            self.used.push(*slot);
            self.buildings.push(Building {
                id: id("B", n),
                address,
                footprint: self.frame.to_world(&shapes::footprint(slot, shape)),
                floors: Floors::try_from(i64::from(f))
                    .unwrap_or_else(|_| unreachable!("floors ≥ 1")),
                households: Households::new(hh),
                population: Population::new(pop),
                compound: compound.map(|(c, _)| c.clone()),
                grid: Some(grid.clone()),
            });
            placed += hh;
            people += pop;
        }
        let mut code = Some(grid.clone());
        while let Some(c) = code {
            let t = self.totals.entry(c.clone()).or_default();
            t.0 += placed;
            t.1 += people;
            code = c.parent();
        }
        (placed, people)
    }
}

pub(super) fn populate(
    levels: &[Vec<Planned>; 3],
    city: &Cell,
    lat_scale: f64,
    root: &Rng,
) -> Placed {
    let mut rng = root.fork(10);
    let l3 = &levels[2];
    let targets: Vec<u32> = l3
        .iter()
        .map(|p| target_households(plane::centroid(&p.ring), city, &mut rng))
        .collect();
    // Compounds go to the densest grids (by target, with a little noise); dedicated grids to
    // some of the others.
    let mut order: Vec<usize> = (0..l3.len()).collect();
    let noise: Vec<f64> = (0..l3.len()).map(|_| rng.range(0.0, 150.0)).collect();
    order.sort_by(|a, b| {
        (f64::from(targets[*b]) + noise[*b]).total_cmp(&(f64::from(targets[*a]) + noise[*a]))
    });
    let compound_grids: BTreeSet<usize> = order[..COMPOUNDS].iter().copied().collect();
    let mut others: Vec<usize> = order[COMPOUNDS..].to_vec();
    rng.shuffle(&mut others);
    let dedicated_idx: BTreeSet<usize> = others[..DEDICATED].iter().copied().collect();

    let mut totals = BTreeMap::new();
    let mut b = Builder {
        rng: root.fork(11),
        buildings: Vec::with_capacity(22_000),
        totals: &mut totals,
        urban: 0.0,
        used: Vec::new(),
        frame: Frame::new((0.0, 0.0), 0.0, lat_scale),
    };
    let mut compounds = Vec::with_capacity(COMPOUNDS);
    let mut dedicated = BTreeSet::new();
    let mut names_out = BTreeMap::new();
    let kinds = [
        "第一中学",
        "实验小学",
        "人民医院",
        "农贸市场",
        "工业园区",
        "汽车站",
        "中医医院",
    ];
    for (i, p) in l3.iter().enumerate() {
        let block = Block::new(&p.ring, lat_scale);
        let inner = block.bounds;
        b.urban = urbanity(plane::centroid(&p.ring), city);
        b.frame = *block.frame();
        if compound_grids.contains(&i) {
            let area = Cell {
                max_x: inner.min_x + inner.width() * 0.55,
                ..inner
            };
            let rest = Cell {
                min_x: inner.min_x + inner.width() * 0.6,
                ..inner
            };
            let cid = id("C", compounds.len() + 1);
            let name = names::compound(compounds.len());
            let address = names::address(&mut b.rng);
            let want = (f64::from(targets[i]) * 0.75) as u32;
            let (hh, pop) = b.fill(
                &p.code,
                &slots(&block, &area, 0.0004, 0.0002, 0.00022),
                want,
                (6, 18),
                Some((&cid, &address)),
            );
            let outline = shapes::compound_outline(&b.used, 0.00008, &area)
                .and_then(|o| block.clip(&o))
                .unwrap_or_else(|| block.site(&area, area.width(), area.height()).polygon());
            b.fill(
                &p.code,
                &slots(&block, &rest, 0.0002, 0.00016, 0.00011),
                targets[i].saturating_sub(hh),
                (2, 6),
                None,
            );
            compounds.push(Compound {
                id: cid,
                name,
                address,
                geometry: block.world(&outline),
                households: Households::new(hh),
                population: Population::new(pop),
                party_org: PartyOrg::None,
                service_centre: None,
                grid: Some(p.code.clone()),
            });
        } else if dedicated_idx.contains(&i) {
            let kind = kinds[dedicated.len() % kinds.len()];
            names_out.insert(
                p.code.clone(),
                format!("{}{kind}专属网格", p.name.trim_end_matches("网格")),
            );
            dedicated.insert(p.code.clone());
            let site = block.site(&inner, inner.width() * 0.6, inner.height() * 0.6);
            b.fill(&p.code, &[site], 0, (3, 5), None);
            // A site with no households still has its building.
            if b.buildings
                .last()
                .is_none_or(|x| x.grid.as_ref() != Some(&p.code))
            {
                let n = b.buildings.len() + 1;
                b.buildings.push(Building {
                    id: id("B", n),
                    address: format!("韩城市{kind}"),
                    footprint: block.world(&site.polygon()),
                    floors: Floors::try_from(4).unwrap_or_else(|_| unreachable!("4 ≥ 1")),
                    households: Households::new(0),
                    population: Population::new(0),
                    compound: None,
                    grid: Some(p.code.clone()),
                });
            }
        } else {
            let mut homes = slots(&block, &inner, 0.0002, 0.00016, 0.00011);
            if b.urban < VILLAGES {
                shapes::village_order(&mut homes, &inner, i);
            }
            b.fill(&p.code, &homes, targets[i], (1, 6), None);
        }
    }
    assign_party_orgs(&mut compounds, &mut root.fork(12));
    let centres = service_centres(levels);
    for c in &mut compounds {
        c.service_centre = nearest(&centres, &c.geometry);
    }
    let officers = officers(levels, &mut root.fork(13));
    Placed {
        compounds,
        buildings: b.buildings,
        officers,
        centres,
        dedicated,
        names: names_out,
        totals,
    }
}

fn assign_party_orgs(compounds: &mut [Compound], rng: &mut Rng) {
    let mut idx: Vec<usize> = (0..compounds.len()).collect();
    rng.shuffle(&mut idx);
    let (standalone, rest) = idx.split_at(STANDALONE);
    let (joint, functional) = rest.split_at(JOINT_COMPOUNDS);
    debug_assert_eq!(functional.len(), FUNCTIONAL);
    for &i in standalone {
        compounds[i].party_org = PartyOrg::Standalone;
    }
    for &i in functional {
        compounds[i].party_org = PartyOrg::Functional;
    }
    // Joint branches join neighbours: sorted by grid code, consecutive compounds share one.
    let mut joint = joint.to_vec();
    joint.sort_by(|a, b| compounds[*a].grid.cmp(&compounds[*b].grid));
    let mut at = 0;
    for branch in 0..JOINT_BRANCHES {
        let size = JOINT_COMPOUNDS / JOINT_BRANCHES
            + usize::from(branch < JOINT_COMPOUNDS % JOINT_BRANCHES);
        let name = format!("{}联合党支部", compounds[joint[at]].name);
        for &i in &joint[at..at + size] {
            compounds[i].party_org = PartyOrg::Joint {
                branch: name.clone(),
            };
        }
        at += size;
    }
}

fn service_centres(levels: &[Vec<Planned>; 3]) -> Vec<ServiceCentre> {
    let point = |ring: &[P]| {
        let (x, y) = plane::centroid(ring);
        Wgs84Point::new(round6(x), round6(y)).unwrap_or_else(|_| unreachable!("inside the city"))
    };
    let mut out = vec![];
    for p in &levels[0] {
        out.push(ServiceCentre {
            id: id("S", out.len() + 1),
            name: format!("{}党群服务中心", p.name.trim_end_matches("一级网格")),
            level: ServiceLevel::Community,
            location: point(&p.ring),
        });
    }
    for p in levels[1].iter().step_by(2) {
        out.push(ServiceCentre {
            id: id("S", out.len() + 1),
            name: format!("{}党群服务站", p.name.trim_end_matches("二级网格")),
            level: ServiceLevel::Station,
            location: point(&p.ring),
        });
    }
    out
}

fn nearest(centres: &[ServiceCentre], geom: &geo::MultiPolygon) -> Option<FeatureId> {
    use geo::Centroid;
    let c = geom.centroid()?;
    centres
        .iter()
        .min_by(|a, b| {
            let da = (a.location.lng() - c.x()).hypot(a.location.lat() - c.y());
            let db = (b.location.lng() - c.x()).hypot(b.location.lat() - c.y());
            da.total_cmp(&db)
        })
        .map(|s| s.id.clone())
}

fn officers(levels: &[Vec<Planned>; 3], rng: &mut Rng) -> Vec<Officer> {
    let mut out: Vec<Officer> = vec![];
    let mut add = |role: OfficerRole, grid: &GridCode, rng: &mut Rng| {
        let phone = OfficerPhone::parse(&names::phone(rng)).ok();
        out.push(Officer {
            id: id("O", out.len() + 1),
            name: names::person(rng),
            role,
            phone,
            grids: vec![grid.clone()],
        });
    };
    for p in &levels[0] {
        add(OfficerRole::GridHead, &p.code, rng);
        add(OfficerRole::FullTime, &p.code, rng);
    }
    let mut extra2: Vec<bool> = (0..LEVEL2)
        .map(|i| i < LEVEL2_OFFICERS - 3 * LEVEL2)
        .collect();
    rng.shuffle(&mut extra2);
    for (p, extra) in levels[1].iter().zip(extra2) {
        add(OfficerRole::GridHead, &p.code, rng);
        for _ in 0..3 + usize::from(extra) {
            add(OfficerRole::FullTime, &p.code, rng);
        }
    }
    // Level 3: one officer each, two in some, none in a few (vacancies), 1,268 in all.
    let doubles = LEVEL3_OFFICERS - (LEVEL3 - LEVEL3_VACANCIES);
    let mut plan: Vec<usize> = (0..LEVEL3)
        .map(|i| match i {
            i if i < LEVEL3_VACANCIES => 0,
            i if i < LEVEL3_VACANCIES + doubles => 2,
            _ => 1,
        })
        .collect();
    rng.shuffle(&mut plan);
    for (p, n) in levels[2].iter().zip(plan) {
        for _ in 0..n {
            add(OfficerRole::PartTime, &p.code, rng);
        }
    }
    out
}
