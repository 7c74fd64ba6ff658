//! Mapbox Vector Tile 2.1 layers built with geozero's encoder: geometry already in tile
//! coordinates (extent 4096, y down, exterior rings clockwise on screen), properties
//! dictionary-encoded by its `TagsBuilder`.

use super::AppError;
use geozero::mvt::tile::{Feature, GeomType, Layer};
use geozero::mvt::{Message, TagsBuilder, Tile, TileValue};
use geozero::ToMvt;

/// Tile coordinates run 0..EXTENT on both axes.
pub const EXTENT: u32 = 4096;

/// One layer being filled.
pub struct LayerBuilder {
    name: String,
    features: Vec<Feature>,
    tags: TagsBuilder,
}

impl LayerBuilder {
    pub fn new(name: &str) -> LayerBuilder {
        LayerBuilder {
            name: name.to_string(),
            features: Vec::new(),
            tags: TagsBuilder::new(),
        }
    }

    /// Adds a polygon (tile coordinates) with its properties.
    pub fn polygon(
        &mut self,
        id: Option<u64>,
        shape: &geo::MultiPolygon<f64>,
        props: Vec<(&str, TileValue)>,
    ) -> Result<(), AppError> {
        let mut f = geo::Geometry::MultiPolygon(shape.clone())
            .to_mvt_unscaled()
            .map_err(|e| AppError::Internal(format!("encoding a tile feature: {e}")))?;
        f.id = id;
        f.set_type(GeomType::Polygon);
        self.push(f, props);
        Ok(())
    }

    /// Adds lines (tile coordinates) with their properties.
    pub fn lines(
        &mut self,
        shape: &geo::MultiLineString<f64>,
        props: Vec<(&str, TileValue)>,
    ) -> Result<(), AppError> {
        let mut f = geo::Geometry::MultiLineString(shape.clone())
            .to_mvt_unscaled()
            .map_err(|e| AppError::Internal(format!("encoding a tile feature: {e}")))?;
        f.set_type(GeomType::Linestring);
        self.push(f, props);
        Ok(())
    }

    fn push(&mut self, mut f: Feature, props: Vec<(&str, TileValue)>) {
        for (k, v) in props {
            let (ki, vi) = self.tags.insert_ref(k, v);
            f.tags.push(ki);
            f.tags.push(vi);
        }
        self.features.push(f);
    }

    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    fn finish(self) -> Layer {
        let (keys, values) = self.tags.into_tags();
        Layer {
            version: 2,
            name: self.name,
            features: self.features,
            keys,
            values: values.into_iter().map(Into::into).collect(),
            extent: Some(EXTENT),
        }
    }
}

/// The tile's protobuf bytes.
pub fn encode(layers: Vec<LayerBuilder>) -> Vec<u8> {
    Tile {
        layers: layers.into_iter().map(LayerBuilder::finish).collect(),
    }
    .encode_to_vec()
}

/// An axis-aligned square in tile coordinates, wound clockwise on screen (y down).
pub fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> geo::MultiPolygon<f64> {
    geo::MultiPolygon::new(vec![geo::Polygon::new(
        geo::LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
        vec![],
    )])
}
