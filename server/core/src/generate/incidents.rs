//! Synthetic incidents over the sample city: one year of reports, clustered where real
//! reports cluster, with the channels, categories and statuses of the closed loop.
//!
//! Where: a mixture of hotspots. Markets on the arterials (street order, litter, small
//! ads), schools (traffic facilities, street order on weekday mornings and afternoons), old
//! compounds (housing, public facilities), the main roads themselves, and homes (weighted
//! by households). Each hotspot has its own heat (a heavy-tailed weight) and scatter
//! (a Gaussian of tens to a hundred metres), so a few places are much hotter than the rest.
//!
//! When: a day of the year (weekends quieter, except at markets; litter and greenery peak
//! in summer) and an hour from the channel's rhythm (patrols 8–18 h, the 12345 hotline and
//! the resident app all day with morning and evening peaks).
//!
//! How reported: patrols and resident apps report GCJ-02 (about 60% of all incidents, as
//! phone map SDKs give it), some patrol devices CGCS2000 (天地图), the hotline a geocoded
//! WGS84 or BD-09 address point. Coordinates are printed to 1e-6° (about 10 cm).
//!
//! Status: incidents older than a month are almost all closed or evaluated; recent ones are
//! spread along the loop by age.

use super::layout::Road;
use super::rng::Rng;
use super::City;
use crate::domain::{Category, Channel, Crs, IncidentStatus, Wgs84Point};
use crate::spatial::crs;
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Weekday};
use geo::BoundingRect;

/// One generated report, as the bulk intake reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The coordinate as the device gave it, in `crs`, rounded to 1e-6°.
    pub lng: f64,
    pub lat: f64,
    pub crs: Crs,
    pub category: Category,
    pub description: String,
    pub reported_at: DateTime<FixedOffset>,
    pub channel: Channel,
    pub status: IncidentStatus,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Market,
    School,
    OldCompound,
    Road,
    Home,
}

/// Share of incidents per kind of place.
const KIND_SHARE: [(Kind, f64); 5] = [
    (Kind::Market, 0.18),
    (Kind::School, 0.08),
    (Kind::OldCompound, 0.24),
    (Kind::Road, 0.20),
    (Kind::Home, 0.30),
];

/// Category weights per kind, in the order of `Category::ALL`:
/// public, traffic, appearance, greenery, housing, other-fac, environment, advertising,
/// construction, street order, emergency, other events.
fn category_weights(kind: Kind) -> [f64; 12] {
    match kind {
        Kind::Market => [3., 2., 8., 1., 1., 1., 25., 14., 2., 38., 1., 4.],
        Kind::School => [6., 30., 4., 4., 1., 4., 10., 6., 3., 28., 1., 3.],
        Kind::OldCompound => [22., 3., 8., 6., 22., 6., 14., 5., 2., 4., 3., 5.],
        Kind::Road => [10., 34., 6., 10., 1., 3., 12., 6., 14., 10., 3., 1.],
        Kind::Home => [12., 4., 8., 6., 10., 4., 22., 5., 6., 6., 3., 14.],
    }
}

fn phrases(c: Category) -> &'static [&'static str] {
    match c {
        Category::PublicFacilities => &["井盖破损", "路灯不亮", "消防栓损坏", "供水管道漏水"],
        Category::TrafficFacilities => &[
            "交通护栏损坏",
            "道路标线模糊",
            "人行道砖松动",
            "交通标志倾斜",
        ],
        Category::AppearanceFacilities => &["垃圾桶破损", "公厕设施损坏", "果皮箱缺失"],
        Category::Greenery => &["行道树倒伏", "绿地被破坏", "树枝遮挡路灯"],
        Category::HousingLand => &["楼道墙皮脱落", "违章搭建", "外墙开裂"],
        Category::OtherFacilities => &["健身器材损坏", "广告牌架松动"],
        Category::Environment => &["暴露垃圾", "积存渣土", "道路不洁", "污水外溢"],
        Category::Advertising => &["非法小广告", "违规户外广告", "条幅破损"],
        Category::Construction => &["施工扰民", "工地围挡破损", "渣土车遗撒"],
        Category::StreetOrder => &["占道经营", "店外经营", "乱停乱放", "流动摊贩"],
        Category::Emergency => &["道路积水", "管道爆裂", "燃气泄漏气味"],
        Category::OtherEvents => &["噪音扰民", "群租问题", "宠物扰民"],
    }
}

/// A place incidents gather around.
struct Hotspot {
    x: f64,
    y: f64,
    sigma_m: f64,
    name: Option<String>,
}

/// Hotspots of one kind with cumulative heat, to draw one in proportion to its heat.
struct Pool {
    spots: Vec<Hotspot>,
    cumulative: Vec<f64>,
}

impl Pool {
    fn new(spots: Vec<Hotspot>, heat: impl Fn(usize) -> f64) -> Pool {
        let mut total = 0.0;
        let cumulative = (0..spots.len())
            .map(|i| {
                total += heat(i);
                total
            })
            .collect();
        Pool { spots, cumulative }
    }

    fn draw(&self, rng: &mut Rng) -> &Hotspot {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let u = rng.unit() * total;
        let i = self.cumulative.partition_point(|c| *c <= u);
        &self.spots[i.min(self.spots.len() - 1)]
    }
}

fn centre(r: geo::Rect) -> (f64, f64) {
    (r.center().x, r.center().y)
}

/// A heavy-tailed heat: most places warm, a few very hot.
fn heat(rng: &mut Rng) -> f64 {
    (1.0 - rng.unit()).powf(-0.8)
}

fn along(road: &Road, t: f64) -> (f64, f64) {
    (
        road.from.0 + t * (road.to.0 - road.from.0),
        road.from.1 + t * (road.to.1 - road.from.1),
    )
}

fn length(road: &Road) -> f64 {
    (road.to.0 - road.from.0).hypot(road.to.1 - road.from.1)
}

/// Every kind's hotspots, built once from the city.
struct Places {
    pools: Vec<(Kind, Pool)>,
}

impl Places {
    fn new(city: &City, rng: &mut Rng) -> Places {
        let main: Vec<&Road> = city.roads.iter().filter(|r| r.class <= 2).collect();
        let markets: Vec<Hotspot> = (0..30)
            .map(|_| {
                let road = *rng.pick(main.as_slice());
                let (x, y) = along(road, rng.unit());
                Hotspot {
                    x,
                    y,
                    sigma_m: rng.range(40.0, 110.0),
                    name: None,
                }
            })
            .collect();
        let at_building = |rng: &mut Rng, sigma: f64| {
            let b = rng.pick(&city.data.buildings);
            let (x, y) = b.footprint.bounding_rect().map_or((0.0, 0.0), centre);
            Hotspot {
                x,
                y,
                sigma_m: sigma,
                name: None,
            }
        };
        let schools: Vec<Hotspot> = (0..45).map(|_| at_building(rng, 90.0)).collect();
        let mut compounds: Vec<usize> = (0..city.data.compounds.len()).collect();
        rng.shuffle(&mut compounds);
        let old: Vec<Hotspot> = compounds
            .iter()
            .take(70)
            .filter_map(|&i| {
                let c = &city.data.compounds[i];
                let r = c.geometry.bounding_rect()?;
                let (x, y) = centre(r);
                Some(Hotspot {
                    x,
                    y,
                    sigma_m: (r.width() * M_PER_DEG * 0.8).max(30.0) / 3.0,
                    name: Some(c.name.clone()),
                })
            })
            .collect();
        // Roads: a point per arterial or street segment, weighted by length; drawn along it below.
        let roads: Vec<Hotspot> = main
            .iter()
            .map(|r| {
                let (x, y) = along(r, 0.5);
                Hotspot {
                    x,
                    y,
                    sigma_m: 0.0,
                    name: None,
                }
            })
            .collect();
        let homes: Vec<Hotspot> = city
            .data
            .buildings
            .iter()
            .map(|b| {
                let (x, y) = b.footprint.bounding_rect().map_or((0.0, 0.0), centre);
                Hotspot {
                    x,
                    y,
                    sigma_m: 15.0,
                    name: None,
                }
            })
            .collect();
        let market_heat: Vec<f64> = markets.iter().map(|_| heat(rng)).collect();
        let school_heat: Vec<f64> = schools.iter().map(|_| heat(rng)).collect();
        let old_heat: Vec<f64> = old.iter().map(|_| heat(rng)).collect();
        let pools = vec![
            (Kind::Market, Pool::new(markets, |i| market_heat[i])),
            (Kind::School, Pool::new(schools, |i| school_heat[i])),
            (Kind::OldCompound, Pool::new(old, |i| old_heat[i])),
            (
                Kind::Road,
                Pool::new(roads, |i| {
                    length(main[i]) * (3.0 - f64::from(main[i].class))
                }),
            ),
            (
                Kind::Home,
                Pool::new(homes, |i| {
                    f64::from(city.data.buildings[i].households.get()) + 0.5
                }),
            ),
        ];
        Places { pools }
    }
}

fn weighted<T: Copy>(rng: &mut Rng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut u = rng.unit() * total;
    for (item, w) in items {
        if u < *w {
            return *item;
        }
        u -= w;
    }
    items[items.len() - 1].0
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut Rng) -> f64 {
    let u = 1.0 - rng.unit();
    let v = rng.unit();
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// Hour weights for patrols (working hours) and for the public (all day, two peaks).
const PATROL_HOURS: [f64; 24] = [
    0., 0., 0., 0., 0., 0., 0., 1., 6., 9., 9., 7., 3., 2., 6., 8., 8., 6., 2., 0., 0., 0., 0., 0.,
];
const PUBLIC_HOURS: [f64; 24] = [
    1., 0.5, 0.3, 0.3, 0.3, 0.6, 2., 5., 8., 9., 8., 7., 5., 5., 6., 7., 7., 7., 8., 9., 8., 6.,
    4., 2.,
];

fn channel_for(kind: Kind, rng: &mut Rng) -> Channel {
    let mix: &[(Channel, f64)] = match kind {
        Kind::Home => &[
            (Channel::Patrol, 0.30),
            (Channel::Hotline, 0.35),
            (Channel::ResidentApp, 0.30),
            (Channel::Snapshot, 0.05),
        ],
        _ => &[
            (Channel::Patrol, 0.60),
            (Channel::Hotline, 0.15),
            (Channel::ResidentApp, 0.15),
            (Channel::Snapshot, 0.10),
        ],
    };
    weighted(rng, mix)
}

fn crs_for(channel: Channel, rng: &mut Rng) -> Crs {
    match channel {
        Channel::ResidentApp | Channel::Snapshot => Crs::Gcj02,
        Channel::Patrol => weighted(rng, &[(Crs::Gcj02, 0.7), (Crs::Cgcs2000, 0.3)]),
        _ => weighted(rng, &[(Crs::Wgs84, 0.8), (Crs::Bd09, 0.2)]),
    }
}

/// How likely a day is to see an incident of this kind and category (1 = most likely).
fn day_weight(date: NaiveDate, kind: Kind, category: Category) -> f64 {
    let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
    let mut w = match (kind, weekend) {
        (Kind::Market, true) => 1.0,
        (Kind::Market, false) => 0.75,
        (Kind::School, true) => 0.2,
        (_, true) => 0.7,
        (_, false) => 1.0,
    };
    if matches!(category, Category::Environment | Category::Greenery) {
        w *= match date.month() {
            6..=8 => 1.0,
            5 | 9 => 0.8,
            _ => 0.6,
        };
    }
    w
}

fn status_for(age_days: f64, rng: &mut Rng) -> IncidentStatus {
    use IncidentStatus::*;
    let closed_share = (age_days / 20.0).min(0.97);
    if rng.unit() < closed_share {
        return if rng.unit() < 0.6 { Evaluated } else { Closed };
    }
    let open = [Reported, Registered, Dispatched, Handling, Responded];
    // Older open incidents are further along the loop.
    let step = ((age_days / 3.0) + rng.range(0.0, 2.0)).floor() as usize;
    open[step.min(open.len() - 1)]
}

use crate::spatial::M_PER_DEG;

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// Draws `count` reports over the 365 days from `origin`, calling `emit` on each in order.
/// The same city, seed and origin give the same reports.
pub fn generate<E>(
    city: &City,
    seed: u64,
    count: usize,
    origin: DateTime<FixedOffset>,
    mut emit: impl FnMut(&Report) -> Result<(), E>,
) -> Result<(), E> {
    let mut rng = Rng::new(seed);
    let places = Places::new(city, &mut rng.fork(1));
    let shares: Vec<(usize, f64)> = KIND_SHARE
        .iter()
        .enumerate()
        .map(|(i, (_, s))| (i, *s))
        .collect();
    let start = origin.date_naive();
    let end = origin + Duration::days(365);
    let categories: Vec<Vec<(Category, f64)>> = KIND_SHARE
        .iter()
        .map(|(k, _)| {
            Category::ALL
                .iter()
                .copied()
                .zip(category_weights(*k))
                .collect()
        })
        .collect();
    let hour_table = |w: &[f64; 24]| -> Vec<(u32, f64)> {
        w.iter().enumerate().map(|(h, w)| (h as u32, *w)).collect()
    };
    let (patrol_hours, public_hours) = (hour_table(&PATROL_HOURS), hour_table(&PUBLIC_HOURS));
    for _ in 0..count {
        let k = weighted(&mut rng, &shares);
        let (kind, pool) = (&places.pools[k].0, &places.pools[k].1);
        let spot = pool.draw(&mut rng);
        let (mut x, mut y) = (spot.x, spot.y);
        if *kind == Kind::Road {
            // Somewhere along a main road segment near this one's midpoint.
            x += normal(&mut rng) * 40.0 / (M_PER_DEG * y.to_radians().cos());
            y += normal(&mut rng) * 40.0 / M_PER_DEG;
        } else {
            x += normal(&mut rng) * spot.sigma_m / (M_PER_DEG * y.to_radians().cos());
            y += normal(&mut rng) * spot.sigma_m / M_PER_DEG;
        }
        let category = weighted(&mut rng, &categories[k]);
        let channel = channel_for(*kind, &mut rng);
        let day = loop {
            let d = rng.int(0, 364);
            let date = start + Duration::days(i64::from(d));
            if rng.unit() < day_weight(date, *kind, category) {
                break d;
            }
        };
        let hours = match channel {
            Channel::Patrol => &patrol_hours,
            _ => &public_hours,
        };
        let hour = weighted(&mut rng, hours);
        let seconds =
            i64::from(day) * 86_400 + i64::from(hour) * 3600 + i64::from(rng.int(0, 3599));
        let reported_at = origin + Duration::seconds(seconds);
        let age_days = (end - reported_at).num_seconds() as f64 / 86_400.0;
        let status = status_for(age_days, &mut rng);
        let crs_used = crs_for(channel, &mut rng);
        // Scatter is metres around a place in the city: always a valid WGS84 point.
        let Ok(wgs) = Wgs84Point::new(x.clamp(-180.0, 180.0), y.clamp(-90.0, 90.0)) else {
            continue;
        };
        let (lng, lat) = crs::from_wgs84(wgs, crs_used);
        let phrase = *rng.pick(phrases(category));
        let description = match &spot.name {
            Some(n) => format!("{n}{phrase}"),
            None => phrase.to_string(),
        };
        emit(&Report {
            lng: round6(lng),
            lat: round6(lat),
            crs: crs_used,
            category,
            description,
            reported_at,
            channel,
            status,
        })?;
    }
    Ok(())
}
