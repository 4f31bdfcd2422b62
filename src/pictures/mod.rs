//! Pictures drawn at build time as inline SVG, from the [`Site`] model: the timeline on a
//! time axis (one row per region page, then one per drug page), the coverage grid of the
//! comparison table (regions by dimensions) and the home page's tile-grid map of the regions.
//!
//! Each picture is in two steps: a plain data value ([`Timeline`], [`Coverage`], [`Map`])
//! taken from the site, then the SVG drawn from it, so the drawing is tested on small
//! hand-made data. Every SVG has a `<title>` and a `<desc>` named by `aria-labelledby` and
//! tells values apart by shape or text as well as colour. The coverage grid is `role="img"`,
//! the timeline too unless its marks link to the list's entries; the page puts a text list or
//! table of the same facts next to them. The map is `role="group"`, since its tiles are
//! links, each named with its value. Labels
//! come from the theme's interface strings ([`I18N_KEYS`]), so the pictures are in the page's
//! language. Colours are set by classes that the theme's style sheet styles (light and
//! dark), with plain fill and stroke attributes as fallback in the timeline and grid.
//!
//! The pictures take the [`Site`] and the theme's interface strings; they give SVG text and
//! must not read files or know about templates. Files: `timeline.rs` (the timeline picture),
//! `coverage.rs` (the coverage grid), `map.rs` (the tile-grid map), `svg.rs` (text fitting,
//! numbers and legends they share).

use crate::site::Site;

mod coverage;
mod map;
mod svg;
mod timeline;

pub use coverage::{CellState, Coverage, CoverageRow, coverage_from_site, coverage_svg};
pub use map::{Fill as MapFill, Map, map_from_site, map_svg, map_swatch};
pub use svg::{fit, text_width};
pub use timeline::{
    Lane, LaneGroup, Layout, MAX_TIMELINE_ROWS, Mark, Timeline, timeline_from_site, timeline_svg,
    timeline_svg_layout,
};

/// Interface strings the pictures use; every language of a theme must define them.
pub const I18N_KEYS: &[&str] = &[
    "regions",
    "drugs",
    "pic_timeline_title",
    "pic_timeline_desc",
    "pic_year_only",
    "pic_coverage_title",
    "pic_coverage_desc",
    "pic_coverage_row",
    "pic_yes",
    "pic_no",
    "pic_partial",
    "pic_value",
    "pic_unknown",
    "event_policy",
    "event_regulation",
    "event_ind",
    "event_application",
    "event_approval",
    "event_prescription",
    "event_trial",
    "event_other",
    "pic_not_among_named",
    "map_title",
    "map_desc",
    "map_abroad",
    "map_tile_label",
    "map_region_label",
    "map_not_compared",
    "map_not_covered",
    "map_marker",
];

/// Looks up an interface string by key.
pub type Tr<'a> = &'a dyn Fn(&str) -> String;

/// A page's short title: `short_title` in `[extra]` if set, else its title.
pub fn short_title(site: &Site, page: usize) -> String {
    let f = site.file(page);
    f.front
        .extra
        .get("short_title")
        .and_then(|v| v.as_str())
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| f.front.title.clone())
}

#[cfg(test)]
mod tests;
