//! Incremental rebuilds for `atlas serve`.
//!
//! Every rebuild loads and checks the whole site with [`build::load_cached`], which keeps
//! the parse and the rendered Markdown of unchanged files from the last rebuild (see
//! [`crate::build::cache`]), then decides which outputs can differ from the last good build by
//! fingerprinting, for every [`Job`], the inputs that job reads: the page's own file and
//! rendered body, and the parts of other pages it shows (titles and URLs of backlinks and
//! translations, the summaries listed on a section page, the region columns of the
//! comparison table, the events of the timeline, ...), plus one fingerprint of everything
//! shared (config, data, theme templates and strings, the navigation). Only jobs whose
//! fingerprint changed are rendered again; of those, only outputs whose bytes changed are
//! reported. Static files are compared by size and modification time (and re-read when a
//! watcher event names them). The search indexes are rendered after the other outputs are
//! published ([`Incremental::rebuild_with`]).
//!
//! The stage's files: this one holds the in-memory output and the two-step rebuild;
//! [`fingerprints`] decides which jobs to render again; [`statics`] which static files to read
//! again. It writes nothing to disk (`atlas serve` serves [`Incremental::outputs`] from memory).
//!
//! The fingerprints are conservative (a job is re-rendered whenever anything it might read
//! changed). `tests/serve.rs` checks that a series of edits leaves exactly the bytes a full
//! build makes.

mod fingerprints;
mod statics;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bytes::Bytes;
use rayon::prelude::*;

use crate::build::cache::BuildCache;
use crate::build::{self, BuildArgs};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::{self, Job, Renderer};
use crate::site::Site;
use fingerprints::{BodyDigests, Fingerprints, theme_hash};
use statics::{ScannedStatic, StaticEntry, normalize};

/// What a successful rebuild changed.
#[derive(Debug, Default, Clone)]
pub struct Update {
    /// Output paths (`zh/regions/beijing/index.html`) whose bytes are new or changed.
    pub changed: Vec<String>,
    /// Output paths that no longer exist.
    pub removed: Vec<String>,
    /// Jobs rendered again (their inputs changed), of `total_jobs`.
    pub rendered: usize,
    /// Every job of the site.
    pub total_jobs: usize,
    /// Static files read again.
    pub static_read: usize,
    /// Time spent loading (reading everything, parsing and rendering the Markdown of what
    /// changed, building the model).
    pub load_time: Duration,
    /// Markdown files read again (the others' metadata showed them unchanged), of `files`.
    pub read: usize,
    /// Markdown files parsed again (the others' parse was kept), of `files`.
    pub parsed: usize,
    /// Markdown files whose body was rendered again (the others' was kept), of `files`.
    pub markdown_rendered: usize,
    /// Markdown files of the site (with drafts when they are built).
    pub files: usize,
    /// Time spent rendering and comparing.
    pub render_time: Duration,
    /// Warnings of the build.
    pub warnings: Vec<Diagnostic>,
    /// The site's base path (`/`, `/atlas/`).
    pub base_path: String,
    /// URL of each language's home page, under the base path: (code, `/atlas/zh/`).
    pub languages: Vec<(String, String)>,
    /// Pages per language and drafts left out, for the summary line.
    pub counts: crate::build::summary::SiteCounts,
}

/// Keeps the last good output in memory and brings it up to date.
pub struct Incremental {
    args: BuildArgs,
    /// Output path → bytes, exactly as `atlas build` writes them.
    outputs: HashMap<String, Bytes>,
    /// Job key → (fingerprint, output paths: one, or several for the search index).
    jobs: HashMap<String, (u64, Vec<String>)>,
    /// Output path → where a static file came from.
    statics: HashMap<String, StaticEntry>,
    /// Set by [`Incremental::render_all`]: the next rebuild renders every job.
    force_all: bool,
    /// Static files read by the last scan.
    last_static_reads: usize,
    /// Parsed files and rendered Markdown, kept between rebuilds.
    cache: BuildCache,
    /// Digests of the rendered bodies of the last rebuild.
    digests: BodyDigests,
    /// True for a caller that only wants the diagnostics (`atlas lsp`): see
    /// [`Incremental::diagnostics_only`].
    diagnostics_only: bool,
}

impl Incremental {
    /// A builder with no output yet; the first [`Incremental::rebuild`] renders everything.
    pub fn new(args: BuildArgs) -> Self {
        Incremental {
            args,
            outputs: HashMap::new(),
            jobs: HashMap::new(),
            statics: HashMap::new(),
            force_all: false,
            last_static_reads: 0,
            cache: BuildCache::default(),
            diagnostics_only: false,
            digests: BodyDigests::default(),
        }
    }

    /// The same builder for a caller that only wants what the build says (`atlas lsp`: a
    /// keystroke must not re-index every page of the site). Only the jobs that can fail are
    /// rendered ([`Job::can_fail`]: no search index, feed, sitemap or redirect), without
    /// the files code alone makes ([`Renderer::only_checking`]), and no output is kept:
    /// [`Incremental::outputs`] stays empty and updates list no changed or removed files.
    /// The diagnostics are those of the full builder.
    pub fn diagnostics_only(mut self) -> Self {
        self.diagnostics_only = true;
        self
    }

    /// The same builder, keeping a copy of what each rebuild read (see
    /// [`crate::build::cache::BuildCache::take_loaded`]): `atlas lsp` runs `atlas check`'s own
    /// checks on those pages instead of reading the content again.
    pub fn keeping_loaded(mut self) -> Self {
        self.cache.keep_loaded = true;
        self
    }

    /// What the site is built from.
    pub fn args(&self) -> &BuildArgs {
        &self.args
    }

    /// What is kept between rebuilds (`atlas lsp` sets its unsaved buffers as the parse
    /// cache's overlay).
    pub fn cache(&self) -> &BuildCache {
        &self.cache
    }

    /// The current output: path → bytes.
    pub fn outputs(&self) -> &HashMap<String, Bytes> {
        &self.outputs
    }

    /// Makes the next rebuild render every job, re-read every static file and parse and
    /// render every Markdown file again (for example after the watcher lost events, or after
    /// an internal error).
    pub fn render_all(&mut self) {
        self.force_all = true;
        let keep_loaded = self.cache.keep_loaded;
        self.cache = BuildCache::default();
        self.cache.keep_loaded = keep_loaded;
    }

    /// Loads the site again and renders what may have changed. `touched` are files the
    /// watcher saw change (static files among them are read again even if their size and
    /// time look the same). On error the previous output is kept as it was. The update
    /// covers everything (see [`Incremental::rebuild_with`] for the two steps).
    pub fn rebuild(&mut self, touched: &[PathBuf]) -> Result<Update, Diagnostics> {
        let mut early: Option<Update> = None;
        let late = self.rebuild_with(touched, &mut |u, _| early = Some(u.clone()))?;
        let mut u = early.unwrap_or_default();
        if let Some(late) = late {
            u.changed.extend(late.changed);
            u.changed.sort();
            u.changed.dedup();
            u.removed.extend(late.removed);
            u.removed.sort();
            u.removed.dedup();
            u.rendered += late.rendered;
            u.render_time += late.render_time;
        }
        Ok(u)
    }

    /// [`Incremental::rebuild`] in two steps, so that the pages do not wait for the search
    /// indexes (each holds the text of every page of its language, and no page shows it):
    /// `early` is called with the update of every other output (and the outputs) as soon as
    /// they are rendered and applied; then the search indexes whose inputs changed are
    /// rendered, applied and returned as a second update (None when there were none). A
    /// search index is only deferred when it exists already; until it is rendered again its
    /// job keeps its old fingerprint, so an error or a panic in the second step leaves it to
    /// be rendered by the next rebuild.
    pub fn rebuild_with(
        &mut self,
        touched: &[PathBuf],
        early: &mut dyn FnMut(&Update, &HashMap<String, Bytes>),
    ) -> Result<Option<Update>, Diagnostics> {
        let start = Instant::now();
        // What the watcher saw change is read again whatever its metadata says.
        let root = normalize(&self.args.root);
        let files: Vec<PathBuf> = touched
            .iter()
            .filter_map(|p| p.strip_prefix(&root).ok().map(Path::to_path_buf))
            .collect();
        self.cache.parsed.forget(&files);
        let (site, theme) = build::load_cached(&self.args, &self.cache)?;
        let load_time = start.elapsed();
        let (_, parsed) = self.cache.parsed.last_counts();
        let read = self.cache.parsed.last_reads();
        let (_, markdown_rendered) = self.cache.markdown.last_counts();
        let start = Instant::now();
        let theme_hash = theme_hash(theme.dir());
        let fp = Fingerprints::new(&site, theme_hash, self.args.drafts, &mut self.digests);
        let mut all_jobs = render::jobs(&site);
        if self.diagnostics_only {
            all_jobs.retain(Job::can_fail);
        }
        let total_jobs = all_jobs.len();
        let keyed: Vec<KeyedJob> = all_jobs
            .into_par_iter()
            .map(|job| {
                let (key, print) = fp.job(&job);
                (key, print, job)
            })
            .collect();
        let force = std::mem::take(&mut self.force_all);
        let (later, todo): (Vec<&KeyedJob>, Vec<&KeyedJob>) = keyed
            .iter()
            .filter(|(key, print, _)| force || self.jobs.get(key).is_none_or(|(p, _)| p != print))
            .partition(|(key, _, job)| {
                !force && matches!(job, Job::SearchIndex(_)) && self.jobs.contains_key(key)
            });
        let segmenters = self.cache.segmenter.clone();
        let mut renderer = Renderer::new(&site, &theme).with_segmenter_cache(&segmenters);
        if self.diagnostics_only {
            renderer = renderer.only_checking();
        }
        let results: Vec<Result<render::Written, Vec<Diagnostic>>> = todo
            .par_iter()
            .map(|(_, _, job)| renderer.render(job))
            .collect();
        let mut errors = Vec::new();
        let mut written = Vec::with_capacity(results.len());
        for r in results {
            match r {
                Ok(w) => written.push(w),
                Err(e) => errors.extend(e),
            }
        }
        let statics = match self.scan_statics(&site, &theme, touched, force) {
            Ok(s) => s,
            Err(e) => {
                errors.extend(e);
                Vec::new()
            }
        };
        if !errors.is_empty() {
            return Err(with_warnings(errors, &site));
        }

        let (changed, removed) = self.apply(&keyed, &todo, &later, written, statics);
        let base_path = site.config.base_path();
        let languages = site
            .config
            .languages
            .iter()
            .map(|l| (l.code.clone(), format!("{base_path}{}/", l.code)))
            .collect();
        let update = Update {
            changed,
            removed,
            rendered: todo.len(),
            total_jobs,
            static_read: self.last_static_reads,
            load_time,
            read,
            parsed,
            markdown_rendered,
            files: site.files.len(),
            render_time: start.elapsed(),
            warnings: site.warnings.clone(),
            base_path,
            languages,
            counts: crate::build::summary::SiteCounts::of(&site),
        };
        early(&update, &self.outputs);

        let late = if later.is_empty() {
            None
        } else {
            Some(self.render_deferred(&later, &renderer, &site, update)?)
        };
        drop(renderer);
        drop(later);
        drop(todo);
        drop(keyed);
        drop(fp);
        // Freeing a large site takes a while; the result is not kept waiting for it.
        let garbage = (site, theme);
        if std::thread::Builder::new()
            .name("atlas-serve-free".into())
            .spawn(move || drop(garbage))
            .is_err()
        {
            // Could not start a thread: `garbage` was dropped here instead.
        }
        Ok(late)
    }

    /// Applies the first step: the rendered jobs' outputs, then the static files (which win
    /// over a generated file of the same path), and removes what the new site no longer
    /// makes. Returns the changed and removed output paths, sorted.
    fn apply(
        &mut self,
        keyed: &[KeyedJob],
        todo: &[&KeyedJob],
        later: &[&KeyedJob],
        written: Vec<render::Written>,
        statics: Vec<ScannedStatic>,
    ) -> (Vec<String>, Vec<String>) {
        // First the set of paths the new site has.
        let mut new_jobs: HashMap<String, (u64, Vec<String>)> = HashMap::with_capacity(keyed.len());
        let rendered_paths: HashMap<&str, &render::Written> = todo
            .iter()
            .zip(&written)
            .map(|((key, _, _), w)| (key.as_str(), w))
            .collect();
        let deferred: HashSet<&str> = later.iter().map(|(key, _, _)| key.as_str()).collect();
        for (key, print, _) in keyed {
            let entry = match rendered_paths.get(key.as_str()) {
                Some(w) => (
                    *print,
                    std::iter::once(&w.path)
                        .chain(w.more.iter().map(|(p, _)| p))
                        .cloned()
                        .collect(),
                ),
                // Rendered in the second step; until then, as it was.
                None if deferred.contains(key.as_str()) => self.jobs[key].clone(),
                None => (*print, self.jobs[key].1.clone()),
            };
            new_jobs.insert(key.clone(), entry);
        }
        let mut live: HashSet<String> = new_jobs.values().flat_map(|(_, p)| p.clone()).collect();
        let mut changed = Vec::new();
        let keep = !self.diagnostics_only;
        for w in written.into_iter().filter(|_| keep) {
            for (path, bytes) in std::iter::once((w.path, w.bytes)).chain(w.more) {
                if self.outputs.get(&path).is_none_or(|b| b[..] != bytes[..]) {
                    changed.push(path.clone());
                    self.outputs.insert(path, Bytes::from(bytes));
                }
            }
        }
        // Static files are written after the pages, so a static file wins over a generated
        // file of the same path (as in `atlas build`). A job whose output a static file hides
        // is rendered again next time, in case the static file goes away.
        let mut new_statics = HashMap::new();
        for (rel, entry, bytes) in statics {
            if let Some(b) = bytes.filter(|_| keep) {
                if self.outputs.get(&rel).is_none_or(|old| old[..] != b[..]) {
                    changed.push(rel.clone());
                    self.outputs.insert(rel.clone(), b);
                }
            }
            for (_, (print, paths)) in new_jobs.iter_mut() {
                if paths.contains(&rel) {
                    *print = 0;
                }
            }
            live.insert(rel.clone());
            new_statics.insert(rel, entry);
        }
        let mut removed: Vec<String> = self
            .outputs
            .keys()
            .filter(|p| !live.contains(*p))
            .cloned()
            .collect();
        removed.sort();
        for p in &removed {
            self.outputs.remove(p);
        }
        changed.sort();
        changed.dedup();
        self.jobs = new_jobs;
        self.statics = new_statics;
        (changed, removed)
    }

    /// The second step: renders the deferred search indexes and applies them. `update` is
    /// the first step's, reused for its site-wide fields.
    fn render_deferred(
        &mut self,
        later: &[&KeyedJob],
        renderer: &Renderer<'_>,
        site: &Site,
        mut update: Update,
    ) -> Result<Update, Diagnostics> {
        let start = Instant::now();
        let results: Vec<Result<render::Written, Vec<Diagnostic>>> = later
            .par_iter()
            .map(|(_, _, job)| renderer.render(job))
            .collect();
        let mut changed = Vec::new();
        let mut removed = Vec::new();
        let mut errors = Vec::new();
        for ((key, print, _), r) in later.iter().zip(results) {
            let w = match r {
                Ok(w) => w,
                Err(e) => {
                    errors.extend(e);
                    continue;
                }
            };
            let old = self
                .jobs
                .get(key)
                .map(|(_, p)| p.clone())
                .unwrap_or_default();
            let files: Vec<(String, Vec<u8>)> =
                std::iter::once((w.path, w.bytes)).chain(w.more).collect();
            let paths: Vec<String> = files.iter().map(|(p, _)| p.clone()).collect();
            let mut print = *print;
            for (path, bytes) in files {
                if self.statics.contains_key(&path) {
                    // Hidden by a static file of the same path (see `apply`).
                    print = 0;
                    continue;
                }
                if self.outputs.get(&path).is_none_or(|b| b[..] != bytes[..]) {
                    changed.push(path.clone());
                    self.outputs.insert(path, Bytes::from(bytes));
                }
            }
            // Files this job made last time and makes no more (an index with fewer
            // shards), unless something else makes them.
            for p in old {
                let kept = paths.contains(&p)
                    || self.statics.contains_key(&p)
                    || self
                        .jobs
                        .iter()
                        .any(|(k, (_, ps))| k != key && ps.contains(&p));
                if !kept && self.outputs.remove(&p).is_some() {
                    removed.push(p);
                }
            }
            self.jobs.insert(key.clone(), (print, paths));
        }
        if !errors.is_empty() {
            return Err(with_warnings(errors, site));
        }
        changed.sort();
        removed.sort();
        update.changed = changed;
        update.removed = removed;
        update.rendered = later.len();
        update.static_read = 0;
        update.load_time = Duration::ZERO;
        update.render_time = start.elapsed();
        Ok(update)
    }
}

/// A job with its key and fingerprint.
type KeyedJob = (String, u64, Job);

/// A failed rebuild's errors with the site's warnings, in file order.
fn with_warnings(errors: Vec<Diagnostic>, site: &Site) -> Diagnostics {
    let mut d = Diagnostics(errors);
    d.extend(site.warnings.clone());
    d.sorted()
}
