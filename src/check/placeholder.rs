//! Placeholder titles: `atlas new` writes the title of every language but English as a
//! visible placeholder ([`crate::scaffold::TITLE_PLACEHOLDER`] and the English title), and
//! `check` warns about each until it is translated.
//!
//! Takes the pages; gives a warning at each placeholder title. Must not look at anything
//! but the title.

use crate::content::SourcePage;
use crate::diagnostics::{Diagnostic, locate};
use crate::scaffold::TITLE_PLACEHOLDER;

/// A warning for each page whose title is still `atlas new`'s placeholder.
pub(super) fn placeholder_titles(pages: &[&SourcePage]) -> Vec<Diagnostic> {
    pages
        .iter()
        .filter(|p| p.front.title.trim_start().starts_with(TITLE_PLACEHOLDER))
        .map(|p| {
            let pos = locate(&p.front_text, "title", TITLE_PLACEHOLDER)
                .map(|(l, c)| (l + p.front_line - 1, c));
            Diagnostic::warning(format!(
                "the title is still the placeholder `atlas new` wrote: {:?}",
                p.front.title
            ))
            .in_file(&p.file)
            .at_pos(pos)
            .hint(format!(
                "write the page's title in this file's language ({}): title = \"...\"",
                p.lang
            ))
        })
        .collect()
}
