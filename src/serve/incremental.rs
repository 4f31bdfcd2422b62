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
//! The fingerprints are conservative (a job is re-rendered whenever anything it might read
//! changed). `tests/serve.rs` checks that a series of edits leaves exactly the bytes a full
//! build makes.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use crate::build::cache::BuildCache;
use crate::build::{self, BuildArgs};
use crate::content::Kind;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::{self, Job, Renderer, Theme};
use crate::site::{DRUGS, REGIONS, Site};

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

#[derive(Debug, Clone)]
struct StaticEntry {
    source: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
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
        }
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
        self.cache = BuildCache::default();
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
        let fp = Fingerprints::new(&site, theme_hash, self.args.drafts);
        let all_jobs = render::jobs(&site);
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
        let renderer = Renderer::new(&site, &theme).with_segmenter_cache(&segmenters);
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
            let mut d = Diagnostics(errors);
            d.extend(site.warnings.clone());
            return Err(d.sorted());
        }

        // Everything rendered: apply. First the set of paths the new site has.
        let mut new_jobs: HashMap<String, (u64, Vec<String>)> = HashMap::with_capacity(keyed.len());
        let rendered_paths: HashMap<&str, &render::Written> = todo
            .iter()
            .zip(&written)
            .map(|((key, _, _), w)| (key.as_str(), w))
            .collect();
        let deferred: HashSet<&str> = later.iter().map(|(key, _, _)| key.as_str()).collect();
        for (key, print, _) in &keyed {
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
        for w in written {
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
            if let Some(b) = bytes {
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
        let base_path = site.config.base_path();
        let languages = site
            .config
            .languages
            .iter()
            .map(|l| (l.code.clone(), format!("{base_path}{}/", l.code)))
            .collect();
        let mut update = Update {
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
                        // Hidden by a static file of the same path (see above).
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
                let mut d = Diagnostics(errors);
                d.extend(site.warnings.clone());
                return Err(d.sorted());
            }
            changed.sort();
            removed.sort();
            update.changed = changed;
            update.removed = removed;
            update.rendered = later.len();
            update.static_read = 0;
            update.load_time = Duration::ZERO;
            update.render_time = start.elapsed();
            Some(update)
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
}

/// A job with its key and fingerprint.
type KeyedJob = (String, u64, Job);

/// A static file found by a scan: its output path, what we know of it, and its bytes when
/// they were read again.
type ScannedStatic = (String, StaticEntry, Option<Bytes>);

impl Incremental {
    fn scan_statics(
        &mut self,
        site: &Site,
        theme: &Theme,
        touched: &[PathBuf],
        force: bool,
    ) -> Result<Vec<ScannedStatic>, Vec<Diagnostic>> {
        let touched: HashSet<PathBuf> = touched.iter().map(|p| normalize(p)).collect();
        let list = render::static_files(site, theme);
        let results: Vec<Result<ScannedStatic, Diagnostic>> = list
            .into_par_iter()
            .map(|(rel, source)| {
                let meta = std::fs::metadata(&source).map_err(|e| read_error(site, &source, e))?;
                let entry = StaticEntry {
                    source: source.clone(),
                    len: meta.len(),
                    modified: meta.modified().ok(),
                };
                let same = !force
                    && self.outputs.contains_key(&rel)
                    && self.statics.get(&rel).is_some_and(|old| {
                        old.source == entry.source
                            && old.len == entry.len
                            && old.modified == entry.modified
                            && entry.modified.is_some()
                    })
                    && !touched.contains(&normalize(&source));
                if same {
                    return Ok((rel, entry, None));
                }
                let bytes = std::fs::read(&source).map_err(|e| read_error(site, &source, e))?;
                Ok((rel, entry, Some(Bytes::from(bytes))))
            })
            .collect();
        let mut out = Vec::new();
        let mut errs = Vec::new();
        for r in results {
            match r {
                Ok(s) => out.push(s),
                Err(e) => errs.push(e),
            }
        }
        self.last_static_reads = out.iter().filter(|(_, _, b)| b.is_some()).count();
        if errs.is_empty() { Ok(out) } else { Err(errs) }
    }
}

fn read_error(site: &Site, source: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot read the file: {e}"))
        .in_file(source.strip_prefix(&site.paths.root).unwrap_or(source))
        .hint("check that the file exists and is readable")
}

fn normalize(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// A hash of the theme's templates and interface strings (not its static files, which are
/// compared one by one).
fn theme_hash(dir: &Path) -> u64 {
    let mut h = Xxh3::new();
    for e in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !(e.depth() == 1 && e.file_name() == "static"))
        .flatten()
    {
        if e.file_type().is_file() {
            e.path().hash(&mut h);
            match std::fs::read(e.path()) {
                Ok(b) => b.hash(&mut h),
                Err(_) => 0u8.hash(&mut h),
            }
        }
    }
    h.finish()
}

/// Feeds `Debug` output into a hasher without allocating.
struct HashWriter<'a>(&'a mut Xxh3);

impl std::fmt::Write for HashWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

fn debug_hash(h: &mut Xxh3, v: &dyn std::fmt::Debug) {
    let _ = write!(HashWriter(h), "{v:?}");
    h.update(&[0xff]);
}

/// Every field of a table of contents (as `debug_hash` would, without formatting).
fn hash_toc(h: &mut Xxh3, toc: &[crate::markdown::TocEntry]) {
    toc.len().hash(h);
    for e in toc {
        (e.level, &e.id, &e.title).hash(h);
        hash_toc(h, &e.children);
    }
}

/// Fingerprints of everything jobs read, computed once per rebuild.
struct Fingerprints<'a> {
    site: &'a Site,
    /// Shared by every output of a language: config, data, theme, navigation, taxonomies.
    global: HashMap<String, u64>,
    /// Per page: what lists and links show of it (key, language, path, fallback, its file's
    /// front matter, its sources).
    meta: Vec<u64>,
    /// Per page: `meta` plus what page lists show of the body (summary, reading time).
    refs: Vec<u64>,
    /// Per file: the rendered body.
    body: Vec<u64>,
    /// (language, section) → the section's pages, in list order.
    sections: HashMap<(String, String), Vec<usize>>,
    /// (language, region slug) → drug pages naming the region and region pages under it.
    region_deps: HashMap<(String, String), Vec<usize>>,
    /// Per language: the comparison table (cells and region columns).
    compare: HashMap<String, u64>,
    /// Per language: the timeline (events and the pages they belong to).
    timeline: HashMap<String, u64>,
}

impl<'a> Fingerprints<'a> {
    fn new(site: &'a Site, theme_hash: u64, drafts: bool) -> Self {
        let file_meta: Vec<u64> = site
            .files
            .par_iter()
            .map(|f| {
                let mut h = Xxh3::new();
                f.file.hash(&mut h);
                f.lang.hash(&mut h);
                f.kind.hash(&mut h);
                f.section.hash(&mut h);
                f.stem.hash(&mut h);
                f.front_text.hash(&mut h);
                f.front.title.hash(&mut h);
                h.finish()
            })
            .collect();
        let file_ref: Vec<u64> = site
            .rendered
            .par_iter()
            .map(|r| {
                let mut h = Xxh3::new();
                r.summary.hash(&mut h);
                r.reading_time.hash(&mut h);
                h.finish()
            })
            .collect();
        let body: Vec<u64> = site
            .rendered
            .par_iter()
            .map(|r| {
                let mut h = Xxh3::new();
                r.html.hash(&mut h);
                r.summary.hash(&mut h);
                r.text.hash(&mut h);
                hash_toc(&mut h, &r.toc);
                r.word_count.hash(&mut h);
                r.reading_time.hash(&mut h);
                h.finish()
            })
            .collect();
        let meta: Vec<u64> = site
            .pages
            .par_iter()
            .map(|p| {
                let mut h = Xxh3::new();
                p.key.hash(&mut h);
                p.lang.hash(&mut h);
                p.path.hash(&mut h);
                p.fallback.hash(&mut h);
                file_meta[p.file].hash(&mut h);
                p.sources.hash(&mut h);
                h.finish()
            })
            .collect();
        let refs: Vec<u64> = site
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut h = Xxh3::new();
                meta[i].hash(&mut h);
                file_ref[p.file].hash(&mut h);
                h.finish()
            })
            .collect();

        let mut sections = HashMap::new();
        for p in &site.pages {
            let f = &site.files[p.file];
            let key = (p.lang.clone(), f.section.clone());
            if f.kind != Kind::Home && !sections.contains_key(&key) {
                let list = site.section_pages(&p.lang, &f.section).to_vec();
                sections.insert(key, list);
            }
        }
        let mut region_deps: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (i, p) in site.pages.iter().enumerate() {
            let f = &site.files[p.file];
            if let Some(d) = &f.front.drug {
                for r in &d.regions {
                    region_deps
                        .entry((p.lang.clone(), r.clone()))
                        .or_default()
                        .push(i);
                }
            }
            if let Some(parent) = f.front.region.as_ref().and_then(|r| r.parent.as_ref()) {
                region_deps
                    .entry((p.lang.clone(), parent.clone()))
                    .or_default()
                    .push(i);
            }
        }

        let mut shared = Xxh3::new();
        theme_hash.hash(&mut shared);
        drafts.hash(&mut shared);
        debug_hash(&mut shared, &site.config);
        debug_hash(&mut shared, &site.data);
        site.sections().hash(&mut shared);
        let shared = shared.finish();
        let mut global = HashMap::new();
        for lang in site.config.language_codes() {
            let mut h = Xxh3::new();
            shared.hash(&mut h);
            lang.hash(&mut h);
            for s in [REGIONS, DRUGS] {
                site.page(lang, &format!("{s}/_index"))
                    .is_some()
                    .hash(&mut h);
                sections
                    .get(&(lang.to_string(), s.to_string()))
                    .is_some_and(|v| !v.is_empty())
                    .hash(&mut h);
            }
            if let Some(m) = site.langs.get(lang) {
                for t in &m.taxonomies {
                    t.id.hash(&mut h);
                    t.terms.len().hash(&mut h);
                }
            }
            global.insert(lang.to_string(), h.finish());
        }
        let mut all = Xxh3::new();
        shared.hash(&mut all);
        let mut langs: Vec<_> = global.iter().collect();
        langs.sort();
        langs.hash(&mut all);
        global.insert(String::new(), all.finish());

        let mut compare = HashMap::new();
        let mut timeline = HashMap::new();
        for (lang, m) in &site.langs {
            let mut h = Xxh3::new();
            for &r in &m.compare.regions {
                refs[r].hash(&mut h);
            }
            for row in &m.compare.cells {
                row.len().hash(&mut h);
                for cell in row {
                    cell.as_ref()
                        .map(|c| (&c.value, &c.source, &c.note))
                        .hash(&mut h);
                }
            }
            compare.insert(lang.clone(), h.finish());
            let mut h = Xxh3::new();
            for e in &m.timeline {
                (e.date, e.kind, &e.title, &e.source, meta[e.page]).hash(&mut h);
            }
            timeline.insert(lang.clone(), h.finish());
        }

        Fingerprints {
            site,
            global,
            meta,
            refs,
            body,
            sections,
            region_deps,
            compare,
            timeline,
        }
    }

    fn global(&self, lang: &str) -> u64 {
        self.global.get(lang).copied().unwrap_or(0)
    }

    fn meta_of(&self, h: &mut Xxh3, page: Option<usize>) {
        page.map(|p| self.meta[p]).hash(h);
    }

    /// The key that names a job across rebuilds (page indices move when files come and go)
    /// and the fingerprint of its inputs.
    fn job(&self, job: &Job) -> (String, u64) {
        let site = self.site;
        let mut h = Xxh3::new();
        let key = match job {
            Job::Page(i) => {
                let i = *i;
                let p = &site.pages[i];
                let f = site.file(i);
                self.global(&p.lang).hash(&mut h);
                self.meta[i].hash(&mut h);
                self.body[p.file].hash(&mut h);
                for &b in &p.backlinks {
                    self.refs[b].hash(&mut h);
                }
                0xb1u8.hash(&mut h);
                for t in site.translations(i) {
                    self.meta[t].hash(&mut h);
                }
                0xb2u8.hash(&mut h);
                if !f.section.is_empty() {
                    self.meta_of(&mut h, site.page(&p.lang, &format!("{}/_index", f.section)));
                }
                match f.kind {
                    Kind::Section => {
                        let list = self.sections.get(&(p.lang.clone(), f.section.clone()));
                        for &j in list.into_iter().flatten() {
                            self.refs[j].hash(&mut h);
                        }
                    }
                    Kind::Home => {
                        // Section cards, counts and statistics of the whole language.
                        for (j, q) in site.pages.iter().enumerate() {
                            if q.lang == p.lang {
                                self.refs[j].hash(&mut h);
                            }
                        }
                        // Recent events are shown on the home page.
                        self.timeline.get(&p.lang).hash(&mut h);
                        if let Some(m) = site.langs.get(&p.lang) {
                            m.timeline.len().hash(&mut h);
                            m.compare.known().hash(&mut h);
                            m.compare.unknown().hash(&mut h);
                        }
                    }
                    Kind::Page => {}
                }
                if let Some(r) = &f.front.region {
                    if let Some(parent) = &r.parent {
                        self.meta_of(&mut h, site.page(&p.lang, &format!("{REGIONS}/{parent}")));
                    }
                    let deps = self.region_deps.get(&(p.lang.clone(), f.stem.clone()));
                    for &j in deps.into_iter().flatten() {
                        self.refs[j].hash(&mut h);
                    }
                }
                if let Some(d) = &f.front.drug {
                    for r in &d.regions {
                        self.meta_of(&mut h, site.page(&p.lang, &format!("{REGIONS}/{r}")));
                    }
                }
                format!("page:{}", p.path)
            }
            Job::Compare(l) => {
                self.global(l).hash(&mut h);
                self.compare.get(l).hash(&mut h);
                format!("compare:{l}")
            }
            Job::Timeline(l) | Job::Feed(l) => {
                self.global(l).hash(&mut h);
                self.timeline.get(l).hash(&mut h);
                let kind = if matches!(job, Job::Feed(_)) {
                    "feed"
                } else {
                    "timeline"
                };
                format!("{kind}:{l}")
            }
            Job::SearchIndex(l) | Job::SearchPage(l) => {
                // The index holds every page's text, names and the names of its translations;
                // the search page lists every page (as lists do: `refs`, not the body).
                let index = matches!(job, Job::SearchIndex(_));
                self.global(l).hash(&mut h);
                for (i, p) in site.pages.iter().enumerate() {
                    self.meta[i].hash(&mut h);
                    if &p.lang == l {
                        if index {
                            self.body[p.file].hash(&mut h);
                        }
                        self.refs[i].hash(&mut h);
                    }
                }
                let kind = if index { "index" } else { "page" };
                format!("search.{kind}:{l}")
            }
            Job::Sources(l) => {
                self.global(l).hash(&mut h);
                for (i, p) in site.pages.iter().enumerate() {
                    if &p.lang == l && !p.sources.is_empty() {
                        self.meta[i].hash(&mut h);
                    }
                }
                format!("sources:{l}")
            }
            Job::Taxonomy(l, ti) => {
                self.global(l).hash(&mut h);
                let t = &site.langs[l].taxonomies[*ti];
                for term in &t.terms {
                    (&term.name, &term.slug, term.pages.len()).hash(&mut h);
                }
                format!("taxonomy:{l}:{}", t.id)
            }
            Job::Term(l, ti, k) => {
                self.global(l).hash(&mut h);
                let t = &site.langs[l].taxonomies[*ti];
                let term = &t.terms[*k];
                (&term.name, &term.slug).hash(&mut h);
                for &j in &term.pages {
                    self.refs[j].hash(&mut h);
                }
                format!("term:{l}:{}:{}", t.id, term.slug)
            }
            Job::Alias(a) => {
                self.global("").hash(&mut h);
                let (alias, target) = &site.aliases[*a];
                self.meta[*target].hash(&mut h);
                format!("alias:{alias}")
            }
            Job::Sitemap => {
                self.global("").hash(&mut h);
                self.meta.hash(&mut h);
                "sitemap".into()
            }
            Job::Root | Job::NotFound | Job::Robots => {
                self.global("").hash(&mut h);
                format!("{job:?}")
            }
        };
        (key, h.finish())
    }
}
