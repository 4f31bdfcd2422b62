//! The `map` value of the home page: the tile-grid map's SVG, the comparison rows a reader
//! may colour it by, its legend and the national region the caption links. Takes the site's
//! map (`crate::pictures`); must not draw (the pictures do) or decide the page's layout (the
//! theme's `home.html` does).

use serde_json::{Value as Json, json};

use super::Renderer;
use crate::pictures::{MapFill, map_from_site, map_svg, map_swatch};
use crate::schema::RegionKind;
use crate::site::REGIONS;

impl Renderer<'_> {
    /// The map of the home page of `lang`, or null when `data/tilegrid.toml` has no tiles.
    pub(super) fn home_map(&self, lang: &str) -> Json {
        let site = self.site;
        let t = |k: &str| self.t(lang, k);
        let map = map_from_site(site, lang);
        let svg = map_svg(&map, "home-map", &t);
        if svg.is_empty() {
            return Json::Null;
        }
        let national: Vec<Json> = site
            .section_pages(lang, REGIONS)
            .iter()
            .filter(|&&i| {
                site.file(i)
                    .front
                    .region
                    .as_ref()
                    .is_some_and(|r| r.kind == RegionKind::National)
            })
            .map(|&i| json!({"title": site.file(i).front.title, "url": site.url(i)}))
            .collect();
        let mut legend: Vec<Json> = if map.dims.is_empty() {
            Vec::new()
        } else {
            MapFill::ALL
                .iter()
                .map(|f| json!({"key": f.key(), "label": t(f.label_key()), "swatch": map_swatch(Some(*f), false)}))
                .collect()
        };
        legend.push(
            json!({"key": "off", "label": t("map_not_covered"), "swatch": map_swatch(None, false)}),
        );
        if map.tiles.iter().any(|t| !t.markers.is_empty()) {
            legend.push(json!({"key": "marker", "label": t("map_marker"), "swatch": map_swatch(None, true)}));
        }
        let dims: Vec<Json> = map
            .dims
            .iter()
            .map(|d| json!({"id": d.id, "label": d.label}))
            .collect();
        let shown = map
            .dims
            .get(map.shown)
            .map(|d| json!({"id": d.id, "label": d.label}));
        json!({"svg": svg, "dims": dims, "shown": shown, "legend": legend, "national": national})
    }
}
