//! Fingerprints: for every [`Job`], one number that changes whenever anything the job reads
//! may have changed (the page's own file and rendered body, the parts of other pages it
//! shows, and one fingerprint of everything shared: config, data, theme, navigation).
//!
//! Takes the freshly loaded [`Site`] and a hash of the theme; gives, per job, the key that
//! names it across rebuilds and its fingerprint. It renders nothing and keeps nothing between
//! rebuilds (the caller compares with the last fingerprints). Conservative by design: a job
//! whose inputs might differ gets a new fingerprint.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use crate::content::Kind;
use crate::markdown::Rendered;
use crate::render::Job;
use crate::site::{DRUGS, REGIONS, Site};

/// A hash of the theme's templates and interface strings (not its static files, which are
/// compared one by one).
pub(super) fn theme_hash(dir: &Path) -> u64 {
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

/// Digests of rendered bodies, kept between rebuilds: a body the Markdown cache kept is the
/// same shared value as last time, and is not hashed again. Each entry holds its body, so
/// that no other body can take its address.
#[derive(Default)]
pub(super) struct BodyDigests(HashMap<usize, (Arc<Rendered>, u64, u64)>);

impl BodyDigests {
    /// Per file: (what page lists show of the body: summary, reading time; everything of
    /// it). Afterwards only these bodies are kept.
    fn of(&mut self, rendered: &[Arc<Rendered>]) -> (Vec<u64>, Vec<u64>) {
        let last = &self.0;
        let digests: Vec<(u64, u64)> = rendered
            .par_iter()
            .map(|r| match last.get(&(Arc::as_ptr(r) as usize)) {
                Some((_, list, all)) => (*list, *all),
                None => {
                    let mut h = Xxh3::new();
                    r.summary.hash(&mut h);
                    r.reading_time.hash(&mut h);
                    let list = h.finish();
                    let mut h = Xxh3::new();
                    r.html.hash(&mut h);
                    r.summary.hash(&mut h);
                    r.text.hash(&mut h);
                    hash_toc(&mut h, &r.toc);
                    r.word_count.hash(&mut h);
                    r.reading_time.hash(&mut h);
                    (list, h.finish())
                }
            })
            .collect();
        self.0 = rendered
            .iter()
            .zip(&digests)
            .map(|(r, &(list, all))| (Arc::as_ptr(r) as usize, (r.clone(), list, all)))
            .collect();
        digests.into_iter().unzip()
    }
}

/// Fingerprints of everything jobs read, computed once per rebuild.
pub(super) struct Fingerprints<'a> {
    site: &'a Site,
    /// Shared by every output of a language: config, data, theme, navigation, taxonomies.
    global: HashMap<String, u64>,
    /// Per page: what links to it show (key, language, path, fallback, its file's front
    /// matter).
    link: Vec<u64>,
    /// Per page: `link` plus the sources it lists (read by the page itself and by the
    /// sources page, which lists the pages citing each source).
    meta: Vec<u64>,
    /// Per page: `link` plus what page lists show of the body (summary, reading time).
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
    pub(super) fn new(
        site: &'a Site,
        theme_hash: u64,
        drafts: bool,
        digests: &mut BodyDigests,
    ) -> Self {
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
        let (file_ref, body) = digests.of(&site.rendered);
        let link: Vec<u64> = site
            .pages
            .par_iter()
            .map(|p| {
                let mut h = Xxh3::new();
                p.key.hash(&mut h);
                p.lang.hash(&mut h);
                p.path.hash(&mut h);
                p.fallback.hash(&mut h);
                file_meta[p.file].hash(&mut h);
                h.finish()
            })
            .collect();
        let (meta, refs): (Vec<u64>, Vec<u64>) = site
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut m = Xxh3::new();
                link[i].hash(&mut m);
                p.sources.hash(&mut m);
                let mut r = Xxh3::new();
                link[i].hash(&mut r);
                file_ref[p.file].hash(&mut r);
                (m.finish(), r.finish())
            })
            .unzip();

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
                        .map(|c| (&c.value, &c.source, &c.note, &c.inferred))
                        .hash(&mut h);
                }
            }
            compare.insert(lang.clone(), h.finish());
            let mut h = Xxh3::new();
            for e in &m.timeline {
                (e.date, e.kind, &e.title, &e.source, &e.inferred, &e.anchor).hash(&mut h);
                for p in e.pages() {
                    link[p].hash(&mut h);
                }
            }
            timeline.insert(lang.clone(), h.finish());
        }

        Fingerprints {
            site,
            global,
            link,
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

    fn link_of(&self, h: &mut Xxh3, page: Option<usize>) {
        page.map(|p| self.link[p]).hash(h);
    }

    /// The key that names a job across rebuilds (page indices move when files come and go)
    /// and the fingerprint of its inputs.
    pub(super) fn job(&self, job: &Job) -> (String, u64) {
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
                    self.link[t].hash(&mut h);
                }
                0xb2u8.hash(&mut h);
                if !f.section.is_empty() {
                    self.link_of(&mut h, site.page(&p.lang, &format!("{}/_index", f.section)));
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
                        self.link_of(&mut h, site.page(&p.lang, &format!("{REGIONS}/{parent}")));
                    }
                    let deps = self.region_deps.get(&(p.lang.clone(), f.stem.clone()));
                    for &j in deps.into_iter().flatten() {
                        self.refs[j].hash(&mut h);
                    }
                }
                if let Some(d) = &f.front.drug {
                    for r in &d.regions {
                        self.link_of(&mut h, site.page(&p.lang, &format!("{REGIONS}/{r}")));
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
                // the search page lists every page of its language (as lists do: `refs`, not
                // the body).
                let index = matches!(job, Job::SearchIndex(_));
                self.global(l).hash(&mut h);
                for (i, p) in site.pages.iter().enumerate() {
                    if index {
                        self.link[i].hash(&mut h);
                    }
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
                (&term.name, &term.slug, &term.translations).hash(&mut h);
                for &j in &term.pages {
                    self.refs[j].hash(&mut h);
                }
                format!("term:{l}:{}:{}", t.id, term.slug)
            }
            Job::Alias(a) => {
                self.global("").hash(&mut h);
                let (alias, target) = &site.aliases[*a];
                self.link[*target].hash(&mut h);
                format!("alias:{alias}")
            }
            Job::Sitemap => {
                self.global("").hash(&mut h);
                self.link.hash(&mut h);
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
