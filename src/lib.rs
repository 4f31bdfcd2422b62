//! # atlas
//!
//! A static site generator for a bilingual, cross-linked, cited atlas: Markdown pages for
//! regions and drugs, rendered through Tera templates into a static site with a policy
//! comparison table.
//!
//! Data flows one way, one stage a module:
//! [`config`] → [`content`] (walk, split front matter, parse) → [`site`] (the whole model,
//! built once) → [`render`] (Markdown and Tera, in parallel) → [`output`] (atomic write).
//! [`build::build`] runs them all.

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod data;
pub mod date;
pub mod diagnostics;
pub mod lsp;
pub mod markdown;
pub mod output;
pub mod pictures;
pub mod raw_html;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod schema_json;
pub mod search;
pub mod serve;
pub mod site;
pub mod suggest;

pub use build::{BuildReport, build};
pub use diagnostics::{Diagnostic, Diagnostics, Severity};
