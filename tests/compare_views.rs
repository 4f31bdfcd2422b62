//! The comparison table's columns: every region page with comparison values is one, the
//! mainland's sub-national regions first as the default view, the others (here a foreign
//! region, written before them in the section) after, marked; the exports hold them all.

mod common;

use common::select;

/// Adds Japan (a foreign region, weight 0: first in the section) with comparison values.
fn with_japan() -> common::Site {
    let s = common::fixture("basic");
    for (lang, title, text) in [("en", "Japan", "dual track"), ("zh", "日本", "双轨制")] {
        s.write(
            &format!("content/regions/japan.{lang}.md"),
            &format!(
                "+++\ntitle = \"{title}\"\nweight = 0\n\n[region]\nkind = \"foreign\"\nsources = [\"paper\"]\n\n\
                 [region.compare.legislation]\nvalue = \"no\"\nsource = \"paper\"\n\n\
                 [region.compare.summary]\nvalue = \"{text}\"\nsource = \"news\"\n+++\n{title}[@paper].\n"
            ),
        );
    }
    s
}

fn table_json(s: &common::Site, lang: &str) -> serde_json::Value {
    let text =
        std::fs::read_to_string(s.path(&format!("public/{lang}/compare/table.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn regions(json: &serde_json::Value) -> Vec<(String, bool)> {
    json["table"]["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["slug"].as_str().unwrap().to_string(),
                r["default"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn other_regions_follow_the_default_view_and_are_exported() {
    let s = with_japan();
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    for (lang, want, japan) in [
        (
            "zh",
            vec![("beijing", true), ("shanghai", true), ("japan", false)],
            "日本",
        ),
        // Shanghai has no English page; its column falls back to the Chinese one.
        (
            "en",
            vec![("beijing", true), ("shanghai", true), ("japan", false)],
            "Japan",
        ),
    ] {
        let json = table_json(&s, lang);
        let want: Vec<(String, bool)> = want.iter().map(|(s, d)| (s.to_string(), *d)).collect();
        assert_eq!(regions(&json), want, "{lang}");
        assert_eq!(json["table"]["other_regions"], 1);
        assert_eq!(json["table"]["default_regions"], want.len() - 1);
        // Each row has one cell per column, Japan's last.
        let row = &json["table"]["rows"][0];
        assert_eq!(row["id"], "legislation");
        let cells = row["cells"].as_array().unwrap();
        assert_eq!(cells.len(), want.len());
        assert_eq!(cells.last().unwrap()["value"], "no");

        // The wide CSV: Japan's column is last before the inference column.
        let wide = s.read(&format!("public/{lang}/compare/table.csv"));
        let head: Vec<&str> = wide.lines().next().unwrap().split(',').collect();
        assert_eq!(head[head.len() - 2], japan, "{head:?}");
        // The long CSV: Japan's cells, unknown ones included.
        let long = s.read(&format!("public/{lang}/compare/table-long.csv"));
        let japan_rows = long.lines().filter(|l| l.contains(",japan,")).count();
        assert_eq!(japan_rows, 4, "{long}");

        // The page: Japan's column is marked, its box in the picker not ticked.
        let doc = s.html(&format!("public/{lang}/compare/index.html"));
        let heads: Vec<(String, bool)> = select(&doc, "table.compare thead th[data-region]")
            .iter()
            .map(|th| {
                (
                    th.value().attr("data-region").unwrap().to_string(),
                    !th.value()
                        .has_class("region-other", scraper::CaseSensitivity::CaseSensitive),
                )
            })
            .collect();
        assert_eq!(heads, want, "{lang}");
        assert_eq!(select(&doc, "td.region-other").len(), 4);
        assert_eq!(select(&doc, "td.cell").len(), 4 * want.len());
        let boxes: Vec<(String, bool)> = select(&doc, ".tool-regions input[type=checkbox]")
            .iter()
            .map(|i| {
                (
                    i.value().attr("value").unwrap().to_string(),
                    i.value().attr("checked").is_some(),
                )
            })
            .collect();
        assert_eq!(boxes, want, "{lang}");
        assert_eq!(
            select(&doc, ".region-group-other legend, .tool-regions legend").len(),
            1
        );
        assert_eq!(select(&doc, "#cmp-others-note").len(), 1);
    }
}

#[test]
fn without_other_regions_there_is_no_other_group() {
    let s = common::fixture("basic");
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    let json = table_json(&s, "en");
    assert_eq!(
        regions(&json),
        [
            ("beijing".to_string(), true),
            ("shanghai".to_string(), true)
        ]
    );
    assert_eq!(json["table"]["other_regions"], 0);
    let doc = s.html("public/en/compare/index.html");
    assert!(select(&doc, ".region-group-other").is_empty());
    assert!(select(&doc, "#cmp-others-note").is_empty());
    assert!(select(&doc, ".region-other").is_empty());
    // Every cell still names its region (shown on a phone), and rows are named.
    for td in select(&doc, "table.compare td") {
        let label = td
            .select(&scraper::Selector::parse(".cell-region").unwrap())
            .next()
            .map(|e| e.text().collect::<String>())
            .unwrap_or_default();
        assert!(!label.is_empty(), "{}", td.html());
        if td.value().attr("data-region") == Some("beijing") {
            assert_eq!(label, "Beijing");
        }
    }
    assert_eq!(select(&doc, "table.compare tbody th .dim-label").len(), 4);
}
