//! Snapshot tests (insta) of large outputs of the fixture site: a region page's article, the
//! comparison table data and the sitemap. Review changes with `cargo insta review`.

mod common;
use common::*;

fn built() -> Site {
    let s = fixture("basic");
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    s
}

#[test]
fn region_article_html() {
    let s = built();
    let doc = s.html("public/zh/regions/beijing/index.html");
    let article = select(&doc, "article")[0].html();
    insta::assert_snapshot!(article);
}

#[test]
fn compare_csv_and_json() {
    let s = built();
    insta::assert_snapshot!("compare_csv_en", s.read("public/en/compare/table.csv"));
    insta::assert_snapshot!("compare_json_zh", s.read("public/zh/compare/table.json"));
}

#[test]
fn sitemap() {
    let s = built();
    insta::assert_snapshot!(s.read("public/sitemap.xml"));
}
