//! The long CSV of the comparison table (`table-long.csv`): one row per cell, coded values
//! beside displayed ones, read back with the `csv` crate.

mod common;

use std::collections::HashMap;

fn long_rows(s: &common::Site, lang: &str) -> Vec<HashMap<String, String>> {
    let bytes = std::fs::read(s.path(&format!("public/{lang}/compare/table-long.csv"))).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 BOM first");
    let mut rdr = csv::Reader::from_reader(&bytes[3..]);
    let head: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        head,
        [
            "dimension",
            "region",
            "lang",
            "value",
            "display",
            "source",
            "note",
            "inferred",
            "inferred_note"
        ]
    );
    rdr.records()
        .map(|r| {
            head.iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

fn cell<'a>(
    rows: &'a [HashMap<String, String>],
    dim: &str,
    region: &str,
) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r["dimension"] == dim && r["region"] == region)
        .unwrap_or_else(|| panic!("no row {dim}/{region} in {rows:?}"))
}

#[test]
fn long_csv_has_one_row_per_cell_with_coded_values() {
    let s = common::fixture("basic");
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    for (lang, yes, unknown) in [("zh", "✓ 是", "未知"), ("en", "✓ yes", "unknown")] {
        let rows = long_rows(&s, lang);
        // 4 dimensions × 2 regions, unknown cells included.
        assert_eq!(rows.len(), 8, "{rows:?}");
        assert!(rows.iter().all(|r| r["lang"] == lang));
        let c = cell(&rows, "legislation", "beijing");
        assert_eq!(c["value"], "yes");
        assert_eq!(c["display"], yes);
        assert_eq!(c["source"], "paper");
        assert_eq!(c["inferred"], "false");
        assert_eq!(cell(&rows, "legislation", "shanghai")["value"], "partial");
        let y = cell(&rows, "key_year", "beijing");
        assert_eq!(y["value"], "2024");
        assert_eq!(y["inferred"], "true");
        assert!(!y["inferred_note"].is_empty());
        let u = cell(&rows, "key_year", "shanghai");
        assert_eq!((u["value"].as_str(), u["display"].as_str()), ("", unknown));
        assert_eq!(u["source"], "");
        assert_eq!(cell(&rows, "centres", "shanghai")["value"], "3");
    }
    let en = long_rows(&s, "en");
    assert_eq!(
        cell(&en, "legislation", "beijing")["note"],
        "dedicated regulations"
    );
    // The page offers it.
    let page = std::fs::read_to_string(s.path("public/en/compare/index.html")).unwrap();
    assert!(page.contains("href=\"/atlas/en/compare/table-long.csv\""));
}

#[test]
fn long_csv_neutralises_formula_cells() {
    let s = common::fixture("basic");
    let page = s.path("content/regions/beijing.en.md");
    let text = std::fs::read_to_string(&page)
        .unwrap()
        .replace("value = \"first to try\"", "value = \"=1+1\"")
        .replace("note = \"dedicated regulations\"", "note = \"@SUM(A1)\"");
    std::fs::write(&page, text).unwrap();
    let run = common::atlas(&["build"], s.dir.path());
    assert!(run.ok(), "{run:?}");
    let rows = long_rows(&s, "en");
    assert_eq!(cell(&rows, "summary", "beijing")["value"], "'=1+1");
    assert_eq!(cell(&rows, "summary", "beijing")["display"], "'=1+1");
    assert_eq!(cell(&rows, "legislation", "beijing")["note"], "'@SUM(A1)");
    for r in &rows {
        for v in r.values() {
            assert!(
                !v.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a formula cell reaches the long CSV: {v:?}"
            );
        }
    }
}
