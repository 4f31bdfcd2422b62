//! Where a value is in a page's front matter: [`Locator`] turns a path of keys and indexes
//! ([`Seg`]) into a line and column of the file. Takes a parsed page; gives positions. Reports
//! nothing itself.

use crate::content::SourcePage;
use crate::diagnostics::line_col;

/// One step of a path into the front matter: a key or an array index.
#[derive(Debug, Clone, Copy)]
pub(super) enum Seg<'a> {
    Key(&'a str),
    Idx(usize),
}

/// Finds the line and column of values in a page's front matter.
pub(super) struct Locator<'a> {
    page: &'a SourcePage,
    table: Option<toml::Spanned<toml::de::DeTable<'a>>>,
}

impl<'a> Locator<'a> {
    pub(super) fn new(page: &'a SourcePage) -> Self {
        Locator {
            page,
            table: toml::de::DeTable::parse(&page.front_text).ok(),
        }
    }

    fn span(&self, path: &[Seg]) -> Option<std::ops::Range<usize>> {
        let table = self.table.as_ref()?;
        let Some((Seg::Key(first), rest)) = path.split_first() else {
            return None;
        };
        let mut v = table.get_ref().get(*first)?;
        for s in rest {
            v = match s {
                Seg::Key(k) => v.get_ref().get(*k)?,
                Seg::Idx(i) => v.get_ref().get(*i)?,
            };
        }
        Some(v.span())
    }

    /// The (line, column) in the file of the value at `path`, or of the nearest enclosing
    /// value that exists, or of the front matter's first line.
    pub(super) fn at(&self, path: &[Seg]) -> (usize, usize) {
        let p = self.page;
        for n in (1..=path.len()).rev() {
            if let Some(span) = self.span(&path[..n]) {
                let (l, c) = line_col(&p.front_text, span.start);
                return (l + p.front_line - 1, c);
            }
        }
        // YAML front matter (or TOML that did not parse): look for the last key by name.
        let key = path.iter().rev().find_map(|s| match s {
            Seg::Key(k) => Some(*k),
            Seg::Idx(_) => None,
        });
        if let Some((l, c)) = key.and_then(|k| crate::diagnostics::locate(&p.front_text, k, "")) {
            return (l + p.front_line - 1, c);
        }
        (p.front_line, 1)
    }
}
