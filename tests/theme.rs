//! Tests of the default theme's output: the generated site is self-contained (nothing is
//! loaded from another host), and the pages carry the furniture and pictures the theme
//! promises. The browser tests in tests/browser/ look at the same pages in Chromium.

mod common;
use common::*;

use std::path::Path;

/// Where a URL points: inside the site, or to another host.
fn is_foreign(url: &str, own_origin: &str) -> bool {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    if lower.starts_with("data:") || lower.starts_with('#') || lower.is_empty() {
        return false;
    }
    let has_scheme = lower.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !s.contains('/')
    });
    if lower.starts_with("//") || has_scheme {
        // Absolute: allowed only on the site's own origin.
        return own_origin.is_empty()
            || !(lower == own_origin.to_ascii_lowercase()
                || lower.starts_with(&format!("{}/", own_origin.to_ascii_lowercase())));
    }
    false
}

/// Strips CSS comments.
fn strip_css_comments(css: &str) -> String {
    let mut out = String::new();
    let mut rest = css;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        match rest[i + 2..].find("*/") {
            Some(j) => rest = &rest[i + 2 + j + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Every resource a style sheet (or a style attribute or element) would load from another
/// host: `url(...)` and `@import`.
fn css_foreign(css: &str, own: &str) -> Vec<String> {
    let css = strip_css_comments(css);
    let mut found = Vec::new();
    let lower = css.to_ascii_lowercase();
    let mut at = 0;
    while let Some(i) = lower[at..].find("url(") {
        let start = at + i + 4;
        let end = css[start..].find(')').map_or(css.len(), |j| start + j);
        let target = css[start..end]
            .trim()
            .trim_matches(|c| c == '"' || c == '\'');
        if is_foreign(target, own) {
            found.push(format!("url({target})"));
        }
        at = end;
    }
    let mut at = 0;
    while let Some(i) = lower[at..].find("@import") {
        let start = at + i + 7;
        let end = css[start..].find(';').map_or(css.len(), |j| start + j);
        let target = css[start..end]
            .trim()
            .trim_start_matches("url(")
            .trim_end_matches(')')
            .trim_matches(|c| c == '"' || c == '\'');
        if is_foreign(target, own) {
            found.push(format!("@import {target}"));
        }
        at = end;
    }
    found
}

/// Every reference in an HTML document that would make a browser load something from another
/// host. `<a href>` is a link, not a load, and is allowed anywhere.
fn html_foreign(html: &str, own: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let mut found = Vec::new();
    let all = scraper::Selector::parse("*").unwrap();
    for e in doc.select(&all) {
        let el = e.value();
        let name = el.name();
        for (attr, value) in el.attrs() {
            let attr = attr.to_ascii_lowercase();
            let loads = match attr.as_str() {
                "src" | "poster" | "data" | "action" | "formaction" | "background" | "manifest" => {
                    true
                }
                "srcset" | "imagesrcset" => {
                    for part in value.split(',') {
                        let url = part.split_whitespace().next().unwrap_or("");
                        if is_foreign(url, own) {
                            found.push(format!("<{name} {attr}={url}>"));
                        }
                    }
                    false
                }
                // <link href> loads (style sheets, icons, preloads); in SVG, href and
                // xlink:href load images and uses. Only <a> (HTML or SVG) is a link.
                "href" | "xlink:href" => name != "a",
                "style" => {
                    found.extend(
                        css_foreign(value, own)
                            .into_iter()
                            .map(|x| format!("<{name} style> {x}")),
                    );
                    false
                }
                _ => false,
            };
            if loads && is_foreign(value, own) {
                found.push(format!("<{name} {attr}={value}>"));
            }
        }
        if name == "style" {
            let css: String = e.text().collect();
            found.extend(
                css_foreign(&css, own)
                    .into_iter()
                    .map(|x| format!("<style> {x}")),
            );
        }
        if name == "meta"
            && el
                .attr("http-equiv")
                .is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
        {
            if let Some(url) = el.attr("content").and_then(|c| {
                let l = c.to_ascii_lowercase();
                l.find("url=").map(|i| c[i + 4..].trim().to_string())
            }) {
                if is_foreign(&url, own) {
                    found.push(format!("<meta refresh {url}>"));
                }
            }
        }
    }
    found
}

/// Scripts must not name another host at all (no fetch, import or beacon to one).
fn js_foreign(js: &str) -> Vec<String> {
    ["http://", "https://", "//cdn", "ws://", "wss://"]
        .iter()
        .filter(|p| js.contains(*p))
        .map(|p| format!("script mentions {p}"))
        .collect()
}

/// Checks every HTML, CSS, JS and SVG file of an output folder; returns the problems.
fn foreign_references(out: &Path, own: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut html_files = 0;
    for e in walkdir::WalkDir::new(out) {
        let e = e.unwrap();
        let ext = e
            .path()
            .extension()
            .map(|x| x.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let rel = e.path().strip_prefix(out).unwrap().display().to_string();
        let read = || std::fs::read_to_string(e.path()).unwrap();
        let found = match ext.as_str() {
            "html" | "htm" | "svg" => {
                html_files += usize::from(ext != "svg");
                html_foreign(&read(), own)
            }
            "css" => css_foreign(&read(), own),
            "js" | "mjs" => js_foreign(&read()),
            _ => continue,
        };
        problems.extend(found.into_iter().map(|f| format!("{rel}: {f}")));
    }
    assert!(html_files > 10, "only {html_files} HTML files in {out:?}");
    problems
}

#[test]
fn the_checker_finds_loads_from_other_hosts() {
    let own = "https://example.org";
    let bad = r#"<!doctype html><html><head>
<link rel="stylesheet" href="https://cdn.example.com/x.css">
<script src="//cdn.example.com/x.js"></script>
<style>@import url("https://fonts.example.com/a.css"); body { background: url(https://img.example.com/b.png) }</style>
</head><body style="background:url('http://x.example.net/c.png')">
<img src="https://img.example.com/d.png" srcset="/ok.png 1x, https://img.example.com/e.png 2x">
<svg><image href="https://img.example.com/f.svg"/><use xlink:href="http://img.example.com/g.svg#x"/></svg>
<iframe src="https://video.example.com/"></iframe>
<a href="https://a-source.example.gov/report.pdf">a source</a>
<img src="/atlas/ok.png"><img src="https://example.org/atlas/ok.png"><img src="data:image/png;base64,AAAA">
<link rel="canonical" href="https://example.org/atlas/zh/">
</body></html>"#;
    let found = html_foreign(bad, own);
    for expect in [
        "cdn.example.com/x.css",
        "cdn.example.com/x.js",
        "fonts.example.com/a.css",
        "img.example.com/b.png",
        "x.example.net/c.png",
        "img.example.com/d.png",
        "img.example.com/e.png",
        "img.example.com/f.svg",
        "img.example.com/g.svg",
        "video.example.com",
    ] {
        assert!(
            found.iter().any(|f| f.contains(expect)),
            "{expect} not found in {found:#?}"
        );
    }
    // The @import is reported both as an import and as a url().
    assert_eq!(found.len(), 11, "{found:#?}");
    assert!(
        !found
            .iter()
            .any(|f| f.contains("a-source") || f.contains("example.org"))
    );
    // CSS files and scripts.
    assert_eq!(
        css_foreign(
            "/* url(https://commented.example.com) */ a { b: url(/x.png) } @import 'https://x.example.com/y.css';",
            own
        ),
        vec!["@import https://x.example.com/y.css"]
    );
    assert!(!js_foreign("fetch('https://api.example.com')").is_empty());
    assert!(js_foreign("document.getElementById('x')").is_empty());
    // Site-relative and same-origin URLs are fine; another origin on the same host is not.
    assert!(!is_foreign("/atlas/style.css", own));
    assert!(!is_foreign("style.css", own));
    assert!(is_foreign("https://example.org.evil.com/x", own));
    assert!(is_foreign("http://example.org/x", own));
    assert!(is_foreign("https://x.org/", ""));
}

#[test]
fn the_fixture_site_loads_nothing_from_other_hosts() {
    let s = fixture("basic");
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    let problems = foreign_references(&s.path("public"), "https://example.org");
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_atlas_itself_loads_nothing_from_other_hosts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let r = atlas(
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--output-dir",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(r.ok(), "{r:?}");
    // The repository's atlas.toml has a path-only base_url: no host is its own.
    let problems = foreign_references(&out, "");
    assert!(problems.is_empty(), "{problems:#?}");
    // Sources are linked, not loaded: the pages do link to other hosts.
    let sources = std::fs::read_to_string(out.join("en/sources/index.html")).unwrap();
    assert!(sources.contains("href=\"https://"));
}

#[test]
fn pictures_are_inline_svg_with_text_alternatives_in_both_languages() {
    let s = fixture("basic");
    assert!(s.build(&[]).ok());
    for (lang, word) in [("zh", "时间轴"), ("en", "time axis")] {
        let doc = s.html(&format!("public/{lang}/timeline/index.html"));
        // A wide picture, and a narrow one for phones; the style sheet shows one of them.
        let svgs = select(&doc, "svg.pic-timeline");
        assert_eq!(svgs.len(), 2, "{lang}");
        assert_eq!(select(&doc, "svg.pic-timeline.pic-wide").len(), 1);
        assert_eq!(select(&doc, "svg.pic-timeline.pic-narrow").len(), 1);
        for svg in svgs {
            // Its marks are links to the list: a group, not an opaque image.
            assert_eq!(svg.value().attr("role"), Some("group"));
            let ids: Vec<&str> = svg
                .value()
                .attr("aria-labelledby")
                .unwrap()
                .split(' ')
                .collect();
            assert_eq!(ids.len(), 2);
            for id in &ids {
                assert_eq!(select(&doc, &format!("#{id}")).len(), 1, "#{id}");
            }
            let title = text(&select(&doc, &format!("#{}", ids[0]))[0]);
            assert!(title.contains(word), "{lang}: {title}");
            // The list of events beside the picture has an entry for each event the picture
            // marks (no event of this site is shared: one mark each), and each mark links to
            // its entry.
            let marks: Vec<String> = svg
                .select(&scraper::Selector::parse("a.tl-event").unwrap())
                .map(|a| a.value().attr("href").unwrap().to_string())
                .collect();
            let ids: Vec<String> = attr(&doc, "ol.timeline li", "id")
                .into_iter()
                .map(|id| format!("#{id}"))
                .collect();
            assert_eq!(ids.len(), marks.len());
            assert!(marks.iter().all(|m| ids.contains(m)), "{marks:?} {ids:?}");
        }
        let doc = s.html(&format!("public/{lang}/compare/index.html"));
        assert_eq!(select(&doc, "svg.pic-coverage[role=img]").len(), 1);
        assert_eq!(
            select(&doc, "svg .cov-item").len(),
            select(&doc, "table.compare td").len()
        );
    }
}

#[test]
fn pages_have_navigation_breadcrumbs_review_dates_and_short_titles() {
    let s = fixture("basic");
    s.edit(
        "content/regions/beijing.en.md",
        "weight = 1\n",
        "weight = 1\n\n[extra]\nshort_title = \"BJ\"\n",
    );
    assert!(s.build(&[]).ok());
    let doc = s.html("public/en/regions/beijing/index.html");
    assert_eq!(
        attr(&doc, ".site-nav a", "href"),
        ["regions", "drugs", "compare", "timeline", "sources"]
            .iter()
            .map(|p| format!("/atlas/en/{p}/"))
            .collect::<Vec<_>>()
    );
    let crumbs: Vec<String> = select(&doc, ".breadcrumbs li").iter().map(text).collect();
    assert_eq!(crumbs.last().map(|s| s.trim()), Some("Beijing"));
    assert!(crumbs.len() >= 3, "{crumbs:?}");
    assert_eq!(
        attr(&doc, ".page-meta .reviewed time", "datetime"),
        vec!["2026-11-20"]
    );
    assert_eq!(select(&doc, ".factbox").len(), 1);
    // The comparison table heads the column with the short title and keeps the full one.
    let doc = s.html("public/en/compare/index.html");
    let heads: Vec<String> = select(&doc, "table.compare thead th[data-region] a")
        .iter()
        .map(text)
        .collect();
    assert!(heads.contains(&"BJ".to_string()), "{heads:?}");
    assert!(
        attr(&doc, "table.compare thead th[data-region] a", "title")
            .contains(&"Beijing".to_string())
    );
    // Generated pages state the range of review dates of the pages they draw on.
    assert!(!select(&doc, ".page-meta .reviewed").is_empty());
    // The optional script is the site's own.
    assert_eq!(attr(&doc, "script", "src"), vec!["/atlas/compare.js"]);
    assert!(s.path("public/compare.js").is_file());
}

#[test]
fn page_references_carry_the_summary_when_a_template_uses_it() {
    let s = fixture("basic");
    assert!(s.build(&[]).ok());
    // The default theme shows no summaries in lists: none in the drug list.
    let list = s.read("public/en/drugs/index.html");
    assert!(!list.contains("data-summary"), "{list}");
    // A theme whose card shows the summary gets it in every list.
    s.edit(
        "themes/atlas/templates/partials/card.html",
        "{% if p.description %}",
        "<div data-summary>{{ p.summary | safe }}</div>{% if p.description %}",
    );
    assert!(s.build(&[]).ok());
    let doc = s.html("public/en/drugs/index.html");
    let summaries: Vec<String> = select(&doc, "[data-summary]").iter().map(text).collect();
    assert_eq!(summaries.len(), 1, "{summaries:?}");
    assert!(!summaries[0].trim().is_empty(), "{summaries:?}");
}
