//! criterion benchmarks of the hot stages of a build, on a site written by
//! `examples/gen-site.rs` (the same content model as the whole-build benchmark,
//! `scripts/bench.py`):
//!
//! - `front_matter`: splitting and parsing one page file (TOML front matter with the
//!   `[region]` / `[drug]` schema), `content::parse_page`;
//! - `markdown`: one body through `markdown::render` (CJK rules, heading ids, `@/` links,
//!   citations, footnotes), Chinese and English;
//! - `site_build`: `Site::build` on a small generated site (pages, fallbacks, Markdown, link
//!   and anchor checks, schemas, relations, per-language model), from already parsed content;
//! - `render`: `Renderer::new` (values shared by all pages) and `Renderer::render` of a
//!   region page, a drug page and a section page (which lists all its pages).
//!
//! Run: `cargo bench --bench stages` (or `-- markdown` for one group).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

use atlas::config::{Config, SitePaths};
use atlas::content::{Content, Kind, SourcePage};
use atlas::data::Data;
use atlas::markdown::LinkResolver;
use atlas::render::{Job, Renderer, Theme};
use atlas::site::{BuildOptions, Site};

#[allow(dead_code)]
#[path = "../examples/gen-site.rs"]
mod gen_site;

/// Logical pages of the small site `site_build` and `render` use.
const SMALL_N: usize = 200;

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    config: Config,
    pages: Vec<SourcePage>,
    data: Data,
}

fn fixture(n: usize) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    gen_site::generate(n, &root, &gen_site::Options::default()).expect("generate the site");
    let config = Config::load(&root).expect("config");
    let content = atlas::content::load(&root, &config);
    assert!(content.diagnostics.is_empty(), "{:?}", content.diagnostics);
    let (data, diags) = Data::load(&root, &config.language_codes());
    assert!(diags.is_empty(), "{diags:?}");
    Fixture {
        _dir: dir,
        root,
        config,
        pages: content.pages,
        data,
    }
}

impl Fixture {
    fn site(&self) -> Site {
        let paths = SitePaths::new(&self.root, &self.config);
        let content = Content {
            pages: self.pages.clone(),
            ..Default::default()
        };
        Site::build(
            self.config.clone(),
            paths,
            content,
            self.data.clone(),
            &BuildOptions::default(),
        )
        .expect("the generated site builds")
    }

    fn file_text(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).expect("generated file")
    }
}

fn front_matter(c: &mut Criterion, fx: &Fixture) {
    let mut g = c.benchmark_group("front_matter");
    for (name, rel, section, stem, lang) in [
        (
            "region_zh",
            "content/regions/r00020.zh.md",
            "regions",
            "r00020",
            "zh",
        ),
        (
            "drug_en",
            "content/drugs/d00021.en.md",
            "drugs",
            "d00021",
            "en",
        ),
    ] {
        let text = fx.file_text(rel);
        g.bench_function(name, |b| {
            b.iter(|| {
                atlas::content::parse_page(
                    black_box(&text),
                    PathBuf::from(rel),
                    section.to_string(),
                    stem.to_string(),
                    lang.to_string(),
                    Kind::Page,
                )
                .expect("valid page")
            })
        });
    }
    g.finish();
}

/// Resolves every `@/` link and source id, as the site does for existing pages.
struct AnyPage;

impl LinkResolver for AnyPage {
    fn resolve(&self, path: &str) -> Result<(String, String), String> {
        let key = path.trim_end_matches(".md");
        Ok((key.to_string(), format!("/zh/{key}/")))
    }
    fn asset(&self, _rel: &str) -> Option<String> {
        None
    }
    fn source_exists(&self, _id: &str) -> bool {
        true
    }
}

fn markdown(c: &mut Criterion, fx: &Fixture) {
    let mut g = c.benchmark_group("markdown");
    for (name, stem, lang) in [("zh", "r00020", "zh"), ("en", "r00020", "en")] {
        let p = fx
            .pages
            .iter()
            .find(|p| p.stem == stem && p.lang == lang)
            .expect("generated page");
        g.bench_function(name, |b| {
            b.iter(|| atlas::markdown::render(black_box(&p.body), &AnyPage))
        });
    }
    g.finish();
}

fn site_build(c: &mut Criterion, fx: &Fixture) {
    let mut g = c.benchmark_group("site_build");
    g.sample_size(20);
    let paths = SitePaths::new(&fx.root, &fx.config);
    g.bench_function(format!("n{SMALL_N}"), |b| {
        b.iter_batched(
            || {
                (
                    fx.config.clone(),
                    paths.clone(),
                    Content {
                        pages: fx.pages.clone(),
                        ..Default::default()
                    },
                    fx.data.clone(),
                )
            },
            |(config, paths, content, data)| {
                Site::build(config, paths, content, data, &BuildOptions::default()).expect("builds")
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn render(c: &mut Criterion, fx: &Fixture) {
    let site = fx.site();
    let theme = Theme::load(
        &fx.root,
        &fx.root.join("themes/atlas"),
        &fx.config.language_codes(),
    )
    .expect("theme");
    let mut g = c.benchmark_group("render");
    g.bench_function(format!("renderer_new_n{SMALL_N}"), |b| {
        b.iter(|| Renderer::new(black_box(&site), &theme))
    });
    let r = Renderer::new(&site, &theme);
    let page = |lang: &str, key: &str| site.page(lang, key).expect("page exists");
    for (name, i) in [
        ("region_page_zh", page("zh", "regions/r00020")),
        ("drug_page_en", page("en", "drugs/d00021")),
        (
            // lists its SMALL_N / 2 pages
            "section_page_zh",
            page("zh", "regions/_index"),
        ),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| r.render(black_box(&Job::Page(i))).expect("renders"))
        });
    }
    g.finish();
}

fn benches(c: &mut Criterion) {
    let fx = fixture(SMALL_N);
    front_matter(c, &fx);
    markdown(c, &fx);
    site_build(c, &fx);
    render(c, &fx);
}

criterion_group!(stages, benches);
criterion_main!(stages);
