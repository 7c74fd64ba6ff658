//! Mapping GeoJSON features and CSV rows to domain values, property by property.
//! See README.md ("Import format") for the property names.

use super::{Problem, Reading, Skipped};
use crate::domain::geometry::{
    lines_from_geojson, multipolygon_from_geojson, point_from_geojson, GeometryError,
};
use crate::domain::{
    Building, Compound, Domain, FeatureId, Floors, Grid, GridCode, GridKind, Households, Officer,
    OfficerPhone, OfficerRole, PartyOrg, Population, Road, RoadClass, ServiceCentre, ServiceLevel,
};
use geojson::{Feature, GeoJson, JsonObject, JsonValue};

/// Problems found in one feature, labelled once its code or id is known.
pub(super) struct Ctx<'a> {
    pub(super) file: &'a str,
    pub(super) label: String,
    pub(super) rd: &'a mut Reading,
    failed: bool,
    /// Whether this kind of feature may be repaired or set aside (compounds, buildings).
    pub(super) lenient: bool,
}

impl Ctx<'_> {
    pub(super) fn fail(&mut self, kind: String, message: String) -> &mut Problem {
        self.failed = true;
        let problems = &mut self.rd.problems;
        problems.push(Problem::error(self.file, self.label.clone(), kind, message));
        let last = problems.len() - 1;
        &mut problems[last]
    }
    fn ok<T, E: std::fmt::Display>(&mut self, r: Result<T, E>, field: &str) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(format!("bad_{field}"), format!("{field}: {e}"));
                None
            }
        }
    }
    pub(super) fn geometry<T>(&mut self, r: Result<T, GeometryError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(e.kind().to_string(), format!("geometry: {e}")).at =
                    e.at().map(|a| (a.0, a.1));
                None
            }
        }
    }
}

/// The features of a FeatureCollection, in WGS84 (see [`super::crs`]).
fn features(file: &str, text: &str, key: &str, rd: &mut Reading) -> Vec<Feature> {
    let problems = &mut rd.problems;
    let fail = |problems: &mut Vec<Problem>, m: String| {
        problems.push(Problem::error(file, "file".into(), "bad_file".into(), m))
    };
    match text.parse::<GeoJson>() {
        Ok(GeoJson::FeatureCollection(mut fc)) => {
            super::crs::to_wgs84(file, &mut fc, rd.crs, key, problems);
            fc.features
        }
        Ok(_) => {
            fail(problems, "expected a FeatureCollection".into());
            vec![]
        }
        Err(e) => {
            fail(problems, format!("not valid GeoJSON: {e}"));
            vec![]
        }
    }
}

fn string(props: &JsonObject, key: &str) -> Option<String> {
    match props.get(key)? {
        JsonValue::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        JsonValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn count(props: &JsonObject, key: &str) -> Result<i64, String> {
    match props.get(key) {
        None | Some(JsonValue::Null) => Ok(0),
        Some(JsonValue::Number(n)) => n
            .as_i64()
            .ok_or_else(|| format!("{n} is not a whole number")),
        Some(JsonValue::String(s)) => s
            .trim()
            .parse()
            .map_err(|_| format!("{s:?} is not a whole number")),
        Some(other) => Err(format!("{other} is not a number")),
    }
}

fn required(ctx: &mut Ctx, props: &JsonObject, key: &str) -> Option<String> {
    let v = string(props, key);
    if v.is_none() {
        ctx.fail(
            format!("missing_{key}"),
            format!("property {key:?} is missing"),
        );
    }
    v
}

/// Runs `f` on each feature with a context labelled by `key` (or the index). A `lenient`
/// kind's feature that fails is set aside (with its problems) when the reading skips
/// invalid features.
fn each<T>(
    file: &str,
    text: &str,
    key: &str,
    lenient: bool,
    rd: &mut Reading,
    mut f: impl FnMut(&mut Ctx, &Feature, &JsonObject) -> Option<T>,
) -> Vec<T> {
    let empty = JsonObject::new();
    let mut out = Vec::new();
    for (i, feat) in features(file, text, key, rd).into_iter().enumerate() {
        let props = feat.properties.as_ref().unwrap_or(&empty);
        let label = string(props, key)
            .map_or_else(|| format!("feature {i}"), |k| format!("feature {i} ({k})"));
        let start = rd.problems.len();
        let mut ctx = Ctx {
            file,
            label,
            rd: &mut *rd,
            failed: false,
            lenient,
        };
        let v = f(&mut ctx, &feat, props);
        match (v, ctx.failed) {
            (Some(v), false) => out.push(v),
            (_, true) if lenient && rd.skip_invalid => {
                let reasons = rd.problems.drain(start..).collect();
                rd.skipped.push(Skipped {
                    feature: feat,
                    reasons,
                });
            }
            _ => {}
        }
    }
    out
}

fn geometry(ctx: &mut Ctx, feat: &Feature) -> Option<geo::MultiPolygon> {
    match multipolygon_from_geojson(feat.geometry.as_ref()) {
        Err(e) if ctx.lenient && ctx.rd.repair => super::repair::repaired(ctx, feat, e),
        r => ctx.geometry(r),
    }
}

fn people(ctx: &mut Ctx, props: &JsonObject) -> (Households, Population) {
    let h =
        count(props, "households").and_then(|n| Households::try_from(n).map_err(|e| e.to_string()));
    let p =
        count(props, "population").and_then(|n| Population::try_from(n).map_err(|e| e.to_string()));
    (
        ctx.ok(h, "households").unwrap_or_default(),
        ctx.ok(p, "population").unwrap_or_default(),
    )
}

fn id(ctx: &mut Ctx, props: &JsonObject) -> Option<FeatureId> {
    let raw = required(ctx, props, "id")?;
    ctx.ok(FeatureId::parse(&raw), "id")
}

fn opt_id(ctx: &mut Ctx, props: &JsonObject, key: &str) -> Option<FeatureId> {
    string(props, key).and_then(|s| ctx.ok(FeatureId::parse(&s), key))
}

fn opt_grid(ctx: &mut Ctx, props: &JsonObject) -> Option<GridCode> {
    string(props, "grid").and_then(|s| ctx.ok(GridCode::parse(&s), "grid"))
}

fn list(props: &JsonObject, key: &str) -> Vec<String> {
    match props.get(key) {
        Some(JsonValue::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(JsonValue::String(s)) => s
            .split([',', ';'])
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether a feature gives `key` (a present, non-null property).
fn gives(props: &JsonObject, key: &str) -> bool {
    !matches!(props.get(key), None | Some(JsonValue::Null))
}

/// Grids, noting in `rd.missing` those that give no households or population (they take their
/// buildings' sums: see [`crate::domain::figures`]).
pub(super) fn grids(file: &str, text: &str, rd: &mut Reading) -> Vec<Grid> {
    each(file, text, "code", false, rd, |ctx, feat, props| {
        let code = required(ctx, props, "code").and_then(|c| ctx.ok(GridCode::parse(&c), "code"));
        if let Some(c) = &code {
            let missing = &mut ctx.rd.missing;
            if !gives(props, "households") {
                missing.households.insert(c.clone());
            }
            if !gives(props, "population") {
                missing.population.insert(c.clone());
            }
        }
        let kind = string(props, "kind").map_or(Ok(GridKind::Comprehensive), |k| k.parse());
        let kind = ctx.ok(kind, "kind");
        let domains: Vec<Domain> = list(props, "domains")
            .iter()
            .filter_map(|d| ctx.ok(d.parse::<Domain>(), "domains"))
            .collect();
        let (households, population) = people(ctx, props);
        let geometry = geometry(ctx, feat);
        Some(Grid {
            name: string(props, "name").unwrap_or_default(),
            code: code?,
            kind: kind?,
            geometry: geometry?,
            households,
            population,
            domains,
        })
    })
}

pub(super) fn service_centres(file: &str, text: &str, rd: &mut Reading) -> Vec<ServiceCentre> {
    each(file, text, "id", false, rd, |ctx, feat, props| {
        let id = id(ctx, props);
        let level = string(props, "level").map_or(Ok(ServiceLevel::Community), |l| l.parse());
        let level = ctx.ok(level, "level");
        let location = ctx.geometry(point_from_geojson(feat.geometry.as_ref()));
        Some(ServiceCentre {
            id: id?,
            name: string(props, "name").unwrap_or_default(),
            level: level?,
            location: location?,
        })
    })
}

pub(super) fn roads(file: &str, text: &str, rd: &mut Reading) -> Vec<Road> {
    each(file, text, "id", false, rd, |ctx, feat, props| {
        let id = id(ctx, props);
        let class =
            required(ctx, props, "class").and_then(|c| ctx.ok(c.parse::<RoadClass>(), "class"));
        let geometry = ctx.geometry(lines_from_geojson(feat.geometry.as_ref()));
        Some(Road {
            id: id?,
            name: string(props, "name").unwrap_or_default(),
            class: class?,
            geometry: geometry?,
        })
    })
}

pub(super) fn compounds(file: &str, text: &str, rd: &mut Reading) -> Vec<Compound> {
    each(file, text, "id", true, rd, |ctx, feat, props| {
        let id = id(ctx, props);
        let org = PartyOrg::from_parts(
            &string(props, "party_org").unwrap_or_default(),
            string(props, "party_branch").as_deref(),
        );
        let party_org = ctx.ok(org, "party_org");
        let (households, population) = people(ctx, props);
        let service_centre = opt_id(ctx, props, "service_centre");
        let grid = opt_grid(ctx, props);
        let geometry = geometry(ctx, feat);
        Some(Compound {
            id: id?,
            name: required(ctx, props, "name")?,
            address: string(props, "address").unwrap_or_default(),
            geometry: geometry?,
            households,
            population,
            party_org: party_org?,
            service_centre,
            grid,
        })
    })
}

pub(super) fn buildings(file: &str, text: &str, rd: &mut Reading) -> Vec<Building> {
    each(file, text, "id", true, rd, |ctx, feat, props| {
        let id = id(ctx, props);
        let floors = count(props, "floors")
            .and_then(|n| Floors::try_from(n.max(1)).map_err(|e| e.to_string()));
        let floors = ctx.ok(floors, "floors");
        let (households, population) = people(ctx, props);
        let compound = opt_id(ctx, props, "compound");
        let grid = opt_grid(ctx, props);
        let footprint = geometry(ctx, feat);
        Some(Building {
            id: id?,
            address: string(props, "address").unwrap_or_default(),
            footprint: footprint?,
            floors: floors?,
            households,
            population,
            compound,
            grid,
        })
    })
}

/// `officers.csv`: header `id,name,role,phone,grids`; grids separated by `;`.
pub(super) fn officers(file: &str, text: &str, rd: &mut Reading) -> Vec<Officer> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            rd.problems.push(Problem::error(
                file,
                "header".into(),
                "bad_file".into(),
                e.to_string(),
            ));
            return out;
        }
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(ci), Some(cn), Some(cr)) = (col("id"), col("name"), col("role")) else {
        rd.problems.push(Problem::error(
            file,
            "header".into(),
            "bad_file".into(),
            "needs columns id,name,role (and optionally phone,grids)".into(),
        ));
        return out;
    };
    let (cp, cg) = (col("phone"), col("grids"));
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let mut ctx = Ctx {
            file,
            label: format!("line {line}"),
            rd: &mut *rd,
            failed: false,
            lenient: false,
        };
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                ctx.fail("bad_line".into(), e.to_string());
                continue;
            }
        };
        let field = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").to_string();
        let id = ctx.ok(FeatureId::parse(&field(Some(ci))), "id");
        let role = ctx.ok(field(Some(cr)).parse::<OfficerRole>(), "role");
        let phone = Some(field(cp))
            .filter(|p| !p.is_empty())
            .and_then(|p| ctx.ok(OfficerPhone::parse(&p), "phone"));
        let grids: Vec<GridCode> = field(cg)
            .split(';')
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .filter_map(|g| ctx.ok(GridCode::parse(g), "grids"))
            .collect();
        if let (Some(id), Some(role), false) = (id, role, ctx.failed) {
            out.push(Officer {
                id,
                name: field(Some(cn)),
                role,
                phone,
                grids,
            });
        }
    }
    out
}
