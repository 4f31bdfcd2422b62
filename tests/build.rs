//! End-to-end tests of `atlas build` on the fixture sites.

mod common;
use common::*;

#[test]
fn builds_bilingual_pretty_urls() {
    let s = fixture("basic");
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    for p in [
        "index.html",
        "404.html",
        "zh/index.html",
        "en/index.html",
        "zh/regions/index.html",
        "en/regions/beijing/index.html",
        "zh/regions/beijing/index.html",
        "zh/drugs/remestemcel/index.html",
        "en/drugs/remestemcel/index.html",
        "style.css",
        "regions/map.svg",
    ] {
        assert!(s.path("public").join(p).is_file(), "missing {p}");
    }
    // Drafts are left out unless asked for.
    assert!(!s.path("public/en/drugs/draft").exists());
    let r = s.build(&["--drafts"]);
    assert!(r.ok(), "{r:?}");
    assert!(s.path("public/en/drugs/draft/index.html").is_file());
    // The summary line.
    assert!(
        r.stdout.contains("pages (")
            && r.stdout.contains(" en, ")
            && r.stdout.contains("static files"),
        "{r:?}"
    );
}

#[test]
fn hreflang_and_lang_attributes() {
    let s = fixture("basic");
    assert!(s.build(&[]).ok());
    let doc = s.html("public/zh/regions/beijing/index.html");
    assert_eq!(attr(&doc, "html", "lang"), vec!["zh-Hans"]);
    let alts: Vec<(String, String)> = select(&doc, "link[rel=alternate][hreflang]")
        .iter()
        .map(|e| {
            (
                e.value().attr("hreflang").unwrap().to_string(),
                e.value().attr("href").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        alts,
        vec![
            (
                "zh-Hans".into(),
                "https://example.org/atlas/zh/regions/beijing/".into()
            ),
            (
                "en".into(),
                "https://example.org/atlas/en/regions/beijing/".into()
            ),
            (
                "x-default".into(),
                "https://example.org/atlas/zh/regions/beijing/".into()
            ),
        ]
    );
    let doc = s.html("public/en/regions/beijing/index.html");
    assert_eq!(attr(&doc, "html", "lang"), vec!["en"]);
    // The language switcher goes to the same page in the other language.
    assert_eq!(
        attr(&doc, ".lang-switcher a", "href"),
        vec!["/atlas/zh/regions/beijing/"]
    );
    // The root page offers both languages, without JavaScript.
    let root = s.html("public/index.html");
    assert_eq!(
        attr(&root, ".choices a", "href"),
        vec!["/atlas/zh/", "/atlas/en/"]
    );
    assert!(select(&root, "script").is_empty());
    let hl = attr(&root, "link[rel=alternate]", "hreflang");
    assert!(
        hl.contains(&"x-default".to_string()) && hl.contains(&"en".to_string()),
        "{hl:?}"
    );
}

#[test]
fn untranslated_page_gets_notice_noindex_and_warning() {
    let s = fixture("basic");
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    assert!(
        r.stderr.contains("not translated") && r.stderr.contains("en: regions/shanghai"),
        "{r:?}"
    );
    let doc = s.html("public/en/regions/shanghai/index.html");
    let notice = select(&doc, ".notice");
    assert_eq!(notice.len(), 1);
    assert!(text(&notice[0]).contains("not been translated into English"));
    assert_eq!(attr(&doc, "meta[name=robots]", "content"), vec!["noindex"]);
    // The article is marked as Chinese, the page as English.
    assert_eq!(attr(&doc, "html", "lang"), vec!["en"]);
    assert_eq!(attr(&doc, "article", "lang"), vec!["zh-Hans"]);
    // hreflang lists only real translations.
    assert_eq!(
        attr(&doc, "link[rel=alternate][hreflang]", "hreflang"),
        vec!["zh-Hans", "x-default"]
    );
    // Translated pages do not get the notice.
    assert!(select(&s.html("public/zh/regions/shanghai/index.html"), ".notice").is_empty());
}

#[test]
fn cjk_heading_ids_line_breaks_and_emphasis() {
    let s = fixture("basic");
    assert!(s.build(&[]).ok());
    let html = s.read("public/zh/regions/beijing/index.html");
    assert!(html.contains("<h2 id=\"监管模式\">"), "{html}");
    assert!(html.contains("<h2 id=\"监管模式-1\">"));
    assert!(html.contains("这一段跨行书写，不应出现空格。"));
    assert!(html.contains("Mixed 中文\nand English."));
    assert!(html.contains("<strong>首都，</strong>她很大"));
    // The table of contents links to the ids.
    let doc = s.html("public/zh/regions/beijing/index.html");
    let toc = attr(&doc, ".toc a", "href");
    assert!(
        toc.contains(&"#监管模式".to_string()) && toc.contains(&"#监管模式-1".to_string()),
        "{toc:?}"
    );
}

#[test]
fn every_internal_link_resolves() {
    let s = fixture("basic");
    assert!(s.build(&[]).ok());
    let out = s.path("public");
    for e in walkdir::WalkDir::new(&out) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let doc = scraper::Html::parse_document(&std::fs::read_to_string(e.path()).unwrap());
        for (css, a) in [
            ("a[href]", "href"),
            ("link[href]", "href"),
            ("img[src]", "src"),
        ] {
            for url in attr(&doc, css, a) {
                if url.starts_with("https://") || url.starts_with('#') {
                    continue;
                }
                let path = url.split('#').next().unwrap();
                let rel = path.strip_prefix("/atlas/").unwrap_or_else(|| {
                    panic!("{url} in {:?} is not under the base path", e.path())
                });
                let rel = decode(rel);
                let target = if rel.is_empty() || rel.ends_with('/') {
                    out.join(&rel).join("index.html")
                } else {
                    out.join(&rel)
                };
                assert!(target.is_file(), "{url} in {:?} leads nowhere", e.path());
            }
        }
    }
}

#[test]
fn aliases_write_redirects() {
    let s = fixture("basic");
    assert!(s.build(&[]).ok());
    let html = s.read("public/zh/old-beijing/index.html");
    assert!(html.contains("url=/atlas/zh/regions/beijing/"), "{html}");
    assert!(
        html.contains("rel=\"canonical\" href=\"https://example.org/atlas/zh/regions/beijing/\"")
    );
}

#[test]
fn base_url_flag_moves_the_site() {
    let s = fixture("basic");
    let r = s.build(&["--base-url", "/preview/sub/"]);
    assert!(r.ok(), "{r:?}");
    let doc = s.html("public/zh/index.html");
    assert!(attr(&doc, "link[rel=stylesheet]", "href") == vec!["/preview/sub/style.css"]);
    let r = s.build(&["--base-url", "ftp://nope"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("--base-url"), "{r:?}");
}

#[test]
fn failed_build_keeps_previous_output_and_reports_all_errors() {
    let s = fixture("basic");
    assert!(s.build(&[]).ok());
    let before = s.read("public/zh/regions/beijing/index.html");
    s.edit(
        "content/regions/beijing.zh.md",
        "weight = 1",
        "weight = 1\ncolour = \"red\"",
    );
    s.edit("content/regions/beijing.en.md", "title = \"Beijing\"\n", "");
    s.edit(
        "content/drugs/remestemcel.en.md",
        "title = \"Ryoncil\"",
        "title = \"Ryoncil\"\ndate = \"2024-02-30\"",
    );
    s.write(
        "content/regions/paris.fr.md",
        "+++\ntitle = \"Paris\"\n+++\n",
    );
    let r = s.build(&[]);
    assert_eq!(r.code, 1, "{r:?}");
    let e = &r.stderr;
    assert!(
        e.contains(
            "content/regions/beijing.zh.md:6:1: error: front matter: unknown field `colour`"
        ),
        "{e}"
    );
    assert!(
        e.contains("content/regions/beijing.en.md:") && e.contains("missing field `title`"),
        "{e}"
    );
    assert!(
        e.contains(
            "content/drugs/remestemcel.en.md:3:8: error: front matter: `2024-02-30` is not a date"
        ),
        "{e}"
    );
    assert!(e.contains("content/regions/paris.fr.md: error: `fr` in the file name is not a language of this site"), "{e}");
    assert!(e.contains("hint:"), "{e}");
    assert!(e.contains("Build failed: 4 error(s)"), "{e}");
    // The previous output is untouched and nothing is left beside it.
    assert_eq!(s.read("public/zh/regions/beijing/index.html"), before);
    let leftovers: Vec<_> = std::fs::read_dir(s.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("atlas-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn stale_files_do_not_linger() {
    let s = fixture("basic");
    assert!(s.build(&[]).ok());
    assert!(s.path("public/zh/drugs/remestemcel/index.html").is_file());
    s.remove("content/drugs/remestemcel.zh.md");
    s.remove("content/drugs/remestemcel.en.md");
    s.edit(
        "content/regions/beijing.zh.md",
        "[the drug](@/drugs/remestemcel.md)",
        "",
    );
    s.edit(
        "content/regions/beijing.en.md",
        "[the drug](@/drugs/remestemcel.md#approval)",
        "",
    );
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    assert!(!s.path("public/zh/drugs/remestemcel").exists());
}

#[test]
fn refuses_dangerous_output_folders() {
    let s = fixture("basic");
    for bad in [".", "content", "themes", "data/out"] {
        let r = s.build(&["--output-dir", bad]);
        assert_eq!(r.code, 1, "{bad}: {r:?}");
        assert!(r.stderr.contains("refusing to use"), "{bad}: {r:?}");
    }
    s.write("mine/notes.txt", "my notes");
    let r = s.build(&["--output-dir", "mine"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("did not make"), "{r:?}");
    assert_eq!(s.read("mine/notes.txt"), "my notes");
    // A folder atlas made can be rebuilt.
    assert!(s.build(&["--output-dir", "out"]).ok());
    assert!(s.build(&["--output-dir", "out"]).ok());
}

#[test]
fn template_errors_name_template_and_line() {
    let s = fixture("basic");
    let theme = s.path("themes/atlas/templates/page.html");
    let t = std::fs::read_to_string(&theme).unwrap();
    std::fs::write(
        &theme,
        t.replacen(
            "<h1>{{ page.title }}</h1>",
            "<h1>{{ page.title }}</h1>\n{{ page.no_such_field.x }}",
            1,
        ),
    )
    .unwrap();
    let r = s.build(&[]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("themes/atlas/templates/page.html:"),
        "{r:?}"
    );
    std::fs::write(
        &theme,
        t.replacen("{% block main %}", "{% block main %}{% if %}", 1),
    )
    .unwrap();
    let r = s.build(&[]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("themes/atlas/templates/page.html:"),
        "{r:?}"
    );
}

#[test]
fn missing_i18n_key_is_an_error_naming_key_and_language() {
    let s = fixture("basic");
    let p = s.path("themes/atlas/i18n/en.toml");
    let t = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, t.replace("linked_from = \"Linked from\"\n", "")).unwrap();
    let r = s.build(&[]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains("interface string `linked_from` is missing in language `en`"),
        "{r:?}"
    );
    // The other language's file and line, to copy it from.
    let zh = std::fs::read_to_string(s.path("themes/atlas/i18n/zh.toml")).unwrap();
    let (n, line) = zh
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("linked_from = "))
        .unwrap();
    let value = line.split_once(" = ").unwrap().1;
    let want = format!(
        "themes/atlas/i18n/en.toml: error: interface string `linked_from` is missing in language `en`; themes/atlas/i18n/zh.toml:{} defines it\n  hint: add linked_from = \"...\" to themes/atlas/i18n/en.toml, translating themes/atlas/i18n/zh.toml:{}: linked_from = {value}",
        n + 1,
        n + 1
    );
    assert!(r.stderr.contains(&want), "{want}\n{r:?}");
}

#[test]
fn broken_config_names_the_key() {
    let s = fixture("basic");
    s.edit(
        "atlas.toml",
        "theme = \"atlas\"",
        "theme = \"atlas\"\nlanguage = \"zh\"",
    );
    let r = s.build(&[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("atlas.toml:3:1: error: invalid config: unknown field `language`"),
        "{r:?}"
    );
}

#[test]
fn windows_line_endings_and_bom_work() {
    let s = fixture("basic");
    let t = s.read("content/regions/china.en.md");
    s.write(
        "content/regions/china.en.md",
        &format!("\u{feff}{}", t.replace('\n', "\r\n")),
    );
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    assert!(
        s.read("public/en/regions/china/index.html")
            .contains("National level.")
    );
}

#[test]
fn strict_raw_html_fails_the_build_and_the_serve_rebuild() {
    let s = fixture("basic");
    let body = s.read("content/regions/beijing.en.md");
    let line = body.lines().count() + 2;
    s.write(
        "content/regions/beijing.en.md",
        &format!("{body}\nA picture <img src=\"x.png\" onerror=\"alert(1)\">.\n"),
    );
    s.write(
        "content/regions/badge.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<script>alert(2)</script>\n</svg>\n",
    );
    // By default the build does not look at raw HTML (`atlas check` warns).
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    assert!(!r.stderr.contains("raw HTML"), "{r:?}");
    let before = s.read("public/en/regions/beijing/index.html");

    let config = s.read("atlas.toml");
    s.write(
        "atlas.toml",
        &format!("{config}\n[check]\nraw_html = \"error\"\n"),
    );
    // An unrelated mistake too: the build reports everything, then fails.
    s.edit(
        "content/drugs/remestemcel.en.md",
        "title = \"Ryoncil\"",
        "title = \"Ryoncil\"\ncolour = \"red\"",
    );
    let r = s.build(&[]);
    assert_eq!(r.code, 1, "{r:?}");
    let e = &r.stderr;
    for want in [
        format!(
            "content/regions/beijing.en.md:{line}:28: error: raw HTML: inline event handler `onerror` on <img>"
        ),
        "content/regions/badge.svg:2:1: error: raw HTML: a <script> element".to_string(),
        "content/drugs/remestemcel.en.md:3:1: error: front matter: unknown field `colour`"
            .to_string(),
        "Build failed: 3 error(s)".to_string(),
    ] {
        assert!(e.contains(&want), "missing {want:?} in\n{e}");
    }
    // Each error has its hint.
    assert_eq!(e.matches(": error: ").count(), 3, "{e}");
    let lines: Vec<&str> = e.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        if l.contains(": error: ") {
            assert!(
                lines.get(i + 1).is_some_and(|h| h.starts_with("  hint: ")),
                "{e}"
            );
        }
    }
    // The previous output is untouched.
    assert_eq!(s.read("public/en/regions/beijing/index.html"), before);

    // `atlas serve` rebuilds through `load_cached`: the same errors.
    let args = atlas::build::BuildArgs {
        root: s.root().to_path_buf(),
        ..Default::default()
    };
    let cache = atlas::build::cache::BuildCache::default();
    let errs = atlas::build::load_cached(&args, &cache).expect_err("strict raw HTML fails");
    let raw: Vec<String> = errs
        .iter()
        .filter(|d| d.message.starts_with("raw HTML: "))
        .map(|d| format!("{}:{}", d.file.as_ref().unwrap().display(), d.line.unwrap()))
        .collect();
    assert_eq!(
        raw,
        [
            "content/regions/badge.svg:2".to_string(),
            format!("content/regions/beijing.en.md:{line}")
        ]
    );
}

#[test]
fn control_characters_in_titles_keep_the_feed_well_formed() {
    let s = fixture("basic");
    // TOML escapes put characters in a title that XML 1.0 does not allow (not even as
    // character references).
    s.edit(
        "content/regions/beijing.en.md",
        "title = \"First prescription issued.\"",
        "title = \"First \\u0001prescription\\u000B issued.\\uFFFF\"",
    );
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    let feed = s.read("public/en/atom.xml");
    let bad: Vec<char> = feed
        .chars()
        .filter(|&c| c < ' ' && !matches!(c, '\t' | '\n' | '\r') || c == '\u{FFFF}')
        .collect();
    assert!(bad.is_empty(), "{bad:?} in {feed}");
    assert!(feed.contains("First prescription issued."), "{feed}");
}
