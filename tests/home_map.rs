//! The home page's tile-grid map, on the repository's own atlas: in both languages the built
//! home page leads with the map, which has all 34 tiles and a link to every region page that
//! names a tile, with its values; the national region is linked from the caption; the
//! legend and the (hidden without JavaScript) chooser are there; a bad tile code fails the
//! build with file, line and a suggestion.

mod common;
use common::*;

/// (slug, tile code, kind) of every region page of a language, from its front matter.
fn regions(lang: &str) -> Vec<(String, Option<String>, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(repo().join("content/regions")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let Some(slug) = name.strip_suffix(&format!(".{lang}.md")) else {
            continue;
        };
        if slug.starts_with('_') {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let front = text.split("+++").nth(1).unwrap();
        let v: toml::Table = toml::from_str(front).unwrap();
        let r = v["region"].as_table().unwrap();
        out.push((
            slug.to_string(),
            r.get("tile").and_then(|t| t.as_str()).map(str::to_string),
            r["kind"].as_str().unwrap().to_string(),
        ));
    }
    out.sort();
    out
}

#[test]
fn home_pages_lead_with_the_map_linking_every_region_with_a_tile() {
    let (out, r) = build_repo();
    let dest = out.path().join("public");
    assert!(r.ok(), "{r:?}");
    for lang in ["zh", "en"] {
        let html = std::fs::read_to_string(dest.join(lang).join("index.html")).unwrap();
        let doc = scraper::Html::parse_document(&html);
        // The map comes before the rest of the home page's content.
        let map_at = html.find("<figure class=\"atlas-map\"").expect("the map");
        assert!(map_at < html.find("class=\"explore\"").unwrap());
        let svg = select(&doc, "figure.atlas-map svg.map");
        assert_eq!(svg.len(), 1);
        assert_ne!(svg[0].value().attr("role"), Some("img"));
        assert_eq!(select(&doc, "svg.map .map-tile").len(), 34 + 5);
        assert_eq!(select(&doc, "svg.map > title").len(), 1);
        assert_eq!(select(&doc, "svg.map > desc").len(), 1);
        let hrefs = attr(&doc, "svg.map a.map-link", "href");
        let mut on_map = 0;
        for (slug, tile, kind) in regions(lang) {
            let url = format!("/{lang}/regions/{slug}/");
            if kind == "national" {
                assert!(tile.is_none(), "{slug}");
                assert_eq!(
                    attr(&doc, "figure.atlas-map .map-national a", "href"),
                    vec![url.clone()]
                );
                continue;
            }
            if tile.is_none() {
                continue;
            }
            on_map += 1;
            assert!(hrefs.contains(&url), "{lang}: no map link to {url}");
            let a = select(&doc, &format!("svg.map a.map-link[href=\"{url}\"]"));
            let a = a[0].value();
            // Every link is named, with a value for every yes/no/partial row.
            assert!(a.attr("aria-label").is_some_and(|l| l.len() > 3));
            assert_eq!(
                a.attrs().filter(|(k, _)| k.starts_with("data-v-")).count(),
                select(&doc, "#map-dim option").len(),
                "{url}"
            );
            let shape = if matches!(kind.as_str(), "city" | "pilot_zone") {
                "circle.map-dot"
            } else {
                "rect.map-tile"
            };
            let shapes = select(&doc, &format!("svg.map a.map-link[href=\"{url}\"] {shape}"));
            assert_eq!(shapes.len(), 1, "{url}: {shape}");
        }
        assert_eq!(
            hrefs.len(),
            on_map,
            "{lang}: a link to a page without a tile"
        );
        assert!(on_map >= 13, "{lang}: {on_map}");
        // The chooser is hidden until the script shows it; the legend names every value.
        assert_eq!(select(&doc, ".map-control[hidden] select#map-dim").len(), 1);
        assert!(select(&doc, "#map-dim option").len() >= 2);
        assert!(select(&doc, ".map-legend li").len() >= 7);
        assert!(html.contains("map.js"));
        assert!(dest.join("map.js").is_file());
    }
}

#[test]
fn unknown_tile_code_fails_the_build_with_file_line_and_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(repo().join("atlas.toml"), root.join("atlas.toml")).unwrap();
    for d in ["content", "data", "themes"] {
        copy_tree(&repo().join(d), &root.join(d));
    }
    let page = root.join("content/regions/hunan.en.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replace("tile = \"HN\"", "tile = \"HUN\"")).unwrap();
    let r = atlas(
        &[
            "build",
            "--output-dir",
            dir.path().join("out").to_str().unwrap(),
        ],
        &root,
    );
    assert_eq!(r.code, 1, "{r:?}");
    let line = text.lines().position(|l| l == "tile = \"HN\"").unwrap() + 1;
    assert!(
        r.stderr
            .contains(&format!("content/regions/hunan.en.md:{line}:"))
            && r.stderr.contains("unknown tile code `HUN`")
            && r.stderr.contains("did you mean `HN`?"),
        "{}",
        r.stderr
    );
}
