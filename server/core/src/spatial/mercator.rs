//! Web Mercator (EPSG:3857) in tile units: the one projection used for vector tiles, the
//! density cells and the engine's metric buffers.

/// Web Mercator position of a WGS84 point in [0, 1)², y growing southwards, as tiles count.
pub fn mercator(lng: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    let x = (lng + 180.0) / 360.0;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    (x.clamp(0.0, 1.0), y.clamp(0.0, 1.0))
}

/// The WGS84 longitude/latitude of a Web Mercator position (the inverse of [`mercator`]).
pub fn unmercator(x: f64, y: f64) -> (f64, f64) {
    let lng = x * 360.0 - 180.0;
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * y))
        .sinh()
        .atan()
        .to_degrees();
    (lng, lat)
}
