//! Smoke test of the benchmark harness: the site generator of `examples/gen-site.rs` runs on
//! a tiny N, is deterministic, and what it writes builds with atlas with no error and no
//! warning (and, with untranslated pages, exactly the one warning that lists them). Nothing
//! here is timed; the figures come from `scripts/bench.py` and `cargo bench`.

mod common;

#[allow(dead_code)]
#[path = "../examples/gen-site.rs"]
mod gen_site;

use std::path::Path;

fn generate(n: usize, dir: &Path, untranslated_every: usize) -> gen_site::Summary {
    let opts = gen_site::Options {
        untranslated_every,
        ..Default::default()
    };
    gen_site::generate(n, dir, &opts).expect("the generator runs")
}

/// `atlas build --root <root> -o <out>`.
fn build(root: &Path, out: &Path) -> common::Run {
    common::atlas(
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        out.parent().unwrap(),
    )
}

fn read_tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn generated_site_builds_without_errors_or_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let sum = generate(10, &root, 0);
    // 10 logical pages in 2 languages, plus 2 home and 4 section index files.
    assert_eq!(sum.content_files, 26);
    assert_eq!(sum.untranslated, 0);
    let out = tmp.path().join("out");
    let run = build(&root, &out);
    assert!(run.ok(), "{run:?}");
    assert!(
        !run.stderr.contains("warning") && !run.stderr.contains("error"),
        "{run:?}"
    );
    // 20 content pages + 2 homes + 4 section pages, each with its generated parts.
    for p in [
        "zh/regions/r00000/index.html",
        "en/drugs/d00009/index.html",
        "zh/regions/index.html",
        "en/compare/index.html",
        "zh/indications/index.html",
        "en/tags/index.html",
        "sitemap.xml",
    ] {
        assert!(out.join(p).is_file(), "missing {p}");
    }
    // Cross-links (with anchors) resolved, citations numbered, the footnote rendered.
    let page = std::fs::read_to_string(out.join("en/regions/r00002/index.html")).unwrap();
    assert!(page.contains("href=\"/en/drugs/d00007/\""), "{page}");
    assert!(page.contains("#regulatory-pathway\""), "{page}");
    assert!(page.contains("class=\"cite\""), "{page}");
    assert!(page.contains("footnote"), "{page}");
    // A section page lists every page of its section.
    let section = std::fs::read_to_string(out.join("zh/drugs/index.html")).unwrap();
    assert_eq!(section.matches("<li class=\"card").count(), 5, "{section}");
}

#[test]
fn untranslated_pages_become_fallbacks_with_one_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    // Pages 2, 5 and 8 have no English file.
    let sum = generate(10, &root, 3);
    assert_eq!(sum.untranslated, 3);
    assert_eq!(sum.content_files, 23);
    let out = tmp.path().join("out");
    let run = build(&root, &out);
    assert!(run.ok(), "{run:?}");
    assert_eq!(run.stderr.matches("warning").count(), 1, "{run:?}");
    assert!(
        run.stderr.contains("3 page(s) are not translated")
            && run.stderr.contains("en: drugs/d00005"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("error"), "{run:?}");
    let fallback = std::fs::read_to_string(out.join("en/regions/r00002/index.html")).unwrap();
    assert!(fallback.contains("class=\"notice\""), "{fallback}");
}

#[test]
fn generator_is_deterministic_and_refuses_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    generate(12, &a, 5);
    generate(12, &b, 5);
    assert_eq!(read_tree(&a), read_tree(&b));
    // Another seed gives other text.
    let c = tmp.path().join("c");
    let opts = gen_site::Options {
        seed: 7,
        ..Default::default()
    };
    gen_site::generate(12, &c, &opts).unwrap();
    assert_ne!(read_tree(&a), read_tree(&c));
    // A non-empty folder and N < 2 are refused.
    assert!(gen_site::generate(12, &a, &gen_site::Options::default()).is_err());
    assert!(gen_site::generate(1, &tmp.path().join("d"), &gen_site::Options::default()).is_err());
}

#[test]
fn large_site_bounds_the_feed_and_the_timeline_picture() {
    // 320 logical pages (every 7th untranslated): more events than the feed lists and more
    // rows than the timeline picture draws.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    generate(320, &root, 7);
    let out = tmp.path().join("out");
    let run = build(&root, &out);
    assert!(run.ok(), "{run:?}");
    for lang in ["zh", "en"] {
        let feed = std::fs::read_to_string(out.join(format!("{lang}/atom.xml"))).unwrap();
        assert_eq!(feed.matches("<entry>").count(), atlas::render::FEED_LIMIT);
        let timeline =
            std::fs::read_to_string(out.join(format!("{lang}/timeline/index.html"))).unwrap();
        let events = timeline.matches("<li class=\"event ").count();
        assert!(events >= 320, "{lang}: {events} events listed");
        assert!(!timeline.contains("timeline-picture"), "{lang}: no picture");
    }
    // The English taxonomies hold English terms only (untranslated pages show Chinese ones).
    for tax in ["indications", "tags", "cell-sources"] {
        for e in std::fs::read_dir(out.join("en").join(tax)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                !name.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "en/{tax}/{name} is a Chinese term"
            );
        }
    }
}
