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

pub use crate::content::ParseCache;
pub use crate::site::MarkdownCache;

/// Everything kept between rebuilds.
#[derive(Debug, Default)]
pub struct BuildCache {
    /// Parsed Markdown files.
    pub parsed: ParseCache,
    /// Rendered Markdown.
    pub markdown: MarkdownCache,
    /// The search indexes' segmenter (shared with each rebuild's renderer).
    pub segmenter: std::sync::Arc<crate::search::SegmenterCache>,
}
