//! "Cite this page": the box on content pages and the comparison page (GB/T 7714 on the
//! Chinese site, APA 7 on both), the BibTeX and RIS files beside each page, and the
//! licence line, shown only when `[extra] license` is set.

mod common;
use common::*;

#[test]
fn content_pages_have_a_cite_box_and_files() {
    let s = fixture("basic");
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    let zh = s.html("public/zh/regions/beijing/index.html");
    let refs: Vec<String> = select(&zh, ".cite-box .cite-ref")
        .iter()
        .map(text)
        .collect();
    assert_eq!(refs.len(), 2, "GB/T and APA on a Chinese page: {refs:?}");
    assert!(
        refs[0].contains("[EB/OL]. (2026-11-20). https://example.org/atlas/zh/regions/beijing/."),
        "{refs:?}"
    );
    assert!(
        refs[1].contains("(2026, November 20)")
            && refs[1].ends_with("https://example.org/atlas/zh/regions/beijing/"),
        "{refs:?}"
    );
    assert_eq!(
        attr(&zh, ".cite-box a[download]", "href"),
        vec![
            "/atlas/zh/regions/beijing/cite.bib",
            "/atlas/zh/regions/beijing/cite.ris"
        ]
    );
    // The files the links point at are there and name the page.
    let bib = s.read("public/zh/regions/beijing/cite.bib");
    assert!(bib.starts_with("@misc{atlas-zh-regions-beijing,"), "{bib}");
    assert!(bib.contains("url = {https://example.org/atlas/zh/regions/beijing/},"));
    assert!(bib.contains("date = {2026-11-20},"), "{bib}");
    let ris = s.read("public/zh/regions/beijing/cite.ris");
    assert!(ris.starts_with("TY  - ELEC\r\n"), "{ris}");
    assert!(ris.contains("DA  - 2026/11/20/\r\n"), "{ris}");
    assert!(ris.ends_with("ER  - \r\n"), "{ris}");

    // English pages: APA only.
    let en = s.html("public/en/regions/beijing/index.html");
    assert_eq!(select(&en, ".cite-box .cite-ref").len(), 1);
    // The comparison page too, with its own files.
    let cmp = s.html("public/en/compare/index.html");
    assert_eq!(select(&cmp, ".cite-box").len(), 1);
    assert!(
        s.read("public/en/compare/cite.ris")
            .contains("UR  - https://example.org/atlas/en/compare/")
    );
    // Section indexes and the home page have none.
    assert!(select(&s.html("public/en/regions/index.html"), ".cite-box").is_empty());
    assert!(!s.path("public/en/regions/cite.bib").exists());
    // No licence is set in the fixture: no licence line is made up.
    assert!(select(&zh, ".cite-license").is_empty());
}

#[test]
fn licence_comes_from_config() {
    let s = fixture("basic");
    let cfg = s.read("atlas.toml");
    s.write(
        "atlas.toml",
        &format!(
            "{cfg}\n[extra]\nlicense = \"CC BY 4.0\"\nlicense_url = \"https://creativecommons.org/licenses/by/4.0/\"\n"
        ),
    );
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    let doc = s.html("public/en/drugs/remestemcel/index.html");
    assert_eq!(
        attr(&doc, ".cite-license a[rel=license]", "href"),
        vec!["https://creativecommons.org/licenses/by/4.0/"]
    );
    assert!(text(&select(&doc, ".cite-license")[0]).contains("CC BY 4.0"));
}
