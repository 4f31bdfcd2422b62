//! Deployment tests: a site built for a sub-path works there link by link, its sitemap and
//! feeds are valid XML with the expected entries, and builds are reproducible.

mod common;
use common::*;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use atlas::build::BuildArgs;
use quick_xml::events::Event;

const BASE: &str = "https://example.org/atlas/";
const ORIGIN: &str = "https://example.org";
const PREFIX: &str = "/atlas/";

fn built(dir_name: &str) -> Site {
    let s = fixture(dir_name);
    let r = s.build(&["--base-url", BASE, "--drafts"]);
    assert!(r.ok(), "{r:?}");
    s
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Where a URL path under the base path is served from, as a server maps it: `dir/` to
/// `dir/index.html`, a folder without the slash to its index.html.
fn file_for(out: &Path, path_under_base: &str) -> Option<PathBuf> {
    let p = decode(path_under_base);
    let candidate = out.join(&p);
    if p.is_empty() || p.ends_with('/') {
        let f = candidate.join("index.html");
        return f.is_file().then_some(f);
    }
    if candidate.is_file() {
        return Some(candidate);
    }
    let f = candidate.join("index.html");
    f.is_file().then_some(f)
}

/// Ids (and names) of elements in an HTML file, cached.
fn ids<'a>(cache: &'a mut HashMap<PathBuf, BTreeSet<String>>, f: &Path) -> &'a BTreeSet<String> {
    cache.entry(f.to_path_buf()).or_insert_with(|| {
        let doc = scraper::Html::parse_document(&std::fs::read_to_string(f).unwrap());
        let mut set = BTreeSet::new();
        for e in select(&doc, "[id], a[name]") {
            set.extend(e.value().attr("id").map(String::from));
            set.extend(e.value().attr("name").map(String::from));
        }
        set
    })
}

/// Resolves a link found in the page at URL path `page` (under the base path) to a path under
/// the base path; None for links that leave the site (other hosts, mailto:).
fn resolve(page: &str, link: &str) -> Result<Option<String>, String> {
    let lower = link.to_ascii_lowercase();
    if lower.starts_with("mailto:") || lower.starts_with("tel:") || lower.starts_with("data:") {
        return Ok(None);
    }
    if let Some(rest) = link.strip_prefix(ORIGIN) {
        return match rest.strip_prefix(PREFIX) {
            Some(p) => Ok(Some(p.to_string())),
            None => Err(format!("{link} is on the site's host but outside {PREFIX}")),
        };
    }
    if lower.starts_with("http://") || lower.starts_with("https://") || link.starts_with("//") {
        return Ok(None);
    }
    if link.contains(':') && !link.starts_with('/') && !link.starts_with('#') {
        let scheme = link.split(':').next().unwrap_or("");
        if !scheme.contains('/') {
            return Err(format!("unexpected URL scheme in {link}"));
        }
    }
    if let Some(rest) = link.strip_prefix('/') {
        return match ("/".to_string() + rest).strip_prefix(PREFIX) {
            Some(p) => Ok(Some(p.to_string())),
            None if link == "/atlas" => Ok(Some(String::new())),
            None => Err(format!(
                "{link} is root-relative but not under {PREFIX}: it breaks when the site is served from a sub-path"
            )),
        };
    }
    // Relative to the page's folder.
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop(); // the file name, or "" after a trailing slash
    let (path_part, suffix) = match link.find(['#', '?']) {
        Some(i) => (&link[..i], &link[i..]),
        None => (link, ""),
    };
    if path_part.is_empty() {
        return Ok(Some(format!("{page}{suffix}")));
    }
    for seg in path_part.split('/') {
        match seg {
            "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("{link} climbs above the base path"));
                }
            }
            s => parts.push(s),
        }
    }
    let mut p = parts.join("/");
    if path_part.ends_with('/') && !p.ends_with('/') {
        p.push('/');
    }
    Ok(Some(format!("{p}{suffix}")))
}

#[test]
fn sub_path_build_every_link_resolves() {
    let s = built("basic");
    let out = s.path("public");
    let mut id_cache: HashMap<PathBuf, BTreeSet<String>> = HashMap::new();
    let mut problems = Vec::new();
    let mut checked = 0usize;
    for (rel, bytes) in files(&out) {
        if !rel.ends_with(".html") {
            continue;
        }
        // The URL path (under the base) this file is served at.
        let page = match rel.strip_suffix("index.html") {
            Some(dir) => dir.to_string(),
            None => rel.clone(),
        };
        let doc = scraper::Html::parse_document(&String::from_utf8(bytes).unwrap());
        let mut links: Vec<String> = Vec::new();
        for e in select(&doc, "[href], [src], [srcset], meta[http-equiv]") {
            let v = e.value();
            links.extend(v.attr("href").map(String::from));
            links.extend(v.attr("src").map(String::from));
            if let Some(set) = v.attr("srcset") {
                links.extend(
                    set.split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .map(String::from),
                );
            }
            if v.attr("http-equiv")
                .is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
            {
                let content = v.attr("content").unwrap_or("");
                if let Some(i) = content.to_ascii_lowercase().find("url=") {
                    links.push(content[i + 4..].trim().to_string());
                }
            }
        }
        for link in links {
            checked += 1;
            let target = match resolve(&page, &link) {
                Ok(Some(t)) => t,
                Ok(None) => continue,
                Err(e) => {
                    problems.push(format!("{rel}: {e}"));
                    continue;
                }
            };
            let (path, frag) = match target.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(decode(f))),
                None => (target.clone(), None),
            };
            let path = path.split('?').next().unwrap_or("").to_string();
            let Some(file) = file_for(&out, &path) else {
                problems.push(format!(
                    "{rel}: {link} -> /atlas/{path} is not in the output"
                ));
                continue;
            };
            if let Some(frag) = frag.filter(|f| !f.is_empty()) {
                if file.extension().is_some_and(|e| e == "html")
                    && !ids(&mut id_cache, &file).contains(&frag)
                {
                    problems.push(format!(
                        "{rel}: {link}: no element with id {frag:?} in {}",
                        file.strip_prefix(&out).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} broken:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(checked > 500, "only {checked} links seen");
    // The stylesheet is linked under the sub-path, and nothing is loaded from another host.
    let home = s.read("public/en/index.html");
    assert!(home.contains("href=\"/atlas/style.css"), "{home}");
}

/// One `<url>` of a sitemap.
#[derive(Debug, Default)]
struct UrlEntry {
    loc: String,
    lastmod: Option<String>,
    alternates: Vec<(String, String)>,
}

/// The text an entity or character reference stands for.
fn ref_text(r: &quick_xml::events::BytesRef) -> String {
    if let Some(c) = r.resolve_char_ref().unwrap() {
        return c.to_string();
    }
    let name = r.decode().unwrap();
    quick_xml::escape::unescape(&format!("&{name};"))
        .unwrap_or_else(|e| panic!("unknown entity &{name};: {e}"))
        .into_owned()
}

fn parse_sitemap(xml: &str) -> Vec<UrlEntry> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut entries = Vec::new();
    let mut cur: Option<UrlEntry> = None;
    let mut field = String::new();
    let mut text = String::new();
    let mut root = None;
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("invalid XML: {e}"))
        {
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                text.clear();
                if root.is_none() {
                    root = Some(name.clone());
                }
                match name.as_str() {
                    "url" => cur = Some(UrlEntry::default()),
                    "xhtml:link" => {
                        let mut hreflang = String::new();
                        let mut href = String::new();
                        let mut rel = String::new();
                        for a in e.attributes() {
                            let a = a.unwrap();
                            let v = a
                                .decoded_and_normalized_value(
                                    quick_xml::XmlVersion::Explicit1_0,
                                    reader.decoder(),
                                )
                                .unwrap()
                                .to_string();
                            match a.key.as_ref() {
                                b"hreflang" => hreflang = v,
                                b"href" => href = v,
                                b"rel" => rel = v,
                                _ => {}
                            }
                        }
                        assert_eq!(rel, "alternate");
                        cur.as_mut().unwrap().alternates.push((hreflang, href));
                    }
                    _ => field = name,
                }
            }
            Event::Text(t) => text.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) => text.push_str(&ref_text(&r)),
            Event::End(e) => {
                if let Some(c) = cur.as_mut() {
                    match field.as_str() {
                        "loc" => c.loc = std::mem::take(&mut text),
                        "lastmod" => c.lastmod = Some(std::mem::take(&mut text)),
                        _ => {}
                    }
                }
                if e.name().as_ref() == b"url" {
                    entries.push(cur.take().unwrap());
                }
                field.clear();
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(root.as_deref(), Some("urlset"));
    entries
}

fn load_site(root: &Path) -> atlas::site::Site {
    let args = BuildArgs {
        root: root.to_path_buf(),
        output_dir: None,
        base_url: Some(BASE.into()),
        drafts: true,
    };
    match atlas::build::load(&args) {
        Ok((site, _)) => site,
        Err(e) => panic!("{e}"),
    }
}

fn permalink(site: &atlas::site::Site, page: usize) -> String {
    format!("{ORIGIN}{}", site.url(page))
}

#[test]
fn sitemap_lists_every_page_with_lastmod_and_alternates() {
    let s = built("basic");
    let site = load_site(s.root());
    let entries = parse_sitemap(&s.read("public/sitemap.xml"));
    let by_loc: HashMap<&str, &UrlEntry> = entries.iter().map(|e| (e.loc.as_str(), e)).collect();
    assert_eq!(by_loc.len(), entries.len(), "duplicate <loc>");
    let out = s.path("public");
    for e in &entries {
        let path = e
            .loc
            .strip_prefix(BASE)
            .unwrap_or_else(|| panic!("{} is not under {BASE}", e.loc));
        assert!(
            file_for(&out, path).is_some(),
            "{} is not in the output",
            e.loc
        );
        let lastmod = e
            .lastmod
            .as_deref()
            .unwrap_or_else(|| panic!("{} has no lastmod", e.loc));
        assert!(
            chrono::NaiveDate::parse_from_str(lastmod, "%Y-%m-%d").is_ok(),
            "{lastmod}"
        );
    }
    let tag = |l: &str| site.config.language(l).unwrap().tag.clone();
    let mut pages = 0;
    for i in 0..site.pages.len() {
        let url = permalink(&site, i);
        if site.pages[i].fallback {
            assert!(
                !by_loc.contains_key(url.as_str()),
                "fallback page {url} listed"
            );
            continue;
        }
        pages += 1;
        let e = by_loc
            .get(url.as_str())
            .unwrap_or_else(|| panic!("{url} missing from the sitemap"));
        // lastmod is the page's `updated` (or `date`) when it has one.
        let f = site.file(i);
        if let Some(d) = f.front.updated.or(f.front.date) {
            assert_eq!(
                e.lastmod.as_deref(),
                Some(d.first_day().to_string().as_str()),
                "{url}"
            );
        }
        let want: Vec<(String, String)> = site
            .translations(i)
            .into_iter()
            .filter(|&t| !site.pages[t].fallback)
            .map(|t| (tag(&site.pages[t].lang), permalink(&site, t)))
            .collect();
        if want.len() > 1 {
            assert_eq!(e.alternates, want, "{url}");
        } else {
            assert!(e.alternates.is_empty(), "{url}: {:?}", e.alternates);
        }
    }
    assert!(pages > 10, "{pages}");
    assert!(
        site.pages.iter().any(|p| p.fallback),
        "the fixture has a fallback page"
    );
    // The generated lists are there too, in both languages with alternates.
    for g in ["compare/", "timeline/", "sources/"] {
        for l in ["zh", "en"] {
            let e = by_loc[format!("{BASE}{l}/{g}").as_str()];
            assert_eq!(e.alternates.len(), 2, "{g}");
        }
    }
    let robots = s.read("public/robots.txt");
    assert!(
        robots.contains(&format!("Sitemap: {BASE}sitemap.xml")),
        "{robots}"
    );
}

#[derive(Debug, Default)]
struct Feed {
    id: String,
    self_link: String,
    entries: Vec<(String, String, String, String)>, // id, title, updated, link
}

fn parse_atom(xml: &str) -> Feed {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut feed = Feed::default();
    let mut stack: Vec<String> = Vec::new();
    let mut entry: Option<(String, String, String, String)> = None;
    let mut text = String::new();
    loop {
        let ev = reader
            .read_event()
            .unwrap_or_else(|e| panic!("invalid XML: {e}"));
        let is_start = matches!(ev, Event::Start(_));
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8(e.local_name().as_ref().to_vec()).unwrap();
                text.clear();
                if stack.is_empty() {
                    assert_eq!(name, "feed");
                }
                if name == "entry" {
                    entry = Some(Default::default());
                }
                if name == "link" {
                    let mut href = String::new();
                    let mut rel = String::from("alternate");
                    for a in e.attributes() {
                        let a = a.unwrap();
                        let v = a
                            .decoded_and_normalized_value(
                                quick_xml::XmlVersion::Explicit1_0,
                                reader.decoder(),
                            )
                            .unwrap()
                            .to_string();
                        match a.key.as_ref() {
                            b"href" => href = v,
                            b"rel" => rel = v,
                            _ => {}
                        }
                    }
                    match entry.as_mut() {
                        Some(en) => en.3 = href,
                        None if rel == "self" => feed.self_link = href,
                        None => {}
                    }
                }
                if is_start {
                    stack.push(name);
                }
            }
            Event::Text(t) => text.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) => text.push_str(&ref_text(&r)),
            Event::End(e) => {
                let top = stack.pop().unwrap_or_default();
                let value = std::mem::take(&mut text);
                match (entry.as_mut(), top.as_str()) {
                    (Some(en), "id") => en.0 = value,
                    (Some(en), "title") => en.1 = value,
                    (Some(en), "updated") => en.2 = value,
                    (None, "id") => feed.id = value,
                    _ => {}
                }
                if e.local_name().as_ref() == b"entry" {
                    feed.entries.push(entry.take().unwrap());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    feed
}

#[test]
fn atom_feeds_have_one_entry_per_timeline_event() {
    let s = built("basic");
    let site = load_site(s.root());
    let out = s.path("public");
    let mut total = 0;
    for lang in ["zh", "en"] {
        let feed = parse_atom(&s.read(&format!("public/{lang}/atom.xml")));
        let events = &site.langs[lang].timeline;
        assert!(!events.is_empty());
        assert_eq!(feed.entries.len(), events.len(), "{lang}");
        total += events.len();
        assert_eq!(feed.self_link, format!("{BASE}{lang}/atom.xml"));
        assert!(feed.id.starts_with(BASE), "{}", feed.id);
        let ids: BTreeSet<&String> = feed.entries.iter().map(|e| &e.0).collect();
        assert_eq!(ids.len(), feed.entries.len(), "entry ids must be unique");
        for ((id, title, updated, link), ev) in feed.entries.iter().zip(events) {
            assert!(id.starts_with(BASE), "{id}");
            assert!(title.contains(&ev.title), "{title} / {}", ev.title);
            assert!(
                updated.starts_with(&ev.date.first_day().to_string()),
                "{updated} for {}",
                ev.date
            );
            assert_eq!(link, &permalink(&site, ev.page));
            let path = link.strip_prefix(BASE).unwrap();
            assert!(file_for(&out, path).is_some(), "{link}");
        }
        // Every page head links its language's feed.
        let doc = s.html(&format!("public/{lang}/index.html"));
        assert_eq!(
            attr(
                &doc,
                "link[rel=alternate][type='application/atom+xml']",
                "href"
            ),
            vec![format!("/atlas/{lang}/atom.xml")]
        );
    }
    assert!(total > 0);
}

#[test]
fn builds_are_byte_identical() {
    let s = fixture("basic");
    let a = s.path("out-a");
    let b = s.path("out-b");
    for out in [&a, &b] {
        let r = s.build(&[
            "--base-url",
            BASE,
            "--drafts",
            "--output-dir",
            out.to_str().unwrap(),
        ]);
        assert!(r.ok(), "{r:?}");
    }
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(
        fa.keys().collect::<Vec<_>>(),
        fb.keys().collect::<Vec<_>>(),
        "the same files"
    );
    assert!(fa.len() > 50, "{}", fa.len());
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs between two builds");
    }
}

#[test]
fn pages_workflow_builds_for_the_pages_url() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/pages.yml"),
    )
    .unwrap();
    let y: serde_json::Value = serde_norway::from_str(&text).unwrap();
    let perms = &y["permissions"];
    assert_eq!(perms["pages"], "write");
    assert_eq!(perms["id-token"], "write");
    let steps = |job: &str| -> Vec<serde_json::Value> {
        y["jobs"][job]["steps"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let build = steps("build");
    let uses: Vec<&str> = build.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(
        uses.iter()
            .any(|u| u.starts_with("actions/configure-pages@")),
        "{uses:?}"
    );
    assert!(
        uses.iter()
            .any(|u| u.starts_with("actions/upload-pages-artifact@")),
        "{uses:?}"
    );
    let runs: String = build
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        runs.contains("build --base-url \"${{ steps.pages.outputs.base_url }}/\""),
        "{runs}"
    );
    let upload = build
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact@"))
        })
        .unwrap();
    assert_eq!(upload["with"]["path"], "public");
    let deploy = steps("deploy");
    assert!(
        deploy.iter().any(|s| s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("actions/deploy-pages@"))),
        "{deploy:?}"
    );
    assert_eq!(y["jobs"]["deploy"]["needs"], "build");
}
