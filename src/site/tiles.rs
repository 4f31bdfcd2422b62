//! Checks of the `tile` key of region pages against `data/tilegrid.toml`: the code exists
//! (in the map for a region of China, in the abroad row for a foreign one), the national
//! region names none (the map's caption links it), and no two regions of a language fill the
//! same tile. Markers (cities, pilot zones) may share a tile with one region that fills it.

use std::collections::HashMap;

use super::{REGIONS, Site};
use crate::content::Kind;
use crate::diagnostics::Diagnostics;
use crate::schema::RegionKind;

/// How a region with a tile is drawn on the map, by its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TilePlace {
    /// It fills its tile of the map (municipality, province, SAR, region).
    Fill,
    /// A marker inside its province's tile (city, pilot zone).
    Marker,
    /// A tile of the abroad row (foreign).
    Abroad,
    /// Not on a tile: linked from the map's caption (national).
    Caption,
}

impl TilePlace {
    /// Where a region of this kind goes.
    pub fn of(kind: RegionKind) -> TilePlace {
        match kind {
            RegionKind::National => TilePlace::Caption,
            RegionKind::City | RegionKind::PilotZone => TilePlace::Marker,
            RegionKind::Foreign => TilePlace::Abroad,
            RegionKind::Municipality
            | RegionKind::Province
            | RegionKind::Sar
            | RegionKind::Region => TilePlace::Fill,
        }
    }
}

impl Site {
    pub(super) fn check_tiles(&self, diags: &mut Diagnostics) {
        let grid = &self.data.tiles;
        let list = |codes: Vec<&str>| codes.join(", ");
        // (language, code) -> the slug of the region filling that tile.
        let mut filled: HashMap<(&str, &str), &str> = HashMap::new();
        for f in &self.files {
            if f.kind != Kind::Page || f.section != REGIONS {
                continue;
            }
            let Some(r) = &f.front.region else { continue };
            let Some(code) = &r.tile else { continue };
            let needle = format!("\"{code}\"");
            let place = TilePlace::of(r.kind);
            if place == TilePlace::Caption {
                diags.push(
                    f.front_error("tile", &needle, "a national region has no tile on the map")
                        .hint("remove `tile`: the map's caption links the national region"),
                );
                continue;
            }
            if self.data.tiles_unreadable {
                continue;
            }
            let (known, codes, file_table): (bool, Vec<&str>, &str) = if place == TilePlace::Abroad
            {
                (
                    grid.abroad_tile(code).is_some(),
                    grid.abroad_codes().collect(),
                    "[[abroad]]",
                )
            } else {
                (
                    grid.tile(code).is_some(),
                    grid.codes().collect(),
                    "[[tile]]",
                )
            };
            if !known {
                let elsewhere = if place == TilePlace::Abroad {
                    grid.tile(code).is_some()
                } else {
                    grid.abroad_tile(code).is_some()
                };
                let msg = if elsewhere {
                    format!(
                        "tile `{code}` is in the wrong list of {} for a region of kind `{}`",
                        crate::data::TILEGRID_FILE,
                        r.kind.key()
                    )
                } else {
                    format!("unknown tile code `{code}`")
                };
                let upper = code.to_ascii_uppercase();
                let near = if upper != *code && codes.contains(&upper.as_str()) {
                    Some(format!("did you mean `{upper}`? Otherwise "))
                } else {
                    None
                };
                let rest = format!(
                    "use the code of a {file_table} table in {}: {}",
                    crate::data::TILEGRID_FILE,
                    list(codes.clone())
                );
                let hint = match near {
                    Some(n) => format!("{n}{rest}"),
                    None => crate::suggest::hint_with(code, codes.iter().copied(), &rest),
                };
                diags.push(f.front_error("tile", &needle, msg).hint(hint));
                continue;
            }
            if place != TilePlace::Marker {
                if let Some(other) = filled.insert((f.lang.as_str(), code.as_str()), &f.stem) {
                    diags.push(
                        f.front_error(
                            "tile",
                            &needle,
                            format!("region `{other}` already fills tile `{code}`"),
                        )
                        .hint("give each region its own tile; a city or pilot zone is drawn as a marker inside its province's tile"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// The errors only (the small test sites also warn of untranslated pages).
    fn diagnostics(files: &[(&str, &str)]) -> Vec<String> {
        super::super::test_site::diagnostics(files)
            .into_iter()
            .filter(|d| d.contains(": error:"))
            .collect()
    }

    const GRID: &str = "[[tile]]\ncode = \"GD\"\nrow = 0\ncol = 0\nname = { zh = \"广东省\", en = \"Guangdong\" }\nshort = { zh = \"粤\", en = \"GD\" }\n\n\
[[tile]]\ncode = \"HN\"\nrow = 0\ncol = 1\nname = { zh = \"湖南省\", en = \"Hunan\" }\nshort = { zh = \"湘\", en = \"HN\" }\n\n\
[[abroad]]\ncode = \"US\"\nname = \"US\"\nshort = \"US\"\n";

    fn region(kind: &str, tile: &str) -> String {
        format!(
            "+++\ntitle = \"R\"\n\n[region]\nkind = \"{kind}\"\ntile = \"{tile}\"\n+++\nText.\n"
        )
    }

    #[test]
    fn unknown_tile_code_names_file_line_and_nearest() {
        let text = region("province", "HM");
        let out = diagnostics(&[
            ("data/tilegrid.toml", GRID),
            ("content/regions/hunan.en.md", &text),
        ]);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            out[0].starts_with("content/regions/hunan.en.md:6:")
                && out[0].contains("unknown tile code `HM`")
                && out[0].contains("did you mean `HN`?")
                && out[0].contains("GD, HN"),
            "{out:?}"
        );
    }

    #[test]
    fn lower_case_code_suggests_the_capitals() {
        let text = region("city", "gd");
        let out = diagnostics(&[
            ("data/tilegrid.toml", GRID),
            ("content/regions/shenzhen.zh.md", &text),
        ]);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(out[0].contains("did you mean `GD`?"), "{out:?}");
    }

    #[test]
    fn foreign_region_needs_an_abroad_tile_and_national_none() {
        let us = region("foreign", "GD");
        let cn = region("national", "GD");
        let ok = region("foreign", "US");
        let out = diagnostics(&[
            ("data/tilegrid.toml", GRID),
            ("content/regions/united-states.en.md", &us),
            ("content/regions/china.en.md", &cn),
            ("content/regions/japan.en.md", &ok),
        ]);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(
            out.iter()
                .any(|d| d.starts_with("content/regions/united-states.en.md:6:")
                    && d.contains("wrong list")
                    && d.contains("US")),
            "{out:?}"
        );
        assert!(
            out.iter()
                .any(|d| d.starts_with("content/regions/china.en.md:6:") && d.contains("national")),
            "{out:?}"
        );
    }

    #[test]
    fn two_regions_cannot_fill_one_tile_but_a_marker_may_share_it() {
        let a = region("province", "GD");
        let b = region("municipality", "GD");
        let m = region("city", "GD");
        let out = diagnostics(&[
            ("data/tilegrid.toml", GRID),
            ("content/regions/a.en.md", &a),
            ("content/regions/b.en.md", &b),
            ("content/regions/c.en.md", &m),
        ]);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(out[0].contains("already fills tile `GD`"), "{out:?}");
    }
}
