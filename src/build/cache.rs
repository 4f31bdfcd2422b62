//! What `atlas serve` keeps between rebuilds so that a one-file edit does not parse and render
//! every file again. The cache is a value owned by the caller (the serve loop) and passed
//! into [`super::load_cached`]; `atlas build` does not use it.
//!
//! - [`ParseCache`]: each Markdown file's front matter and body, by path and name, kept
//!   while the file's metadata shows it unchanged (trusted only once its change time is a few
//!   seconds old) or its bytes have the same hash.
//! - [`MarkdownCache`]: each file's rendered Markdown, kept while every question its render
//!   asked the link resolver gets the same answer (see [`crate::site::MarkdownCache`], which
//!   the site model owns).
//! - [`crate::render::ThemeCache`]: the compiled theme, while its templates and interface
//!   strings have the same bytes.
//! - With [`BuildCache::keep_loaded`], a copy of what the last load read (the content, the
//!   data and the config) for a caller that checks and looks things up in the same pages
//!   (`atlas lsp`), so that it does not read the content a second time.

use std::sync::Mutex;

pub use crate::content::ParseCache;
pub use crate::site::MarkdownCache;

use crate::config::Config;
use crate::content::Content;
use crate::data::Data;

/// What one load read, before the site model took it (see [`BuildCache::keep_loaded`]).
#[derive(Debug)]
pub struct Loaded {
    /// The configuration (with any command-line overrides).
    pub config: Config,
    /// The content as read: every page that parsed (drafts included), and the keys of the
    /// files that did not.
    pub content: Content,
    /// Sources and dimensions.
    pub data: Data,
}

/// Everything kept between rebuilds.
#[derive(Debug, Default)]
pub struct BuildCache {
    /// Parsed Markdown files.
    pub parsed: ParseCache,
    /// Rendered Markdown.
    pub markdown: MarkdownCache,
    /// The compiled theme, kept while its templates and strings are unchanged.
    pub theme: crate::render::ThemeCache,
    /// The search indexes' segmenter (shared with each rebuild's renderer).
    pub segmenter: std::sync::Arc<crate::search::SegmenterCache>,
    /// Keep a copy of what each load reads, for [`BuildCache::take_loaded`].
    pub keep_loaded: bool,
    pub(super) loaded: Mutex<Option<Loaded>>,
}

impl BuildCache {
    /// What the last load read, when [`BuildCache::keep_loaded`] is set and that load got as
    /// far as reading the content (its configuration loaded); taken, so each load's copy is
    /// seen once.
    pub fn take_loaded(&self) -> Option<Loaded> {
        self.loaded.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}
