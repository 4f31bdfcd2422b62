//! Sources: the sources each page shows (citations, then front matter sources), the pages
//! citing a source, and the warning about sources no page cites.

use std::collections::HashSet;

use super::Site;
use crate::diagnostics::Diagnostic;

impl Site {
    /// Pages (any section, same language) that cite a source.
    pub fn citing_pages(&self, lang: &str, source: &str) -> Vec<usize> {
        (0..self.pages.len())
            .filter(|&i| {
                self.pages[i].lang == lang
                    && !self.pages[i].fallback
                    && self.pages[i].sources.iter().any(|s| s == source)
            })
            .collect()
    }

    /// Each page's sources, numbered in this order: its citations, then the front matter's.
    pub(super) fn collect_sources(&mut self) {
        let n = self.pages.len();
        for i in 0..n {
            let f = self.file(i);
            let mut ids: Vec<String> = self.body(i).citations.clone();
            let mut extra: Vec<&String> = Vec::new();
            if let Some(r) = &f.front.region {
                extra.extend(&r.sources);
                extra.extend(r.events.iter().map(|e| &e.source));
                extra.extend(r.compare.values().map(|v| &v.source));
            }
            if let Some(d) = &f.front.drug {
                extra.extend(&d.sources);
                extra.extend(d.events.iter().map(|e| &e.source));
            }
            for id in extra {
                if !ids.contains(id) {
                    ids.push(id.clone());
                }
            }
            self.pages[i].sources = ids;
        }
    }

    pub(super) fn warn_unused_sources(&mut self) {
        let used: HashSet<&str> = self
            .pages
            .iter()
            .flat_map(|p| p.sources.iter().map(String::as_str))
            .collect();
        let mut w = Vec::new();
        for s in &self.data.sources {
            if !used.contains(s.id.as_str()) {
                w.push(
                    Diagnostic::warning(format!("source `{}` is not cited by any page", s.id))
                        .in_file(crate::data::SOURCES_FILE)
                        .at_pos(crate::diagnostics::locate(
                            &std::fs::read_to_string(
                                self.paths.root.join(crate::data::SOURCES_FILE),
                            )
                            .unwrap_or_default(),
                            "id",
                            &format!("\"{}\"", s.id),
                        ))
                        .hint(format!("cite it with [@{}] in a page, or remove it", s.id)),
                );
            }
        }
        self.warnings.extend(w);
    }

    pub(super) fn source_ids(&self) -> String {
        let v: Vec<&str> = self.data.sources.iter().map(|s| s.id.as_str()).collect();
        if v.is_empty() {
            "(the registry is empty)".into()
        } else {
            v.join(", ")
        }
    }
}
