//! Reading `content/`: walking the tree, naming files, splitting and parsing front matter.
//!
//! Takes the site root and the [`Config`](crate::config::Config); gives a [`Content`]: a
//! list of [`SourcePage`]s (one per Markdown file) and [`Asset`]s (every other file), with
//! every problem found as a [`Diagnostic`]. Nothing here knows about other pages, and nothing
//! here may name the later stages (site, render, output, build). One file per job: `walk.rs`,
//! `name.rs` (file names), `front_matter.rs`, `page.rs`, `inferred.rs` (inference marks),
//! `alias.rs`, `parse_cache.rs`.

mod alias;
mod front_matter;
mod inferred;
mod name;
mod page;
mod parse_cache;
mod walk;

#[cfg(test)]
mod tests;

pub use alias::normalize_alias;
pub use front_matter::{Format, FrontMatter, Split, parse_front_matter, split_front_matter};
pub use name::valid_slug;
pub use page::{Kind, SourcePage, parse_page};
pub use parse_cache::{Overlay, ParseCache, RACY_SECONDS};
pub use walk::{is_ignored_name, load, load_cached};

use std::path::PathBuf;

use crate::diagnostics::Diagnostic;

/// A non-Markdown file under `content/`, copied to the output.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Absolute path on disk.
    pub source: PathBuf,
    /// Path relative to `content/`, with `/` separators.
    pub rel: String,
}

/// Everything read from `content/`.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Parsed Markdown files (drafts included; the site drops them).
    pub pages: Vec<SourcePage>,
    /// Other files.
    pub assets: Vec<Asset>,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
    /// Keys (`regions/beijing`) of well-named files that failed to parse: links to them are
    /// not reported again as broken.
    pub broken_keys: std::collections::HashSet<String>,
}
