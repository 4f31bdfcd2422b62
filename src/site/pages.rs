//! Output pages: one per content key and language, an untranslated page showing another
//! language's file (a fallback), with its URL path; the translations of a page.

use std::collections::BTreeMap;

use super::Site;
use crate::content::Kind;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// One output page: a content file in one output language.
#[derive(Debug, Clone)]
pub struct Page {
    /// Language-independent key (`regions/beijing`).
    pub key: String,
    /// Output language code.
    pub lang: String,
    /// Index into [`Site::files`] of the content shown (another language's when a fallback).
    pub file: usize,
    /// True when the page shows another language's content because it is not translated.
    pub fallback: bool,
    /// URL path under the base path (`zh/regions/beijing/`).
    pub path: String,
    /// Pages (same language) that link to this one, by index.
    pub backlinks: Vec<usize>,
    /// Source ids shown at the end of the page, numbered in this order.
    pub sources: Vec<String>,
}

impl Site {
    /// The same page in every language, in config order.
    pub fn translations(&self, page: usize) -> Vec<usize> {
        let key = &self.pages[page].key;
        self.config
            .language_codes()
            .iter()
            .filter_map(|l| self.page(l, key))
            .collect()
    }

    /// Pages shown in the other language because they are not translated.
    pub fn fallback_pages(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.pages.len()).filter(|&i| self.pages[i].fallback)
    }

    pub(super) fn make_pages(&mut self, diags: &mut Diagnostics) {
        // key -> lang -> file index
        let mut by_key: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for (i, f) in self.files.iter().enumerate() {
            by_key.entry(f.key()).or_default().insert(f.lang.clone(), i);
        }
        let order: Vec<String> = self
            .config
            .fallback_order()
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut missing: Vec<String> = Vec::new();
        for (key, present) in &by_key {
            for lang in self.config.language_codes() {
                let (file, fallback) = match present.get(lang) {
                    Some(&i) => (i, false),
                    None => {
                        let from = order
                            .iter()
                            .find_map(|l| present.get(l))
                            .copied()
                            .expect("a key has at least one language");
                        // A version that failed to parse is reported as such, not as missing.
                        if !self.broken_keys.contains(key) {
                            missing.push(format!(
                                "{lang}: {} (shows {})",
                                key,
                                self.files[from].file.display()
                            ));
                        }
                        (from, true)
                    }
                };
                let path = self.page_path(lang, file);
                self.index
                    .entry(lang.to_string())
                    .or_default()
                    .insert(key.clone(), self.pages.len());
                self.pages.push(Page {
                    key: key.clone(),
                    lang: lang.to_string(),
                    file,
                    fallback,
                    path,
                    backlinks: Vec::new(),
                    sources: Vec::new(),
                });
            }
        }
        if !missing.is_empty() {
            self.warnings.push(
                Diagnostic::warning(format!(
                    "{} page(s) are not translated and show the other language with a notice:\n    {}",
                    missing.len(),
                    missing.join("\n    ")
                ))
                .hint("add the missing <slug>.<lang>.md files"),
            );
        }
        let _ = diags;
    }

    fn page_path(&self, lang: &str, file: usize) -> String {
        let f = &self.files[file];
        match f.kind {
            Kind::Home => format!("{lang}/"),
            Kind::Section => format!("{lang}/{}/", f.section),
            Kind::Page => {
                let slug = f.front.slug.as_deref().unwrap_or(&f.stem);
                format!("{lang}/{}/{slug}/", f.section)
            }
        }
    }
}
