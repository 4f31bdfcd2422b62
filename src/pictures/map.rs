//! The home page's map: a tile grid of China's provincial-level divisions (one equal square
//! each, from `data/tilegrid.toml`) with the atlas's regions as links, and a row of tiles for
//! the places abroad it compares. [`map_from_site`] takes the data from the site (which tile
//! each region page names, and its value in each yes/no/partial row of the comparison table),
//! [`map_svg`] draws it.
//!
//! A region that fills its tile colours the whole tile; a city or pilot zone is a round marker
//! inside its province's tile. The colour, a symbol and the link's accessible name all say
//! the value of one comparison row: the one in which most regions on the map have a value,
//! unless the reader picks another (each link carries its values as `data-v-<row id>`
//! attributes for the theme's script, the SVG the row drawn as `data-shown`). The SVG is not
//! `role="img"`: its links stay in the keyboard order.

use std::fmt::Write;

use super::Tr;
use super::svg::{fill, n};
use crate::data::DimensionType;
use crate::markdown::escape_html as esc;
use crate::site::{REGIONS, Site, TilePlace};

/// What a region's value is in the comparison row the map shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// Yes.
    Yes,
    /// Partly.
    Partial,
    /// No.
    No,
    /// A source names the leaders and the region is not among them.
    NotAmongNamed,
    /// In the comparison table, but the sources say nothing.
    Unknown,
    /// Not in the comparison table at all.
    NotCompared,
}

impl Fill {
    /// Every value, in legend order.
    pub const ALL: [Fill; 6] = [
        Fill::Yes,
        Fill::Partial,
        Fill::No,
        Fill::NotAmongNamed,
        Fill::Unknown,
        Fill::NotCompared,
    ];

    /// As in the comparison table (`none` for a region not in it); names the CSS class
    /// `map-s-<key>` and the `data-v-*` values.
    pub fn key(self) -> &'static str {
        match self {
            Fill::Yes => "yes",
            Fill::Partial => "partial",
            Fill::No => "no",
            Fill::NotAmongNamed => "not_among_named",
            Fill::Unknown => "unknown",
            Fill::NotCompared => "none",
        }
    }

    /// The interface string that names it.
    pub fn label_key(self) -> &'static str {
        match self {
            Fill::NotCompared => "map_not_compared",
            Fill::Yes => "pic_yes",
            Fill::Partial => "pic_partial",
            Fill::No => "pic_no",
            Fill::NotAmongNamed => "pic_not_among_named",
            Fill::Unknown => "pic_unknown",
        }
    }

    /// The symbol drawn with the colour (the same as the comparison table's).
    pub fn symbol(self) -> &'static str {
        match self {
            Fill::Yes => "✓",
            Fill::Partial => "◐",
            Fill::No => "✗",
            Fill::NotAmongNamed => "○",
            Fill::Unknown => "?",
            Fill::NotCompared => "–",
        }
    }

    fn from_cell(value: Option<&str>) -> Fill {
        match value {
            None => Fill::Unknown,
            Some("yes") => Fill::Yes,
            Some("no") => Fill::No,
            Some("not_among_named") => Fill::NotAmongNamed,
            Some(_) => Fill::Partial,
        }
    }
}

/// A region page on the map.
#[derive(Debug, Clone)]
pub struct MapRegion {
    /// The page's title.
    pub name: String,
    /// The page's URL.
    pub url: String,
    /// Its value in each of [`Map::dims`], in order.
    pub fills: Vec<Fill>,
}

/// One tile.
#[derive(Debug, Clone)]
pub struct MapTile {
    /// Code in `data/tilegrid.toml`.
    pub code: String,
    /// Row of the grid (0 for the abroad row's tiles).
    pub row: u32,
    /// Column of the grid (the position for the abroad row's tiles).
    pub col: u32,
    /// Full name.
    pub name: String,
    /// The label written on it.
    pub short: String,
    /// The region page that fills it.
    pub region: Option<MapRegion>,
    /// Region pages drawn as markers inside it (cities, pilot zones).
    pub markers: Vec<MapRegion>,
}

/// A comparison row the map can be coloured by.
#[derive(Debug, Clone)]
pub struct MapDimension {
    /// Its id in `data/dimensions.toml`.
    pub id: String,
    /// Its label.
    pub label: String,
}

/// The map of one language.
#[derive(Debug, Clone, Default)]
pub struct Map {
    /// The tiles of the grid of China.
    pub tiles: Vec<MapTile>,
    /// The tiles of the abroad row, in order.
    pub abroad: Vec<MapTile>,
    /// The yes/no/partial rows of the comparison table, in file order.
    pub dims: Vec<MapDimension>,
    /// The row drawn (an index into `dims`): the one in which the most regions on the map
    /// have a known value, the first of them on a tie.
    pub shown: usize,
}

impl Map {
    /// Every region on the map (filling a tile or a marker), in drawing order.
    pub fn regions(&self) -> impl Iterator<Item = &MapRegion> {
        self.tiles
            .iter()
            .chain(&self.abroad)
            .flat_map(|t| t.region.iter().chain(&t.markers))
    }
}

/// The map of one language: the tile grid with the region pages that name a tile.
pub fn map_from_site(site: &Site, lang: &str) -> Map {
    let table = &site.langs[lang].compare;
    let dims: Vec<(usize, MapDimension)> = site
        .data
        .dimensions
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == DimensionType::YesNoPartial)
        .map(|(i, d)| {
            (
                i,
                MapDimension {
                    id: d.id.clone(),
                    label: d.label.get(lang).cloned().unwrap_or_else(|| d.id.clone()),
                },
            )
        })
        .collect();
    let text = |l: &crate::data::Localized| l.get(lang).unwrap_or_default().to_string();
    let grid = &site.data.tiles;
    let tile = |code: &str, name, short, row, col| MapTile {
        code: code.to_string(),
        row,
        col,
        name,
        short,
        region: None,
        markers: Vec::new(),
    };
    let mut map = Map {
        tiles: grid
            .tile
            .iter()
            .map(|t| tile(&t.code, text(&t.name), text(&t.short), t.row, t.col))
            .collect(),
        abroad: grid
            .abroad
            .iter()
            .enumerate()
            .map(|(i, t)| tile(&t.code, text(&t.name), text(&t.short), 0, i as u32))
            .collect(),
        dims: dims.iter().map(|(_, d)| d.clone()).collect(),
        shown: 0,
    };
    for &i in site.section_pages(lang, REGIONS) {
        let Some(r) = &site.file(i).front.region else {
            continue;
        };
        let Some(code) = &r.tile else { continue };
        let column = table.regions.iter().position(|&c| c == i);
        let region = MapRegion {
            name: site.file(i).front.title.clone(),
            url: site.url(i),
            fills: dims
                .iter()
                .map(|(di, _)| match column {
                    None => Fill::NotCompared,
                    Some(ri) => Fill::from_cell(
                        table
                            .cells
                            .get(*di)
                            .and_then(|row| row.get(ri))
                            .and_then(|c| c.as_ref())
                            .map(|c| c.value.as_str()),
                    ),
                })
                .collect(),
        };
        let place = TilePlace::of(r.kind);
        let list = if place == TilePlace::Abroad {
            &mut map.abroad
        } else {
            &mut map.tiles
        };
        // The site's checks have reported a code that is not in the right list.
        let Some(t) = list.iter_mut().find(|t| &t.code == code) else {
            continue;
        };
        match place {
            TilePlace::Marker => t.markers.push(region),
            TilePlace::Fill | TilePlace::Abroad => t.region = Some(region),
            TilePlace::Caption => {}
        }
    }
    map.shown = most_known(&map);
    map
}

/// The row in which the most regions on the map have a known value (the first on a tie).
fn most_known(map: &Map) -> usize {
    let known = |d: usize| {
        map.regions()
            .filter(|r| {
                r.fills
                    .get(d)
                    .is_some_and(|f| !matches!(f, Fill::Unknown | Fill::NotCompared))
            })
            .count()
    };
    (0..map.dims.len())
        .rev()
        .max_by_key(|&d| known(d))
        .unwrap_or(0)
}

/// Side of a tile, and the distance from one tile to the next.
const TILE: f64 = 44.0;
const STEP: f64 = 48.0;
/// Font size of the labels on the tiles.
const LABEL: f64 = 16.0;
/// Gap between the map and the abroad row, which has a heading.
const ABROAD_GAP: f64 = 40.0;
/// Room around the picture for the focus outline.
const MARGIN: f64 = 4.0;

/// The name of a link, for its `<title>` and `aria-label`: "{region} ({short}) —
/// {dimension}: {value}", with the label written on the tile (a name must hold the visible
/// text); the theme's script rewrites it from `data-label` when the row changes.
fn link_label(r: &MapRegion, short: &str, map: &Map, t: Tr) -> String {
    match (map.dims.get(map.shown), r.fills.get(map.shown)) {
        (Some(d), Some(f)) => fill(
            &t("map_tile_label"),
            &[
                ("region", r.name.clone()),
                ("short", short.to_string()),
                ("dimension", d.label.clone()),
                ("value", t(f.label_key())),
            ],
        ),
        _ => fill(
            &t("map_region_label"),
            &[("region", r.name.clone()), ("short", short.to_string())],
        ),
    }
}

/// The attributes of a link: where it goes, its name and its value in every row.
fn link_attrs(r: &MapRegion, short: &str, map: &Map, label: &str) -> String {
    let mut s = format!(
        " href=\"{}\" aria-label=\"{}\" data-name=\"{}\" data-short=\"{}\"",
        esc(&r.url),
        esc(label),
        esc(&r.name),
        esc(short)
    );
    for (d, f) in map.dims.iter().zip(&r.fills) {
        let _ = write!(s, " data-v-{}=\"{}\"", esc(&d.id), f.key());
    }
    s
}

fn state_class(r: &MapRegion, map: &Map) -> &'static str {
    r.fills.get(map.shown).map_or("linked", |f| f.key())
}

fn symbol(r: &MapRegion, map: &Map) -> &'static str {
    r.fills.get(map.shown).map_or("", |f| f.symbol())
}

/// One tile at (x, y), with its region or markers. A link holds its shape and `<title>`
/// only (its name, which includes the tile's label); the label and the symbol are drawn over
/// it (the symbol named `<link id>-sym`) and let clicks through.
fn draw_tile(out: &mut String, tile: &MapTile, x: f64, y: f64, map: &Map, t: Tr) {
    let (cx, top) = (x + TILE / 2.0, y);
    let label_y = if tile.markers.is_empty() {
        top + 20.0
    } else {
        top + 17.0
    };
    let rect = |class: &str| {
        format!(
            "<rect class=\"map-tile {class}\" x=\"{}\" y=\"{}\" width=\"{TILE}\" height=\"{TILE}\" rx=\"5\"/>",
            n(x),
            n(y)
        )
    };
    let label = format!(
        "<text class=\"map-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{LABEL}\">{}</text>",
        n(cx),
        n(label_y),
        esc(&tile.short)
    );
    match &tile.region {
        Some(r) => {
            let name = link_label(r, &tile.short, map, t);
            let _ = write!(
                out,
                "<a class=\"map-link map-region\" id=\"map-{code}\"{attrs}><title>{title}</title>{rect}</a>{label}<text class=\"map-symbol\" id=\"map-{code}-sym\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"14\" aria-hidden=\"true\">{sym}</text>",
                n(cx),
                n(top + 38.0),
                code = esc(&tile.code.to_ascii_lowercase()),
                attrs = link_attrs(r, &tile.short, map, &name),
                title = esc(&name),
                rect = rect(&format!("map-s-{}", state_class(r, map))),
                sym = symbol(r, map),
            );
        }
        None => {
            let _ = write!(
                out,
                "<g class=\"map-plain\"><title>{}</title>{}{label}</g>",
                esc(&tile.name),
                rect("map-off")
            );
        }
    }
    let k = tile.markers.len() as f64;
    for (i, m) in tile.markers.iter().enumerate() {
        let mx = x + TILE * (i as f64 + 1.0) / (k + 1.0);
        let my = top + 31.0;
        let name = link_label(m, &tile.short, map, t);
        let _ = write!(
            out,
            "<a class=\"map-link map-marker\" id=\"map-{code}-{i}\"{attrs}><title>{title}</title><circle class=\"map-hit\" cx=\"{mx}\" cy=\"{my}\" r=\"12\"/><circle class=\"map-dot map-s-{class}\" cx=\"{mx}\" cy=\"{my}\" r=\"9.5\"/></a><text class=\"map-symbol\" id=\"map-{code}-{i}-sym\" x=\"{mx}\" y=\"{ty}\" text-anchor=\"middle\" font-size=\"13\" aria-hidden=\"true\">{sym}</text>",
            code = esc(&tile.code.to_ascii_lowercase()),
            attrs = link_attrs(m, &tile.short, map, &name),
            title = esc(&name),
            mx = n(mx),
            my = n(my),
            ty = n(my + 4.2),
            class = state_class(m, map),
            sym = symbol(m, map),
        );
    }
}

/// Draws the map. `id` prefixes the ids of the title and description.
pub fn map_svg(map: &Map, id: &str, t: Tr) -> String {
    if map.tiles.is_empty() {
        return String::new();
    }
    let rows = map.tiles.iter().map(|t| t.row).max().unwrap_or(0) + 1;
    let cols = map.tiles.iter().map(|t| t.col).max().unwrap_or(0) + 1;
    let grid_w = cols as f64 * STEP - (STEP - TILE);
    let grid_h = rows as f64 * STEP - (STEP - TILE);
    let mut body = String::new();
    for tile in &map.tiles {
        draw_tile(
            &mut body,
            tile,
            tile.col as f64 * STEP,
            tile.row as f64 * STEP,
            map,
            t,
        );
    }
    let mut h = grid_h;
    let mut w = grid_w;
    if !map.abroad.is_empty() {
        let y = grid_h + ABROAD_GAP;
        let _ = write!(
            body,
            "<line class=\"map-rule\" x1=\"0\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/><text class=\"map-heading\" x=\"0\" y=\"{}\" font-size=\"14\">{}</text>",
            n(grid_w),
            n(grid_h + 12.0),
            n(grid_h + 12.0),
            n(y - 8.0),
            esc(&t("map_abroad"))
        );
        let _ = write!(body, "<g class=\"map-abroad\">");
        for tile in &map.abroad {
            draw_tile(&mut body, tile, tile.col as f64 * STEP, y, map, t);
        }
        body.push_str("</g>");
        h = y + TILE;
        w = w.max(map.abroad.len() as f64 * STEP - (STEP - TILE));
    }
    let regions = map.regions().count();
    let desc = fill(
        &t("map_desc"),
        &[
            ("tiles", map.tiles.len().to_string()),
            ("abroad", map.abroad.len().to_string()),
            ("regions", regions.to_string()),
        ],
    );
    format!(
        "<svg class=\"map\" id=\"{id}\" viewBox=\"{vx} {vx} {vw} {vh}\" width=\"{vw}\" height=\"{vh}\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\" role=\"group\" data-label=\"{tpl}\" data-shown=\"{shown}\">\
<title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>{body}</svg>",
        vx = n(-MARGIN),
        vw = n(w + 2.0 * MARGIN),
        vh = n(h + 2.0 * MARGIN),
        tpl = esc(&t("map_tile_label")),
        shown = map
            .dims
            .get(map.shown)
            .map(|d| esc(&d.id))
            .unwrap_or_default(),
        title = esc(&t("map_title")),
        desc = esc(&desc),
    )
}

/// A small picture of a value for the legend (a tile, or a marker), with its symbol.
pub fn map_swatch(f: Option<Fill>, marker: bool) -> String {
    let (class, sym) = match f {
        Some(f) => (format!("map-s-{}", f.key()), f.symbol()),
        None => ("map-off".to_string(), ""),
    };
    let shape = if marker {
        format!(
            "<rect class=\"map-tile map-off\" x=\"1\" y=\"1\" width=\"22\" height=\"22\" rx=\"3\"/><circle class=\"map-dot {class}\" cx=\"12\" cy=\"12\" r=\"7\"/>"
        )
    } else {
        format!(
            "<rect class=\"map-tile {class}\" x=\"1\" y=\"1\" width=\"22\" height=\"22\" rx=\"3\"/><text class=\"map-symbol\" x=\"12\" y=\"16.5\" text-anchor=\"middle\" font-size=\"13\">{sym}</text>"
        )
    };
    format!(
        "<svg class=\"map-swatch\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\" aria-hidden=\"true\" focusable=\"false\">{shape}</svg>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(key: &str) -> String {
        match key {
            "map_tile_label" => "{region} ({short}) — {dimension}: {value}".into(),
            "map_region_label" => "{region} ({short})".into(),
            "map_desc" => "{tiles} tiles, {abroad} abroad, {regions} regions.".into(),
            k => format!("<{k}>"),
        }
    }

    fn region(name: &str, url: &str, fills: &[Fill]) -> MapRegion {
        MapRegion {
            name: name.into(),
            url: url.into(),
            fills: fills.to_vec(),
        }
    }

    fn tile(code: &str, row: u32, col: u32, short: &str) -> MapTile {
        MapTile {
            code: code.into(),
            row,
            col,
            name: format!("{code} & co"),
            short: short.into(),
            region: None,
            markers: Vec::new(),
        }
    }

    fn sample() -> Map {
        let mut bj = tile("BJ", 0, 1, "京");
        bj.region = Some(region(
            "Beijing <city>",
            "/en/regions/beijing/",
            &[Fill::Yes, Fill::No],
        ));
        let mut gd = tile("GD", 1, 0, "粤");
        gd.markers.push(region(
            "Shenzhen",
            "/en/regions/shenzhen/?a=1&b=2",
            &[Fill::Partial, Fill::Unknown],
        ));
        let mut us = tile("US", 0, 0, "US");
        us.region = Some(region(
            "United States",
            "/en/regions/united-states/",
            &[Fill::NotCompared, Fill::NotCompared],
        ));
        Map {
            tiles: vec![bj, gd, tile("HI", 1, 1, "琼")],
            abroad: vec![us],
            shown: 0,
            dims: vec![
                MapDimension {
                    id: "local_legislation".into(),
                    label: "Local \"legislation\"".into(),
                },
                MapDimension {
                    id: "special_funding".into(),
                    label: "Funding".into(),
                },
            ],
        }
    }

    #[test]
    fn links_ids_values_and_escaping() {
        let svg = map_svg(&sample(), "home-map", &tr);
        assert!(
            svg.starts_with("<svg class=\"map\" id=\"home-map\""),
            "{svg}"
        );
        assert!(!svg.contains("role=\"img\""), "links must stay reachable");
        assert!(svg.contains("aria-labelledby=\"home-map-title\""));
        assert!(svg.contains("<desc id=\"home-map-desc\">3 tiles, 1 abroad, 3 regions.</desc>"));
        // Every region is a link with its values in every row, the first row drawn.
        assert_eq!(svg.matches("<a class=\"map-link").count(), 3);
        assert!(svg.contains("href=\"/en/regions/beijing/\""));
        assert!(svg.contains("data-v-local_legislation=\"yes\" data-v-special_funding=\"no\""));
        assert!(svg.contains("id=\"map-bj\""));
        assert!(svg.contains("class=\"map-tile map-s-yes\""));
        assert!(svg.contains("class=\"map-dot map-s-partial\""));
        assert!(svg.contains("class=\"map-tile map-s-none\""));
        assert!(svg.contains("data-v-local_legislation=\"none\""));
        // Names are escaped, in the title and the accessible name.
        assert!(svg.contains(
            "aria-label=\"Beijing &lt;city&gt; (京) — Local &quot;legislation&quot;: &lt;pic_yes&gt;\""
        ));
        assert!(svg.contains("href=\"/en/regions/shenzhen/?a=1&amp;b=2\""));
        assert!(svg.contains("<title>HI &amp; co</title>"));
        assert!(!svg.contains("<city>"));
        // The abroad row has its heading.
        assert!(svg.contains("&lt;map_abroad&gt;"));
        // Well-formed XML.
        roxmltree_like_check(&svg);
    }

    /// Tags open and close in order (a small check, not a full XML parser).
    fn roxmltree_like_check(svg: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(i) = rest.find('<') {
            rest = &rest[i + 1..];
            let end = rest.find('>').expect("tag closes");
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "in {svg}");
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().unwrap_or_default();
                stack.push(name.to_string());
            }
        }
        assert!(stack.is_empty(), "{stack:?} left open");
    }

    #[test]
    fn the_row_with_most_known_values_is_drawn() {
        let mut map = sample();
        // Beijing: yes / no; Shenzhen: partial / unknown; the US: not compared in both.
        assert_eq!(most_known(&map), 0);
        for t in map.tiles.iter_mut() {
            for r in t.markers.iter_mut() {
                r.fills = vec![Fill::Unknown, Fill::Yes];
            }
        }
        assert_eq!(most_known(&map), 1);
        map.shown = 1;
        let svg = map_svg(&map, "m", &tr);
        assert!(svg.contains("data-shown=\"special_funding\""));
        assert!(svg.contains("class=\"map-tile map-s-no\""));
        assert!(svg.contains("class=\"map-dot map-s-yes\""));
        assert!(svg.contains("— Funding: &lt;pic_no&gt;"));
    }

    #[test]
    fn without_rows_links_still_drawn_and_named() {
        let mut map = sample();
        map.dims.clear();
        for t in map.tiles.iter_mut().chain(&mut map.abroad) {
            for r in t.region.iter_mut().chain(&mut t.markers) {
                r.fills.clear();
            }
        }
        let svg = map_svg(&map, "m", &tr);
        assert!(svg.contains("aria-label=\"Beijing &lt;city&gt; (京)\""));
        assert!(svg.contains("map-s-linked"));
        assert!(!svg.contains("data-v-"));
    }

    #[test]
    fn empty_grid_draws_nothing() {
        assert_eq!(map_svg(&Map::default(), "m", &tr), "");
    }

    #[test]
    fn the_repository_grid_has_34_tiles_and_places_every_region() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let args = crate::build::BuildArgs {
            root: root.to_path_buf(),
            ..Default::default()
        };
        let (site, _theme) = crate::build::load(&args).expect("the atlas builds");
        let grid = &site.data.tiles;
        assert_eq!(grid.tile.len(), 34);
        let places: std::collections::HashSet<(u32, u32)> =
            grid.tile.iter().map(|t| (t.row, t.col)).collect();
        assert_eq!(places.len(), 34);
        for lang in site.config.language_codes() {
            let map = map_from_site(&site, lang);
            let svg = map_svg(&map, "home-map", &tr);
            assert_eq!(map.tiles.len(), 34);
            assert_eq!(
                svg.matches("class=\"map-tile ").count(),
                34 + map.abroad.len()
            );
            // Every region page that names a tile (and is not the national one) is a link.
            for &i in site.section_pages(lang, REGIONS) {
                let Some(r) = &site.file(i).front.region else {
                    continue;
                };
                if r.tile.is_some() && TilePlace::of(r.kind) != TilePlace::Caption {
                    let href = format!("href=\"{}\"", site.url(i));
                    assert!(svg.contains(&href), "{lang}: no link {href}");
                }
            }
            // The values drawn are the comparison table's.
            let table = &site.langs[lang].compare;
            for r in map.regions() {
                let compared = table.regions.iter().any(|&i| site.url(i) == r.url);
                assert_eq!(
                    r.fills.iter().all(|f| *f == Fill::NotCompared),
                    !compared,
                    "{}",
                    r.name
                );
            }
        }
    }
}
