//! `atlas serve`: incremental rebuilds give the bytes of a full build; the server serves
//! them with the right types, the site's 404 page and live reload; errors keep the last good
//! site and are shown until fixed.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atlas::build::BuildArgs;
use atlas::build::cache::BuildCache;
use atlas::serve::incremental::Incremental;
use common::{Site, fixture};
use serde_json::Value;

/// Generous: the test machine is small and shared.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Saves like an editor: a temporary file beside the target, renamed over it.
fn save(site: &Site, rel: &str, text: &str) {
    let path = site.path(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let tmp = path.with_file_name(format!(
        ".{}.atlas-test.tmp",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
}

fn edit(site: &Site, rel: &str, from: &str, to: &str) {
    let t = site.read(rel);
    assert!(t.contains(from), "{rel} does not contain {from:?}");
    save(site, rel, &t.replacen(from, to, 1));
}

// ---------------------------------------------------------------------------------------
// Incremental rebuilds against full builds (library level).

fn full(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut inc = Incremental::new(args(root));
    inc.rebuild(&[]).expect("full build");
    sorted(&inc)
}

fn args(root: &Path) -> BuildArgs {
    BuildArgs {
        root: root.to_path_buf(),
        ..Default::default()
    }
}

fn sorted(inc: &Incremental) -> BTreeMap<String, Vec<u8>> {
    inc.outputs()
        .iter()
        .map(|(k, v)| (k.clone(), v.to_vec()))
        .collect()
}

fn assert_same(step: &str, got: &BTreeMap<String, Vec<u8>>, want: &BTreeMap<String, Vec<u8>>) {
    let gk: BTreeSet<_> = got.keys().collect();
    let wk: BTreeSet<_> = want.keys().collect();
    assert_eq!(gk, wk, "{step}: the set of outputs differs");
    for (k, v) in want {
        if got[k] != *v {
            panic!(
                "{step}: {k} differs from a full build\n--- incremental\n{}\n--- full\n{}",
                String::from_utf8_lossy(&got[k]),
                String::from_utf8_lossy(v)
            );
        }
    }
}

#[test]
fn diagnostics_only_reports_what_the_full_builder_reports_and_keeps_no_output() {
    let site = fixture("basic");
    let root = site.root().to_path_buf();
    let mut full = Incremental::new(args(&root));
    let mut lean = Incremental::new(args(&root)).diagnostics_only();
    let f = full.rebuild(&[]).unwrap();
    let l = lean.rebuild(&[]).unwrap();
    assert_eq!(l.warnings, f.warnings);
    assert!(lean.outputs().is_empty(), "{:?}", lean.outputs().keys());
    assert!(l.changed.is_empty() && l.removed.is_empty());
    // Only what can fail is rendered: no search index, feed, sitemap or redirect.
    assert_eq!(l.rendered, l.total_jobs);
    assert!(
        l.total_jobs < f.total_jobs,
        "{} of {}",
        l.total_jobs,
        f.total_jobs
    );
    assert!(!full.outputs().is_empty());

    // A template that fails on every page of a kind fails alike in both, for each kind of
    // output the lean builder still renders (the comparison page only as HTML).
    for template in ["compare.html", "page.html", "timeline.html", "search.html"] {
        let rel = format!("themes/atlas/templates/{template}");
        let good = site.read(&rel);
        save(&site, &rel, &format!("{good}{{{{ no_such_value.field }}}}"));
        let f = full.rebuild(&[]).expect_err(template).0;
        let l = lean.rebuild(&[]).expect_err(template).0;
        assert!(
            f.iter()
                .any(|d| d.is_error() && d.file.as_deref() == Some(Path::new(&rel))),
            "{template}: {f:?}"
        );
        assert_eq!(l, f, "{template}");
        save(&site, &rel, &good);
        let f = full.rebuild(&[]).unwrap();
        let l = lean.rebuild(&[]).unwrap();
        assert_eq!(l.warnings, f.warnings, "{template} restored");
        assert!(lean.outputs().is_empty());
    }
}

#[test]
fn incremental_rebuilds_equal_full_builds() {
    let site = fixture("basic");
    let root = site.root().to_path_buf();
    let mut inc = Incremental::new(args(&root));
    let first = inc.rebuild(&[]).unwrap();
    assert_eq!(first.rendered, first.total_jobs);
    // The first build is what `atlas build` writes.
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("public");
    let run = site.build(&["-o", dest.to_str().unwrap()]);
    assert!(run.ok(), "{run:?}");
    let mut built = BTreeMap::new();
    for e in walkdir::WalkDir::new(&dest) {
        let e = e.unwrap();
        if e.file_type().is_file() && e.file_name() != ".atlas-output" {
            let rel = e.path().strip_prefix(&dest).unwrap();
            built.insert(
                rel.to_string_lossy().replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            );
        }
    }
    assert_same("first build vs atlas build", &sorted(&inc), &built);

    // Nothing changed: nothing is rendered.
    let u = inc.rebuild(&[]).unwrap();
    assert_eq!((u.rendered, u.changed.len()), (0, 0), "{u:?}");

    type Step = (&'static str, Box<dyn Fn(&Site)>);
    let steps: Vec<Step> = vec![
        (
            "body edit",
            Box::new(|s| {
                edit(
                    s,
                    "content/regions/beijing.zh.md",
                    "## ",
                    "新的一段话。\n\n## ",
                )
            }),
        ),
        (
            "title edit",
            Box::new(|s| {
                edit(
                    s,
                    "content/regions/beijing.en.md",
                    "title = \"Beijing\"",
                    "title = \"Peking\"",
                )
            }),
        ),
        (
            "slug change",
            Box::new(|s| {
                edit(
                    s,
                    "content/regions/beijing.en.md",
                    "weight = 1",
                    "weight = 1\nslug = \"peking\"",
                )
            }),
        ),
        (
            "summary edit",
            Box::new(|s| {
                let t = s.read("content/regions/china.en.md");
                let end = t.rfind("+++\n").unwrap() + 4;
                let text = format!("{}A new first line.\n\n{}", &t[..end], &t[end..]);
                save(s, "content/regions/china.en.md", &text)
            }),
        ),
        (
            "new link (backlinks)",
            Box::new(|s| {
                let t = s.read("content/drugs/remestemcel.en.md");
                save(
                    s,
                    "content/drugs/remestemcel.en.md",
                    &format!("{t}\nSee [China](@/regions/china.md).\n"),
                )
            }),
        ),
        (
            "new page in both languages",
            Box::new(|s| {
                for lang in ["zh", "en"] {
                    save(
                        s,
                        &format!("content/regions/tianjin.{lang}.md"),
                        "+++\ntitle = \"Tianjin\"\n[region]\nkind = \"municipality\"\nparent = \"china\"\n+++\nA port[@paper].\n",
                    )
                }
            }),
        ),
        (
            "untranslated page (fallback)",
            Box::new(|s| s.remove("content/regions/tianjin.en.md")),
        ),
        (
            "drug names another region",
            Box::new(|s| {
                edit(
                    s,
                    "content/drugs/remestemcel.en.md",
                    "regions = [\"beijing\"]",
                    "regions = [\"beijing\", \"china\"]",
                )
            }),
        ),
        (
            "region parent change",
            Box::new(|s| {
                edit(
                    s,
                    "content/regions/beijing.zh.md",
                    "parent = \"china\"\n",
                    "",
                )
            }),
        ),
        (
            "new tag (taxonomy)",
            Box::new(|s| {
                edit(
                    s,
                    "content/regions/china.zh.md",
                    "+++\n",
                    "+++\ntags = [\"测试\"]\n",
                )
            }),
        ),
        (
            "indication renamed in one language (term translations)",
            Box::new(|s| {
                edit(
                    s,
                    "content/drugs/remestemcel.zh.md",
                    "indications = [\"急性移植物抗宿主病\"]",
                    "indications = [\"急性移植物抗宿主病\", \"克罗恩病\"]",
                )
            }),
        ),
        (
            "source data edit",
            Box::new(|s| edit(s, "data/sources.toml", "A news item", "A renamed news item")),
        ),
        (
            "citation added",
            Box::new(|s| {
                let t = s.read("content/regions/china.en.md");
                save(
                    s,
                    "content/regions/china.en.md",
                    &format!("{t}\nAs reported[@news].\n"),
                )
            }),
        ),
        (
            "template edit",
            Box::new(|s| {
                edit(
                    s,
                    "themes/atlas/templates/base.html",
                    "<main id=\"main\"",
                    "<!-- edited -->\n<main id=\"main\"",
                )
            }),
        ),
        (
            "interface string edit",
            Box::new(|s| {
                let t = s.read("themes/atlas/i18n/en.toml");
                let (k, _) = t.lines().find_map(|l| l.split_once(" = ")).unwrap();
                let line = t
                    .lines()
                    .find(|l| l.starts_with(&format!("{k} = ")))
                    .unwrap();
                save(
                    s,
                    "themes/atlas/i18n/en.toml",
                    &t.replacen(line, &format!("{k} = \"Edited string\""), 1),
                )
            }),
        ),
        (
            "stylesheet edit",
            Box::new(|s| {
                let t = s.read("themes/atlas/static/style.css");
                save(
                    s,
                    "themes/atlas/static/style.css",
                    &format!("{t}\n/* edited */\n"),
                )
            }),
        ),
        (
            "asset added and removed",
            Box::new(|s| {
                s.write("content/regions/notes.txt", "notes\n");
                s.remove("content/regions/map.svg");
            }),
        ),
        (
            "config edit",
            Box::new(|s| {
                edit(
                    s,
                    "atlas.toml",
                    "title = \"Test Atlas\"",
                    "title = \"Edited Atlas\"",
                )
            }),
        ),
        (
            "page deleted",
            Box::new(|s| {
                s.remove("content/regions/tianjin.zh.md");
            }),
        ),
    ];
    for (name, step) in steps {
        step(&site);
        let u = inc
            .rebuild(&[])
            .unwrap_or_else(|e| panic!("{name}: the edit broke the site:\n{e}"));
        assert!(
            !u.changed.is_empty() || !u.removed.is_empty(),
            "{name}: nothing changed"
        );
        assert_same(name, &sorted(&inc), &full(&root));
        if name == "body edit" {
            // Only that page and the pages that show it are rendered again.
            assert!(
                u.rendered * 3 < u.total_jobs,
                "body edit rendered {} of {} jobs",
                u.rendered,
                u.total_jobs
            );
            assert!(
                u.changed
                    .contains(&"zh/regions/beijing/index.html".to_string())
            );
            assert!(!u.changed.iter().any(|p| p.starts_with("en/")), "{u:?}");
        }
    }

    // A failed rebuild keeps the last good output; the next good one catches up.
    let good = sorted(&inc);
    edit(
        &site,
        "content/regions/china.zh.md",
        "title = ",
        "title = 3\nx = ",
    );
    assert!(inc.rebuild(&[]).is_err());
    assert_same("after a failed build", &sorted(&inc), &good);
    edit(
        &site,
        "content/regions/china.zh.md",
        "title = 3\nx = ",
        "title = ",
    );
    edit(
        &site,
        "content/regions/beijing.zh.md",
        "新的一段话。",
        "又改了一段。",
    );
    inc.rebuild(&[]).unwrap();
    assert_same("after the fix", &sorted(&inc), &full(&root));
}

#[test]
fn pages_are_published_before_the_search_index() {
    let site = fixture("basic");
    let root = site.root().to_path_buf();
    let mut inc = Incremental::new(args(&root));
    let mut calls = 0;
    let late = inc
        .rebuild_with(&[], &mut |u, outputs| {
            calls += 1;
            assert_eq!(u.changed.len(), outputs.len());
        })
        .unwrap();
    assert_eq!(calls, 1);
    assert!(late.is_none(), "the first build renders everything at once");
    let index_before = inc.outputs()["zh/search/index.json"].clone();
    let is_index = |p: &String| p.starts_with("zh/search/") && p.ends_with(".json");

    edit(
        &site,
        "content/regions/beijing.zh.md",
        "重复标题。",
        "重复标题。新的句子：独一无二的词语。",
    );
    let mut seen_early = None;
    let late = inc
        .rebuild_with(&[], &mut |u, outputs| {
            seen_early = Some((
                u.changed.clone(),
                outputs["zh/regions/beijing/index.html"].clone(),
                outputs["zh/search/index.json"].clone(),
            ));
        })
        .unwrap()
        .expect("the search index comes second");
    let (changed, page, index) = seen_early.expect("the pages were published");
    assert!(
        changed.contains(&"zh/regions/beijing/index.html".to_string()),
        "{changed:?}"
    );
    assert!(String::from_utf8_lossy(&page).contains("独一无二的词语"));
    assert!(!changed.iter().any(is_index), "{changed:?}");
    assert_eq!(index, index_before, "the old index until the second step");
    assert!(
        !late.changed.is_empty() && late.changed.iter().all(is_index),
        "{late:?}"
    );
    assert_eq!(late.rendered, 1);
    assert_ne!(inc.outputs()["zh/search/index.json"], index_before);
    assert_same("after both steps", &sorted(&inc), &full(&root));

    // Nothing changed: neither step renders anything.
    let mut rendered = usize::MAX;
    let late = inc
        .rebuild_with(&[], &mut |u, _| rendered = u.rendered)
        .unwrap();
    assert_eq!((rendered, late.is_none()), (0, true));
}

// ---------------------------------------------------------------------------------------
// Cached loads (what `atlas serve` keeps between rebuilds) against fresh loads.

/// What a load gives, as text: the model's files, rendered bodies, pages, aliases and
/// warnings, or every diagnostic of a failed load. Without the bodies' heading ids: only
/// the anchor check reads them, and a fresh load frees them after it while a cached one
/// keeps them (the cache shares the bodies with the model).
fn model(r: Result<(atlas::site::Site, atlas::render::Theme), atlas::Diagnostics>) -> String {
    match r {
        Ok((site, _)) => format!(
            "files {:#?}\nrendered {:#?}\npages {:#?}\naliases {:?}\nwarnings\n{}",
            site.files,
            site.rendered
                .iter()
                .map(|r| {
                    let mut r = (**r).clone();
                    r.anchors.clear();
                    r
                })
                .collect::<Vec<_>>(),
            site.pages,
            site.aliases,
            atlas::Diagnostics(site.warnings.clone())
        ),
        Err(d) => format!("errors\n{d}"),
    }
}

/// Loads with the cache and without; they must give the same. Returns (files parsed,
/// bodies rendered) by the cached load, and whether it built.
fn cached_vs_fresh(step: &str, root: &Path, cache: &BuildCache) -> (usize, usize, bool) {
    let cached = atlas::build::load_cached(&args(root), cache);
    let ok = cached.is_ok();
    let cached = model(cached);
    let fresh = model(atlas::build::load(&args(root)));
    if cached != fresh {
        let line = cached
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let show = |t: &str| {
            t.lines()
                .skip(line.saturating_sub(5))
                .take(12)
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "{step}: the cached load differs from a fresh load at line {line}\n--- cached\n{}\n--- fresh\n{}",
            show(&cached),
            show(&fresh)
        );
    }
    (
        cache.parsed.last_counts().1,
        cache.markdown.last_counts().1,
        ok,
    )
}

#[test]
fn cached_loads_equal_fresh_loads() {
    let site = fixture("basic");
    let root = site.root().to_path_buf();
    let cache = BuildCache::default();
    let (parsed, rendered, ok) = cached_vs_fresh("first load", &root, &cache);
    assert!(ok);
    assert!(parsed >= 10 && rendered >= 10, "{parsed} {rendered}");
    assert_eq!(
        cached_vs_fresh("nothing changed", &root, &cache),
        (0, 0, true)
    );

    // (step, edit, files parsed again, bodies rendered again, builds)
    type Step = (&'static str, Box<dyn Fn(&Site)>, usize, usize, bool);
    let steps: Vec<Step> = vec![
        (
            "body edit",
            Box::new(|s| {
                edit(
                    s,
                    "content/regions/china.en.md",
                    "National level.",
                    "National level, edited.",
                )
            }),
            1,
            1,
            true,
        ),
        (
            "front matter edit (the body is kept)",
            Box::new(|s| {
                edit(
                    s,
                    "content/regions/china.en.md",
                    "weight = 0",
                    "weight = 0\ndescription = \"Edited\"",
                )
            }),
            1,
            0,
            true,
        ),
        (
            "a heading id changes: the anchor link to it breaks",
            Box::new(|s| {
                edit(
                    s,
                    "content/regions/beijing.zh.md",
                    "## 监管模式\n\n重复标题。",
                    "## 另一个标题\n\n重复标题。",
                )
            }),
            1,
            1,
            false,
        ),
        (
            "the heading comes back",
            Box::new(|s| {
                edit(
                    s,
                    "content/regions/beijing.zh.md",
                    "## 另一个标题\n\n重复标题。",
                    "## 监管模式\n\n重复标题。",
                )
            }),
            1,
            1,
            true,
        ),
        (
            "a link target is deleted: links to it break",
            Box::new(|s| s.remove("content/regions/shanghai.zh.md")),
            0,
            // beijing.zh and beijing.en (which shows the untranslated page) link to it.
            2,
            false,
        ),
        (
            "the link target comes back",
            Box::new(|s| {
                s.write(
                    "content/regions/shanghai.zh.md",
                    &std::fs::read_to_string(
                        Path::new(env!("CARGO_MANIFEST_DIR"))
                            .join("tests/fixtures/basic/content/regions/shanghai.zh.md"),
                    )
                    .unwrap(),
                )
            }),
            1,
            3,
            true,
        ),
        (
            "a link target's slug changes: the links' URLs follow",
            Box::new(|s| {
                edit(
                    s,
                    "content/drugs/remestemcel.en.md",
                    "+++\n",
                    "+++\nslug = \"ryoncil\"\n",
                )
            }),
            1,
            // beijing.en links to the English page.
            1,
            true,
        ),
        (
            "a citation of an unknown source",
            Box::new(|s| {
                let t = s.read("content/regions/china.en.md");
                save(
                    s,
                    "content/regions/china.en.md",
                    &format!("{t}\nAs reported[@later].\n"),
                )
            }),
            1,
            1,
            false,
        ),
        (
            "the source is added: the citation resolves",
            Box::new(|s| {
                let t = s.read("data/sources.toml");
                save(
                    s,
                    "data/sources.toml",
                    &format!(
                        "{t}\n[[source]]\nid = \"later\"\ntitle = \"Later\"\nlang = \"en\"\npublisher = \"P\"\ndate = \"2025\"\n"
                    ),
                )
            }),
            0,
            1,
            true,
        ),
        (
            "a picture that is not there yet",
            Box::new(|s| {
                let t = s.read("content/regions/china.en.md");
                save(
                    s,
                    "content/regions/china.en.md",
                    &format!("{t}\n![plan](plan.svg)\n"),
                )
            }),
            1,
            1,
            true,
        ),
        (
            "the picture is added beside the page: its URL is rewritten",
            Box::new(|s| {
                s.write(
                    "content/regions/plan.svg",
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
                )
            }),
            0,
            1,
            true,
        ),
        (
            "a page is renamed",
            Box::new(|s| {
                let t = s.read("content/regions/china.zh.md");
                s.remove("content/regions/china.zh.md");
                s.write("content/regions/prc.zh.md", &t);
            }),
            1,
            1,
            true,
        ),
        (
            "the rename is undone",
            Box::new(|s| {
                let t = s.read("content/regions/prc.zh.md");
                s.remove("content/regions/prc.zh.md");
                s.write("content/regions/china.zh.md", &t);
            }),
            1,
            1,
            true,
        ),
        (
            "a draft page's link",
            Box::new(|s| {
                let t = s.read("content/regions/china.en.md");
                save(
                    s,
                    "content/regions/china.en.md",
                    &format!("{t}\nSee [the draft](@/drugs/draft.md).\n"),
                )
            }),
            1,
            1,
            false,
        ),
        (
            "the base path changes: every link's URL follows",
            Box::new(|s| {
                edit(
                    s,
                    "atlas.toml",
                    "https://example.org/atlas/",
                    "https://example.org/other/",
                )
            }),
            0,
            usize::MAX,
            false,
        ),
        (
            "the draft link is removed",
            Box::new(|s| {
                let t = s.read("content/regions/china.en.md");
                save(
                    s,
                    "content/regions/china.en.md",
                    &t.replace("\nSee [the draft](@/drugs/draft.md).\n", ""),
                )
            }),
            1,
            1,
            true,
        ),
        (
            "a config edit that no link depends on",
            Box::new(|s| {
                edit(
                    s,
                    "atlas.toml",
                    "title = \"Test Atlas\"",
                    "title = \"Edited Atlas\"",
                )
            }),
            0,
            0,
            true,
        ),
    ];
    for (name, step, want_parsed, want_rendered, want_ok) in steps {
        step(&site);
        let (parsed, rendered, ok) = cached_vs_fresh(name, &root, &cache);
        assert_eq!(ok, want_ok, "{name}: builds");
        assert_eq!(parsed, want_parsed, "{name}: files parsed again");
        if want_rendered == usize::MAX {
            assert!(rendered >= 3, "{name}: {rendered} bodies rendered again");
        } else {
            assert_eq!(rendered, want_rendered, "{name}: bodies rendered again");
        }
    }
}

#[test]
fn files_are_read_again_unless_their_metadata_shows_them_unchanged() {
    let site = fixture("basic");
    let root = site.root().to_path_buf();
    let cache = BuildCache::default();
    assert!(cached_vs_fresh("first load", &root, &cache).2);
    let files = cache.parsed.last_counts().1;
    assert!(files >= 10, "{files}");
    // Just written: their metadata is not trusted yet, every file is read (and none parsed).
    assert_eq!(cached_vs_fresh("second load", &root, &cache), (0, 0, true));
    assert_eq!(cache.parsed.last_reads(), files);
    let racy = u64::try_from(atlas::content::RACY_SECONDS).unwrap();
    std::thread::sleep(Duration::from_millis(racy * 1000 + 200));
    // Read once more, now with metadata old enough to be trusted; then not read at all.
    cached_vs_fresh("third load", &root, &cache);
    assert_eq!(cache.parsed.last_reads(), files);
    assert_eq!(cached_vs_fresh("fourth load", &root, &cache), (0, 0, true));
    assert_eq!(cache.parsed.last_reads(), 0);
    // An edit in place (same inode) that keeps the size is seen.
    let t = site.read("content/regions/china.en.md");
    std::fs::write(
        site.path("content/regions/china.en.md"),
        t.replace("National level.", "National LEVEL."),
    )
    .unwrap();
    assert_eq!(
        cached_vs_fresh("same-size edit", &root, &cache),
        (1, 1, true)
    );
    assert_eq!(cache.parsed.last_reads(), 1);
    // Rewritten in place with the same bytes: read again, not parsed.
    let t = site.read("content/regions/beijing.zh.md");
    std::fs::write(site.path("content/regions/beijing.zh.md"), &t).unwrap();
    assert_eq!(cached_vs_fresh("same bytes", &root, &cache), (0, 0, true));
    assert_eq!(cache.parsed.last_reads(), 2, "the two recent files");
    // What the watcher names is read again.
    cache
        .parsed
        .forget(&["content/regions/shanghai.zh.md".into()]);
    cached_vs_fresh("forgotten", &root, &cache);
    assert_eq!(cache.parsed.last_reads(), 3);
}

// ---------------------------------------------------------------------------------------
// The server, as a process.

struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    origin: String,
    /// What the server printed (stdout and stderr).
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(site: &Site, extra: &[&str]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlas"));
        cmd.args(["serve", "--root"]).arg(site.root());
        if !extra.contains(&"--port") {
            cmd.args(["--port", "0"]);
        }
        let mut child = cmd
            .args(extra)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = channel::<String>();
        let out = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        let (l1, l2) = (log.clone(), log.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                l1.lock().unwrap().push_str(&format!("{line}\n"));
                let _ = tx.send(line);
            }
        });
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                l2.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let deadline = Instant::now() + TIMEOUT;
        let origin = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) if line.starts_with("Serving ") => {
                    let url = line.rsplit(" at ").next().unwrap();
                    let after = url.strip_prefix("http://").unwrap();
                    let host = &after[..after.find('/').unwrap()];
                    break format!("http://{host}");
                }
                Ok(_) => {}
                Err(_) => panic!("the server did not start in time:\n{}", log.lock().unwrap()),
            }
        };
        Server { child, origin, log }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the server has printed `needle` (stdout and stderr arrive separately).
    fn wait_log(&self, needle: &str) {
        let deadline = Instant::now() + TIMEOUT;
        while !self.log().contains(needle) {
            assert!(
                Instant::now() < deadline,
                "the server did not print {needle:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn get(&self, path: &str) -> Resp {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(TIMEOUT))
            .build()
            .into();
        let mut r = agent
            .get(&format!("{}{path}", self.origin))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", self.log()));
        let header = |n: &str| {
            r.headers()
                .get(n)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        let status = r.status().as_u16();
        let ctype = header("content-type");
        let cache = header("cache-control");
        let location = header("location");
        let body = r.body_mut().read_to_vec().unwrap();
        Resp {
            status,
            ctype,
            cache,
            location,
            body,
        }
    }

    /// Sends a request line as written (no client would send `..` untouched).
    fn raw(&self, method: &str, path: &str) -> String {
        let host = self.origin.strip_prefix("http://").unwrap();
        let mut s = TcpStream::connect(host).unwrap();
        s.set_read_timeout(Some(TIMEOUT)).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    }

    fn events(&self, base: &str) -> Events {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let r = agent
            .get(&format!("{}{base}__atlas/events", self.origin))
            .call()
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let ctype = r.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ctype.starts_with("text/event-stream"), "{ctype}");
        let (tx, rx) = channel();
        let reader = r.into_body().into_reader();
        std::thread::spawn(move || {
            for line in BufReader::new(reader).lines().map_while(Result::ok) {
                if let Some(data) = line.strip_prefix("data: ") {
                    let v: Value = serde_json::from_str(data).unwrap();
                    if tx.send(v).is_err() {
                        break;
                    }
                }
            }
        });
        Events { rx }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Resp {
    status: u16,
    ctype: String,
    cache: String,
    location: String,
    body: Vec<u8>,
}

impl Resp {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

struct Events {
    rx: Receiver<Value>,
}

impl Events {
    /// The next message that satisfies `pred` (others are skipped).
    fn wait(&self, server: &Server, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(v) if pred(&v) => return v,
                Ok(_) => {}
                Err(_) => panic!("no {what} message in time; server log:\n{}", server.log()),
            }
        }
    }

    /// A build message listing `url`, or `served(status of url)` true before one comes
    /// (checked after every message and twice a second): when the watcher reports two saves
    /// in one batch, or a file it has not named yet is picked up by a rebuild for another,
    /// the page can change in a build whose message was already taken for an earlier step.
    /// Times out with every message seen.
    fn build_or_served(&self, server: &Server, url: &str, served: impl Fn(u16) -> bool) {
        let deadline = Instant::now() + TIMEOUT;
        let mut seen = Vec::new();
        loop {
            if served(server.get(url).status) {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                panic!(
                    "{url} not served as expected in time; messages: {seen:?}; server log:\n{}",
                    server.log()
                );
            }
            match self.rx.recv_timeout(left.min(Duration::from_millis(500))) {
                Ok(v) => {
                    let listed = v["type"] == "build"
                        && v["changed"]
                            .as_array()
                            .is_some_and(|a| a.iter().any(|u| u == url));
                    seen.push(v);
                    if listed {
                        return;
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(e) => panic!("event stream closed: {e}; server log:\n{}", server.log()),
            }
        }
    }

    fn build_with(&self, server: &Server, url: &str) -> Value {
        self.wait(server, &format!("build changing {url}"), |v| {
            v["type"] == "build"
                && v["changed"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|u| u == url))
        })
    }
}

/// A served HTML page without the injected live-reload script.
fn strip_live(html: &str) -> String {
    let start = html
        .find("<script data-atlas-serve>")
        .expect("no live-reload script");
    let end = start + html[start..].find("</script>\n").unwrap() + "</script>\n".len();
    let rest = &html[end..];
    assert!(!rest.contains("data-atlas-serve"), "script injected twice");
    format!("{}{rest}", &html[..start])
}

#[test]
fn serves_the_built_site_with_types_404_and_no_traversal() {
    let site = fixture("basic");
    site.write("content/regions/font.woff2", "not really a font");
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "TOP SECRET").unwrap();
    let server = Server::start(&site, &[]);
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("public");
    let run = site.build(&["-o", dest.to_str().unwrap()]);
    assert!(run.ok(), "{run:?}");

    // Every file of `atlas build` is served with the same bytes (HTML: plus the script).
    let mut n = 0;
    for e in walkdir::WalkDir::new(&dest) {
        let e = e.unwrap();
        if !e.file_type().is_file() || e.file_name() == ".atlas-output" {
            continue;
        }
        let rel = e
            .path()
            .strip_prefix(&dest)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let url = format!("/atlas/{}", rel.strip_suffix("index.html").unwrap_or(&rel));
        let r = server.get(&url);
        let want = std::fs::read(e.path()).unwrap();
        assert_eq!(r.status, 200, "{url}");
        assert_eq!(r.cache, "no-store", "{url}");
        if rel.ends_with(".html") {
            assert!(r.ctype.starts_with("text/html"), "{url}: {}", r.ctype);
            assert_eq!(
                strip_live(&r.text()),
                String::from_utf8(want).unwrap(),
                "{url}"
            );
        } else {
            assert_eq!(r.body, want, "{url}");
        }
        n += 1;
    }
    assert!(n > 30, "only {n} files");

    for (url, ctype) in [
        ("/atlas/zh/compare/table.csv", "text/csv"),
        ("/atlas/zh/compare/table.json", "application/json"),
        ("/atlas/regions/map.svg", "image/svg+xml"),
        ("/atlas/regions/font.woff2", "font/woff2"),
        ("/atlas/sitemap.xml", "xml"),
        ("/atlas/zh/atom.xml", "xml"),
        ("/atlas/style.css", "text/css"),
        ("/atlas/robots.txt", "text/plain"),
    ] {
        let r = server.get(url);
        assert_eq!(r.status, 200, "{url}");
        assert!(r.ctype.contains(ctype), "{url}: {}", r.ctype);
    }

    // The site's own 404 page, for missing pages and for paths outside the base path.
    let page404 = std::fs::read_to_string(dest.join("404.html")).unwrap();
    for url in [
        "/atlas/zh/nowhere/",
        "/atlas/nowhere.css",
        "/",
        "/zh/",
        "/other/x",
    ] {
        let r = server.get(url);
        assert_eq!(r.status, 404, "{url}");
        assert_eq!(strip_live(&r.text()), page404, "{url}");
        assert_eq!(r.cache, "no-store");
    }
    // A folder without its slash is redirected.
    let r = server.get("/atlas/zh/regions");
    assert_eq!((r.status, r.location.as_str()), (308, "/atlas/zh/regions/"));
    let r = server.get("/atlas");
    assert_eq!((r.status, r.location.as_str()), (308, "/atlas/"));

    // Nothing outside the output.
    let target = secret.path().to_string_lossy().to_string();
    for path in [
        "/atlas/../../../../../../etc/passwd",
        "/atlas/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/atlas/%2E%2E/Cargo.toml",
        "/atlas/zh/..%2f..%2fatlas.toml",
        "/atlas/..%5c..%5catlas.toml",
        &format!("/atlas//{target}"),
        &format!("//{target}"),
        "/atlas/./zh/",
    ] {
        let resp = server.raw("GET", path);
        let status: u16 = resp.split(' ').nth(1).unwrap().parse().unwrap();
        assert!((400..500).contains(&status), "{path}: {resp}");
        assert!(
            !resp.contains("TOP SECRET") && !resp.contains("root:"),
            "{path}"
        );
    }
    assert!(server.raw("POST", "/atlas/zh/").starts_with("HTTP/1.1 405"));
    let head = server.raw("HEAD", "/atlas/zh/");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(!head.contains("<html"), "HEAD sent a body");

    // A symbolic link to a file outside the site is refused (and reported).
    let events = server.events("/atlas/");
    events.wait(&server, "hello", |v| v["type"] == "hello");
    std::os::unix::fs::symlink(secret.path(), site.path("content/regions/leak.txt")).unwrap();
    let v = events.wait(&server, "errors", |v| v["type"] == "errors");
    assert!(v.to_string().contains("leak.txt"), "{v}");
    let r = server.get("/atlas/regions/leak.txt");
    assert_eq!(r.status, 404);
    assert!(!r.text().contains("TOP SECRET"));

    // Ctrl-C stops the server cleanly.
    let mut server = server;
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "exit {status}\n{}", server.log());
            break;
        }
        assert!(Instant::now() < deadline, "did not stop:\n{}", server.log());
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn edits_reload_errors_show_and_new_files_appear() {
    let site = fixture("basic");
    let server = Server::start(&site, &[]);
    let events = server.events("/atlas/");
    let hello = events.wait(&server, "hello", |v| v["type"] == "hello");
    assert_eq!(hello["ok"], true);
    let page = "/atlas/en/regions/beijing/";

    // An edit is reflected on the next request, and open pages are told.
    edit(
        &site,
        "content/regions/beijing.en.md",
        "Beijing is the capital",
        "Beijing, edited live, is the capital",
    );
    let msg = events.build_with(&server, page);
    let changed: Vec<&str> = msg["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        !changed.contains(&"/atlas/zh/regions/beijing/"),
        "{changed:?}"
    );
    let r = server.get(page);
    assert!(r.text().contains("Beijing, edited live, is the capital"));
    server.wait_log("Changed: content/regions/beijing.en.md");

    // A stylesheet change is announced alone (pages swap it without reloading).
    let css = site.read("themes/atlas/static/style.css");
    save(
        &site,
        "themes/atlas/static/style.css",
        &format!("{css}\n/* live */\n"),
    );
    let msg = events.build_with(&server, "/atlas/style.css");
    assert_eq!(msg["changed"].as_array().unwrap().len(), 1, "{msg}");
    assert!(server.get("/atlas/style.css").text().contains("/* live */"));

    // A bad edit keeps the last good page and exposes every error, with file and line.
    edit(
        &site,
        "content/regions/beijing.en.md",
        "title = \"Beijing\"",
        "title = 3",
    );
    edit(
        &site,
        "content/drugs/remestemcel.en.md",
        "[@news]",
        "[@no-such-source]",
    );
    let msg = events.wait(&server, "errors", |v| {
        v["type"] == "errors" && v["errors"].as_array().is_some_and(|a| a.len() >= 2)
    });
    let errors = msg["errors"].as_array().unwrap();
    let files: BTreeSet<&str> = errors.iter().map(|e| e["file"].as_str().unwrap()).collect();
    assert!(files.contains("content/regions/beijing.en.md"), "{msg}");
    assert!(
        errors
            .iter()
            .all(|e| e["line"].as_u64().is_some() && e["message"].is_string()),
        "{msg}"
    );
    let r = server.get(page);
    assert_eq!(r.status, 200);
    assert!(r.text().contains("Beijing, edited live, is the capital"));
    let status: Value = serde_json::from_slice(&server.get("/atlas/__atlas/status").body).unwrap();
    assert_eq!(status["ok"], false);
    assert_eq!(status["errors"].as_array().unwrap().len(), errors.len());
    // A page opened now learns about the errors at once.
    let late = server.events("/atlas/");
    let hello = late.wait(&server, "hello", |v| v["type"] == "hello");
    assert_eq!(hello["ok"], false);
    assert_eq!(hello["errors"], msg["errors"]);

    // The fix clears them.
    edit(
        &site,
        "content/regions/beijing.en.md",
        "title = 3",
        "title = \"Beijing (fixed)\"",
    );
    edit(
        &site,
        "content/drugs/remestemcel.en.md",
        "[@no-such-source]",
        "[@news]",
    );
    events.build_with(&server, page);
    let status: Value = serde_json::from_slice(&server.get("/atlas/__atlas/status").body).unwrap();
    assert_eq!(status["ok"], true, "{status}");
    assert!(server.get(page).text().contains("Beijing (fixed)"));

    // A new file appears without a restart; a deleted one goes away.
    let new = "/atlas/en/regions/tianjin/";
    assert_eq!(server.get(new).status, 404);
    save(
        &site,
        "content/regions/tianjin.en.md",
        "+++\ntitle = \"Tianjin\"\n[region]\nkind = \"municipality\"\nparent = \"china\"\n+++\nA port city[@paper].\n",
    );
    events.build_or_served(&server, new, |status| status == 200);
    let r = server.get(new);
    assert_eq!(r.status, 200);
    assert!(r.text().contains("A port city"));
    // The Chinese side shows the English page as a fallback.
    assert_eq!(server.get("/atlas/zh/regions/tianjin/").status, 200);
    site.remove("content/regions/tianjin.en.md");
    events.build_or_served(&server, new, |status| status == 404);
    assert_eq!(server.get(new).status, 404);
    assert_eq!(server.get("/atlas/zh/regions/tianjin/").status, 404);

    // Editor swap and backup files are not content.
    site.write("content/regions/.beijing.en.md.swp", "garbage");
    site.write("content/regions/beijing.en.md~", "garbage");
    edit(
        &site,
        "content/regions/beijing.en.md",
        "(fixed)",
        "(fixed again)",
    );
    let msg = events.build_with(&server, page);
    assert!(!msg.to_string().contains("swp"));
    let status: Value = serde_json::from_slice(&server.get("/atlas/__atlas/status").body).unwrap();
    assert_eq!(status["ok"], true, "{status}");
}

#[test]
fn a_site_that_does_not_build_yet_shows_its_errors_then_the_site() {
    let site = fixture("basic");
    edit(
        &site,
        "content/regions/china.zh.md",
        "+++\n",
        "+++\ncolour = \"red\"\n",
    );
    let server = Server::start(&site, &[]);
    server.wait_log("content/regions/china.zh.md:2");
    let r = server.get("/atlas/zh/");
    assert_eq!(r.status, 503);
    let text = r.text();
    assert!(text.contains("content/regions/china.zh.md:2"), "{text}");
    assert!(text.contains("data-atlas-serve"));
    let events = server.events("/atlas/");
    let hello = events.wait(&server, "hello", |v| v["type"] == "hello");
    assert_eq!(hello["ok"], false);
    assert_eq!(hello["errors"][0]["file"], "content/regions/china.zh.md");
    edit(
        &site,
        "content/regions/china.zh.md",
        "colour = \"red\"\n",
        "",
    );
    events.build_with(&server, "/atlas/zh/");
    let r = server.get("/atlas/zh/");
    assert_eq!(r.status, 200);
}

#[test]
fn base_url_and_a_taken_port() {
    let site = fixture("basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let server = Server::start(
        &site,
        &[
            "--port",
            &port,
            "--base-url",
            "https://example.org/preview/",
        ],
    );
    assert!(
        server.log().contains(&format!("Port {port} is in use")),
        "{}",
        server.log()
    );
    assert!(!server.origin.ends_with(&format!(":{port}")));
    server.wait_log("zh: http://127.0.0.1:");
    server.wait_log("/preview/en/");
    let r = server.get("/preview/zh/");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("href=\"/preview/style.css\""));
    assert_eq!(server.get("/atlas/zh/").status, 404);
    assert_eq!(server.get("/preview/style.css").status, 200);
    let events = server.events("/preview/");
    events.wait(&server, "hello", |v| v["type"] == "hello");
    // The user's public/ is never written.
    assert!(!site.path("public").exists());
}

/// The summary line without its time: `Done: … in 12 ms; …` → `Done: … in ms; …`.
fn without_time(line: &str) -> String {
    let (head, tail) = line.split_once(", in ").unwrap();
    let tail = tail.trim_start_matches(|c: char| c.is_ascii_digit());
    format!("{head}, in{tail}")
}

/// `atlas build` and `atlas serve` (after the first build and after each rebuild) end with
/// the same summary line, which says how many drafts were left out and how to include them.
#[test]
fn build_and_serve_end_with_the_same_summary_line() {
    let site = fixture("basic");
    let out = site.root().join("public");
    let built = common::atlas(
        &["build", "--output-dir", out.to_str().unwrap()],
        site.root(),
    );
    assert!(built.ok(), "{built:?}");
    let last = built.stdout.lines().last().unwrap().to_string();
    assert!(last.starts_with("Done: "), "{built:?}");
    assert!(
        last.ends_with("; 1 draft left out (add --drafts to include it)."),
        "{last}"
    );
    let server = Server::start(&site, &[]);
    server.wait_log("Done: ");
    edit(
        &site,
        "content/regions/china.en.md",
        "weight = 0",
        "weight = 3",
    );
    server.wait_log("Changed: content/regions/china.en.md");
    let deadline = Instant::now() + TIMEOUT;
    let lines = loop {
        let log = server.log();
        let lines: Vec<String> = log
            .lines()
            .filter(|l| l.starts_with("Done: "))
            .map(str::to_string)
            .collect();
        if lines.len() >= 2 {
            break lines;
        }
        assert!(Instant::now() < deadline, "no second summary:\n{log}");
        std::thread::sleep(Duration::from_millis(20));
    };
    for l in &lines {
        assert_eq!(without_time(l), without_time(&last), "{}", server.log());
    }
    // With --drafts nothing is left out, and the line says nothing about drafts.
    let with = common::atlas(
        &["build", "--drafts", "--output-dir", out.to_str().unwrap()],
        site.root(),
    );
    let last = with.stdout.lines().last().unwrap();
    assert!(
        last.starts_with("Done: ") && !last.contains("draft"),
        "{with:?}"
    );
}

/// Ctrl-C (SIGINT) stops the server promptly: idle, with a page open on the live-reload
/// stream, and with a client that has sent half a request (which the server used to wait
/// 3 s for). The bound (2 s) is for correctness on a busy test machine; the time measured is
/// printed (`--nocapture`).
#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_promptly() {
    let site = fixture("basic");
    for case in ["idle", "page open", "half-sent request"] {
        let mut server = Server::start(&site, &[]);
        let events = (case == "page open").then(|| {
            let e = server.events("/atlas/");
            e.wait(&server, "hello", |v| v["type"] == "hello");
            e
        });
        let half = (case == "half-sent request").then(|| {
            let host = server.origin.strip_prefix("http://").unwrap().to_string();
            let mut s = TcpStream::connect(&host).unwrap();
            write!(s, "GET /atlas/zh/ HTTP/1.1\r\nHost: {host}\r\n").unwrap();
            s.flush().unwrap();
            std::thread::sleep(Duration::from_millis(100));
            s
        });
        let pid = server.child.id().to_string();
        let start = Instant::now();
        let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(sent.success());
        let status = loop {
            if let Some(s) = server.child.try_wait().unwrap() {
                break s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(2),
                "still running 2 s after SIGINT ({case}):\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(2));
        };
        let took = start.elapsed();
        println!("SIGINT to exit ({case}): {} ms", took.as_millis());
        assert!(status.success(), "{status:?}\n{}", server.log());
        drop((events, half));
    }
}
