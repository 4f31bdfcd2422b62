//! What each fuzz target does with its input. Shared by the `cargo fuzz` targets in
//! fuzz/fuzz_targets/ and by tests/fuzz_regressions.rs, which feeds every saved input under
//! fuzz/regressions/<target>/ through the same function on every `cargo test`.
//!
//! Each function panics only on a bug: a panic inside atlas, or a broken invariant checked here.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use atlas::content::{Kind, parse_page};
use atlas::markdown::{self, LinkResolver};

/// Lines in `text` as an editor counts them: `\r\n`, `\n` and a lone `\r` (old Mac files)
/// each end a line, as in CommonMark and in atlas's messages; a last line without an
/// ending counts.
fn line_count(text: &str) -> usize {
    text.replace("\r\n", "\n").split(['\n', '\r']).count()
}

/// `content::parse_page` on any text, as a page, a section index and a home page.
/// Invariant: every diagnostic names the file, and its line is inside the file.
pub fn front_matter(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for (section, stem, kind) in [
        ("regions", "beijing", Kind::Page),
        ("drugs", "_index", Kind::Section),
        ("", "_index", Kind::Home),
    ] {
        let file = PathBuf::from(format!("content/{section}/{stem}.en.md"));
        match parse_page(
            &text,
            file.clone(),
            section.into(),
            stem.into(),
            "en".into(),
            kind,
        ) {
            Ok(page) => {
                assert!(page.body_line >= 1 && page.body_line <= line_count(&text) + 1);
                assert!(!page.front.title.trim().is_empty());
            }
            Err(diags) => {
                assert!(!diags.is_empty(), "an error without a diagnostic");
                for d in diags {
                    assert_eq!(d.file.as_deref(), Some(file.as_path()), "{d}");
                    assert!(d.hint.is_some(), "no hint: {d}");
                    if let Some(line) = d.line {
                        assert!(
                            line >= 1 && line <= line_count(&text) + 1,
                            "line {line} outside the file ({} lines): {d}",
                            line_count(&text)
                        );
                    }
                }
            }
        }
    }
}

/// A resolver that knows a few pages, assets and sources, so links and citations in the
/// input take both the found and the not-found paths.
pub struct DummyResolver;

impl LinkResolver for DummyResolver {
    fn resolve(&self, path: &str) -> Result<(String, String), String> {
        match path.strip_suffix(".md") {
            Some(stem) if !stem.is_empty() && !stem.contains('x') => {
                Ok((stem.to_string(), format!("/atlas/en/{stem}/")))
            }
            _ => Err("no such page".into()),
        }
    }
    fn asset(&self, rel: &str) -> Option<String> {
        rel.ends_with(".png").then(|| format!("/atlas/{rel}"))
    }
    fn source_exists(&self, id: &str) -> bool {
        id.starts_with('a')
    }
}

/// `markdown::render` (with the CJK rules and link resolution) on any text.
/// Invariants: error and link positions are inside the body; every TOC entry is an anchor;
/// each cited source is numbered once.
pub fn markdown(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let r = markdown::render(&text, &DummyResolver);
    let lines = line_count(&text);
    for e in &r.errors {
        assert!(
            e.line >= 1 && e.line <= lines,
            "error at line {} of {lines}: {e:?}",
            e.line
        );
        assert!(e.column >= 1);
    }
    for l in &r.links {
        assert!(
            l.line >= 1 && l.line <= lines,
            "link at line {} of {lines}",
            l.line
        );
    }
    fn count(toc: &[markdown::TocEntry]) -> usize {
        toc.iter().map(|e| 1 + count(&e.children)).sum()
    }
    // One TOC entry per heading, each with an id among the anchors.
    assert!(r.anchors.len() <= count(&r.toc));
    fn ids_known(toc: &[markdown::TocEntry], r: &markdown::Rendered) -> bool {
        toc.iter()
            .all(|e| r.anchors.contains(&e.id) && ids_known(&e.children, r))
    }
    assert!(
        ids_known(&r.toc, &r),
        "a TOC entry whose id is not an anchor"
    );
    let mut c = r.citations.clone();
    c.sort();
    c.dedup();
    assert_eq!(c.len(), r.citations.len(), "a source numbered twice");
    assert!(r.reading_time >= 1);
}

/// `markdown::emphasis_html` (CommonMark with the CJK-friendly amendments for emphasis) on
/// any text, compared with plain pulldown-cmark. Invariants: the rule changes nothing but
/// emphasis (without `<em>`, `<strong>`, `<del>` and the `*`, `_`, `~` characters both
/// outputs are the same: code, HTML, comments, attributes and links are untouched); every
/// tag it opens it closes.
pub fn cjk_emphasis(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let ours = markdown::emphasis_html(&text);
    let mut plain = String::new();
    pulldown_cmark::html::push_html(
        &mut plain,
        pulldown_cmark::Parser::new_ext(&text, markdown::options()),
    );
    assert_eq!(
        strip_emphasis(&ours),
        strip_emphasis(&plain),
        "the emphasis rule changed more than emphasis"
    );
    // Raw HTML in the input may hold tags of its own: they are the same in both outputs, so
    // the difference of opened and closed tags must be too.
    for tag in ["em", "strong", "del"] {
        let balance = |html: &str| {
            html.matches(&format!("<{tag}>")).count() as isize
                - html.matches(&format!("</{tag}>")).count() as isize
        };
        assert_eq!(balance(&ours), balance(&plain), "unbalanced <{tag}>");
    }
}

/// HTML without emphasis tags and delimiter characters.
fn strip_emphasis(html: &str) -> String {
    let mut s = html.to_string();
    for tag in ["<em>", "</em>", "<strong>", "</strong>", "<del>", "</del>"] {
        s = s.replace(tag, "");
    }
    s.replace(['*', '_', '~'], "")
}

/// A site on disk (the repository's theme, two languages, a source and one dimension of
/// each type) into which each input is written as one Markdown file, then built with
/// `atlas::build`. Made once per process: a build takes milliseconds, the copy does not.
pub struct SiteHarness {
    dir: tempfile::TempDir,
}

/// Where an input goes: its first byte picks one of these, the rest is the file.
pub const BUILD_PATHS: &[&str] = &[
    "content/_index.en.md",
    "content/regions/beijing.en.md",
    "content/drugs/cure.en.md",
];

impl SiteHarness {
    /// `repo` is the repository root (it has themes/atlas/).
    pub fn new(repo: &Path) -> SiteHarness {
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            tempfile::Builder::new()
                .prefix("atlas-fuzz-")
                .tempdir_in(shm)
        } else {
            tempfile::Builder::new().prefix("atlas-fuzz-").tempdir()
        }
        .expect("temp dir");
        let root = dir.path();
        copy_dir(&repo.join("themes/atlas"), &root.join("themes/atlas"));
        let w = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        w(
            "atlas.toml",
            "base_url = \"https://example.org/atlas/\"\ntheme = \"atlas\"\ndefault_language = \"en\"\n\n\
             [[languages]]\ncode = \"en\"\ntag = \"en\"\nname = \"English\"\ntitle = \"Fuzz\"\ndescription = \"d\"\n\n\
             [[languages]]\ncode = \"zh\"\ntag = \"zh-Hans\"\nname = \"中文\"\ntitle = \"模糊\"\ndescription = \"d\"\n",
        );
        w(
            "data/sources.toml",
            "[[source]]\nid = \"s1\"\ntitle = \"A source\"\nlang = \"en\"\n\n\
             [[source]]\nid = \"s2\"\ntitle = \"另一个\"\nlang = \"zh\"\ndate = \"2024-04\"\n",
        );
        w(
            "data/bodies.toml",
            "[[body]]\nid = \"b1\"\nkind = \"regulator\"\nname = { zh = \"监管机构\", en = \"A regulator\" }\n\n\
             [[body]]\nid = \"b2\"\nkind = \"government\"\nname = \"A government\"\n",
        );
        w(
            "data/dimensions.toml",
            "[[dimension]]\nid = \"law\"\ntype = \"yes_no_partial\"\nlabel = { zh = \"立法\", en = \"Law\" }\n\n\
             [[dimension]]\nid = \"year\"\ntype = \"date\"\nlabel = { zh = \"年\", en = \"Year\" }\n\n\
             [[dimension]]\nid = \"n\"\ntype = \"number\"\nlabel = { zh = \"数\", en = \"N\" }\n\n\
             [[dimension]]\nid = \"text\"\ntype = \"text\"\nlabel = { zh = \"文\", en = \"Text\" }\n",
        );
        w(
            "content/_index.zh.md",
            "+++\ntitle = \"首页\"\n+++\n见[中国](@/regions/china.md#overview)。\n",
        );
        w(
            "content/regions/china.en.md",
            "+++\ntitle = \"China\"\n[region]\nkind = \"national\"\nsources = [\"s1\"]\n+++\n## Overview\nText[@s1].\n",
        );
        SiteHarness { dir }
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Builds the site with `data[1..]` as the file `BUILD_PATHS[data[0] % 3]`.
    /// Invariants: a failed build reports at least one error and leaves the previous output
    /// alone; a successful one leaves a complete output.
    pub fn build(&self, data: &[u8]) -> Result<(), atlas::Diagnostics> {
        let root = self.root();
        let (pick, body) = match data.split_first() {
            Some((p, rest)) => (*p as usize % BUILD_PATHS.len(), rest),
            None => (0, data),
        };
        for p in BUILD_PATHS {
            let _ = std::fs::remove_file(root.join(p));
        }
        let path = root.join(BUILD_PATHS[pick]);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, body).unwrap();
        let out = root.join("public");
        let before = std::fs::read(out.join("index.html")).ok();
        let args = atlas::build::BuildArgs {
            root: root.to_path_buf(),
            output_dir: Some(out.clone()),
            base_url: None,
            drafts: data.len() % 2 == 0,
        };
        match atlas::build::build(&args) {
            Ok(_) => {
                assert!(out.join("index.html").is_file());
                assert!(out.join("404.html").is_file());
                assert!(out.join(atlas::output::MARKER).is_file());
                Ok(())
            }
            Err(diags) => {
                assert!(diags.has_errors(), "a failed build without an error");
                for d in diags.iter().filter(|d| d.is_error()) {
                    assert!(d.hint.is_some(), "no hint: {d}");
                }
                assert_eq!(
                    std::fs::read(out.join("index.html")).ok(),
                    before,
                    "a failed build changed the output"
                );
                Err(diags)
            }
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir_lite(from) {
        let rel = e.strip_prefix(from).unwrap();
        let dst = to.join(rel);
        if e.is_dir() {
            std::fs::create_dir_all(&dst).unwrap();
        } else {
            std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
            std::fs::copy(&e, &dst).unwrap();
        }
    }
}

/// Every path under `dir` (following links), parents first.
fn walkdir_lite(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    let mut i = 0;
    while i < out.len() {
        let p = out[i].clone();
        if p.is_dir() {
            let mut children: Vec<PathBuf> = std::fs::read_dir(&p)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            children.sort();
            out.extend(children);
        }
        i += 1;
    }
    out
}
