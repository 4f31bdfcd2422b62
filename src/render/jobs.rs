//! The outputs of a site: the list of [`Job`]s (one output file each, in a stable order), the
//! static files to copy, and what a rendered job gives ([`Written`]). Takes the site model;
//! must not render anything.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::theme::{Theme, files_under};
use crate::site::Site;

/// One file of the output. [`jobs`] lists them all; [`Renderer::render`](super::Renderer::render) makes one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Job {
    /// A content page (home, section or page) by page index, fallbacks included.
    Page(usize),
    /// `/<lang>/compare/`, with `table.csv` and `table.json` (the same cells, made once).
    Compare(String),
    /// `/<lang>/timeline/`.
    Timeline(String),
    /// `/<lang>/sources/`.
    Sources(String),
    /// `/<lang>/<taxonomy>/` by taxonomy index.
    Taxonomy(String, usize),
    /// `/<lang>/<taxonomy>/<term>/` by taxonomy and term index.
    Term(String, usize, usize),
    /// `/<lang>/atom.xml`: the timeline as an Atom feed.
    Feed(String),
    /// `/index.html`: the language chooser.
    Root,
    /// `/404.html`.
    NotFound,
    /// A redirect page, by index into [`Site::aliases`].
    Alias(usize),
    /// `/sitemap.xml`.
    Sitemap,
    /// `/robots.txt`.
    Robots,
    /// `/<lang>/search/index.json` and the shards and text chunks next to it: the search
    /// index (see [`crate::search`]).
    SearchIndex(String),
    /// `/<lang>/search/`: the search page (a list of every page without JavaScript).
    SearchPage(String),
}

impl Job {
    /// Whether rendering the job can fail: true for the outputs made from the theme's
    /// templates, false for the files made by code alone (feed, sitemap, robots.txt,
    /// redirects, search index), which can never report a problem. A caller that only wants
    /// the diagnostics (`atlas lsp`) renders only the jobs that can fail.
    pub fn can_fail(&self) -> bool {
        match self {
            Job::Page(_)
            | Job::Compare(_)
            | Job::Timeline(_)
            | Job::Sources(_)
            | Job::Taxonomy(..)
            | Job::Term(..)
            | Job::Root
            | Job::NotFound
            | Job::SearchPage(_) => true,
            Job::Feed(_) | Job::Alias(_) | Job::Sitemap | Job::Robots | Job::SearchIndex(_) => {
                false
            }
        }
    }

    /// The language of an HTML page of one language (counted in the build summary).
    pub fn lang<'s>(&'s self, site: &'s Site) -> Option<&'s str> {
        match self {
            Job::Page(i) => Some(&site.pages[*i].lang),
            Job::Compare(l)
            | Job::Timeline(l)
            | Job::Sources(l)
            | Job::Taxonomy(l, _)
            | Job::Term(l, _, _)
            | Job::SearchPage(l) => Some(l),
            _ => None,
        }
    }
}

/// Every output of the site, in a stable order.
pub fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs: Vec<Job> = (0..site.pages.len()).map(Job::Page).collect();
    for lang in site.config.language_codes() {
        let l = lang.to_string();
        jobs.extend([
            Job::Compare(l.clone()),
            Job::Timeline(l.clone()),
            Job::Sources(l.clone()),
            Job::Feed(l.clone()),
            Job::SearchIndex(l.clone()),
            Job::SearchPage(l.clone()),
        ]);
        for (ti, t) in site.langs[lang].taxonomies.iter().enumerate() {
            jobs.push(Job::Taxonomy(l.clone(), ti));
            jobs.extend((0..t.terms.len()).map(|term| Job::Term(l.clone(), ti, term)));
        }
    }
    jobs.extend([Job::Root, Job::NotFound, Job::Sitemap, Job::Robots]);
    jobs.extend((0..site.aliases.len()).map(Job::Alias));
    jobs
}

/// Static files to copy: (path in the output, file on disk). Theme files first, then files
/// that sit next to the content; a content file wins over a theme file of the same name.
pub fn static_files(site: &Site, theme: &Theme) -> Vec<(String, PathBuf)> {
    let mut out: BTreeMap<String, PathBuf> = BTreeMap::new();
    out.extend(files_under(&theme.dir.join("static")));
    for a in &site.assets {
        out.insert(a.rel.clone(), a.source.clone());
    }
    out.into_iter().collect()
}

/// A rendered output file.
#[derive(Debug, Clone)]
pub struct Written {
    /// Path in the output (`zh/regions/beijing/index.html`).
    pub path: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Further files of the same job, as (path, bytes): the search index's shards and text
    /// chunks.
    pub more: Vec<(String, Vec<u8>)>,
}
