//! Rendering the site model through the theme's Tera templates, in parallel.
//!
//! The theme is `themes/<theme>/`: `templates/*.html` (Tera, autoescaped), `i18n/<lang>.toml`
//! (interface strings, read by the `trans(key=...)` function) and `static/` (copied to the
//! output root). Every page's context is built from values prepared once per language, so
//! the per-page cost is the page itself (Tera values share their maps by reference count).
//!
//! Takes the whole [`Site`] and a loaded [`Theme`]; gives the bytes of every output file
//! ([`Renderer`]) or writes them into a staging folder ([`render_site`]). Must not change
//! the site model, and knows nothing of how the output is served.
//!
//! Where things are: `theme.rs` (loading templates), `i18n.rs` (interface strings),
//! `errors.rs` (Tera and write errors as diagnostics), `jobs.rs` (the list of outputs),
//! `context.rs` (the [`Renderer`] and the values pages share), one file per kind of output
//! (`pages.rs`, `map.rs` (the home page's map), `compare.rs`, `timeline.rs`, `sources.rs`,
//! `taxonomies.rs`, `search.rs`, `root.rs`, `feeds.rs`, `sitemap.rs`, `redirects.rs`), and
//! `tvalue.rs` (building Tera values directly).

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::output::Staging;
use crate::site::Site;

mod cite;
mod compare;
mod context;
mod errors;
mod feeds;
mod i18n;
mod jobs;
mod map;
mod pages;
mod redirects;
mod root;
mod search;
mod sitemap;
mod sources;
mod taxonomies;
mod template_syntax;
mod theme;
mod timeline;
mod tvalue;

pub use context::Renderer;
use context::permalink;
pub use errors::tera_diagnostics;
use errors::write_error;
pub use feeds::FEED_LIMIT;
pub use i18n::{I18n, REQUIRED_KEYS};
pub use jobs::{Job, Written, jobs, static_files};
pub use theme::{REQUIRED_TEMPLATES, Theme, ThemeCache};

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct RenderStats {
    /// HTML pages per language code (content pages, generated pages and fallbacks).
    pub pages: BTreeMap<String, usize>,
    /// Static files copied (theme and content).
    pub static_files: usize,
    /// Other generated files (root, 404, redirects, CSV, JSON).
    pub other_files: usize,
}

/// Renders the whole site into the staging folder, in parallel.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    out: &Staging,
) -> Result<RenderStats, Vec<Diagnostic>> {
    let r = Renderer::new(site, theme);
    let jobs = jobs(site);
    let one = |job: &Job| -> Result<Option<String>, Vec<Diagnostic>> {
        // Files a job hands over early (the search index's text chunks, on a large site
        // most of its bytes) are written at once instead of held until the job is done.
        let mut err: Option<Diagnostic> = None;
        let w = r.render_to(job, &mut |path, bytes| {
            if err.is_none() {
                if let Err(e) = out.write(&path, &bytes) {
                    err = Some(write_error(&path, e));
                }
            }
        })?;
        if let Some(e) = err {
            return Err(vec![e]);
        }
        for (path, bytes) in
            std::iter::once((&w.path, &w.bytes)).chain(w.more.iter().map(|(p, b)| (p, b)))
        {
            out.write(path, bytes)
                .map_err(|e| vec![write_error(path, e)])?;
        }
        Ok(job.lang(site).map(str::to_string))
    };
    let (pages, others): (Vec<&Job>, Vec<&Job>) =
        jobs.iter().partition(|j| matches!(j, Job::Page(_)));
    // The generated pages (timeline, compare, sources, feeds...) hold large transient values:
    // render them one after another on one thread while the content pages fill both.
    let (mut results, more): (Vec<_>, Vec<_>) = rayon::join(
        || others.iter().map(|j| one(j)).collect(),
        || pages.par_iter().map(|j| one(j)).collect(),
    );
    results.extend(more);
    let mut stats = RenderStats::default();
    let mut errs = Vec::new();
    for res in results {
        match res {
            Ok(Some(lang)) => *stats.pages.entry(lang).or_default() += 1,
            Ok(None) => stats.other_files += 1,
            Err(d) => errs.extend(d),
        }
    }
    for (rel, src) in static_files(site, theme) {
        match out.copy(&rel, &src) {
            Ok(()) => stats.static_files += 1,
            Err(err) => errs.push(write_error(&rel, err)),
        }
    }
    if errs.is_empty() {
        Ok(stats)
    } else {
        Err(errs)
    }
}

impl<'a> Renderer<'a> {
    /// Prepares the values every page shares.
    pub fn new(site: &'a Site, theme: &'a Theme) -> Self {
        let refs = (0..site.pages.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        let common = context::common_contexts(site, theme);
        let sources = sources::prepared(site, &theme.i18n);
        Renderer {
            site,
            theme,
            common,
            refs,
            sources,
            segmenter: std::sync::OnceLock::new(),
            segmenters: None,
            only_checking: false,
        }
    }

    /// A renderer for a caller that only wants to know whether each job renders (`atlas
    /// lsp`): a job gives its template output and leaves out the files made by code alone,
    /// which cannot fail (the comparison table's CSV and JSON, the "cite this page" files).
    pub fn only_checking(mut self) -> Self {
        self.only_checking = true;
        self
    }

    /// Renders one output.
    pub fn render(&self, job: &Job) -> Result<Written, Vec<Diagnostic>> {
        let mut early = Vec::new();
        let mut w = self.render_to(job, &mut |path, bytes| early.push((path, bytes)))?;
        early.append(&mut w.more);
        w.more = early;
        Ok(w)
    }

    /// [`Renderer::render`], handing files to `early` as soon as they are made when a job
    /// makes several (the search index's text chunks, as they fill); those are not in the
    /// returned [`Written::more`].
    pub fn render_to(
        &self,
        job: &Job,
        early: &mut dyn FnMut(String, Vec<u8>),
    ) -> Result<Written, Vec<Diagnostic>> {
        let site = self.site;
        let (path, bytes) = match job {
            Job::Compare(lang) if self.only_checking => {
                let html = self.compare_page(lang)?;
                (format!("{lang}/compare/index.html"), html)
            }
            Job::Compare(lang) => {
                let mut w = self.compare_files(lang)?;
                w.more.extend(self.compare_cite_files(lang));
                return Ok(w);
            }
            Job::Feed(lang) => (format!("{lang}/atom.xml"), self.feed(lang).into_bytes()),
            Job::SearchIndex(lang) => return Ok(self.search_index(lang, early)),
            Job::Sitemap => ("sitemap.xml".into(), self.sitemap().into_bytes()),
            Job::Robots => ("robots.txt".into(), self.robots().into_bytes()),
            Job::Alias(a) => self.redirect(*a),
            _ => {
                let tdir = self.theme.dir.join("templates");
                let (path, html) = self
                    .render_html(job)
                    .map_err(|e| tera_diagnostics(&e, &tdir, &site.paths.root))?;
                (path, html)
            }
        };
        let more = match job {
            Job::Page(i) if !self.only_checking => self.page_cite_files(*i),
            _ => Vec::new(),
        };
        Ok(Written { path, bytes, more })
    }

    /// The HTML page of a job made from a template.
    fn render_html(&self, job: &Job) -> Result<(String, Vec<u8>), tera::Error> {
        match job {
            Job::Page(i) => self.page_html(*i),
            Job::Timeline(lang) => self.timeline_html(lang),
            Job::Sources(lang) => self.sources_html(lang),
            Job::Taxonomy(lang, ti) => self.taxonomy_html(lang, *ti),
            Job::Term(lang, ti, term) => self.term_html(lang, *ti, *term),
            Job::SearchPage(lang) => self.search_page_html(lang),
            Job::Root => self.root_html(),
            Job::NotFound => self.not_found_html(),
            other => Err(tera::Error::message(format!(
                "{other:?} is not an HTML page"
            ))),
        }
    }
}
