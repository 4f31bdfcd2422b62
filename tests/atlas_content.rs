//! Checks on the repository's own atlas content (not fixtures): a later edit that breaks
//! translation parity, a link, a citation or the comparison table fails CI.

mod common;
use common::*;
use std::collections::BTreeSet;

#[test]
fn builds_with_no_error_and_no_warning() {
    let (_out, r) = build_repo();
    assert!(r.ok(), "{r:?}");
    assert!(
        !r.stderr.contains("warning"),
        "the atlas content must build without warnings:\n{}",
        r.stderr
    );
}

#[test]
fn every_page_exists_in_both_languages() {
    let mut zh = BTreeSet::new();
    let mut en = BTreeSet::new();
    for e in walkdir::WalkDir::new(repo().join("content")) {
        let e = e.unwrap();
        let name = e
            .path()
            .strip_prefix(repo().join("content"))
            .unwrap()
            .to_string_lossy()
            .to_string();
        if let Some(stem) = name.strip_suffix(".zh.md") {
            zh.insert(stem.to_string());
        } else if let Some(stem) = name.strip_suffix(".en.md") {
            en.insert(stem.to_string());
        }
    }
    assert!(zh.len() > 20);
    assert_eq!(zh, en, "pages present in one language only");
}

#[test]
fn structured_facts_agree_across_languages() {
    let config = atlas::config::Config::load(repo()).unwrap();
    let content = atlas::content::load(repo(), &config);
    assert!(content.diagnostics.is_empty(), "{:?}", content.diagnostics);
    let find = |key: &str, lang: &str| {
        content
            .pages
            .iter()
            .find(|p| p.key() == key && p.lang == lang)
    };
    let dims = atlas::data::Data::load(repo(), &["zh", "en"]).0;
    let mut checked = 0;
    for zh in content.pages.iter().filter(|p| p.lang == "zh") {
        let en = find(&zh.key(), "en").expect("translation");
        let file = zh.file.display();
        if let (Some(a), Some(b)) = (&zh.front.region, &en.front.region) {
            assert_eq!(a.kind, b.kind, "{file}: kind");
            assert_eq!(a.parent, b.parent, "{file}: parent");
            assert_eq!(a.sources, b.sources, "{file}: sources");
            assert_eq!(a.regulators, b.regulators, "{file}: regulators");
            assert_eq!(a.policy_bodies, b.policy_bodies, "{file}: policy_bodies");
            let ev = |r: &atlas::schema::RegionData| {
                r.events
                    .iter()
                    .map(|e| (e.date, e.kind, e.source.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(ev(a), ev(b), "{file}: events");
            assert_eq!(
                a.compare.keys().collect::<Vec<_>>(),
                b.compare.keys().collect::<Vec<_>>(),
                "{file}: compare dimensions"
            );
            for (k, va) in &a.compare {
                let vb = &b.compare[k];
                assert_eq!(va.source, vb.source, "{file}: compare {k} source");
                let text = dims
                    .dimension(k)
                    .map(|d| d.kind == atlas::data::DimensionType::Text)
                    .unwrap_or(false);
                if !text {
                    assert_eq!(va.value, vb.value, "{file}: compare {k} value");
                }
            }
            checked += 1;
        }
        if let (Some(a), Some(b)) = (&zh.front.drug, &en.front.drug) {
            assert_eq!(a.status, b.status, "{file}: status");
            assert_eq!(a.regions, b.regions, "{file}: regions");
            assert_eq!(a.sources, b.sources, "{file}: sources");
            assert_eq!(a.inn, b.inn, "{file}: inn");
            assert_eq!(a.brand, b.brand, "{file}: brand");
            let ev = |d: &atlas::schema::DrugData| {
                d.events
                    .iter()
                    .map(|e| (e.date, e.kind, e.source.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(ev(a), ev(b), "{file}: events");
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} pages checked");
}

#[test]
fn every_link_in_the_built_site_resolves() {
    let (out, r) = build_repo();
    assert!(r.ok(), "{r:?}");
    let public = out.path().join("public");
    let mut checked = 0;
    for e in walkdir::WalkDir::new(&public) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let html = std::fs::read_to_string(e.path()).unwrap();
        assert!(
            !html.contains("class=\"notice\""),
            "{:?} is an untranslated fallback page",
            e.path()
        );
        let doc = scraper::Html::parse_document(&html);
        for (css, a) in [
            ("a[href]", "href"),
            ("link[href]", "href"),
            ("img[src]", "src"),
            ("script[src]", "src"),
        ] {
            for url in attr(&doc, css, a) {
                if url.starts_with("http://")
                    || url.starts_with("https://")
                    || url.starts_with("mailto:")
                {
                    continue;
                }
                let (path, frag) = url.split_once('#').unwrap_or((&url, ""));
                let target = if path.is_empty() {
                    e.path().to_path_buf()
                } else {
                    // Root-relative (what the theme writes) or relative to the page's
                    // folder (what an editor may write in Markdown).
                    let rel = match path.strip_prefix('/') {
                        Some(p) => decode(p),
                        None => {
                            let dir = e.path().parent().unwrap().strip_prefix(&public).unwrap();
                            let mut parts: Vec<String> = dir
                                .components()
                                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                                .collect();
                            for seg in decode(path).split('/') {
                                match seg {
                                    "" | "." => {}
                                    ".." => {
                                        assert!(
                                            parts.pop().is_some(),
                                            "{url} leaves the site in {:?}",
                                            e.path()
                                        );
                                    }
                                    s => parts.push(s.to_string()),
                                }
                            }
                            let trailing = if path.ends_with('/') { "/" } else { "" };
                            format!("{}{trailing}", parts.join("/"))
                        }
                    };
                    if rel.is_empty() || rel.ends_with('/') {
                        public.join(&rel).join("index.html")
                    } else {
                        public.join(&rel)
                    }
                };
                assert!(target.is_file(), "{url} in {:?} leads nowhere", e.path());
                if !frag.is_empty() && target.extension().is_some_and(|x| x == "html") {
                    let id = decode(frag);
                    let t = std::fs::read_to_string(&target).unwrap();
                    assert!(
                        t.contains(&format!("id=\"{id}\"")),
                        "{url} in {:?}: no element with id {id}",
                        e.path()
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "only {checked} links checked");
}

#[test]
fn comparison_table_covers_the_five_regions() {
    let (out, r) = build_repo();
    assert!(r.ok(), "{r:?}");
    for lang in ["zh", "en"] {
        let json: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.path().join(format!("public/{lang}/compare/table.json")))
                .unwrap(),
        )
        .unwrap();
        let t = &json["table"];
        let slugs: Vec<&str> = t["regions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["slug"].as_str().unwrap())
            .collect();
        for s in ["beijing", "shanghai", "shenzhen", "hunan", "hainan-boao"] {
            assert!(
                slugs.contains(&s),
                "{lang}: {s} missing from the table: {slugs:?}"
            );
        }
        let rows = t["rows"].as_array().unwrap().len();
        assert!((10..=16).contains(&rows), "{lang}: {rows} dimensions");
        let known = t["known"].as_u64().unwrap() as f64;
        let total = t["total"].as_u64().unwrap() as f64;
        assert!(
            known / total >= 0.6,
            "{lang}: only {known} of {total} cells known"
        );
        // Every known cell cites a source.
        for row in t["rows"].as_array().unwrap() {
            for c in row["cells"].as_array().unwrap() {
                if c["known"] == true {
                    assert!(c["source"]["id"].is_string(), "{c}");
                }
            }
        }
    }
}

#[test]
fn no_placeholder_text() {
    for e in walkdir::WalkDir::new(repo().join("content"))
        .into_iter()
        .chain(walkdir::WalkDir::new(repo().join("data")))
    {
        let e = e.unwrap();
        if !e.file_type().is_file() {
            continue;
        }
        let t = std::fs::read_to_string(e.path()).unwrap();
        for bad in [
            "TODO",
            "TBD",
            "FIXME",
            "lorem",
            "Lorem",
            "XXX",
            "待补充",
            "待定",
        ] {
            assert!(!t.contains(bad), "{:?} contains {bad}", e.path());
        }
        if e.path().extension().is_some_and(|x| x == "md") {
            let body = t.splitn(3, "+++").nth(2).unwrap_or("");
            assert!(body.trim().len() > 20, "{:?} has an empty body", e.path());
        }
    }
}

/// The real content and registries, read the way `atlas build` reads them (no site model, so
/// each rule below is checked here independently of the build's own checks).
fn real_content() -> (atlas::content::Content, atlas::data::Data) {
    let config = atlas::config::Config::load(repo()).unwrap();
    let content = atlas::content::load(repo(), &config);
    assert!(content.diagnostics.is_empty(), "{:?}", content.diagnostics);
    let (data, diags) = atlas::data::Data::load(repo(), &["zh", "en"]);
    assert!(diags.is_empty(), "{diags:?}");
    (content, data)
}

#[test]
fn regulators_lists_only_regulators() {
    let (content, data) = real_content();
    let mut checked = 0;
    let mut bad = Vec::new();
    for p in &content.pages {
        let Some(r) = &p.front.region else { continue };
        for id in &r.regulators {
            match data.body(id) {
                Some(b) if b.kind == atlas::data::BodyKind::Regulator => checked += 1,
                Some(b) => bad.push(format!(
                    "{}: `{id}` is a {}, not a regulator",
                    p.file.display(),
                    b.kind.key()
                )),
                None => bad.push(format!(
                    "{}: `{id}` is not in data/bodies.toml",
                    p.file.display()
                )),
            }
        }
        for id in &r.policy_bodies {
            if data
                .body(id)
                .is_none_or(|b| b.kind == atlas::data::BodyKind::Regulator)
            {
                bad.push(format!(
                    "{}: policy body `{id}` is a regulator or unknown",
                    p.file.display()
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(checked >= 20, "only {checked} regulator entries checked");
}

#[test]
fn every_drug_status_says_as_of_when() {
    let (content, _) = real_content();
    let mut checked = 0;
    for p in &content.pages {
        let Some(d) = &p.front.drug else { continue };
        assert!(
            d.status_as_of.is_some(),
            "{}: status `{}` without status_as_of (the date the sources show it as true)",
            p.file.display(),
            d.status.key()
        );
        if d.price.is_some() {
            assert!(
                d.price_as_of.is_some(),
                "{}: a price without price_as_of",
                p.file.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 14, "only {checked} drug pages checked");
}

/// Every inference mark of a page, as (what is marked, its note): `drug.inn`,
/// `events[2024-01-18]`, `compare.local_legislation`.
fn inference_marks(p: &atlas::content::SourcePage) -> Vec<(String, String)> {
    let mut v = Vec::new();
    let events = |v: &mut Vec<(String, String)>, evs: &Vec<atlas::schema::Event>| {
        for e in evs {
            if let Some(n) = &e.inferred {
                v.push((format!("events[{}]", e.date), n.clone()));
            }
        }
    };
    if let Some(r) = &p.front.region {
        events(&mut v, &r.events);
        for (k, n) in &r.inferred {
            v.push((format!("region.{k}"), n.clone()));
        }
        for (k, c) in &r.compare {
            if let Some(n) = &c.inferred {
                v.push((format!("compare.{k}"), n.clone()));
            }
        }
    }
    if let Some(d) = &p.front.drug {
        events(&mut v, &d.events);
        for (k, n) in &d.inferred {
            v.push((format!("drug.{k}"), n.clone()));
        }
    }
    v
}

#[test]
fn every_inferred_value_has_its_note_in_both_languages() {
    let (content, _) = real_content();
    let mut checked = 0;
    for zh in content.pages.iter().filter(|p| p.lang == "zh") {
        let en = content
            .pages
            .iter()
            .find(|p| p.key() == zh.key() && p.lang == "en")
            .expect("translation");
        let (a, b) = (inference_marks(zh), inference_marks(en));
        let names = |m: &[(String, String)]| m.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&a),
            names(&b),
            "{}: a value is marked as the atlas's inference in one language only",
            zh.file.display()
        );
        for (what, note) in a.iter().chain(&b) {
            assert!(
                !note.trim().is_empty(),
                "{}: {what} has an empty note",
                zh.file.display()
            );
        }
        checked += a.len();
    }
    assert!(checked >= 15, "only {checked} inference marks checked");
}

#[test]
fn every_source_note_is_in_both_languages() {
    let (_, data) = real_content();
    for s in &data.sources {
        let Some(note) = &s.note else { continue };
        let atlas::data::Localized::ByLang(by_lang) = note else {
            panic!(
                "data/sources.toml: source {:?} has one note for both languages; write note = {{ zh = \"...\", en = \"...\" }}",
                s.id
            );
        };
        for lang in ["zh", "en"] {
            assert!(
                by_lang.get(lang).is_some_and(|t| !t.trim().is_empty()),
                "data/sources.toml: the note of source {:?} has no `{lang}` text",
                s.id
            );
        }
        if s.lang.as_deref() == Some("zh") {
            assert!(
                s.title_en.is_some(),
                "source {:?}: a Chinese title without title_en",
                s.id
            );
        }
    }
    assert!(data.sources.iter().filter(|s| s.note.is_some()).count() >= 6);
}
