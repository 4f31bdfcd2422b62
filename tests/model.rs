//! End-to-end tests of the atlas model: schemas, cross-links, relations, sources, the
//! comparison table (HTML, CSV and JSON agree), taxonomies and the timeline.

mod common;
use common::*;

fn built() -> Site {
    let s = fixture("basic");
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    s
}

/// The comparison table as the HTML shows it: (region column slugs, rows of cell texts:
/// the dimension label, then each cell's value).
fn html_table(s: &Site, lang: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let doc = s.html(&format!("public/{lang}/compare/index.html"));
    let head: Vec<String> = attr(&doc, "table.compare thead th[data-region]", "data-region");
    let sel = |css: &str| scraper::Selector::parse(css).unwrap();
    let rows = select(&doc, "table.compare tbody tr")
        .iter()
        .map(|tr| {
            let label = tr
                .select(&sel("th .dim-label"))
                .next()
                .map(|e| text(&e))
                .unwrap();
            let mut v = vec![label];
            for td in tr.select(&sel("td")) {
                v.push(
                    text(&td.select(&sel(".val")).next().unwrap())
                        .trim()
                        .to_string(),
                );
            }
            v
        })
        .collect();
    (head, rows)
}

#[test]
fn compare_table_html_csv_json_agree_cell_by_cell() {
    let s = built();
    for lang in ["zh", "en"] {
        let (head, rows) = html_table(&s, lang);
        // CSV: UTF-8 with a byte-order mark.
        let bytes = std::fs::read(s.path(&format!("public/{lang}/compare/table.csv"))).unwrap();
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "no BOM");
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&bytes[3..]);
        let mut csv_rows: Vec<Vec<String>> = rdr
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        // The last column names the row's inferred cells ("Region: note"), not a region.
        let inferred: Vec<String> = csv_rows.iter_mut().map(|r| r.pop().unwrap()).collect();
        assert_eq!(&csv_rows[1..], &rows[..], "{lang}: CSV rows");
        // JSON: the same regions in the same order, and the same cells.
        let json: serde_json::Value =
            serde_json::from_str(&s.read(&format!("public/{lang}/compare/table.json"))).unwrap();
        let t = &json["table"];
        let field = |f: &str| -> Vec<String> {
            t["regions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r[f].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(head, field("slug"));
        assert_eq!(&csv_rows[0][1..], &field("title")[..], "{lang}: CSV header");
        for ((row, jrow), inferred) in rows
            .iter()
            .zip(t["rows"].as_array().unwrap())
            .zip(&inferred[1..])
        {
            assert_eq!(row[0], jrow["label"].as_str().unwrap());
            let notes: Vec<&str> = jrow["cells"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|c| c["inferred_note"].as_str())
                .collect();
            assert_eq!(notes.is_empty(), inferred.is_empty(), "{lang}: {inferred}");
            assert!(
                notes.iter().all(|n| inferred.contains(n)),
                "{lang}: {inferred}"
            );
            let cells: Vec<String> = jrow["cells"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["display"].as_str().unwrap().to_string())
                .collect();
            assert_eq!(&row[1..], &cells[..]);
        }
        // Both pages link to the data.
        let doc = s.html(&format!("public/{lang}/compare/index.html"));
        let hrefs = attr(&doc, "a", "href");
        assert!(
            hrefs.contains(&format!("/atlas/{lang}/compare/table.csv"))
                && hrefs.contains(&format!("/atlas/{lang}/compare/table.json"))
        );
    }
    // Known values and unknowns, in the reader's language.
    let (head, rows) = html_table(&s, "zh");
    assert_eq!(head, vec!["beijing", "shanghai"]);
    assert_eq!(rows[0], vec!["地方立法", "✓ 是", "◐ 部分"]);
    assert_eq!(rows[1], vec!["关键政策年份", "2024年", "未知"]);
    assert_eq!(rows[2], vec!["研究中心数量", "未知", "3"]);
    assert_eq!(rows[3], vec!["概要", "先行先试", "未知"]);
    let (_, rows) = html_table(&s, "en");
    assert_eq!(rows[0], vec!["Local legislation", "✓ yes", "◐ partial"]);
    assert_eq!(rows[2], vec!["Research centres", "unknown", "3"]);
    let json: serde_json::Value =
        serde_json::from_str(&s.read("public/en/compare/table.json")).unwrap();
    assert_eq!(json["table"]["known"], 5);
    assert_eq!(json["table"]["unknown"], 3);
    assert_eq!(json["table"]["rows"][0]["cells"][0]["value"], "yes");
    assert_eq!(
        json["table"]["rows"][0]["cells"][0]["source"]["id"],
        "paper"
    );
}

#[test]
fn compare_cells_link_to_region_and_source() {
    let s = built();
    let doc = s.html("public/zh/compare/index.html");
    // The column header links to the region page.
    let heads = attr(&doc, "table.compare thead th a", "href");
    assert!(
        heads.contains(&"/atlas/zh/regions/beijing/".to_string()),
        "{heads:?}"
    );
    // Each cell's citation is a link to the page's own source list, one numbering for the
    // whole table: both regions cite "paper", and it is [1] in every cell.
    let refs = select(&doc, "table.compare td a.src-ref");
    assert_eq!(refs.len(), 5);
    for r in &refs {
        assert_eq!(r.value().attr("href"), Some("#src-paper"), "{}", r.html());
        assert!(
            r.text().collect::<String>().starts_with("[1]"),
            "{}",
            r.html()
        );
    }
    // The list below the table has that entry, numbered once, and it links back to the
    // first cell that cites it.
    let entries = select(&doc, ".compare-sources ol > li");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].value().attr("id"), Some("src-paper"));
    let back = attr(&doc, ".compare-sources a.src-back", "href");
    assert_eq!(back, vec!["#cell-legislation-beijing".to_string()]);
    assert_eq!(select(&doc, "#cell-legislation-beijing").len(), 1);
    assert_eq!(select(&doc, "#src-paper").len(), 1);
}

#[test]
fn links_resolve_to_the_same_language() {
    let s = built();
    let zh = s.html("public/zh/regions/beijing/index.html");
    let hrefs = attr(&zh, ".prose a", "href");
    assert!(
        hrefs
            .iter()
            .any(|h| h.starts_with("/atlas/zh/regions/shanghai/#")),
        "{hrefs:?}"
    );
    assert!(
        hrefs.contains(&"/atlas/zh/drugs/remestemcel/".to_string()),
        "{hrefs:?}"
    );
    let en = s.html("public/en/regions/beijing/index.html");
    let hrefs = attr(&en, ".prose a", "href");
    assert!(
        hrefs.contains(&"/atlas/en/regions/shanghai/".to_string()),
        "{hrefs:?}"
    );
    assert!(
        hrefs.contains(&"/atlas/en/drugs/remestemcel/#approval".to_string()),
        "{hrefs:?}"
    );
}

#[test]
fn backlinks_and_relations() {
    let s = built();
    // Beijing is linked from the home page, from Shanghai's body and from the drug's `regions`.
    let doc = s.html("public/zh/regions/beijing/index.html");
    let back: Vec<String> = select(&doc, ".backlinks a").iter().map(text).collect();
    assert_eq!(back, vec!["上海", "瑞欧西", "首页"]);
    // The region page lists the drugs that name it.
    let drugs = attr(&doc, "a", "href");
    assert!(drugs.contains(&"/atlas/zh/drugs/remestemcel/".to_string()));
    // China lists Beijing and Shanghai as sub-regions (parent relation).
    let china = s.read("public/zh/regions/china/index.html");
    assert!(
        china.contains("/atlas/zh/regions/beijing/")
            && china.contains("/atlas/zh/regions/shanghai/")
    );
    // The drug's fact box links to its related region.
    let drug = s.html("public/en/drugs/remestemcel/index.html");
    assert!(attr(&drug, ".factbox a", "href").contains(&"/atlas/en/regions/beijing/".to_string()));
}

#[test]
fn sources_are_listed_and_numbered() {
    let s = built();
    let doc = s.html("public/zh/regions/beijing/index.html");
    let ids = attr(&doc, ".sources li", "id");
    // Inline citations first, then front matter sources.
    assert_eq!(ids, vec!["src-paper", "src-news"]);
    let page = s.read("public/zh/regions/beijing/index.html");
    assert!(page.contains(
        "<sup class=\"cite\">&#8288;[<a id=\"cite-1-1\" href=\"#src-paper\">1</a>]</sup>"
    ));
    // The source list links back to the first citation; a source not cited in the text
    // (front matter only) has no way back.
    assert_eq!(
        attr(&doc, ".sources li .src-back", "href"),
        vec!["#cite-1-1"]
    );
    // The registry page lists every source with the pages that cite it.
    let reg = s.html("public/en/sources/index.html");
    assert_eq!(
        attr(&reg, ".source-list > li", "id"),
        vec!["src-paper", "src-news", "src-unused"]
    );
    assert!(
        s.read("public/en/sources/index.html")
            .contains("https://doi.org/10.3969/j.issn.1003-6350.2024.07.027")
    );
}

#[test]
fn timeline_is_newest_first_and_links_back() {
    let s = built();
    let doc = s.html("public/zh/timeline/index.html");
    let dates = attr(&doc, ".timeline time", "datetime");
    assert_eq!(dates, vec!["2025-06-11", "2025-06", "2024-12", "2024"]);
    let links = attr(&doc, ".timeline li a.event-page", "href");
    assert_eq!(links[0], "/atlas/zh/regions/shanghai/");
    assert_eq!(links[2], "/atlas/zh/drugs/remestemcel/");
    // The Atom feed has one entry per event.
    let feed = s.read("public/zh/atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 4);
}

#[test]
fn taxonomy_pages_with_counts() {
    let s = built();
    let doc = s.html("public/zh/indications/index.html");
    let terms: Vec<String> = select(&doc, ".terms li")
        .iter()
        .map(|e| text(e).split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(terms, vec!["急性移植物抗宿主病 1"]);
    assert!(s.path("public/zh/cell-sources/骨髓/index.html").is_file());
    let status = s.read("public/en/status/approved/index.html");
    assert!(status.contains("/atlas/en/drugs/remestemcel/"));
    assert!(
        s.read("public/en/status/index.html")
            .contains(">Approved</a>")
    );
}

/// The fixture with Beijing's prescription event also on the drug's page, shared by `id`.
fn shared_prescription(s: &Site, drug_kind: &str, drug_source: &str) {
    s.edit(
        "content/regions/beijing.en.md",
        "[[region.events]]\ndate = \"2025-06\"",
        "[[region.events]]\nid = \"first-prescription\"\ndate = \"2025-06\"",
    );
    s.edit(
        "content/drugs/remestemcel.en.md",
        "source = \"news\"\n+++",
        &format!(
            "source = \"news\"\n\n[[drug.events]]\nid = \"first-prescription\"\ndate = \"2025-06\"\nkind = \"{drug_kind}\"\ntitle = \"First prescribed in Beijing.\"\nsource = \"{drug_source}\"\n+++"
        ),
    );
}

#[test]
fn an_event_shared_by_pages_is_one_timeline_entry_naming_them_all() {
    let s = fixture("basic");
    shared_prescription(&s, "prescription", "news");
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    let doc = s.html("public/en/timeline/index.html");
    let entries = select(&doc, ".timeline li#ev-first-prescription");
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    // The drug's sentence leads (its subject is the product); the region is named after it.
    assert!(
        text(e).contains("First prescribed in Beijing."),
        "{}",
        text(e)
    );
    let sel = scraper::Selector::parse("a.event-page").unwrap();
    let links: Vec<&str> = e
        .select(&sel)
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        links,
        ["/atlas/en/drugs/remestemcel/", "/atlas/en/regions/beijing/"]
    );
    assert_eq!(
        e.value().attr("data-pages"),
        Some("/atlas/en/drugs/remestemcel/ /atlas/en/regions/beijing/")
    );
    // Once in the list and the feed; a mark on each page's row of the picture, both
    // linking to the one entry.
    assert_eq!(select(&doc, ".timeline li").len(), 4);
    assert_eq!(s.read("public/en/atom.xml").matches("<entry>").count(), 4);
    let marks = attr(&doc, "#timeline-picture a.tl-point", "href");
    assert_eq!(
        marks
            .iter()
            .filter(|h| *h == "#ev-first-prescription")
            .count(),
        2
    );
    // Every mark of the picture links to an entry of the list.
    let ids = attr(&doc, ".timeline li", "id");
    assert!(
        marks.iter().all(|h| ids.contains(&h[1..].to_string())),
        "{marks:?} {ids:?}"
    );
    // The Chinese site, without the ids, still has each page's event.
    assert_eq!(
        select(&s.html("public/zh/timeline/index.html"), ".timeline li").len(),
        4
    );
}

#[test]
fn a_shared_event_that_differs_between_pages_is_an_error_naming_both() {
    let s = fixture("basic");
    shared_prescription(&s, "approval", "paper");
    let r = s.build(&[]);
    assert!(!r.ok(), "{r:?}");
    let err = &r.stderr;
    assert!(
        err.contains("event id \"first-prescription\" is shared with"),
        "{err}"
    );
    // Reported at the later page (by key), naming the first one's line.
    assert!(
        err.contains("content/regions/beijing.en.md:14:7: error"),
        "{err}"
    );
    assert!(
        err.contains("with content/drugs/remestemcel.en.md:22,"),
        "{err}"
    );
    assert!(
        err.contains("kind prescription here, approval there"),
        "{err}"
    );
    assert!(err.contains("source news here, paper there"), "{err}");
}

#[test]
fn term_pages_switch_language_to_the_same_term() {
    let s = built();
    let doc = s.html("public/zh/indications/急性移植物抗宿主病/index.html");
    let en = "/atlas/en/indications/acute-graft-versus-host-disease/";
    assert_eq!(attr(&doc, ".lang-switcher a", "href"), vec![en.to_string()]);
    let alternates = attr(&doc, "link[rel=alternate][hreflang=en]", "href");
    assert!(
        alternates.len() == 1 && alternates[0].ends_with(en),
        "{alternates:?}"
    );
    let doc = s.html("public/en/status/approved/index.html");
    assert_eq!(
        attr(&doc, ".lang-switcher a", "href"),
        vec!["/atlas/zh/status/approved/".to_string()]
    );
}

#[test]
fn a_term_whose_pages_differ_by_language_switches_to_the_list() {
    // The Chinese page names a second indication the English one does not: that term's
    // pages have no English term with their translations.
    let s = fixture("basic");
    s.edit(
        "content/drugs/remestemcel.zh.md",
        "indications = [\"急性移植物抗宿主病\"]",
        "indications = [\"急性移植物抗宿主病\", \"克罗恩病\"]",
    );
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    let doc = s.html("public/zh/indications/克罗恩病/index.html");
    assert_eq!(
        attr(&doc, ".lang-switcher a", "href"),
        vec!["/atlas/en/indications/".to_string()]
    );
    // No hreflang alternate claims the list is this term's translation.
    assert!(attr(&doc, "link[rel=alternate][hreflang=en]", "href").is_empty());
}

#[test]
fn untranslated_page_adds_no_terms_to_the_other_language() {
    // With no English file, /en/drugs/remestemcel/ shows the Chinese file, whose
    // indications and tissue source are Chinese: they are not English terms.
    let s = fixture("basic");
    s.remove("content/drugs/remestemcel.en.md");
    // (Beijing's link to the English heading #approval would be broken.)
    s.edit(
        "content/regions/beijing.en.md",
        "remestemcel.md#approval",
        "remestemcel.md",
    );
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    assert!(!s.path("public/en/indications/急性移植物抗宿主病").exists());
    assert!(!s.path("public/en/cell-sources/骨髓").exists());
    assert!(
        s.path("public/zh/indications/急性移植物抗宿主病/index.html")
            .is_file()
    );
    // The fallback page names them without a link to a page that does not exist.
    let doc = s.html("public/en/drugs/remestemcel/index.html");
    let facts = select(&doc, ".facts, dl")
        .iter()
        .map(text)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(facts.contains("急性移植物抗宿主病"), "{facts}");
    let hrefs = attr(&doc, "a", "href");
    assert!(
        !hrefs.iter().any(|h| h.contains("/en/indications/")
            || h.contains("/en/cell-sources/")
            || h.contains("/en/status/")),
        "{hrefs:?}"
    );
    // Every English page's links resolve (the status term has no English page left either).
    for h in hrefs.iter().filter(|h| h.starts_with("/atlas/en/")) {
        let rel = h.trim_start_matches("/atlas/").split('#').next().unwrap();
        let file = if rel.ends_with('/') {
            format!("public/{rel}index.html")
        } else {
            format!("public/{rel}")
        };
        assert!(s.path(&decode(&file)).exists(), "{h} -> {file}");
    }
}

fn fails_with(s: &Site, expect: &[&str]) {
    let r = s.build(&[]);
    assert_eq!(r.code, 1, "{r:?}");
    for e in expect {
        assert!(r.stderr.contains(e), "expected {e:?} in\n{}", r.stderr);
    }
    assert!(!r.stderr.contains("panicked"));
}

#[test]
fn schema_errors_name_file_line_and_allowed_values() {
    let s = fixture("basic");
    s.edit(
        "content/regions/beijing.zh.md",
        "kind = \"municipality\"",
        "kind = \"town\"",
    );
    s.edit(
        "content/drugs/remestemcel.en.md",
        "status = \"approved\"",
        "status = \"phase_4\"",
    );
    s.edit(
        "content/drugs/remestemcel.zh.md",
        "regions = [\"beijing\"]",
        "regions = [\"beijing\", \"atlantis\"]",
    );
    s.edit(
        "content/regions/shanghai.zh.md",
        "date = \"2025-06-11\"",
        "date = \"2025-06-31\"",
    );
    s.edit(
        "content/regions/china.en.md",
        "kind = \"national\"",
        "kind = \"national\"\nparent = \"mars\"",
    );
    s.edit(
        "content/regions/china.zh.md",
        "[region]\nkind = \"national\"\nsources = [\"paper\"]\n",
        "",
    );
    fails_with(
        &s,
        &[
            "content/regions/beijing.zh.md:9:8: error: front matter: unknown variant `town`, expected one of `national`, `municipality`",
            "content/drugs/remestemcel.en.md:10:10: error: front matter: unknown variant `phase_4`, expected one of `approved`",
            "content/drugs/remestemcel.zh.md:12:23: error: related region `atlantis` does not exist",
            "content/regions/shanghai.zh.md:11:8: error: front matter: `2025-06-31` is not a date",
            "content/regions/china.en.md:7:11: error: parent region `mars` does not exist",
            "content/regions/china.zh.md:2:1: error: a region page needs a [region] table",
            "hint: use the slug of a page in content/regions/: beijing, china",
            "Build failed: 6 error(s)",
        ],
    );
}

#[test]
fn compare_errors() {
    let s = fixture("basic");
    s.edit(
        "content/regions/beijing.zh.md",
        "[region.compare.legislation]\nvalue = \"yes\"",
        "[region.compare.legislation]\nvalue = \"maybe\"",
    );
    s.edit("content/regions/beijing.en.md", "[region.compare.key_year]", "[region.compare.funding]\nvalue = \"yes\"\nsource = \"paper\"\n\n[region.compare.key_year]");
    s.edit(
        "content/regions/shanghai.zh.md",
        "value = 3",
        "value = \"three\"",
    );
    fails_with(
        &s,
        &[
            "content/regions/beijing.zh.md:27:1: error: [region.compare.legislation]: \"maybe\" is not one of \"yes\", \"no\", \"partial\"",
            "content/regions/beijing.en.md:30:1: error: unknown comparison dimension `funding`",
            "hint: use one of the ids in data/dimensions.toml: legislation, key_year, centres, summary",
            "content/regions/shanghai.zh.md:21:1: error: [region.compare.centres]: \"three\" is not a number",
            "Build failed: 3 error(s)",
        ],
    );
}

#[test]
fn link_and_source_errors_are_reported_together() {
    let s = fixture("basic");
    s.edit(
        "content/regions/beijing.zh.md",
        "[上海](@/regions/shanghai.md#历史)",
        "[上海](@/regions/shanghai.md#没有)",
    );
    s.edit(
        "content/regions/beijing.en.md",
        "See [Shanghai](@/regions/shanghai.md)",
        "See [Nowhere](@/regions/nowhere.md)",
    );
    s.edit(
        "content/drugs/remestemcel.en.md",
        "Approved[@news].",
        "Approved[@nosuch].",
    );
    s.edit(
        "content/drugs/remestemcel.zh.md",
        "sources = [\"news\"]",
        "sources = [\"news\", \"ghost\"]",
    );
    fails_with(
        &s,
        &[
            "content/regions/beijing.zh.md:56:5: error: broken anchor #没有: content/regions/shanghai.zh.md has no heading with that id",
            "hint: its headings are: #历史",
            "content/regions/beijing.en.md:46:5: error: broken link @/regions/nowhere.md",
            "content/drugs/remestemcel.en.md:23:9: error: citation [@nosuch]: no source with id `nosuch`",
            "content/drugs/remestemcel.zh.md:13:20: error: unknown source id `ghost`",
            "Build failed: 4 error(s)",
        ],
    );
}

#[test]
fn uncited_source_is_a_warning_not_an_error() {
    let s = built();
    let r = s.build(&[]);
    assert!(r.ok());
    assert!(
        r.stderr
            .contains("data/sources.toml:17:6: warning: source `unused` is not cited by any page"),
        "{r:?}"
    );
}

/// The comparison CSV as a spreadsheet program reads it: no cell starts with a formula
/// trigger (`=`, `+`, `-`, `@`, tab, carriage return), whatever the content says.
#[test]
fn compare_csv_neutralises_formula_cells() {
    let s = common::fixture("basic");
    let page = s.path("content/regions/beijing.en.md");
    let text = std::fs::read_to_string(&page)
        .unwrap()
        .replace(
            "title = \"Beijing\"",
            "title = \"=HYPERLINK(\\\"http://evil.example\\\",\\\"x\\\")\"",
        )
        .replace("value = \"first to try\"", "value = \"@SUM(1+1)\"");
    std::fs::write(&page, text).unwrap();
    let dims = s.path("data/dimensions.toml");
    let d = std::fs::read_to_string(&dims)
        .unwrap()
        .replace("en = \"Summary\"", "en = \"-1+2\"");
    std::fs::write(&dims, d).unwrap();
    let run = common::atlas(&["build"], s.dir.path());
    assert!(run.ok(), "{run:?}");
    let bytes = std::fs::read(s.path("public/en/compare/table.csv")).unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    let cells: Vec<String> = rdr
        .records()
        .flat_map(|r| r.unwrap().iter().map(String::from).collect::<Vec<_>>())
        .collect();
    for c in &cells {
        assert!(
            !c.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "a formula cell reaches the CSV: {c:?}"
        );
    }
    for want in [
        "'=HYPERLINK(\"http://evil.example\",\"x\")",
        "'@SUM(1+1)",
        "'-1+2",
    ] {
        assert!(cells.iter().any(|c| c == want), "{want} in {cells:?}");
    }
}
