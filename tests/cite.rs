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
    // The Dataset record names it too.
    let ds = json_ld_blocks(&s)
        .into_iter()
        .find(|(_, v)| v["@type"] == "Dataset")
        .unwrap()
        .1;
    assert_eq!(
        ds["license"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
}

/// Every JSON-LD block of a built site, parsed as JSON: (file, value).
fn json_ld_blocks(s: &Site) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(s.path("public")) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let doc = scraper::Html::parse_document(&std::fs::read_to_string(e.path()).unwrap());
        for script in select(&doc, "script[type=\"application/ld+json\"]") {
            let text: String = script.text().collect();
            let v: serde_json::Value = serde_json::from_str(&text)
                .unwrap_or_else(|err| panic!("{:?}: {err}: {text}", e.path()));
            out.push((e.path().display().to_string(), v));
        }
    }
    out
}

#[test]
fn json_ld_parses_and_has_the_required_keys() {
    let s = fixture("basic");
    // A title that tries to end the script element and open a comment.
    s.edit(
        "content/regions/beijing.en.md",
        "title = \"Beijing\"",
        "title = \"Beijing </script><!-- & <b>\"",
    );
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    let blocks = json_ld_blocks(&s);
    let (mut articles, mut datasets) = (0, 0);
    for (file, v) in &blocks {
        assert_eq!(v["@context"], "https://schema.org", "{file}");
        match v["@type"].as_str() {
            Some("Article") => {
                articles += 1;
                for k in ["headline", "inLanguage", "url", "citation"] {
                    assert!(!v[k].is_null(), "{file}: no {k}");
                }
                assert!(
                    v["url"]
                        .as_str()
                        .unwrap()
                        .starts_with("https://example.org/atlas/")
                );
                for c in v["citation"].as_array().unwrap() {
                    assert!(c["url"].is_string(), "{file}: citation without URL {c}");
                }
            }
            Some("Dataset") => {
                datasets += 1;
                for k in ["name", "description", "distribution", "url"] {
                    assert!(!v[k].is_null(), "{file}: no {k}");
                }
                let formats: Vec<&str> = v["distribution"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d["encodingFormat"].as_str().unwrap())
                    .collect();
                assert_eq!(formats, vec!["text/csv", "application/json"], "{file}");
                // No licence is set in the fixture: none is made up.
                assert!(v["license"].is_null(), "{file}");
            }
            other => panic!("{file}: unexpected @type {other:?}"),
        }
    }
    assert!(articles >= 4, "{articles} articles");
    assert_eq!(datasets, 2, "one Dataset per language");
    // The hostile title came through as data, whole.
    let page = s.read("public/en/regions/beijing/index.html");
    let ld = json_ld_blocks(&s)
        .into_iter()
        .find(|(f, v)| f.ends_with("en/regions/beijing/index.html") && v["@type"] == "Article")
        .unwrap()
        .1;
    assert_eq!(ld["headline"], "Beijing </script><!-- & <b>");
    assert_eq!(
        page.matches("</script>").count(),
        page.matches("<script").count()
    );
    // The page's dated review is its dateModified.
    assert_eq!(ld["dateModified"].as_str().unwrap().len(), 10);
}
