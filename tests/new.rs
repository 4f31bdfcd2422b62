//! End-to-end tests of `atlas new` and `atlas init`.

mod common;
use common::*;

fn listing(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn new_region_and_drug_build() {
    let s = fixture("basic");
    let r = atlas(&["new", "region", "hainan-boao"], s.root());
    assert!(r.ok(), "{r:?}");
    assert!(
        r.stdout.contains("content/regions/hainan-boao.zh.md")
            && r.stdout.contains("content/regions/hainan-boao.en.md"),
        "{r:?}"
    );
    // --root works from anywhere, before or after the slug.
    let elsewhere = tempfile::tempdir().unwrap();
    let root = s.root().to_str().unwrap();
    let r = atlas(
        &["new", "drug", "new-cells", "--root", root],
        elsewhere.path(),
    );
    assert!(r.ok(), "{r:?}");
    let r = atlas(
        &["new", "--root", root, "drug", "other-cells"],
        elsewhere.path(),
    );
    assert!(r.ok(), "{r:?}");

    let region = s.read("content/regions/hainan-boao.en.md");
    // Every required field, and a comment on each field.
    for want in [
        "title = \"Hainan Boao\"",
        "[region]",
        "kind = \"province\"",
        "# The kind of jurisdiction (required)",
        "draft = true",
        "# [[region.events]]",
        // The site's own dimensions are listed for the comparison values.
        "legislation (\"yes\" | \"no\" | \"partial\")",
    ] {
        assert!(region.contains(want), "{want:?} missing:\n{region}");
    }
    let drug = s.read("content/drugs/new-cells.zh.md");
    for want in [
        "[drug]",
        "status = \"ind_approved\"",
        "# Regulatory status (required)",
    ] {
        assert!(drug.contains(want), "{want:?} missing:\n{drug}");
    }
    assert!(
        drug.contains("## 概况"),
        "a Chinese body for the zh file:\n{drug}"
    );

    // The new files are drafts: they build with --drafts...
    let r = s.build(&["--drafts"]);
    assert!(r.ok(), "{r:?}");
    for p in [
        "zh/regions/hainan-boao/index.html",
        "en/regions/hainan-boao/index.html",
        "zh/drugs/new-cells/index.html",
        "en/drugs/other-cells/index.html",
    ] {
        assert!(s.path("public").join(p).is_file(), "missing {p}");
    }
    // ...and are left out without it.
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    assert!(!s.path("public/en/regions/hainan-boao").exists());
    // Once the draft line is gone they are published, and check finds no disagreement
    // between the language versions and nothing stale.
    for l in ["zh", "en"] {
        s.edit(
            &format!("content/regions/hainan-boao.{l}.md"),
            "draft = true\n",
            "",
        );
    }
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    assert!(s.path("public/en/regions/hainan-boao/index.html").is_file());
    // The Chinese titles are placeholders until translated: check says so, at the line.
    let zh = s.read("content/regions/hainan-boao.zh.md");
    assert!(
        zh.contains("title = \"TODO 中文标题：Hainan Boao\""),
        "{zh}"
    );
    let r = atlas(&["check", "--drafts"], s.root());
    for f in [
        "content/regions/hainan-boao.zh.md",
        "content/drugs/new-cells.zh.md",
        "content/drugs/other-cells.zh.md",
    ] {
        let text = s.read(f);
        let title_line = text
            .lines()
            .position(|l| l.starts_with("title = "))
            .unwrap()
            + 1;
        assert!(
            r.stdout.contains(&format!(
                "{f}:{title_line}:10: warning[translation]: the title is still the placeholder `atlas new` wrote: \"TODO 中文标题："
            )),
            "{f}: {r:?}"
        );
    }
    assert!(
        r.stdout
            .contains("hint: write the page's title in this file's language (zh): title = \"...\""),
        "{r:?}"
    );
    for (f, title) in [
        ("content/regions/hainan-boao.zh.md", "海南博鳌"),
        ("content/drugs/new-cells.zh.md", "新细胞"),
        ("content/drugs/other-cells.zh.md", "其他细胞"),
    ] {
        let text = s.read(f);
        let line = text.lines().find(|l| l.starts_with("title = ")).unwrap();
        s.edit(f, line, &format!("title = \"{title}\""));
    }
    let r = atlas(&["check", "--drafts", "--format", "json"], s.root());
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    for d in v["diagnostics"].as_array().unwrap() {
        let file = d["file"].as_str().unwrap_or("");
        assert!(
            !file.contains("hainan-boao")
                && !file.contains("new-cells")
                && !file.contains("other-cells"),
            "a new page has a finding: {d}"
        );
    }
}

#[test]
fn new_refuses_to_overwrite_and_bad_slugs() {
    let s = fixture("basic");
    let before = listing(s.root());
    // beijing exists in both languages; shanghai only in Chinese: nothing may be written.
    for (kind, slug) in [
        ("region", "beijing"),
        ("region", "shanghai"),
        ("drug", "remestemcel"),
    ] {
        let r = atlas(&["new", kind, slug], s.root());
        assert_eq!(r.code, 1, "{r:?}");
        assert!(r.stderr.contains("already exists"), "{r:?}");
    }
    assert!(!s.path("content/regions/shanghai.en.md").exists());
    for slug in ["Bad", "bad slug", "../escape", "a_b", "-x", "北京", ""] {
        let r = atlas(&["new", "region", "--", slug], s.root());
        assert_eq!(r.code, 1, "{slug:?}: {r:?}");
        assert!(r.stderr.contains("not a valid slug"), "{r:?}");
    }
    assert_eq!(listing(s.root()), before, "nothing may change");
    // Outside a site: the config error names the file.
    let empty = tempfile::tempdir().unwrap();
    let r = atlas(&["new", "region", "x"], empty.path());
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("atlas.toml"), "{r:?}");
    // Usage errors are clap's: exit 2.
    assert_eq!(atlas(&["new", "city", "x"], s.root()).code, 2);
    assert_eq!(atlas(&["new", "region"], s.root()).code, 2);
}

#[test]
fn init_site_builds_and_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my-atlas");
    let r = atlas(&["init", dir.to_str().unwrap()], tmp.path());
    assert!(r.ok(), "{r:?}");
    for f in [
        "atlas.toml",
        "content/_index.zh.md",
        "content/_index.en.md",
        "data/sources.toml",
        "data/dimensions.toml",
        "themes/atlas/templates/base.html",
        "themes/atlas/i18n/zh.toml",
        "themes/atlas/static/style.css",
    ] {
        assert!(dir.join(f).is_file(), "missing {f}");
    }
    // The theme is the repository's, byte for byte.
    let repo_theme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/atlas");
    assert_eq!(listing(&dir.join("themes/atlas")), listing(&repo_theme));

    let b = atlas(&["build"], &dir);
    assert!(b.ok(), "{b:?}");
    assert!(b.stderr.trim().is_empty(), "no warnings expected: {b:?}");
    for p in [
        "index.html",
        "zh/index.html",
        "en/index.html",
        "style.css",
        "sitemap.xml",
    ] {
        assert!(dir.join("public").join(p).is_file(), "missing {p}");
    }
    let c = atlas(&["check"], &dir);
    assert!(c.ok(), "{c:?}");
    assert!(c.stdout.contains("0 error(s), 0 warning(s)"), "{c:?}");

    // The first pages of a new site.
    let r = atlas(&["new", "region", "beijing"], &dir);
    assert!(r.ok(), "{r:?}");
    let r = atlas(&["new", "drug", "first-drug"], &dir);
    assert!(r.ok(), "{r:?}");
    let b = atlas(&["build", "--drafts"], &dir);
    assert!(b.ok(), "{b:?}");
    assert!(dir.join("public/en/regions/beijing/index.html").is_file());
    assert!(dir.join("public/zh/drugs/first-drug/index.html").is_file());
}

#[test]
fn init_refuses_a_non_empty_folder_or_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let r = atlas(&["init", "."], tmp.path());
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("not empty"), "{r:?}");
    assert_eq!(listing(tmp.path()).len(), 1, "nothing written");
    let r = atlas(&["init", "notes.txt"], tmp.path());
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "mine"
    );
    // An empty existing folder is fine.
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    let r = atlas(&["init", "empty"], tmp.path());
    assert!(r.ok(), "{r:?}");
    assert!(tmp.path().join("empty/atlas.toml").is_file());
    assert_eq!(atlas(&["init"], tmp.path()).code, 2);
}
