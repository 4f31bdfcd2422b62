//! `data/tilegrid.toml`: the tile-grid map of the home page. One equal square per
//! provincial-level division of China, placed by row and column roughly where the division
//! lies, and a separate row of tiles for the places abroad the atlas compares. Region pages
//! name their tile (`tile = "GD"` in `[region]`). Takes the file's text; gives the typed grid
//! and every problem in it (file, line, hint). Knows nothing about pages or drawing.

use serde::{Deserialize, Serialize};

use super::Localized;
use crate::diagnostics::{Diagnostic, locate};

/// Path of the tile grid, relative to the site root.
pub const TILEGRID_FILE: &str = "data/tilegrid.toml";

/// A tile of the map of China.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tile {
    /// Code region pages use in `tile = "..."`: two or three capital letters.
    pub code: String,
    /// Row of the grid, from 0 at the top.
    pub row: u32,
    /// Column of the grid, from 0 at the left.
    pub col: u32,
    /// Full name, per language (every language of the site); shown on hover and read out.
    pub name: Localized,
    /// Short label written on the tile, per language (一 or 两 characters, or 2–3 letters).
    pub short: Localized,
}

/// A tile of the row of places abroad, drawn in file order beside the map.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AbroadTile {
    /// Code region pages use in `tile = "..."`: two or three capital letters.
    pub code: String,
    /// Full name, per language.
    pub name: Localized,
    /// Short label written on the tile, per language.
    pub short: Localized,
}

/// `data/tilegrid.toml`: the tiles of the home page's map.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TileGrid {
    /// One `[[tile]]` table per division of China.
    #[serde(default)]
    pub tile: Vec<Tile>,
    /// One `[[abroad]]` table per place abroad, in the order they are drawn.
    #[serde(default)]
    pub abroad: Vec<AbroadTile>,
}

impl TileGrid {
    /// The map tile with this code.
    pub fn tile(&self, code: &str) -> Option<&Tile> {
        self.tile.iter().find(|t| t.code == code)
    }

    /// The abroad tile with this code.
    pub fn abroad_tile(&self, code: &str) -> Option<&AbroadTile> {
        self.abroad.iter().find(|t| t.code == code)
    }

    /// Every code of the map (not abroad), in file order.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.tile.iter().map(|t| t.code.as_str())
    }

    /// Every code of the abroad row, in file order.
    pub fn abroad_codes(&self) -> impl Iterator<Item = &str> {
        self.abroad.iter().map(|t| t.code.as_str())
    }
}

fn valid_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Checks codes (valid, unique over both lists), positions (unique) and that every name and
/// label has every language.
pub(super) fn check(grid: &TileGrid, text: &str, languages: &[&str], diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    let all = grid
        .tile
        .iter()
        .map(|t| (&t.code, &t.name, &t.short))
        .chain(grid.abroad.iter().map(|t| (&t.code, &t.name, &t.short)));
    for (code, name, short) in all {
        let at = locate(text, "code", &format!("\"{code}\""));
        if !valid_code(code) {
            diags.push(
                Diagnostic::error(format!("tile code {code:?} is not valid"))
                    .in_file(TILEGRID_FILE)
                    .at_pos(at)
                    .hint("use two or three capital letters, such as \"GD\""),
            );
        }
        if !seen.insert(code.as_str()) {
            diags.push(
                Diagnostic::error(format!("tile code {code:?} is defined twice"))
                    .in_file(TILEGRID_FILE)
                    .at_pos(at)
                    .hint("give each tile its own code"),
            );
        }
        for (key, value) in [("name", name), ("short", short)] {
            for lang in value.missing(languages) {
                diags.push(
                    Diagnostic::error(format!("tile {code:?}: {key} has no `{lang}` text"))
                        .in_file(TILEGRID_FILE)
                        .at_pos(at)
                        .hint(format!(
                            "add {lang} = \"...\" to its {key} table (or give one plain text for every language)"
                        )),
                );
            }
        }
    }
    let mut places = std::collections::HashMap::new();
    for t in &grid.tile {
        if let Some(other) = places.insert((t.row, t.col), &t.code) {
            diags.push(
                Diagnostic::error(format!(
                    "tiles {other:?} and {:?} are both at row {}, column {}",
                    t.code, t.row, t.col
                ))
                .in_file(TILEGRID_FILE)
                .at_pos(locate(text, "code", &format!("\"{}\"", t.code)))
                .hint("give each tile its own row and column"),
            );
        }
    }
}
