//! A third-party basemap a city may put under our data: a raster tile URL (XYZ, or WMTS in
//! its key-value or RESTful form) and the coordinate system its pictures are drawn in.
//!
//! [`TileUrl::parse`] turns what an administrator pastes into the `{z}/{x}/{y}` templates a
//! web map reads, and refuses what cannot be drawn under Web Mercator data: a WMTS tile
//! matrix set in degrees (天地图 `…_c`, EPSG:4490/4326), a URL without tile placeholders, or
//! anything but http(s). [`Misplacement`] says how the provider's CRS would shift our WGS84
//! data against its pictures.

use super::coord::Crs;
use std::fmt;

/// Why a basemap URL cannot be used, in words for the person who pasted it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BasemapError {
    #[error("basemap URL {0:?} must start with http:// or https://")]
    NotHttp(String),
    #[error(
        "basemap URL has no tile placeholders: use {{z}}/{{x}}/{{y}} (XYZ), or a WMTS GetTile URL \
         with TILEMATRIX, TILEROW and TILECOL (or {{TileMatrix}}/{{TileRow}}/{{TileCol}})"
    )]
    NoPlaceholders,
    #[error(
        "WMTS tile matrix set {0:?} is in degrees (a geographic CRS such as CGCS2000 EPSG:4490); \
         the map draws Web Mercator tiles only: use the provider's Web Mercator set \
         (天地图 \"w\", GoogleMapsCompatible, EPSG:3857)"
    )]
    GeographicMatrixSet(String),
    #[error("basemap URL still has the placeholder {0} after reading it; fill it in")]
    UnknownPlaceholder(String),
    #[error("basemap URL range {0:?} is not a subdomain range like {{0-7}} of at most 16 values")]
    BadRange(String),
}

/// How a tile URL was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TileScheme {
    Xyz,
    WmtsKvp,
    WmtsRest,
}

impl TileScheme {
    pub fn as_str(self) -> &'static str {
        match self {
            TileScheme::Xyz => "xyz",
            TileScheme::WmtsKvp => "wmts-kvp",
            TileScheme::WmtsRest => "wmts-rest",
        }
    }
}

/// A raster tile source as `{z}/{x}/{y}` templates, one per subdomain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TileUrl {
    pub scheme: TileScheme,
    pub templates: Vec<String>,
}

/// Tile matrix set identifiers in degrees, which Web Mercator maps cannot draw.
fn geographic_set(id: &str) -> bool {
    let id = id.to_ascii_lowercase();
    id == "c"
        || [
            "4490",
            "4326",
            "4610",
            "crs84",
            "wgs84",
            "cgcs2000",
            "geographic",
        ]
        .iter()
        .any(|k| id.contains(k))
}

/// Replaces `name=value` query pairs (case-insensitive names) by `name=replacement`.
fn set_query(url: &str, name: &str, replacement: &str) -> (String, Option<String>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_string(), None);
    };
    let mut found = None;
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if k.eq_ignore_ascii_case(name) => {
                found = Some(v.to_string());
                format!("{k}={replacement}")
            }
            _ => pair.to_string(),
        })
        .collect();
    (format!("{base}?{}", pairs.join("&")), found)
}

fn query_value(url: &str, name: &str) -> Option<String> {
    set_query(url, name, "").1
}

/// Expands one `{a-b}` digit range (subdomains such as 天地图's t0…t7) into one URL each.
fn expand_range(url: &str) -> Result<Vec<String>, BasemapError> {
    let mut start = 0;
    while let Some(open) = url[start..].find('{').map(|i| i + start) {
        let Some(close) = url[open..].find('}').map(|i| i + open) else {
            break;
        };
        let inner = &url[open + 1..close];
        if let Some((a, b)) = inner.split_once('-') {
            let bad = || BasemapError::BadRange(inner.to_string());
            let a: u32 = a.trim().parse().map_err(|_| bad())?;
            let b: u32 = b.trim().parse().map_err(|_| bad())?;
            if b < a || b - a >= 16 {
                return Err(bad());
            }
            return Ok((a..=b)
                .map(|n| format!("{}{n}{}", &url[..open], &url[close + 1..]))
                .collect());
        }
        start = close + 1;
    }
    Ok(vec![url.to_string()])
}

impl TileUrl {
    /// Reads an XYZ template or a WMTS GetTile URL (see the module docs).
    pub fn parse(url: &str) -> Result<TileUrl, BasemapError> {
        let url = url.trim();
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err(BasemapError::NotHttp(url.to_string()));
        }
        let (scheme, template) = if lower.contains("request=gettile") {
            if let Some(set) = query_value(url, "tilematrixset").filter(|s| geographic_set(s)) {
                return Err(BasemapError::GeographicMatrixSet(set));
            }
            let (u, z) = set_query(url, "tilematrix", "{z}");
            let (u, y) = set_query(&u, "tilerow", "{y}");
            let (u, x) = set_query(&u, "tilecol", "{x}");
            if z.is_none() || y.is_none() || x.is_none() {
                return Err(BasemapError::NoPlaceholders);
            }
            (TileScheme::WmtsKvp, u)
        } else if lower.contains("{tilematrix}") {
            let u = url
                .replace("{TileMatrix}", "{z}")
                .replace("{TileRow}", "{y}")
                .replace("{TileCol}", "{x}");
            (TileScheme::WmtsRest, u)
        } else {
            (TileScheme::Xyz, url.to_string())
        };
        if ["{z}", "{x}", "{y}"].iter().any(|p| !template.contains(p)) {
            return Err(BasemapError::NoPlaceholders);
        }
        let templates = expand_range(&template)?;
        for t in &templates {
            let leftover = t.replace("{z}", "").replace("{x}", "").replace("{y}", "");
            if let Some(open) = leftover.find('{') {
                let close = leftover[open..]
                    .find('}')
                    .map_or(leftover.len(), |i| open + i + 1);
                return Err(BasemapError::UnknownPlaceholder(
                    leftover[open..close].to_string(),
                ));
            }
        }
        Ok(TileUrl { scheme, templates })
    }
}

/// How a provider's pictures line up with our WGS84 (= CGCS2000 to within centimetres) data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Misplacement {
    /// WGS84 or CGCS2000: the pictures and our outlines agree.
    None,
    /// GCJ-02: pictures shifted by a few hundred metres, varying across the country.
    Shifted,
    /// BD-09: shifted further, and Baidu's tiles also number rows and columns their own way.
    ShiftedAndRetiled,
}

impl Misplacement {
    pub fn of(crs: Crs) -> Misplacement {
        match crs {
            Crs::Wgs84 | Crs::Cgcs2000 => Misplacement::None,
            Crs::Gcj02 => Misplacement::Shifted,
            Crs::Bd09 => Misplacement::ShiftedAndRetiled,
        }
    }
}

impl fmt::Display for Misplacement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Misplacement::None => "none",
            Misplacement::Shifted => "shifted",
            Misplacement::ShiftedAndRetiled => "shifted_and_retiled",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_xyz_template_is_kept_as_it_is() {
        let t = TileUrl::parse("https://tiles.example.cn/{z}/{x}/{y}.png").unwrap();
        assert_eq!(t.scheme, TileScheme::Xyz);
        assert_eq!(t.templates, ["https://tiles.example.cn/{z}/{x}/{y}.png"]);
    }

    #[test]
    fn a_tianditu_wmts_url_becomes_eight_xyz_templates() {
        let url = "http://t{0-7}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0\
                   &LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX=1&TILEROW=0&TILECOL=0&tk=KEY";
        let t = TileUrl::parse(url).unwrap();
        assert_eq!(t.scheme, TileScheme::WmtsKvp);
        assert_eq!(t.templates.len(), 8);
        assert!(t.templates[0].starts_with("http://t0.tianditu.gov.cn/"));
        assert!(t.templates[7].starts_with("http://t7.tianditu.gov.cn/"));
        assert!(
            t.templates[3].contains("TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY"),
            "{}",
            t.templates[3]
        );
    }

    #[test]
    fn a_restful_wmts_template_maps_matrix_row_and_column() {
        let t = TileUrl::parse("https://wmts.example.cn/img/{TileMatrix}/{TileRow}/{TileCol}.jpg")
            .unwrap();
        assert_eq!(t.scheme, TileScheme::WmtsRest);
        assert_eq!(t.templates, ["https://wmts.example.cn/img/{z}/{y}/{x}.jpg"]);
    }

    #[test]
    fn a_tile_matrix_set_in_degrees_is_refused_with_the_set_named() {
        let url = "http://t0.tianditu.gov.cn/vec_c/wmts?REQUEST=GetTile&TILEMATRIXSET=c&TILEMATRIX=1&TILEROW=0&TILECOL=0";
        let e = TileUrl::parse(url).unwrap_err();
        assert_eq!(e, BasemapError::GeographicMatrixSet("c".into()));
        assert!(e.to_string().contains("Web Mercator"), "{e}");
        let e = TileUrl::parse(&url.replace("=c&", "=EPSG:4490&")).unwrap_err();
        assert!(matches!(e, BasemapError::GeographicMatrixSet(_)), "{e}");
    }

    #[test]
    fn urls_without_placeholders_or_http_or_with_stray_ones_are_refused() {
        assert_eq!(
            TileUrl::parse("https://example.cn/tile.png").unwrap_err(),
            BasemapError::NoPlaceholders
        );
        assert!(matches!(
            TileUrl::parse("file:///etc/{z}/{x}/{y}").unwrap_err(),
            BasemapError::NotHttp(_)
        ));
        assert_eq!(
            TileUrl::parse("https://example.cn/{s}/{z}/{x}/{y}.png").unwrap_err(),
            BasemapError::UnknownPlaceholder("{s}".into())
        );
        assert!(matches!(
            TileUrl::parse("https://t{0-99}.example.cn/{z}/{x}/{y}.png").unwrap_err(),
            BasemapError::BadRange(_)
        ));
    }

    #[test]
    fn only_gcj02_and_bd09_providers_misplace_our_data() {
        assert_eq!(Misplacement::of(Crs::Cgcs2000), Misplacement::None);
        assert_eq!(Misplacement::of(Crs::Wgs84), Misplacement::None);
        assert_eq!(Misplacement::of(Crs::Gcj02), Misplacement::Shifted);
        assert_eq!(Misplacement::of(Crs::Bd09), Misplacement::ShiftedAndRetiled);
    }
}
